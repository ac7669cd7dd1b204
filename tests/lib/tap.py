"""tap.py -- a tiny TAP producer for Summit's Python tests.

Each test file registers cases with @case and calls run(); every case
prints "ok N - name" or "not ok N - name" with the failure as diagnostics,
which meson reads (protocol: 'tap'); a failure's traceback also goes to
stderr, which is what meson prints for a failed test.
"""
import os
import sys
import traceback

_cases = []


class Skip(Exception):
    """Raised by a case that cannot run here; its reason is reported."""


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
            except Skip as why:
                print("ok %d - %s # SKIP %s" % (i, fn.__name__, why),
                      flush=True)
            except Exception:  # any failure, assertion or not, is a fail
                failed += 1
                print("not ok %d - %s" % (i, fn.__name__), flush=True)
                tb = traceback.format_exc()
                for line in tb.splitlines():
                    print("# " + line, flush=True)
                # meson shows a failed test's stderr, not its TAP lines:
                # the reason must reach the CI log too.
                sys.stderr.write("%s failed:\n%s" % (fn.__name__, tb))
                sys.stderr.flush()
    finally:
        if teardown:
            teardown(ctx)
    sys.exit(1 if failed else 0)
