"""Busy neighbours: processes that keep NumPy's BLAS busy, started and stopped by a benchmark.

    with neighbours.busy(2):
        ...  # time something beside two processes multiplying 600 x 600 matrices

    python3 benchmarks/neighbours.py 2   # the same from a shell, until Ctrl-C

Each neighbour is a fresh ``python3`` process multiplying two 600 x 600 float64
matrices in a loop with NumPy's default BLAS threads (as a notebook, a
``GridSearchCV(n_jobs=2)`` or a CI job beside it would), or with ``threads``. They are stopped (SIGTERM,
then SIGKILL) when the ``with`` block ends, error or interrupt included.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

LOOP = (
    "import numpy as np\n"
    "a = np.random.default_rng(0).standard_normal((600, 600))\n"
    "b = a.copy()\n"
    "while True:\n"
    "    a @ b\n"
)


def start(n: int, threads: int | None = None) -> list[subprocess.Popen]:
    """Start ``n`` neighbour processes (``threads`` BLAS threads each, default NumPy's)."""
    env = dict(os.environ)
    if threads is not None:
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
    return [subprocess.Popen([sys.executable, "-c", LOOP], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            for _ in range(n)]


def stop(procs: list[subprocess.Popen]) -> None:
    """Stop the processes ``start`` gave (each by its own id)."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


@contextlib.contextmanager
def busy(n: int = 2, warmup_s: float = 1.5, threads: int | None = None):
    """Run the ``with`` block beside ``n`` neighbours (started ``warmup_s`` before it)."""
    procs = start(n, threads)
    try:
        time.sleep(warmup_s)  # NumPy imported, loops running
        yield procs
    finally:
        stop(procs)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the neighbours too
    procs = start(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    try:
        while True:
            time.sleep(1)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stop(procs)
