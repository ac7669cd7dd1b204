# scripts/lib.sh -- shared by scripts/run.sh and scripts/test.sh.
#
# Installs what Summit needs from Debian, builds it, and runs a private
# PostgreSQL cluster inside the checkout (var/), never the system one.
# initdb refuses root, so as root the cluster belongs to the unprivileged
# "postgres" user that Debian's package creates.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR="$TOP/var"
PGBIN=/usr/lib/postgresql/15/bin
# The programs built here read templates, static files and migrations from
# the checkout, not from where `meson install` would put them.
export SUMMIT_DATA_DIR="$TOP"

# What the build and the demo need.
RUN_PACKAGES=(build-essential meson ninja-build pkg-config
	libglib2.0-dev libjson-glib-dev libpq-dev libmicrohttpd-dev libssl-dev
	libcurl4-openssl-dev libical-dev libargon2-dev libgmime-3.0-dev libsystemd-dev
	postgresql-15 postgresql-client-15 openssl ca-certificates)
# The check-in code's QR image: libqrencode draws it, libpng writes the mails' PNG.
RUN_PACKAGES+=(libqrencode-dev libpng-dev)
# The console's .xlsx exports: libxlsxwriter writes typed cells, never formulas.
RUN_PACKAGES+=(libxlsxwriter-dev)
# What only the tests and benchmarks need.
TEST_PACKAGES=(python3 python3-psycopg2 python3-aiosmtpd python3-dkim python3-icalendar libglpk-dev
	glpk-utils time wrk nodejs chromium
	clang libclang-rt-14-dev clang-format dovecot-imapd prometheus systemd)
# nginx in front of several summitd (tests/fault/test_nginx.py, bench/scale.sh).
TEST_PACKAGES+=(nginx)
# tests/http/test_api.py checks the API's answers against docs/openapi.json.
TEST_PACKAGES+=(python3-jsonschema)
# zbarimg decodes the mails' QR PNG in the door tests: an independent reader.
TEST_PACKAGES+=(zbar-tools)
# openpyxl reads the .xlsx exports back in tests/http: an independent reader.
TEST_PACKAGES+=(python3-openpyxl)

say() { printf '==> %s\n' "$*" >&2; }

install_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing Debian packages: ${missing[*]}; run as root or install them" >&2
		exit 1
	fi
	# Debian's postgresql package would create and start a system cluster;
	# Summit runs its own, so ask for none.
	mkdir -p /etc/postgresql-common
	grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf ||
		echo 'create_main_cluster = false' >>/etc/postgresql-common/createcluster.conf
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The end-to-end tests' npm packages (playwright-core, axe-core) in
# tests/e2e/node_modules, as tests/e2e/package-lock.json pins them; done
# again only when the lockfile changed.  Never downloads browsers: the
# tests drive Debian's chromium.
e2e_modules() {
	local dir="$TOP/tests/e2e"
	[ -f "$dir/package.json" ] || return 0
	command -v npm >/dev/null || install_packages npm
	if [ -f "$dir/node_modules/.package-lock.json" ] &&
		[ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ] &&
		[ "$dir/node_modules/.package-lock.json" -nt "$dir/package.json" ]; then
		return 0
	fi
	say "installing the end-to-end tests' npm packages"
	export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
	if [ -f "$dir/package-lock.json" ]; then
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	else
		(cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
	fi
	touch "$dir/node_modules/.package-lock.json"
}

# build DIR [meson options...]
build() {
	local dir=$1
	shift
	if [ ! -f "$TOP/$dir/build.ninja" ]; then
		say "configuring $dir"
		meson setup "$TOP/$dir" "$TOP" "$@" >/dev/null
	fi
	say "building $dir"
	ninja -C "$TOP/$dir" >/dev/null || ninja -C "$TOP/$dir"
}

# build_clang DIR: the whole tree (programs and tests) compiled by clang,
# a plain debug build with the same warnings and -Werror as gcc's, so
# code both compilers accept stays that way.  Nothing runs from it.
# Prints clang's errors and returns non-zero when it does not compile.
build_clang() {
	local dir=$1
	if [ ! -f "$TOP/$dir/build.ninja" ]; then
		say "configuring $dir (clang)"
		CC=clang meson setup "$TOP/$dir" "$TOP" -Dbuildtype=debug \
			>/dev/null || return 1
	fi
	say "building $dir (clang, compile only)"
	ninja -C "$TOP/$dir" -k 0 >/dev/null && return 0
	# Again, to show every error (-k 0: all files, not the first).
	ninja -C "$TOP/$dir" -k 0 | grep -E ': (error|warning):' >&2
	say "clang build failed in $dir"
	return 1
}

# build_fuzz DIR: the libFuzzer targets of tests/fuzz (docs/fuzzing.md),
# built by clang with ASan and UBSan in a folder of their own; only the
# targets (ninja's alias "fuzz"), not the rest of the project.
build_fuzz() {
	local dir=$1
	if [ ! -f "$TOP/$dir/build.ninja" ]; then
		say "configuring $dir"
		CC=clang meson setup "$TOP/$dir" "$TOP" -Dfuzz=true \
			-Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
			>/dev/null
	fi
	say "building the fuzz targets in $dir"
	ninja -C "$TOP/$dir" fuzz >/dev/null || ninja -C "$TOP/$dir" fuzz
}

# The cluster's user: postgres when we are root, else ourselves.
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_dir NAME: the folder for cluster NAME.  It lives in var/ unless the
# postgres user cannot reach the checkout (a checkout under /root, say);
# then it lives in /var/tmp and var/NAME links to it.
pg_dir() {
	local name=$1 dir="$VAR/$1"
	mkdir -p "$VAR"
	if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
		local alt="/var/tmp/summit-$(printf '%s' "$TOP" | sha256sum | cut -c1-12)-$name"
		mkdir -p "$alt"
		[ -L "$dir" ] || { rm -rf "$dir"; ln -s "$alt" "$dir"; }
		dir=$alt
	fi
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
	printf '%s\n' "$dir"
}

# pg_start NAME PORT: starts (creating if needed) a cluster listening only
# on a Unix socket in its own folder; prints the database URL.
pg_start() {
	local name=$1 port=$2 dir
	dir=$(pg_dir "$name")
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		say "creating PostgreSQL cluster in var/$name"
		pg_as "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust \
			--encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; return 1; }
	fi
	pg_as mkdir -p "$dir/run"
	if ! pg_as "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		say "starting PostgreSQL (var/$name)"
		pg_as "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
			-o "-c listen_addresses='' -k $dir/run -p $port -c max_connections=300 -c shared_buffers=256MB" \
			start >/dev/null || { tail -20 "$dir/server.log" >&2; return 1; }
	fi
	pg_as "$PGBIN/psql" -h "$dir/run" -p "$port" -U postgres -d postgres -Atqc \
		"SELECT 1 FROM pg_database WHERE datname = 'summit'" | grep -q 1 ||
		pg_as "$PGBIN/createdb" -h "$dir/run" -p "$port" -U postgres summit
	printf 'postgresql:///summit?host=%s&port=%s&user=postgres\n' "$dir/run" "$port"
}

pg_stop() {
	local name=$1 dir="$VAR/$1"
	[ -f "$dir/data/PG_VERSION" ] || return 0
	if pg_as "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		say "stopping PostgreSQL (var/$name)"
		pg_as "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
	fi
}

# A secret key for link tokens and CSRF, made once, readable only by us.
ensure_secret() {
	local f=$1
	[ -s "$f" ] && return 0
	mkdir -p "$(dirname "$f")"
	(umask 077 && openssl rand -hex 32 >"$f")
}
