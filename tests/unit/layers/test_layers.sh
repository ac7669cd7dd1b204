#!/usr/bin/env bash
# test_layers.sh -- scripts/check-layers.sh passes on the tree as it is
# and fails on each kind of layer violation, planted in a copy of src/
# (TAP output for meson).
set -uo pipefail

SRC=${SUMMIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

# fresh: a copy of src/ and scripts/ to plant one violation in.
fresh() {
	rm -rf "$tmp/top"
	mkdir -p "$tmp/top"
	cp -r "$SRC/src" "$SRC/scripts" "$tmp/top/"
}

# expect pass|fail NAME: runs the check on the copy.
expect() {
	local want=$1 name=$2 got
	n=$((n + 1))
	if bash "$tmp/top/scripts/check-layers.sh" "$tmp/top" >"$tmp/out" 2>&1; then
		got=pass
	else
		got=fail
	fi
	if [ "$got" = "$want" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (expected $want, got $got)"
		sed 's/^/# /' "$tmp/out"
		failed=1
	fi
}

# plant FILE LINE: appends LINE to FILE of the copy.
plant() {
	printf '%s\n' "$2" >>"$tmp/top/$1"
}

echo "1..12"
fresh
expect pass "the tree as it is passes (deviations allowlisted)"

fresh
plant src/web/calendar.c '#include "db/db.h"'
expect fail "web including a db header fails"

fresh
plant src/web/calendar.c 'static gint64 f(JsonObject *o) { return db_int(o, "id"); }'
expect fail "web calling db_* fails"

fresh
plant src/ctl/organiser.c 'static DbConn *c;'
expect fail "ctl naming a Db type fails"

fresh
plant src/app/seating.h 'struct db_seat_x;'
expect fail "app's public header naming a db struct fails"

fresh
plant src/base/log.c '#include "conf/conf.h"'
expect fail "base including a module of ours fails"

fresh
plant src/tmpl/tmpl.c '#include "app/app.h"'
expect fail "a lower module including a higher one fails"

fresh
plant src/app/event.c '#include <microhttpd.h>'
expect fail "microhttpd.h outside web fails"

fresh
plant src/db/pool.c '#include <libpq-fe.h>'
expect fail "libpq-fe.h outside db/internal.h fails"

fresh
plant src/web/calendar.c '/* not db_int(o, "x") nor DbConn: a comment */'
plant src/web/calendar.c 'static const char *s = "db_str(o) DbPool";'
expect pass "comments and strings naming db are no violation"

fresh
plant src/app/event.c 'static gint64 f(JsonObject *o) { return db_int(o, "id"); }'
expect pass "app calling db_* is its job"

fresh
printf 'src/web/calendar.c\n' >>"$tmp/top/scripts/layers-allow.txt"
expect fail "an allowlist line without a reason is refused"

exit $failed
