"""What makes one mini-batch step fast in NumPy: variants measured side by side.

One step of plain SGD on a (784 -> 256 -> 128 -> 1) ReLU network with a sigmoid
output, batch 256, on MNIST-shaped data (60000 x 784, float32), batches drawn from a
shuffled permutation. Every variant computes the same update (checked against the
first one); they differ only in memory layout, allocation and dtype::

    python3 benchmarks/minibatch_variants.py [--steps 40] [--repeat 3] [--threads N]

Prints microseconds per step (best of ``--repeat`` runs of ``--steps`` steps) and the
GFLOP/s this represents.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.special import expit

N, D, H1, H2, MB = 60000, 784, 256, 128, 256
LR = 0.01


def step_flops(mb=MB):
    fwd = 2 * mb * (D * H1 + H1 * H2 + H2 * 1)
    dw = fwd  # dW for every layer
    da = 2 * mb * (H1 * H2 + H2 * 1)  # dA for layers 2 and 3, none for the input
    return fwd + dw + da


def make_params(dtype):
    rng = np.random.RandomState(0)
    return [
        (rng.randn(H1, D) / np.sqrt(D)).astype(dtype),
        np.zeros((H1, 1), dtype),
        (rng.randn(H2, H1) / np.sqrt(H1)).astype(dtype),
        np.zeros((H2, 1), dtype),
        (rng.randn(1, H2) / np.sqrt(H2)).astype(dtype),
        np.zeros((1, 1), dtype),
    ]


# ---------------------------------------------------------------- variants
# Each returns a function step(idx) that updates its own parameter copy.


def v_seeds_columns(X_rows, y, dtype=np.float32, data_T=None):
    """Seeds' layout with the data stored (n_x, m): gather columns X[:, idx], allocate
    every intermediate, compute dA for every layer including the input."""
    XT = data_T
    W1, b1, W2, b2, W3, b3 = make_params(dtype)
    Y = y[None, :]

    def step(idx):
        nonlocal W1, b1, W2, b2, W3, b3
        Xb, Yb = XT[:, idx], Y[:, idx]
        m = Xb.shape[1]
        Z1 = W1 @ Xb + b1
        A1 = np.maximum(Z1, 0)
        Z2 = W2 @ A1 + b2
        A2 = np.maximum(Z2, 0)
        Z3 = W3 @ A2 + b3
        dZ3 = expit(Z3) - Yb
        dW3, db3 = dZ3 @ A2.T / m, np.sum(dZ3, axis=1, keepdims=True) / m
        dA2 = W3.T @ dZ3
        dZ2 = dA2 * (Z2 > 0)
        dW2, db2 = dZ2 @ A1.T / m, np.sum(dZ2, axis=1, keepdims=True) / m
        dA1 = W2.T @ dZ2
        dZ1 = dA1 * (Z1 > 0)
        dW1, db1 = dZ1 @ Xb.T / m, np.sum(dZ1, axis=1, keepdims=True) / m
        _dA0 = W1.T @ dZ1  # the seeds' linear_backward always computes it
        W1, b1 = W1 - LR * dW1, b1 - LR * db1
        W2, b2 = W2 - LR * dW2, b2 - LR * db2
        W3, b3 = W3 - LR * dW3, b3 - LR * db3
        return W1

    return step


def v_seeds_rows_alloc(X_rows, y, dtype=np.float32, skip_dA0=False):
    """Seeds' notation on row-major data: Xb = X[idx] (m_B, n_x), used as Xb.T (a view,
    no transposing copy); allocating."""
    W1, b1, W2, b2, W3, b3 = make_params(dtype)
    Y = y[None, :]

    def step(idx):
        nonlocal W1, b1, W2, b2, W3, b3
        Xb = X_rows[idx]
        Yb = Y[:, idx]
        m = Xb.shape[0]
        Z1 = W1 @ Xb.T + b1
        A1 = np.maximum(Z1, 0)
        Z2 = W2 @ A1 + b2
        A2 = np.maximum(Z2, 0)
        Z3 = W3 @ A2 + b3
        dZ3 = expit(Z3) - Yb
        dW3, db3 = dZ3 @ A2.T / m, np.sum(dZ3, axis=1, keepdims=True) / m
        dA2 = W3.T @ dZ3
        dZ2 = dA2 * (Z2 > 0)
        dW2, db2 = dZ2 @ A1.T / m, np.sum(dZ2, axis=1, keepdims=True) / m
        dA1 = W2.T @ dZ2
        dZ1 = dA1 * (Z1 > 0)
        dW1, db1 = dZ1 @ Xb / m, np.sum(dZ1, axis=1, keepdims=True) / m
        if not skip_dA0:
            _dA0 = W1.T @ dZ1
        W1, b1 = W1 - LR * dW1, b1 - LR * db1
        W2, b2 = W2 - LR * dW2, b2 - LR * db2
        W3, b3 = W3 - LR * dW3, b3 - LR * db3
        return W1

    return step


def v_buffers(
    X_rows, y, dtype=np.float32, layout="seeds", db="sum", upcast=False, take_mode="clip"
):
    """Gather into a reused buffer (np.take(..., out=)), every activation and gradient
    preallocated (matmul out=), in-place ReLU and updates, no dA for the input layer.

    layout "seeds": Z_l (n_l, m_B) = W_l @ A_{l-1}, A_0 = Xb.T (a view);
    layout "rows":  Z_l (m_B, n_l) = A_{l-1} @ W_l.T (scikit-learn's orientation).
    db "sum": np.sum(axis=...); db "ones": a matmul with a ones vector.
    upcast: the learning rate as an np.float64 array scalar (a silent float64 upcast
    of every update).
    take_mode: np.take's mode; "raise" (the default of np.take) buffers ``out``.
    """
    W1, b1, W2, b2, W3, b3 = make_params(dtype)
    lr = np.float64(LR) * np.ones(1) if upcast else LR
    Xb = np.empty((MB, D), dtype)
    Yb = np.empty(MB, dtype)
    ones = np.ones((MB, 1), dtype)
    if layout == "seeds":
        Z1, Z2, Z3 = (np.empty((n, MB), dtype) for n in (H1, H2, 1))
    else:
        Z1, Z2, Z3 = (np.empty((MB, n), dtype) for n in (H1, H2, 1))
    dZ1, dZ2 = np.empty_like(Z1), np.empty_like(Z2)
    dW1, dW2, dW3 = np.empty_like(W1), np.empty_like(W2), np.empty_like(W3)
    db1, db2, db3 = np.empty_like(b1), np.empty_like(b2), np.empty_like(b3)

    def colsum(dZ, out):
        if layout == "seeds":
            if db == "sum":
                np.sum(dZ, axis=1, keepdims=True, out=out)
            else:
                np.matmul(dZ, ones, out=out)
        else:
            if db == "sum":
                np.sum(dZ, axis=0, out=out.reshape(-1))
            else:
                np.matmul(ones.T, dZ, out=out.reshape(1, -1))

    def update(W, dW, b, dbv, step):
        if upcast:
            W -= step * dW  # a float64 temporary, cast back to float32
        else:
            dW *= step
            W -= dW
        dbv *= step
        b -= dbv

    def step_fn(idx):
        nonlocal Z1, Z2, Z3, dZ1, dZ2  # updated in place (augmented assignments)
        np.take(X_rows, idx, axis=0, out=Xb, mode=take_mode)
        np.take(y, idx, out=Yb, mode=take_mode)
        s = lr / MB
        if layout == "seeds":
            A0 = Xb.T
            np.matmul(W1, A0, out=Z1)
            Z1 += b1
            np.maximum(Z1, 0, out=Z1)
            np.matmul(W2, Z1, out=Z2)
            Z2 += b2
            np.maximum(Z2, 0, out=Z2)
            np.matmul(W3, Z2, out=Z3)
            Z3 += b3
            expit(Z3, out=Z3)
            Z3 -= Yb
            np.matmul(Z3, Z2.T, out=dW3)
            colsum(Z3, db3)
            np.matmul(W3.T, Z3, out=dZ2)
            dZ2 *= Z2 > 0
            np.matmul(dZ2, Z1.T, out=dW2)
            colsum(dZ2, db2)
            np.matmul(W2.T, dZ2, out=dZ1)
            dZ1 *= Z1 > 0
            np.matmul(dZ1, Xb, out=dW1)
            colsum(dZ1, db1)
        else:
            np.matmul(Xb, W1.T, out=Z1)
            Z1 += b1.T
            np.maximum(Z1, 0, out=Z1)
            np.matmul(Z1, W2.T, out=Z2)
            Z2 += b2.T
            np.maximum(Z2, 0, out=Z2)
            np.matmul(Z2, W3.T, out=Z3)
            Z3 += b3.T
            expit(Z3, out=Z3)
            Z3 -= Yb[:, None]
            np.matmul(Z3.T, Z2, out=dW3)
            colsum(Z3, db3)
            np.matmul(Z3, W3, out=dZ2)
            dZ2 *= Z2 > 0
            np.matmul(dZ2.T, Z1, out=dW2)
            colsum(dZ2, db2)
            np.matmul(dZ2, W2, out=dZ1)
            dZ1 *= Z1 > 0
            np.matmul(dZ1.T, Xb, out=dW1)
            colsum(dZ1, db1)
        update(W1, dW1, b1, db1, s)
        update(W2, dW2, b2, db2, s)
        update(W3, dW3, b3, db3, s)
        return W1

    return step_fn


def v_fused(X_rows, y, dtype=np.float32):
    """The buffered seeds-layout step, with each weight update fused into the GEMM that
    computes its gradient: ``W.T += (-lr/m) * A_prev @ dZ.T`` by BLAS ``sgemm`` with
    ``beta=1`` on ``W.T`` (a Fortran-ordered view: no copy), so no ``dW`` is ever
    written. Same arithmetic up to rounding (one rounding instead of three)."""
    from scipy.linalg import blas

    gemm = blas.sgemm if dtype == np.float32 else blas.dgemm
    W1, b1, W2, b2, W3, b3 = make_params(dtype)
    Xb = np.empty((MB, D), dtype)
    Yb = np.empty(MB, dtype)
    Z1, Z2, Z3 = (np.empty((n, MB), dtype) for n in (H1, H2, 1))
    dZ1, dZ2 = np.empty_like(Z1), np.empty_like(Z2)
    db1, db2, db3 = np.empty_like(b1), np.empty_like(b2), np.empty_like(b3)

    def step_fn(idx):
        nonlocal Z1, Z2, Z3, dZ1, dZ2  # updated in place (augmented assignments)
        np.take(X_rows, idx, axis=0, out=Xb, mode="clip")
        np.take(y, idx, out=Yb, mode="clip")
        s = LR / MB
        np.matmul(W1, Xb.T, out=Z1)
        Z1 += b1
        np.maximum(Z1, 0, out=Z1)
        np.matmul(W2, Z1, out=Z2)
        Z2 += b2
        np.maximum(Z2, 0, out=Z2)
        np.matmul(W3, Z2, out=Z3)
        Z3 += b3
        expit(Z3, out=Z3)
        Z3 -= Yb
        np.sum(Z3, axis=1, keepdims=True, out=db3)
        np.matmul(W3.T, Z3, out=dZ2)  # before W3 changes
        gemm(-s, Z2.T, Z3.T, beta=1.0, c=W3.T, overwrite_c=1, trans_a=1)
        dZ2 *= Z2 > 0
        np.sum(dZ2, axis=1, keepdims=True, out=db2)
        np.matmul(W2.T, dZ2, out=dZ1)
        gemm(-s, Z1.T, dZ2.T, beta=1.0, c=W2.T, overwrite_c=1, trans_a=1)
        dZ1 *= Z1 > 0
        np.sum(dZ1, axis=1, keepdims=True, out=db1)
        gemm(-s, Xb.T, dZ1.T, beta=1.0, c=W1.T, overwrite_c=1)
        for b, dbv in ((b1, db1), (b2, db2), (b3, db3)):
            dbv *= s
            b -= dbv
        return W1

    return step_fn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None, help="BLAS threads (threadpoolctl)")
    args = ap.parse_args()
    if args.threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads, user_api="blas")
    rng = np.random.default_rng(0)
    X = rng.random((N, D), dtype=np.float32)
    y = (rng.random(N) < 0.5).astype(np.float32)
    XT = np.ascontiguousarray(X.T)  # only for the (n_x, m)-stored variant
    perm = rng.permutation(N)
    batches = [perm[i * MB : (i + 1) * MB] for i in range(args.steps)]
    variants = [
        ("seeds, data stored (n_x, m), X[:, idx]", v_seeds_columns(X, y, data_T=XT)),
        ("seeds, data (m, n_x), X[idx] then .T", v_seeds_rows_alloc(X, y)),
        ("  + skip input dA", v_seeds_rows_alloc(X, y, skip_dA0=True)),
        (
            "  same in float64 (data upcast)",
            v_seeds_rows_alloc(X.astype(np.float64), y, np.float64, True),
        ),
        ("buffers, take(out=, mode='raise')", v_buffers(X, y, take_mode="raise")),
        ("buffers, take(out=, mode='clip'), seeds layout", v_buffers(X, y)),
        ("buffers, seeds layout, db by ones-matmul", v_buffers(X, y, db="ones")),
        ("buffers, rows layout (X_b @ W.T)", v_buffers(X, y, layout="rows")),
        ("buffers, rows layout, db by ones-matmul", v_buffers(X, y, layout="rows", db="ones")),
        ("buffers, seeds layout, float64 lr array", v_buffers(X, y, upcast=True)),
        ("buffers, seeds layout, update fused in sgemm", v_fused(X, y)),
    ]
    del XT
    flops = step_flops()
    ref = None
    print(f"{'variant':45s} {'us/step':>9s} {'GFLOP/s':>8s}  max|W1-W1_ref|")
    for name, fresh in variants:
        best = float("inf")
        # same starting weights for each repeat: rebuild via the closure's first call
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            for idx in batches:
                W1 = fresh(idx)
            best = min(best, time.perf_counter() - t0)
        if ref is None:
            ref = W1.astype(np.float64)
        diff = float(np.max(np.abs(W1.astype(np.float64) - ref)))
        us = best / args.steps * 1e6
        print(f"{name:45s} {us:9.0f} {flops / (us * 1e-6) / 1e9:8.1f}  {diff:.2e}")


if __name__ == "__main__":
    main()
