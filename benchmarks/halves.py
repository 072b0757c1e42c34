"""Two halves against one thread beside busy neighbours (``nnscratch._halves``).

    python3 benchmarks/halves.py [--rounds 5] [--quick]

The mini-batch fit of ``felt.py`` (one epoch of 60000 x 784 float32, (256, 128),
batch 256), run with each batch split over two threads of its own and with one
thread, interleaved, beside the neighbours of ``neighbours.py`` in five set-ups (from
one one-thread neighbour to two with NumPy's default threads), whatever the library's
rule would pick there. Prints the wall time (median [min-max]) and the process's CPU
time (median) of each, and the other running threads the library saw
(``_threads.other_threads``): the rule splits batches where those outnumber the CPUs.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import neighbours  # noqa: E402

SETUPS = (  # (label, [(processes, BLAS threads each or None for NumPy's default)])
    ("2 default-thread neighbours", [(2, None)]),
    ("2 one-thread neighbours", [(2, 1)]),
    ("1 default-thread + 1 one-thread neighbour", [(1, None), (1, 1)]),
    ("1 default-thread neighbour", [(1, None)]),
    ("1 one-thread neighbour", [(1, 1)]),
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5, help="interleaved runs of each (default 5)")
    ap.add_argument("--quick", action="store_true", help="12000 rows, 2 rounds")
    args = ap.parse_args(argv)
    from nnscratch import NeuralNetworkClassifier, _threads

    rounds = 2 if args.quick else args.rounds
    rng = np.random.default_rng(0)
    X = rng.random((12000 if args.quick else 60000, 784), dtype=np.float32)
    y = (X[:, :392].sum(axis=1) > X[:, 392:].sum(axis=1)).astype(int)
    clf = NeuralNetworkClassifier((256, 128), solver="gd", batch_size=256, max_iter=1,
                                  learning_rate=0.05, random_state=0)
    rule = _threads.BlasThreads._want

    def forced(halves: bool):
        def want(self):
            threads, _ = rule(self)
            return (1, True) if halves and self.big else (1 if self.big else threads, False)
        return want

    def once(halves: bool) -> tuple[float, float]:
        _threads.BlasThreads._want = forced(halves)
        try:
            t0, c0 = time.perf_counter(), time.process_time()
            clf.fit(X, y)
            return time.perf_counter() - t0, time.process_time() - c0
        finally:
            _threads.BlasThreads._want = rule

    clf.fit(X, y)  # warm: imports, first touch of the data
    print(f"load average {__import__('os').getloadavg()[0]:.2f}; {rounds} rounds\n")
    print("| beside | other running threads | halves | one thread | halves faster by |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, groups in SETUPS:
        with contextlib.ExitStack() as stack:
            for n, threads in groups:
                stack.enter_context(neighbours.busy(n, threads=threads))
            others = statistics.median(_threads.other_threads() for _ in range(3))
            runs = {True: [], False: []}
            for _ in range(rounds):
                for halves in (True, False):
                    runs[halves].append(once(halves))

        def cell(r):
            wall = [w for w, _ in r]
            return (f"{statistics.median(wall):.2f} s [{min(wall):.2f}-{max(wall):.2f}], "
                    f"CPU {statistics.median(c for _, c in r):.2f} s")

        h, o = (statistics.median(w for w, _ in runs[k]) for k in (True, False))
        gain = f"{100 * (o / h - 1):.0f} %" if h <= o else f"{100 * (h / o - 1):.0f} % slower"
        print(f"| {label} | {others:.0f} | {cell(runs[True])} | {cell(runs[False])} | {gain} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
