"""tap.py -- a tiny TAP producer for Summit's Python tests.

Each test file registers cases with @case and calls run(); every case
prints "ok N - name" or "not ok N - name" with the failure as diagnostics,
which meson reads (protocol: 'tap').
"""
import os
import sys
import traceback

_cases = []


def case(fn):
    _cases.append(fn)
    return fn


def run(setup=None, teardown=None, needs_db=True):
    if needs_db and not os.environ.get("SUMMIT_TEST_PGURL"):
        print("1..0 # SKIP SUMMIT_TEST_PGURL is not set (scripts/test.sh sets it)")
        sys.exit(0)
    print("1..%d" % len(_cases), flush=True)
    failed = 0
    ctx = None
    try:
        ctx = setup() if setup else None
        for i, fn in enumerate(_cases, 1):
            try:
                fn(ctx) if setup else fn()
                print("ok %d - %s" % (i, fn.__name__), flush=True)
            except Exception:  # any failure, assertion or not, is a fail
                failed += 1
                print("not ok %d - %s" % (i, fn.__name__), flush=True)
                for line in traceback.format_exc().splitlines():
                    print("# " + line, flush=True)
    finally:
        if teardown:
            teardown(ctx)
    sys.exit(1 if failed else 0)
