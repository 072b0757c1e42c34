"""Where the time goes besides the matrix products: benchmark 2 and 3, part by part.

Issue 14 asks for mini-batch training and ``predict_proba`` on 60000 x 784 float32
within 1.1x of their matrix products alone. This script builds each path up from its
products, one kind of work at a time, in the library's layouts (examples' columns
contiguous, reused arrays), and prints each stage's time against the products alone::

    python3 benchmarks/parts.py [--repeat 5]

Training (the (784 -> 256 -> 128 -> 1) ReLU network, batches of 256, 2 epochs,
plain gradient descent, the learning rate folded into ``dZ_L`` as the library does):

1. the products alone (``Z = W A``, ``dW = dZ A^T``, ``dA = W^T dZ``) on one batch
   that stays in the cache, as ``run.gemm_floor_numpy`` times them;
2. + the gather of each shuffled batch (``np.take`` of 256 rows into a reused array);
3. + the forward pass's element-wise work (bias, ReLU);
4. + the backward pass's (``A_L = σ(Z_L)``, ``dZ_L = (A_L - Y) lr / m``, the ReLU's
   mask);
5. + the bias gradients (``dZ @ 1``);
6. + the updates (``W -= dW``, ``b -= db``): a complete step; then the library's fit.

Prediction (the same network, chunks of 4096 examples): the products reading the
data, + the bias, + the ReLU, both by L2-sized blocks, + the finiteness check
``1^T Z1``; then the library's ``forward_logits``.

Every stage is timed in turns with the others (best and median of ``--repeat``),
with NumPy's default BLAS threads.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.special import expit

N, DIMS, BATCH, EPOCHS, LR, CHUNK = 60000, (784, 256, 128, 1), 256, 2, 0.05, 4096


def weights(rng):
    W = [None] + [(rng.standard_normal((DIMS[l], DIMS[l - 1])) / np.sqrt(DIMS[l - 1]))
                  .astype(np.float32) for l in range(1, 4)]
    b = [None] + [(0.1 * rng.standard_normal((DIMS[l], 1))).astype(np.float32)
                  for l in range(1, 4)]
    return W, b


def training(X, y, stage: int):
    """A function running 2 epochs of training with stages 1..``stage`` switched on."""
    rng = np.random.default_rng(1)
    W, b = weights(rng)
    L = 3
    Y = y[None, :].astype(np.float32)
    XB = np.empty((DIMS[0], BATCH), np.float32, order="F")
    hot = np.asfortranarray(X[:BATCH].T)  # stage 1: one batch, always in the cache
    Z = [None] + [np.empty((d, BATCH), np.float32, order="F") for d in DIMS[1:]]
    dA = [None] + [np.asfortranarray(rng.random((d, BATCH), dtype=np.float32))
                   for d in DIMS[1:]]  # stage < 4: dZ never computed, but not denormal
    dW = [None] + [np.empty_like(w) for w in W[1:]]
    db = [None] + [np.empty((d, 1), np.float32) for d in DIMS[1:]]
    zeros = [None] + [np.zeros((d, BATCH), np.float32, order="F") for d in DIMS[1:]]
    ones = np.ones((BATCH, 1), np.float32)

    def run():
        for _ in range(EPOCHS):
            order = rng.permutation(N)
            for start in range(0, N - BATCH + 1, BATCH):  # whole batches: 468 steps, the fit 470
                if stage >= 2:
                    rows = np.sort(order[start:start + BATCH])
                    np.take(X, rows, axis=0, out=XB.T, mode="clip")
                    A0 = XB
                else:
                    A0 = hot
                A = A0
                for l in range(1, L + 1):
                    np.matmul(W[l], A, out=Z[l])
                    if stage >= 3:
                        Z[l] += b[l]
                        if l < L:
                            np.maximum(Z[l], zeros[l], out=Z[l])
                    A = Z[l]
                dZ = dA[L]
                if stage >= 4:
                    expit(Z[L], out=dZ)  # A_L
                    dZ -= Y[:, rows]
                    dZ *= LR / BATCH
                for l in range(L, 0, -1):
                    A_prev = Z[l - 1] if l > 1 else A0
                    np.matmul(dZ, A_prev.T, out=dW[l])
                    if stage >= 5:
                        np.matmul(dZ, ones, out=db[l])
                    if l > 1:
                        out = dA[l - 1]
                        if W[l].shape[0] == 1:
                            np.multiply(W[l].T, dZ, out=out)
                        else:
                            np.matmul(W[l].T, dZ, out=out)
                        if stage >= 4:
                            np.multiply(out, Z[l - 1] > 0, out=out)
                    if stage >= 6:
                        W[l] -= dW[l]
                        b[l] -= db[l]
                    if l > 1:
                        dZ = dA[l - 1]

    return run


def prediction(X, stage: int):
    """``forward_logits``'s work on X with stages 1..``stage`` switched on."""
    W, b = weights(np.random.default_rng(2))
    XT = X.T
    Z1 = np.empty((DIMS[1], CHUNK), np.float32, order="F")
    Z2 = np.empty((DIMS[2], CHUNK), np.float32, order="F")
    ZL = np.empty((1, N), np.float32)
    zeros = np.zeros((DIMS[1], CHUNK), np.float32, order="F")
    ones = np.ones((DIMS[1], 1), np.float32)
    block = 131072  # values: nnscratch._engine.BLOCK_VALUES

    def bias_relu(Z, b_l):
        cols = block // Z.shape[0]
        for j in range(0, Z.shape[1], cols):
            part = Z[:, j:j + cols]
            if stage >= 2:
                part += b_l
            if stage >= 3:
                np.maximum(part, zeros[:part.shape[0], :part.shape[1]], out=part)

    def run():
        for start in range(0, N, CHUNK):
            A = XT[:, start:start + CHUNK]
            k = A.shape[1]
            z1 = np.matmul(W[1], A, out=Z1[:, :k])
            if stage >= 4:
                np.isfinite(ones.T @ z1).all()
            bias_relu(z1, b[1])
            z2 = np.matmul(W[2], z1, out=Z2[:, :k])
            bias_relu(z2, b[2])
            np.matmul(W[3], z2, out=ZL[:, start:start + k])
            if stage >= 2:
                ZL[:, start:start + k] += b[3]

    return run


def interleaved(fns: dict, repeat: int) -> dict:
    times = {name: [] for name in fns}
    for fn in fns.values():
        fn()  # warm up
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: (min(t), float(np.median(t))) for name, t in times.items()}


def report(title: str, timed: dict) -> None:
    floor = next(iter(timed.values()))[0]
    print(f"\n{title} (ms; ratios are best times against the first line's)")
    for name, (best, med) in timed.items():
        print(f"  {name:48s} best {best * 1e3:7.1f}  median {med * 1e3:7.1f}  "
              f"{best / floor:5.2f}x")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    X = rng.random((N, DIMS[0]), dtype=np.float32)
    y = (X[:, :10].sum(axis=1) > 5).astype(np.int64)

    from nnscratch import NeuralNetworkClassifier, _engine

    clf = NeuralNetworkClassifier(hidden_layer_sizes=DIMS[1:-1], solver="gd",
                                  batch_size=BATCH, max_iter=EPOCHS, learning_rate=LR,
                                  alpha=0, random_state=0)
    names = ["products alone (one batch, in the cache)", "+ gather of shuffled batches",
             "+ forward element-wise (bias, ReLU)", "+ backward element-wise (sigmoid, dZ_L, ReLU)",
             "+ bias gradients (dZ @ 1)", "+ updates (W -= dW, b -= db)"]
    fns = {name: training(X, y, stage) for stage, name in enumerate(names, 1)}
    fns["nnscratch fit"] = lambda: clf.fit(X, y)
    report("Mini-batch training, 60000 x 784, batches of 256, 2 epochs",
           interleaved(fns, args.repeat))

    clf.fit(X, y)
    XT = X.T
    names = ["products alone (reading the data)", "+ bias (by blocks)",
             "+ ReLU (by blocks)", "+ finiteness check (1^T Z1)"]
    fns = {name: prediction(X, stage) for stage, name in enumerate(names, 1)}
    fns["nnscratch forward_logits"] = lambda: _engine.forward_logits(
        XT, clf.params_, check_input=lambda A: None)
    report("Prediction, 60000 x 784, chunks of 4096", interleaved(fns, max(args.repeat, 9)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
