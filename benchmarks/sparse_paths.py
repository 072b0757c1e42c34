"""Sparse input: the plain sparse products against the row-space form, and what "auto" picks.

For each case of ``docs/sparse.md``'s table (random text-like CSR data, one ReLU hidden
layer of ``n_1`` units, gradient descent) the same fit runs with
``algorithm="plain"`` and ``algorithm="rowspace"``, interleaved, and the report gives
the median of each, their ratio (row space over plain: below 1 the row-space form is
faster) and the path ``algorithm="auto"`` takes (read from
``nnscratch._rowspace.use_rowspace`` during an ``auto`` fit). The cost model's
constants (``_SPARSE_FLOPS``, ``_GRAM_FLOPS`` in ``_rowspace.py``) should make "auto"
pick the faster path wherever the two differ by much.

Run on demand, never by the tests::

    PYTHONPATH=src python3 benchmarks/sparse_paths.py              # about a minute
    PYTHONPATH=src python3 benchmarks/sparse_paths.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings

from sparse_input import labels, random_csr

# (m, n_x, density, n_1, epochs, batch_size)
CASES = [
    (80, 20000, 0.002, 4, 3, None),
    (300, 50000, 0.001, 8, 20, None),
    (500, 200000, 0.0005, 16, 50, None),
    (500, 200000, 0.0005, 16, 5, 50),
    (1000, 100000, 0.001, 32, 30, None),
    (1000, 100000, 0.001, 32, 3, None),
    (1000, 100000, 0.001, 32, 6, None),
    (2000, 20000, 0.005, 16, 20, None),
    (3000, 5000, 0.01, 16, 20, None),
]


def _fit(X, y, n_1, epochs, batch, algorithm) -> float:
    from nnscratch import NeuralNetworkClassifier

    est = NeuralNetworkClassifier((n_1,), solver="gd", learning_rate=0.1, max_iter=epochs,
                                  batch_size=batch, random_state=0, algorithm=algorithm)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    return time.perf_counter() - start


def _auto_choice(X, y, n_1, epochs, batch) -> str:
    """The path of an ``algorithm="auto"`` fit, seen through ``use_rowspace``."""
    from nnscratch import _rowspace

    seen = []
    original = _rowspace.use_rowspace

    def spy(*args, **kwargs):
        seen.append(original(*args, **kwargs))
        return seen[-1]

    _rowspace.use_rowspace = spy
    try:
        _fit(X, y, n_1, epochs, batch, "auto")
    finally:
        _rowspace.use_rowspace = original
    if not seen:
        return "?"
    if seen[-1]:
        return "row space"
    m, n_x = X.shape
    return "plain (G too large)" if float(m) * m > X.nnz + float(n_1) * n_x else "plain"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs of each")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 minute) at the start: {load:.2f}; median of {args.repeat} "
          "interleaved fits each; float64 CSR, gradient descent, learning rate 0.1")
    print()
    print('| m × n_x, density | n_1 | epochs, batch | plain s | row space s | ratio | '
          '"auto" picks |')
    print("| --- | ---: | --- | ---: | ---: | ---: | --- |")
    for m, n_x, density, n_1, epochs, batch in CASES:
        X = random_csr(m, n_x, density)
        y = labels(X)
        _fit(X, y, n_1, 1, batch, "plain")  # warm-up: imports, first allocations
        plain, row = [], []
        for _ in range(args.repeat):
            plain.append(_fit(X, y, n_1, epochs, batch, "plain"))
            row.append(_fit(X, y, n_1, epochs, batch, "rowspace"))
        a, b = statistics.median(plain), statistics.median(row)
        batch_text = "full" if batch is None else f"batches of {batch}"
        print(f"| {m} × {n_x}, {density:g} | {n_1} | {epochs}, {batch_text} | {a:.3f} | "
              f"{b:.3f} | {b / a:.2f} | {_auto_choice(X, y, n_1, epochs, batch)} |")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
