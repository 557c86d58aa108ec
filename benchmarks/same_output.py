"""`detente analyze` of this checkout against another checkout's: byte-identical analysis.json, and CPU time.

Run: python benchmarks/same_output.py --base OTHER/src [--cases geneva-2022,crimea-2014] [--repeat 3]

For each case the two checkouts' `python -m detente analyze CASE --out DIR` run alternately (base, this,
base, this, ... so that other load falls on both alike), each in its own process with PYTHONPATH set to
its src; the script prints each run's CPU time (user + system of the child, from the kernel's rusage)
and whether every analysis.json (and report.html) is byte for byte the one of the base's first run. A
speed change that is meant to leave every result alone (DECISIONS P8) is checked with it against the
commit before the change. Exit code 1 when any output differs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OURS = HERE.parent / "src"
CASES = ("geneva-2022", "crimea-2014", "cuba-1962", "berlin-1948")


def run(src: Path, case: str, out: Path) -> float:
    """One `analyze` in a child process; its CPU seconds (user + system)."""
    env = dict(os.environ, PYTHONPATH=str(src))
    proc = subprocess.Popen([sys.executable, "-m", "detente", "analyze", case, "--out", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(proc.pid, 0)
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{src}: analyze {case} failed ({proc.returncode}): {err.strip()[-500:]}")
    return ru.ru_utime + ru.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, type=Path, help="the other checkout's src directory")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--repeat", type=int, default=1, help="runs of each checkout per case (alternating)")
    args = ap.parse_args()
    same = True
    print(f"{'case':<16} {'base cpu s':>24} {'this cpu s':>24} {'ratio':>6}  identical")
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            times: dict[str, list[float]] = {"base": [], "this": []}
            ref = None
            ok = True
            for i in range(args.repeat):
                for who, src in (("base", args.base.resolve()), ("this", OURS)):
                    out = Path(tmp) / f"{case}-{who}-{i}"
                    times[who].append(run(src, case, out))
                    got = [(out / f).read_bytes() for f in ("analysis.json", "report.html")]
                    if ref is None:
                        ref = got
                    ok = ok and got == ref
            same = same and ok
            b, t = times["base"], times["this"]
            print(f"{case:<16} {' '.join(f'{x:.2f}' for x in b):>24} {' '.join(f'{x:.2f}' for x in t):>24} "
                  f"{min(t) / min(b):>6.2f}  {'yes' if ok else 'NO'}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
