"""Sparse input: nnscratch against scikit-learn's MLPClassifier on the same CSR data.

Both train the same network (one ReLU hidden layer, a logistic output, no L2) for
the same number of epochs on the same ``scipy.sparse`` CSR matrix (a text-like
matrix: a few non-zeros per row among many features), with the same solver and
batch size. The fits are timed in pairs, the two interleaved, and the report gives
the median of each side and the median of the per-pair ratios (scikit-learn's time
over nnscratch's: above 1, nnscratch is faster).

Run on demand, never by the tests::

    PYTHONPATH=src python3 benchmarks/sparse_input.py                 # ~1 minute
    PYTHONPATH=src python3 benchmarks/sparse_input.py --quick         # a few seconds
    PYTHONPATH=src python3 benchmarks/sparse_input.py --memory        # the issue's memory case

``--memory`` fits the issue's 20000 x 200000 matrix of density 0.0005 and prints the
peak of the memory allocated during ``fit`` (tracemalloc: NumPy's and SciPy's arrays)
beside the matrix's and the weights' bytes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np
import scipy.sparse as sp


def random_csr(m: int, n: int, density: float, seed: int = 0) -> sp.csr_matrix:
    """A text-like (m, n) CSR matrix: about ``density * n`` non-zeros per row, the
    features drawn from a Zipf-like law (a few frequent, many rare), values in (0, 1]."""
    rng = np.random.default_rng(seed)
    k = round(density * m * n)
    rows = np.sort(rng.integers(0, m, size=k))
    cols = np.minimum((rng.pareto(1.0, size=k) * n / 50).astype(np.int64), n - 1)
    cols = rng.permutation(n)[cols]  # frequent features spread over the columns
    values = rng.uniform(0.0, 1.0, size=k) + 1e-3
    X = sp.csr_matrix((values, (rows, cols)), shape=(m, n))
    return X


def labels(X: sp.csr_matrix, seed: int = 1) -> np.ndarray:
    """Labels from a sparse linear rule plus noise (both classes about equally)."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(X.shape[1])
    score = X @ w + 0.1 * rng.standard_normal(X.shape[0])
    return (score > np.median(score)).astype(int)


def pair(config: dict, X, y, hidden: int, epochs: int):
    """The two estimators, configured alike."""
    from sklearn.neural_network import MLPClassifier

    from nnscratch import NeuralNetworkClassifier

    batch = config["batch_size"]
    ours = NeuralNetworkClassifier(
        (hidden,), solver=config["solver"], learning_rate=config["lr"], batch_size=batch,
        max_iter=epochs, random_state=0, alpha=0.0)
    theirs = MLPClassifier(
        (hidden,), solver=config["sk_solver"], learning_rate_init=config["lr"],
        batch_size=X.shape[0] if batch is None else batch, max_iter=epochs, alpha=0.0,
        momentum=0.0, nesterovs_momentum=False, tol=0.0, n_iter_no_change=10**9,
        shuffle=True, random_state=0)
    return ours, theirs


def timed(est, X, y) -> float:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's ConvergenceWarning
        est.fit(X, y)
    return time.perf_counter() - start


CONFIGS = [
    {"name": "adam, batches of 200", "solver": "adam", "sk_solver": "adam", "lr": 1e-3,
     "batch_size": 200},
    {"name": "gradient descent, full batch", "solver": "gd", "sk_solver": "sgd", "lr": 0.1,
     "batch_size": None},
]


def speed(args) -> None:
    X = random_csr(args.rows, args.features, args.density)
    y = labels(X)
    print(f"data: {X.shape[0]} x {X.shape[1]} CSR, {X.nnz} non-zeros "
          f"({X.nnz / X.shape[0]:.0f} per row), float64; hidden layer {args.hidden}, "
          f"{args.epochs} epochs, {args.repeat} interleaved pairs")
    print(f"{'configuration':32} {'nnscratch s':>12} {'scikit-learn s':>15} "
          f"{'ratio sk/nn':>12} {'acc nn':>7} {'acc sk':>7}")
    for config in CONFIGS:
        ours_t, theirs_t, ratios = [], [], []
        for _ in range(args.repeat):
            ours, theirs = pair(config, X, y, args.hidden, args.epochs)
            a = timed(ours, X, y)
            b = timed(theirs, X, y)
            ours_t.append(a)
            theirs_t.append(b)
            ratios.append(b / a)
        print(f"{config['name']:32} {statistics.median(ours_t):12.3f} "
              f"{statistics.median(theirs_t):15.3f} {statistics.median(ratios):12.2f} "
              f"{ours.score(X, y):7.3f} {theirs.score(X, y):7.3f}")


def memory(args) -> None:
    from nnscratch import NeuralNetworkClassifier

    m, n, density = 20000, 200000, 0.0005
    X = random_csr(m, n, density)
    y = labels(X)
    matrix = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    print(f"data: {m} x {n} CSR, density {density}: {X.nnz} non-zeros, {matrix / 1e6:.1f} MB "
          f"(dense: {m * n * 8 / 1e9:.0f} GB); hidden layer {args.hidden}")
    print(f"{'fit':34} {'peak MB':>8} {'weights MB':>11} {'(peak - weights) / matrix':>26}")
    for name, kwargs in [("gd, full batch, 3 epochs", {"max_iter": 3}),
                         ("gd, batches of 2000, 1 epoch", {"max_iter": 1, "batch_size": 2000}),
                         ("adam, batches of 2000, 1 epoch",
                          {"max_iter": 1, "batch_size": 2000, "solver": "adam"})]:
        est = NeuralNetworkClassifier((args.hidden,), random_state=0, **kwargs)
        tracemalloc.start()
        try:
            est.fit(X, y)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        weights = sum(W.nbytes for W in est.params_.values())
        print(f"{name:34} {peak / 1e6:8.1f} {weights / 1e6:11.1f} "
              f"{(peak - weights) / matrix:26.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--features", type=int, default=50000)
    parser.add_argument("--density", type=float, default=0.002)
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1000 x 20000, 3 epochs, 3 pairs")
    parser.add_argument("--memory", action="store_true", help="the issue's memory case")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.features, args.epochs = 1000, 20000, 3
    if args.memory:
        memory(args)
    else:
        speed(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
