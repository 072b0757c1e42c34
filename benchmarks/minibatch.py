"""A lean mini-batch SGD loop and a chunked predict_proba, in plain NumPy.

The best variant found by ``benchmarks/minibatch_variants.py``, written for any
number of ReLU hidden layers and one sigmoid output unit, kept as the target the
library's ``fit`` should reach (it is timed beside the peers in ``run.py``):

- the data stay in the caller's row-major ``(m, n_x)`` array, never copied; each
  shuffled batch is gathered with ``np.take(X, idx, axis=0, out=buf, mode="clip")``
  (``mode="raise"``, the default, buffers ``out`` and is 3x slower) into one
  reused buffer and used through the view ``buf.T`` (the seeds' ``(n_x, m_B)``);
- every activation and gradient is preallocated (``np.matmul(..., out=)``), the ReLU
  and the updates run in place, the mask of ``relu'`` is ``A > 0`` (no ``Z`` kept);
- no ``dA`` for the input layer; ``lr/m_B`` applied once, to ``dZ_L`` (everything
  after is linear in it), so that each update is one pass ``W -= dW``;
- ``db = dZ @ ones`` (the seeds' own form: a BLAS GEMV, 5x faster than
  ``np.sum(dZ, axis=1)``); ``relu'`` as ``dZ *= A > 0`` (16x faster than the
  seeds' ``dZ[Z <= 0] = 0``);
- the dtype of ``X`` (float32) everywhere; Python floats as scalars.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from nnscratch.initializers import initialize_parameters


def train_minibatch(X, y, hidden, *, lr, epochs, batch_size, seed=0):
    """Plain mini-batch SGD; returns ``(W, b, loss_curve)``.

    Parameters
    ----------
    X : ndarray of shape (m, n_x), float32 or float64, row-major
    y : ndarray of shape (m,), 0/1
    hidden : tuple of int
    lr : float
    epochs : int
    batch_size : int
    seed : int

    Returns
    -------
    W, b : lists (index 1..L) of ndarrays, the seeds' shapes
    loss_curve : list of float, mean cost of each epoch
    """
    dtype = X.dtype
    m, n_x = X.shape
    dims = [n_x, *hidden, 1]
    L = len(dims) - 1
    p = initialize_parameters(dims, "lecun", seed, dtype)  # the course's randn / sqrt(n)
    W = [None] + [p[f"W{l}"] for l in range(1, L + 1)]
    b = [None] + [p[f"b{l}"] for l in range(1, L + 1)]
    yv = np.asarray(y, dtype=dtype)
    rng = np.random.RandomState(seed + 1)
    bufs = {}

    def buffers(mb):
        if mb not in bufs:
            bufs[mb] = (
                np.empty((mb, n_x), dtype),  # batch rows
                np.empty((1, mb), dtype),  # labels
                [None] + [np.empty((n, mb), dtype) for n in dims[1:]],  # A_l (A_L = Z_L)
                [None] + [np.empty((n, mb), dtype) for n in dims[1:]],  # dZ_l
                np.empty((1, mb), dtype),
                np.ones((mb, 1), dtype),  # db = dZ @ ones: a GEMV, 5x faster than sum
            )
        return bufs[mb]

    dW = [None] + [np.empty_like(w) for w in W[1:]]
    db = [None] + [np.empty_like(v) for v in b[1:]]
    loss_curve = []
    for _ in range(epochs):
        perm = rng.permutation(m)
        total = 0.0
        for start in range(0, m, batch_size):
            idx = perm[start : start + batch_size]
            mb = idx.shape[0]
            Xb, Yb, A, dZ, tmp, ones = buffers(mb)
            np.take(X, idx, axis=0, out=Xb, mode="clip")
            np.take(yv, idx, out=Yb[0], mode="clip")
            A[0] = Xb.T
            for l in range(1, L + 1):
                Z = np.matmul(W[l], A[l - 1], out=A[l])
                Z += b[l]
                if l < L:
                    np.maximum(Z, 0, out=Z)
            ZL = A[L]
            np.logaddexp(0, ZL, out=tmp)
            total += float(tmp.sum() - np.vdot(Yb, ZL))
            g = expit(ZL, out=dZ[L])
            g -= Yb
            # Scale dZ_L by lr/m_B once: every dZ, dW, db below inherits the factor
            # (they are linear in it), so each update is a single pass W -= dW.
            g *= lr / mb
            for l in range(L, 0, -1):
                g = dZ[l]
                np.matmul(g, A[l - 1].T, out=dW[l])
                np.matmul(g, ones, out=db[l])
                if l > 1:
                    if W[l].shape[0] == 1:  # one output unit: an outer product, and
                        # np.multiply does it 3x faster than a K=1 matmul
                        h = np.multiply(W[l].T, g, out=dZ[l - 1])
                    else:
                        h = np.matmul(W[l].T, g, out=dZ[l - 1])
                    h *= A[l - 1] > 0
            for l in range(1, L + 1):
                W[l] -= dW[l]
                b[l] -= db[l]
        loss_curve.append(total / m)
    return W, b, loss_curve


def predict_proba(W, b, X, chunk=4096):
    """Probability of class 1 for each row of ``X`` (m, n_x), by chunks of rows.

    Works in the row orientation ``Z = A @ W.T + b.T`` (no transposing copy), with
    buffers reused from chunk to chunk so that the activations stay in cache.

    Returns
    -------
    ndarray of shape (m,), the dtype of ``X``
    """
    L = len(W) - 1
    m = X.shape[0]
    out = np.empty(m, dtype=X.dtype)
    bufs = [np.empty((min(chunk, m), w.shape[0]), X.dtype) for w in W[1:]]
    bT = [None] + [v.T for v in b[1:]]
    for start in range(0, m, chunk):
        A = X[start : start + chunk]
        n = A.shape[0]
        for l in range(1, L + 1):
            Z = np.matmul(A, W[l].T, out=bufs[l - 1][:n])
            Z += bT[l]
            if l < L:
                np.maximum(Z, 0, out=Z)
            A = Z
        expit(A[:, 0], out=out[start : start + n])
    return out
