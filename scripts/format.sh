#!/usr/bin/env bash
# scripts/format.sh -- lays out every C file of src/ and tests/ with
# clang-format and the root .clang-format (BSD/OpenBSD KNF, STYLE.md).
#
#	scripts/format.sh		rewrites the files in place
#	scripts/format.sh --check	changes nothing; lists the files whose
#					layout differs and exits 1 if any do
#
# Only our own files: tests/e2e/node_modules and build folders are not
# ours.  CLANG_FORMAT names another binary (default clang-format, which
# Debian 12 points at clang-format-14; other versions lay out differently).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}

check=0
case "${1:-}" in
--check) check=1 ;;
"") ;;
*)
	echo "usage: $0 [--check]" >&2
	exit 2
	;;
esac

if ! command -v "$CLANG_FORMAT" >/dev/null; then
	echo "$0: $CLANG_FORMAT not found (Debian package clang-format)" >&2
	exit 2
fi

cd "$TOP"
mapfile -d '' files < <(find src tests -path tests/e2e/node_modules -prune \
	-o -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)

if [ "$check" = 0 ]; then
	"$CLANG_FORMAT" -i --style=file "${files[@]}"
	exit 0
fi

# One clang-format run per file, compared with the file as it is, so the
# list names every file that differs (not only the first).
bad=0
for f in "${files[@]}"; do
	if ! "$CLANG_FORMAT" --style=file "$f" | cmp -s - "$f"; then
		echo "$f: layout differs from .clang-format (run scripts/format.sh)"
		bad=1
	fi
done
exit $bad
