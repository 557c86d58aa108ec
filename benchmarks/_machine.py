"""The machine block every benchmark run starts with (DECISIONS.md, P1).

What it prints is what changes a figure on a given machine: the CPU and the vector units it
offers (the compiled EUM kernel vectorises to AVX-512 where present), the cores this process may
use, how busy the machine already is (wall-clock figures on a shared machine are inflated by
other processes; CPU time much less so), the environment variables that steer NumPy's BLAS,
OpenMP and Numba, the BLAS libraries loaded (threadpoolctl), Numba's threading layer and thread
count, and whether the EUM kernel's on-disk cache was warm. Warming it here, before any timing,
keeps a first-time compile (about 30 s of CPU) out of every figure.

Run alone: python benchmarks/_machine.py
"""

from __future__ import annotations

import os
import platform
import re
import sys
import time

ENV_PATTERN = re.compile(r"^(OPENBLAS_|OMP_|GOMP_|KMP_|MKL_|BLIS_|GOTO_|VECLIB_|NUMEXPR_|NUMBA_|PYTHONHASHSEED$)")
FLAGS = ("avx2", "fma", "avx512f", "avx512dq", "avx512vl")


def _cpuinfo() -> tuple[str, set[str]]:
    model, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model in ("", platform.machine(), platform.processor()):
                    model = value.strip()
                elif key == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    return model, flags


def _busy_share(seconds: float = 1.0) -> float | None:
    """Share of all cores busy over ``seconds`` while this process sleeps (other processes' load)."""
    def read() -> list[int] | None:
        try:
            with open("/proc/stat") as f:
                return [int(v) for v in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None

    a = read()
    time.sleep(seconds)
    b = read()
    if not a or not b:
        return None
    d = [y - x for x, y in zip(a, b, strict=False)]
    total = sum(d[:8])  # user nice system idle iowait irq softirq steal
    idle = d[3] + d[4]
    return (total - idle) / total if total > 0 else None


def load_line() -> str:
    """Load average and the busy share of the cores right now (before or after a run)."""
    busy = _busy_share()
    try:
        la = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        la = "unknown"
    share = f"{100 * busy:.0f}%" if busy is not None else "unknown"
    return f"load average {la}; cores busy with other processes over 1 s: {share}"


def autogroup() -> str:
    """Linux's session autogroups: with them on, a loaded machine's CPU is shared per session, not per
    thread, so a second thread gets no more of it (two threads measured no faster than one here)."""
    try:
        with open("/proc/sys/kernel/sched_autogroup_enabled") as f:
            on = f.read().strip() == "1"
    except OSError:
        return "unknown"
    return "on (CPU shared per session, not per thread)" if on else "off"


def cores() -> tuple[int, int]:
    """(cores this process may run on, cores in the machine)."""
    total = os.cpu_count() or 1
    try:
        return len(os.sched_getaffinity(0)), total
    except AttributeError:  # not on Linux
        return total, total


def _blas() -> list[str]:
    try:
        import numpy  # noqa: F401  (loads NumPy's BLAS, so threadpoolctl can see it)
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["threadpoolctl not installed"]
    rows = []
    for lib in threadpool_info():
        rows.append(f"{lib.get('internal_api')} {lib.get('version')} kernel={lib.get('architecture', '-')} "
                    f"threads={lib.get('num_threads')} layer={lib.get('threading_layer', '-')} "
                    f"({os.path.basename(str(lib.get('filepath', '')))})")
    return rows or ["none loaded"]


def warm_eum_kernel() -> list[str]:
    """Load (or compile) the EUM kernel now, outside any timing; what Numba did, and how long it took."""
    try:
        from detente.models.eum import compiled
    except ImportError as exc:
        return [f"eum kernel: not importable ({exc})"]
    if not compiled.AVAILABLE:
        return ["numba: not installed (the EUM model runs on its NumPy batch)"]
    import llvmlite
    import numba
    from llvmlite import binding as ll

    state = compiled.warm()
    tgt = compiled.target()
    lines = [
        f"numba {numba.__version__} (llvmlite {llvmlite.__version__}); LLVM target cpu {tgt['cpu']} "
        f"(set by {tgt['set_by']}; host {ll.get_host_cpu_name()}); EUM kernel vectors: {tgt['vector']}"
        f"{', FMA' if tgt['fma'] else ', no FMA'}",
        f"numba threading layer {numba.threading_layer()}, threads {numba.get_num_threads()} "
        f"(NUMBA_NUM_THREADS {numba.config.NUMBA_NUM_THREADS})",
        f"eum kernel cache: {state['cache']} ({state['action']} in {state['wall']:.1f} s wall, "
        f"{state['cpu']:.1f} s cpu, before any timing)",
    ]
    if state.get("path"):
        lines.append(f"eum kernel cache folder: {state['path']}")
    if tgt["vector"] != "AVX-512":
        lines.append(f"WARNING: the EUM kernel compiles for {tgt['vector']} here; its figures were taken with "
                     "AVX-512 (AVX2 ~1.7x, SSE2/generic ~6x the CPU time per draw; DECISIONS.md U-K1)")
    return lines


def cpu_quota() -> str:
    """The cgroup (v2) CPU quota, e.g. a container's --cpus: Numba and BLAS size their thread pools by
    the cores they see, not by a quota, so a quota below the core count oversubscribes them."""
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
    except (OSError, ValueError):
        try:  # cgroup v1
            with open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") as f:
                quota = f.read().strip()
            with open("/sys/fs/cgroup/cpu/cpu.cfs_period_us") as f:
                period = f.read().strip()
        except OSError:
            return "none found"
        quota = "max" if quota == "-1" else quota
    return "none" if quota == "max" else f"{int(quota) / int(period):g} cores"


def machine_block(warm: bool = True) -> list[str]:
    """The block's lines; ``warm``: also load (or compile) the EUM kernel and report Numba's state."""
    model, flags = _cpuinfo()
    usable, total = cores()
    env = {k: v for k, v in sorted(os.environ.items()) if ENV_PATTERN.match(k)}
    features = " ".join(f"{f}={'yes' if f in flags else 'no'}" for f in FLAGS)
    lines = [
        f"cpu: {model} ({platform.machine()}); {features}",
        f"cores: {usable} usable (sched_getaffinity) of {total}; cpu quota: {cpu_quota()}",
        f"machine: {load_line()}; scheduler autogroup {autogroup()}",
        f"python {platform.python_version()} on {platform.system()} {platform.release()}",
        "environment: " + (", ".join(f"{k}={v}" for k, v in env.items()) or "none of OPENBLAS_*, OMP_*, "
                           "MKL_*, NUMBA_* set"),
    ]
    lines += [f"blas: {row}" for row in _blas()]
    if warm:
        lines += warm_eum_kernel()
    return lines


def main() -> None:
    print("######## machine", flush=True)
    for line in machine_block():
        print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
