#!/usr/bin/env python3
"""instances.py -- the allocator on generated instances (TAP output).

Uses shared/alloc/gen.py and verify.py (FORMAT.md); skips when that folder
is absent.  Checks, each one TAP line:
  * every result on generated instances (tiny, small, medium, large)
    passes verify.py, with the same objective as summitctl printed;
  * the objective equals GLPK's on many tiny and small instances (when the
    test-alloc-glpk program was built);
  * two runs give byte-identical assignments;
  * stability: after 5% new participants and 2% cancellations, a re-run
    with the keep-bonus moves fewer published placements than one
    without, at the same objective.
Standard library only.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

n_test = 0
failed = 0


def tap(ok, name, detail=""):
    global n_test, failed
    n_test += 1
    if not ok:
        failed += 1
    print(f"{'ok' if ok else 'not ok'} {n_test} - {name}")
    for line in detail.splitlines():
        print(f"# {line}")
    sys.stdout.flush()


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def gen(a, size, seed, out):
    r = run([sys.executable, os.path.join(a.shared, "gen.py"), "--size", size,
             "--seed", str(seed), "--out", out])
    if r.returncode != 0:
        raise RuntimeError(r.stderr)


def allocate(a, inst, out, *extra):
    r = run([a.summitctl, "allocate", "--instance", inst, "--out", out,
             "--json", *extra])
    if r.returncode != 0:
        raise RuntimeError(f"summitctl failed: {r.stderr}")
    return json.loads(r.stdout)


def verify(a, inst, out):
    r = run([sys.executable, os.path.join(a.shared, "verify.py"), inst, out,
             "--json"])
    return r.returncode, (json.loads(r.stdout) if r.stdout.strip() else {}), r.stderr


def check_verify(a, tmp, size, seed):
    inst = os.path.join(tmp, f"{size}-{seed}")
    gen(a, size, seed, inst)
    out = inst + ".csv"
    st = allocate(a, inst, out)
    rc, v, err = verify(a, inst, out)
    ok = rc == 0 and v.get("valid") and v.get("objective") == st["objective"]
    for key in ("first_choice_pct", "all_wanted_pct", "rank_hist"):
        ok = ok and v.get(key) == st[key]
    tap(ok, f"verify.py {size} seed {seed}: objective {st['objective']}",
        "" if ok else f"summitctl {st}\nverify.py {v}\n{err}")
    return inst, out


def check_glpk(a, tmp):
    dirs = []
    for size, seeds in (("tiny", range(1, 31)), ("small", range(1, 9))):
        for seed in seeds:
            d = os.path.join(tmp, f"glpk-{size}-{seed}")
            gen(a, size, seed, d)
            dirs.append(d)
    r = run([a.glpk, *dirs])
    tap(r.returncode == 0, f"GLPK agrees on {len(dirs)} generated tiny and small instances",
        "" if r.returncode == 0 else r.stdout[-3000:] + r.stderr[-3000:])


def check_determinism(a, inst):
    outs = []
    for i in range(2):
        out = f"{inst}.det{i}.csv"
        allocate(a, inst, out)
        with open(out, "rb") as f:
            outs.append(f.read())
    tap(outs[0] == outs[1] and len(outs[0]) > 0, "two runs give byte-identical assignments")


def read_csv(path):
    with open(path) as f:
        lines = f.read().splitlines()
    return lines[0], [l for l in lines[1:] if l]


def perturb(src, dst, published, prev_out, seed):
    """Copies an instance, adds 5% new participants, cancels 2%."""
    rng = random.Random(seed)
    os.makedirs(dst, exist_ok=True)
    for name in ("slots.csv", "sessions.csv", "params.csv"):
        with open(os.path.join(src, name)) as f, open(os.path.join(dst, name), "w") as g:
            g.write(f.read())
    ph, parts = read_csv(os.path.join(src, "participants.csv"))
    fh, prefs = read_csv(os.path.join(src, "preferences.csv"))
    n = len(parts)
    cancelled = set(rng.sample(range(n), n * 2 // 100))
    by_p = {}
    for row in prefs:
        p = int(row.split(",")[0])
        by_p.setdefault(p, []).append(row)
    new_parts, new_prefs = list(parts), [r for r in prefs if int(r.split(",")[0]) not in cancelled]
    for i in range(n * 5 // 100):
        q = rng.randrange(n)              # a new participant like an old one
        pid = n + i
        _, sector, org, maxs = parts[q].split(",")[:4]
        new_parts.append(f"{pid},{sector},{org},{maxs}")
        for row in by_p.get(q, []):
            _, rank, sess = row.split(",")[:3]
            new_prefs.append(f"{pid},{rank},{sess}")
    with open(os.path.join(dst, "participants.csv"), "w") as f:
        f.write(ph + "\n" + "\n".join(new_parts) + "\n")
    with open(os.path.join(dst, "preferences.csv"), "w") as f:
        f.write(fh + "\n" + "\n".join(new_prefs) + "\n")
    ah, rows = read_csv(published)
    with open(prev_out, "w") as f:
        f.write(ah + "\n" + "\n".join(r for r in rows if int(r.split(",")[0]) not in cancelled) + "\n")


def check_stability(a, tmp, inst, published):
    dst = inst + "-late"
    prev = inst + "-published.csv"
    perturb(inst, dst, published, prev, 1)
    off = allocate(a, dst, dst + "-off.csv", "--previous", prev, "--keep-bonus", "0")
    on = allocate(a, dst, dst + "-on.csv", "--previous", prev, "--keep-bonus", "1")
    ok = (on["objective"] == off["objective"] and on["placed"] == off["placed"]
          and on["moved"] < off["moved"])
    tap(ok, f"stability: keep-bonus moves {on['moved']} of {on['previous']} published "
        f"placements, {off['moved']} without, both at {on['objective']}")
    rc, v, err = verify(a, dst, dst + "-on.csv")
    tap(rc == 0 and v.get("objective") == on["objective"],
        "stability: the re-run with keep-bonus passes verify.py", err)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--summitctl", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--glpk")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.shared, "gen.py")):
        print(f"1..0 # SKIP {a.shared} not found (gen.py, verify.py)")
        return 0
    with tempfile.TemporaryDirectory(prefix="alloc-inst-") as tmp:
        for size, seeds in (("tiny", (1, 2, 3)), ("small", (1, 2, 3)),
                            ("medium", (1, 2)), ("large", (1,))):
            for seed in seeds:
                inst, out = check_verify(a, tmp, size, seed)
                if size == "medium" and seed == 1:
                    medium, medium_out = inst, out
        if a.glpk:
            check_glpk(a, tmp)
        check_determinism(a, medium)
        check_stability(a, tmp, medium, medium_out)
    print(f"1..{n_test}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
