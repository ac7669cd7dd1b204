#!/usr/bin/env bash
# scripts/run.sh -- install, build, start PostgreSQL, migrate, load the demo
# event and run summitd on 127.0.0.1.  Ctrl-C stops summitd and the cluster;
# running it again keeps the data in var/.
source "$(dirname "$0")/lib.sh"

install_packages "${RUN_PACKAGES[@]}"
build build -Dbuildtype=release

PORT=${SUMMIT_PORT:-8080}
export SUMMIT_DATABASE_URL
SUMMIT_DATABASE_URL=$(pg_start pg 54329)
trap 'pg_stop pg' EXIT
# Stopped by a signal (kill, timeout, a service manager) as by Ctrl-C: the
# EXIT trap stops the cluster too.
trap 'exit 143' TERM
trap 'exit 129' HUP

CONF="$VAR/summit.conf"
ensure_secret "$VAR/secret.key"
if [ ! -f "$CONF" ]; then
	sed -e "s|^port = .*|port = $PORT|" \
	    -e "s|^public_url = .*|public_url = http://127.0.0.1:$PORT|" \
	    -e "s|^templates_dir = .*|templates_dir = $TOP/templates|" \
	    -e "s|^migrations_dir = .*|migrations_dir = $TOP/sql|" \
	    -e "s|^static_dir = .*|static_dir = $TOP/static|" \
	    -e "s|^maildir = .*|maildir = $VAR/maildir|" \
	    -e "s|^secret_key_file = .*|secret_key_file = $VAR/secret.key|" \
	    -e "s|^url = .*|url = ${SUMMIT_DATABASE_URL//&/\\&}|" \
	    "$TOP/config/summit.conf.example" >"$CONF"
fi
# This run's port (SUMMIT_PORT) wins over an earlier run's, so the URL
# printed below is the one summitd answers on.
sed -i -e "s|^port = .*|port = $PORT|" \
    -e "s|^public_url = .*|public_url = http://127.0.0.1:$PORT|" "$CONF"

# summitd drops root for its own account once the port is bound.
if [ "$(id -u)" -eq 0 ]; then
	id -u summit >/dev/null 2>&1 || useradd --system --no-create-home \
		--shell /usr/sbin/nologin summit
	grep -q '^user = summit' "$CONF" || sed -i 's|^user =.*|user = summit|' "$CONF"
	mkdir -p "$VAR/maildir"
	chown -R summit "$VAR/maildir"
fi

"$TOP/build/src/summitctl" --config "$CONF" migrate
"$TOP/build/src/summitctl" --config "$CONF" load-demo
# The first run makes an organiser account and prints its set-password link.
"$TOP/build/src/summitctl" --config "$CONF" organiser add admin@example.org \
	--role admin --link 2>/dev/null || true
say "Summit is running at http://127.0.0.1:$PORT/  (organisers: /console; mail goes to var/maildir/new; Ctrl-C stops)"
echo "http://127.0.0.1:$PORT/"
"$TOP/build/src/summitd" --config "$CONF" || true
