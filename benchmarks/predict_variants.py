"""What makes predict_proba fast: forward passes over 60000 x 784 float32, side by side.

The (784 -> 256 -> 128 -> 1) ReLU network of benchmark 3, evaluated five ways::

    python3 benchmarks/predict_variants.py [--repeat 5]

Prints the best time of each and the largest difference from the first.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.special import expit

N, DIMS = 60000, (784, 256, 128, 1)


def params(dtype=np.float32):
    rng = np.random.RandomState(0)
    W = [None] + [
        (rng.randn(DIMS[i + 1], DIMS[i]) / np.sqrt(DIMS[i])).astype(dtype) for i in range(3)
    ]
    b = [None] + [(0.1 * rng.randn(DIMS[i + 1], 1)).astype(dtype) for i in range(3)]
    return W, b


def seeds_layout(W, b, X):
    """Seeds' orientation on the whole set: Z = W @ A + b with A_0 = X.T (a view)."""
    A = X.T
    for l in range(1, 4):
        Z = W[l] @ A + b[l]
        A = np.maximum(Z, 0) if l < 3 else Z
    return expit(A[0])


def rows_layout(W, b, X):
    """Row orientation on the whole set: Z = A @ W.T + b.T (scikit-learn's)."""
    A = X
    for l in range(1, 4):
        Z = A @ W[l].T
        Z += b[l].T
        A = np.maximum(Z, 0, out=Z) if l < 3 else Z
    return expit(A[:, 0])


def rows_chunked(W, b, X, chunk):
    """Row orientation by chunks of rows into reused buffers (activations stay in cache)."""
    out = np.empty(X.shape[0], X.dtype)
    bufs = [np.empty((chunk, W[l].shape[0]), X.dtype) for l in range(1, 4)]
    for s in range(0, X.shape[0], chunk):
        A = X[s : s + chunk]
        n = A.shape[0]
        for l in range(1, 4):
            Z = np.matmul(A, W[l].T, out=bufs[l - 1][:n])
            Z += b[l].T
            if l < 3:
                np.maximum(Z, 0, out=Z)
            A = Z
        expit(A[:, 0], out=out[s : s + n])
    return out


def seeds_float64(W, b, X):
    """Seeds' orientation with a float64 upcast of the data (what float64 weights cause)."""
    W64 = [None] + [w.astype(np.float64) for w in W[1:]]
    b64 = [None] + [v.astype(np.float64) for v in b[1:]]
    return seeds_layout(W64, b64, X.astype(np.float64))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    X = rng.random((N, 784), dtype=np.float32)
    W, b = params()
    variants = [
        ("seeds layout, whole set (W @ X.T)", lambda: seeds_layout(W, b, X)),
        ("rows layout, whole set (X @ W.T)", lambda: rows_layout(W, b, X)),
        ("rows layout, chunks of 1024", lambda: rows_chunked(W, b, X, 1024)),
        ("rows layout, chunks of 4096", lambda: rows_chunked(W, b, X, 4096)),
        ("rows layout, chunks of 16384", lambda: rows_chunked(W, b, X, 16384)),
        ("seeds layout, float64", lambda: seeds_float64(W, b, X)),
    ]
    best = {name: float("inf") for name, _ in variants}
    results = {}
    for _ in range(args.repeat):  # interleaved, so that all meet the same machine load
        for name, fn in variants:
            t0 = time.perf_counter()
            results[name] = fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    ref = results[variants[0][0]].astype(np.float64)
    print(f"{'variant':40s} {'ms':>7s}  max|p - p_ref|")
    for name, _ in variants:
        diff = float(np.max(np.abs(results[name].astype(np.float64) - ref)))
        print(f"{name:40s} {best[name] * 1e3:7.1f}  {diff:.1e}")


if __name__ == "__main__":
    main()
