"""How many BLAS threads each product wants: the measurements behind ``nnscratch._threads``.

    PYTHONPATH=src python3 benchmarks/threads.py            # quiet, then beside 2 neighbours
    PYTHONPATH=src python3 benchmarks/threads.py --quick

For products of growing size (the shapes the library runs: the cat model's full-batch
first layer, mini-batch layers, prediction chunks, and cubes), times one product with
one BLAS thread and with the machine's threads, interleaved (min and median of the
repetitions, microseconds), first on the machine as it is, then beside two neighbour
processes that multiply 600 x 600 matrices in a loop (:mod:`neighbours`). Prints a
Markdown table and the load average before each part.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import neighbours

#: (label, M, K, N): C (M x N) = A (M x K) @ B (K x N), float32 unless said.
SHAPES = [
    ("cube 64", 64, 64, 64),
    ("cube 128", 128, 128, 128),
    ("Z2 minibatch 128x256x256", 128, 256, 256),
    ("cube 256", 256, 256, 256),
    ("Z1 minibatch 256x784x256", 256, 784, 256),
    ("cat Z1 20x12288x209 (f64)", 20, 12288, 209),
    ("cube 512", 512, 512, 512),
    ("predict chunk 4096x784x256", 4096, 784, 256),
    ("cube 1024", 1024, 1024, 1024),
]


def time_product(M, K, N, dtype, threads, reps, inner):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((M, K)).astype(dtype)
    B = rng.standard_normal((K, N)).astype(dtype)
    C = np.empty((M, N), dtype)
    times = []
    with threadpool_limits(limits=threads, user_api="blas"):
        np.matmul(A, B, out=C)
        for _ in range(reps):
            t0 = time.perf_counter()
            for _ in range(inner):
                np.matmul(A, B, out=C)
            times.append((time.perf_counter() - t0) / inner)
    return times


def measure(reps: int, budget: float) -> list[tuple]:
    n_cpu = len(os.sched_getaffinity(0))
    rows = []
    for label, M, K, N in SHAPES:
        dtype = np.float64 if "f64" in label else np.float32
        flops = 2.0 * M * K * N
        inner = max(1, int(budget / max(flops / 50e9, 1e-6)))  # ~budget s per rep at 50 GFLOP/s
        one, many = [], []
        for _ in range(reps):  # interleaved
            one += time_product(M, K, N, dtype, 1, 1, inner)
            many += time_product(M, K, N, dtype, n_cpu, 1, inner)
        rows.append((label, flops, min(one), statistics.median(one), min(many),
                     statistics.median(many)))
    return rows


def table(rows, n_cpu) -> str:
    out = [(f"| product | MFLOP | 1 thread min / median (us) | {n_cpu} threads min / median (us) "
            f"| median 1 / {n_cpu} |"), "| --- | ---: | ---: | ---: | ---: |"]
    for label, flops, o_min, o_med, m_min, m_med in rows:
        out.append(f"| {label} | {flops / 1e6:.1f} | {o_min * 1e6:.0f} / {o_med * 1e6:.0f} | "
                   f"{m_min * 1e6:.0f} / {m_med * 1e6:.0f} | {o_med / m_med:.2f} |")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--no-neighbours", action="store_true", help="only the machine as it is")
    args = ap.parse_args(argv)
    reps, budget = (3, 0.02) if args.quick else (7, 0.05)
    n_cpu = len(os.sched_getaffinity(0))
    print(f"## As the machine is (load average {os.getloadavg()[0]:.2f}, {n_cpu} CPUs)\n")
    print(table(measure(reps, budget), n_cpu), flush=True)
    if not args.no_neighbours:
        with neighbours.busy(2):
            time.sleep(1.0)
            print(f"\n## Beside two neighbours multiplying 600 x 600 matrices "
                  f"(load average {os.getloadavg()[0]:.2f})\n")
            print(table(measure(reps, budget), n_cpu), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
