"""A lean full-batch training loop, with the first layer plain or in row-space form.

Used by ``benchmarks/run.py`` to time :mod:`nnscratch._rowspace` directly (before
the estimator's ``fit`` uses it) and as a template for the library's loop: buffers
allocated once, every element-wise operation in place, no ``dA`` for the input layer,
the cost from logits, ``dZ = sigmoid(Z) - Y`` at the output.

The network is the course's: ReLU hidden layers, one sigmoid output unit, weights
``randn / sqrt(fan_in)`` from ``RandomState(seed)`` in order W1, W2, ..., biases 0.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from nnscratch._rowspace import RowSpaceLinear
from nnscratch.initializers import initialize_parameters


def train_full_batch(X, Y, hidden, *, lr, n_iter, seed=1, rowspace=True):
    """Full-batch gradient descent; returns ``(loss_curve, params)``.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    hidden : tuple of int
    lr : float
    n_iter : int
    seed : int
    rowspace : bool
        First layer through :class:`RowSpaceLinear` (True) or ``W1 @ X`` (False).

    Returns
    -------
    loss_curve : ndarray of shape (n_iter,), float64
    params : dict of ndarray, the seeds' shapes
    """
    dtype = X.dtype
    n_x, m = X.shape
    dims = [n_x, *hidden, 1]
    L = len(dims) - 1
    p = initialize_parameters(dims, "lecun", seed, dtype)  # the course's randn / sqrt(n)
    W = [None] + [p[f"W{l}"] for l in range(1, L + 1)]
    b = [None] + [p[f"b{l}"] for l in range(1, L + 1)]
    layer = RowSpaceLinear(W[1], X) if rowspace else None
    A = [X] + [np.empty((n, m), dtype=dtype) for n in dims[1:]]  # A[L] holds Z_L
    dZ = [None] + [np.empty((n, m), dtype=dtype) for n in dims[1:]]
    dW = [None] + [np.empty_like(w) for w in W[1:]]
    db = [None] + [np.empty_like(v) for v in b[1:]]
    tmp = np.empty((1, m), dtype=dtype)
    ones = np.ones((m, 1), dtype=dtype)
    costs = np.empty(n_iter)
    inv_m = 1.0 / m
    for it in range(n_iter):
        # forward: A[l] = relu(W[l] A[l-1] + b[l]) in place; A[L] is the output's Z
        for l in range(1, L + 1):
            Z = A[l]
            if l == 1 and layer is not None:
                layer.forward(out=Z)
            else:
                np.matmul(W[l], A[l - 1], out=Z)
            Z += b[l]
            if l < L:
                np.maximum(Z, 0, out=Z)
        ZL = A[L]
        # cost from logits: mean(log(1 + e^Z) - Y Z)
        np.logaddexp(0, ZL, out=tmp)
        costs[it] = (tmp.sum() - np.vdot(Y, ZL)) * inv_m
        # backward: dZ_L = sigmoid(Z_L) - Y
        g = dZ[L]
        expit(ZL, out=g)
        g -= Y
        for l in range(L, 0, -1):
            g = dZ[l]
            np.matmul(g, ones, out=db[l])
            if l > 1:
                np.matmul(g, A[l - 1].T, out=dW[l])
                # dA_{l-1} = W_l^T dZ_l, then relu': zero where A_{l-1} == 0
                h = np.matmul(W[l].T, g, out=dZ[l - 1])
                h *= A[l - 1] > 0
            elif layer is None:
                np.matmul(g, X.T, out=dW[1])
        # update (dW, db hold the sums; the 1/m goes into the step size)
        step = lr * inv_m
        for l in range(1, L + 1):
            if l == 1 and layer is not None:
                layer.step(dZ[1], lr)
            else:
                dW[l] *= step
                W[l] -= dW[l]
            db[l] *= step
            b[l] -= db[l]
    if layer is not None:
        W[1] = layer.weights()
    params = {}
    for l in range(1, L + 1):
        params[f"W{l}"], params[f"b{l}"] = W[l], b[l]
    return costs, params
