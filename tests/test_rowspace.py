"""The row-space form of the first layer trains exactly like the plain one.

Each test trains the same network twice with one loop written here: once with the
first layer's weights held as a plain array (the reference, the seeds' ``W1 @ X`` and
``dZ1 @ X.T / m``), once through :class:`nnscratch._rowspace.RowSpaceLinear`. Costs
(L2 penalty included) and final weights must agree.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit

from nnscratch._rowspace import MAX_SAMPLES, RowSpaceLinear, rowspace_is_faster
from nnscratch.initializers import initialize_parameters

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def batches_for_epoch(m, batch_size, rng, shuffle):
    if batch_size is None:
        return [None]
    if shuffle:
        perm = rng.permutation(m)
        return [perm[i : i + batch_size] for i in range(0, m, batch_size)]
    return [slice(i, min(i + batch_size, m)) for i in range(0, m, batch_size)]


def train(
    X,
    Y,
    hidden,
    *,
    lr,
    n_iter,
    rowspace,
    alpha=0.0,
    batch_size=None,
    shuffle=True,
    momentum=0.0,
    dampening=0.0,
    nesterov=False,
    seed=1,
):
    """Train relu hidden layers + a sigmoid output; return (costs, params).

    ``rowspace=False`` is the plain reference. The L2 cost is ``alpha / (2 m_B) *
    sum ||W_l||^2`` and adds ``alpha / m_B * W_l`` to each ``dW_l``; momentum is
    ``v = momentum * v + (1 - dampening) * dW; W -= lr * v`` (``dW + momentum * v``
    with Nesterov), ``v`` starting at zero.
    """
    dtype = X.dtype
    n_x, m = X.shape
    dims = [n_x, *hidden, 1]
    L = len(dims) - 1
    params = initialize_parameters(dims, "lecun", seed, dtype)  # randn / sqrt(n_prev)
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    layer = RowSpaceLinear(params["W1"], X) if rowspace else None
    batch_rng = np.random.RandomState(seed + 1)
    costs = []
    for _ in range(n_iter):
        for B in batches_for_epoch(m, batch_size, batch_rng, shuffle):
            X_B = X if B is None else X[:, B]
            Y_B = Y if B is None else Y[:, B]
            mb = X_B.shape[1]
            if rowspace:
                Z = layer.forward(B) + params["b1"]
            else:
                Z = params["W1"] @ X_B + params["b1"]
            Zs, As = [None, Z], [X_B]
            for l in range(2, L + 1):
                A = np.maximum(Zs[l - 1], 0)
                As.append(A)
                Zs.append(params[f"W{l}"] @ A + params[f"b{l}"])
            ZL = Zs[L]
            cost = float(np.mean(np.logaddexp(0, ZL) - Y_B * ZL))
            if alpha:
                sq = layer.sq_norm() if rowspace else float(np.sum(params["W1"] ** 2))
                sq += sum(float(np.sum(params[f"W{l}"] ** 2)) for l in range(2, L + 1))
                cost += alpha / (2 * mb) * sq
            costs.append(cost)
            dZ = expit(ZL) - Y_B
            grads = {}
            for l in range(L, 0, -1):
                if l > 1 or not rowspace:
                    grads[f"dW{l}"] = dZ @ As[l - 1].T / mb + alpha / mb * params[f"W{l}"]
                grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True) / mb
                if l == 1:
                    break
                dA = params[f"W{l}"].T @ dZ
                dZ = dA * (Zs[l - 1] > 0)
            if rowspace:
                layer.step(
                    dZ,
                    lr,
                    B,
                    weight_decay=alpha / mb,
                    momentum=momentum,
                    dampening=dampening,
                    nesterov=nesterov,
                )
            for key, g in grads.items():
                name = key[1:]
                if momentum:
                    v = velocity[name]
                    v *= momentum
                    v += (1 - dampening) * g
                    g = g + momentum * v if nesterov else v
                params[name] -= lr * g
    if rowspace:
        params["W1"] = layer.weights()
    return np.array(costs), params


def assert_same_training(plain, fast, rtol):
    (costs_p, params_p), (costs_f, params_f) = plain, fast
    np.testing.assert_allclose(costs_f, costs_p, rtol=rtol, atol=0)
    for key in params_p:
        ref = params_p[key]
        assert params_f[key].dtype == ref.dtype
        err = np.linalg.norm(params_f[key] - ref) / max(np.linalg.norm(ref), 1e-300)
        assert err <= rtol, f"{key}: relative error {err:.3g} > {rtol}"


def random_problem(n_x, m, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m)) / np.sqrt(n_x)
    w = rng.standard_normal(n_x)
    Y = (w @ X + 0.3 * rng.standard_normal(m) > 0).astype(np.float64)[None, :]
    return X.astype(dtype), Y.astype(dtype)


@pytest.fixture(scope="module")
def cat_data():
    path = DATA / "catvnoncat" / "train_catvnoncat.h5"
    if not path.exists():
        pytest.skip("missing ../shared/data/catvnoncat/train_catvnoncat.h5")
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "r") as f:
        x = np.array(f["train_set_x"][:])
        y = np.array(f["train_set_y"][:])
    return x.reshape(x.shape[0], -1).T / 255.0, y.reshape(1, -1).astype(np.float64)


# ---------------------------------------------------------------- the layer itself


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_forward_step_weights_match_the_plain_formulas(dtype, rtol):
    rng = np.random.default_rng(3)
    n_1, n_x, m = 4, 60, 12
    X = rng.standard_normal((n_x, m)).astype(dtype)
    W = rng.standard_normal((n_1, n_x)).astype(dtype)
    layer = RowSpaceLinear(W, X)
    Wp = W.astype(np.float64)
    X64 = X.astype(np.float64)
    for k, batch in enumerate([None, slice(2, 9), np.array([11, 0, 5, 7]), None]):
        XB = X64 if batch is None else X64[:, batch]
        Z = layer.forward(batch)
        assert Z.dtype == dtype and Z.shape == (n_1, XB.shape[1])
        np.testing.assert_allclose(Z, Wp @ XB, rtol=rtol * 10, atol=rtol * 10)
        dZ = rng.standard_normal(Z.shape).astype(dtype)
        lam = 0.01 * k
        layer.step(dZ, 0.3, batch, weight_decay=lam)
        Wp = Wp - 0.3 * (dZ.astype(np.float64) @ XB.T / XB.shape[1] + lam * Wp)
        W1 = layer.weights()
        assert W1.dtype == dtype and W1.shape == (n_1, n_x)
        np.testing.assert_allclose(W1, Wp, rtol=rtol * 10, atol=rtol * 10)
        np.testing.assert_allclose(layer.sq_norm(), np.sum(Wp**2), rtol=rtol * 10)
    assert layer.C.dtype == dtype and layer.G.dtype == dtype and isinstance(layer.s, float)


@pytest.mark.parametrize("batch", [None, np.array([3, 1, 8])])
def test_step_divides_by_the_given_m(batch):
    """A weighted gradient's divisor (the sum of the sample weights) replaces m_B."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((40, 10))
    W = rng.standard_normal((3, 40))
    layer = RowSpaceLinear(W, X)
    XB = X if batch is None else X[:, batch]
    dZ = rng.standard_normal((3, XB.shape[1]))
    layer.step(dZ, 0.2, batch, m=7.5)
    np.testing.assert_allclose(layer.weights(), W - 0.2 * dZ @ XB.T / 7.5, rtol=1e-12)


def test_x_is_not_copied_and_transposed_views_work():
    rng = np.random.default_rng(4)
    rows = rng.standard_normal((30, 80)).astype(np.float32)  # (m, n_x), estimator layout
    X = rows.T  # (n_x, m) view
    layer = RowSpaceLinear(np.ones((2, 80), dtype=np.float32), X)
    assert np.shares_memory(layer.X, rows)
    np.testing.assert_allclose(layer.G, rows @ rows.T, rtol=1e-5)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="W1_0 must have shape"):
        RowSpaceLinear(np.zeros((3, 5)), np.zeros((4, 10)))
    with pytest.raises(ValueError, match="X must be 2-D"):
        RowSpaceLinear(np.zeros((3, 5)), np.zeros(5))


# ---------------------------------------------------------------- whole trainings


@pytest.mark.parametrize(
    "hidden, kwargs",
    [
        ((20, 7, 5), {}),
        ((), {}),  # one neuron: the first layer is the output layer
        ((20, 7, 5), {"alpha": 0.7}),
        ((), {"alpha": 0.7}),
        ((20, 7, 5), {"batch_size": 16}),
        ((20, 7, 5), {"batch_size": 16, "shuffle": False, "alpha": 0.3}),
        ((8,), {"batch_size": 10, "momentum": 0.9}),
        ((8,), {"momentum": 0.9, "dampening": 0.9, "alpha": 0.2}),
        ((8,), {"batch_size": 10, "momentum": 0.8, "nesterov": True, "alpha": 0.1}),
    ],
)
def test_rowspace_training_equals_plain_training_float64(hidden, kwargs):
    X, Y = random_problem(n_x=300, m=50, dtype=np.float64)
    n_iter = 40 if kwargs.get("batch_size") else 200
    common = dict(lr=0.05, n_iter=n_iter, **kwargs)
    plain = train(X, Y, hidden, rowspace=False, **common)
    fast = train(X, Y, hidden, rowspace=True, **common)
    assert np.all(np.isfinite(plain[0]))
    # it learns (the comparison is not trivial): mean of the last costs below the first
    assert np.mean(plain[0][-10:]) < np.mean(plain[0][:10])
    assert_same_training(plain, fast, rtol=1e-9)


@pytest.mark.parametrize(
    "hidden, kwargs", [((20, 7, 5), {}), ((), {"alpha": 0.5}), ((8,), {"batch_size": 10})]
)
def test_rowspace_training_equals_plain_training_float32(hidden, kwargs):
    X, Y = random_problem(n_x=300, m=50, dtype=np.float32)
    n_iter = 20 if kwargs.get("batch_size") else 100
    plain = train(X, Y, hidden, rowspace=False, lr=0.05, n_iter=n_iter, **kwargs)
    fast = train(X, Y, hidden, rowspace=True, lr=0.05, n_iter=n_iter, **kwargs)
    assert plain[0].dtype == np.float64  # costs are Python floats
    assert all(v.dtype == np.float32 for v in fast[1].values())
    assert_same_training(plain, fast, rtol=2e-4)


@pytest.mark.parametrize(
    "hidden, lr, kwargs",
    [((20, 7, 5), 0.0075, {}), ((), 0.005, {}), ((20, 7, 5), 0.0075, {"alpha": 0.7})],
)
@pytest.mark.slow
def test_rowspace_equals_plain_on_the_cat_data(cat_data, hidden, lr, kwargs):
    X, Y = cat_data
    plain = train(X, Y, hidden, rowspace=False, lr=lr, n_iter=40, **kwargs)
    fast = train(X, Y, hidden, rowspace=True, lr=lr, n_iter=40, **kwargs)
    if hidden and not kwargs:
        assert plain[0][0] == pytest.approx(0.771749, abs=5e-7)  # the course's cost at 0
    assert_same_training(plain, fast, rtol=1e-9)


@pytest.mark.slow
def test_rowspace_reproduces_the_course_cat_model(cat_data):
    """2500 iterations of the (20, 7, 5) model: the course's published costs."""
    X, Y = cat_data
    costs, params = train(X, Y, (20, 7, 5), rowspace=True, lr=0.0075, n_iter=2500)
    assert costs[0] == pytest.approx(0.771749, abs=5e-7)
    assert costs[2400] == pytest.approx(0.092878, abs=5e-7)
    Z = X
    for l in range(1, 5):
        Z = params[f"W{l}"] @ (Z if l == 1 else np.maximum(Z, 0)) + params[f"b{l}"]
    assert np.mean((Z > 0) == (Y > 0.5)) == pytest.approx(0.9856, abs=1e-4)


# ---------------------------------------------------------------- the cost model


@pytest.mark.parametrize(
    "args, expected",
    [
        ((12288, 209, 20, 2500, None, "gd"), True),  # the course's cat model
        ((12288, 209, 1, 2000, None, "gd"), True),  # logistic regression on cats
        ((12288, 209, 20, 2500, 64, "sgd"), True),
        ((12288, 209, 20, 2500, None, "momentum"), True),
        ((12288, 209, 20, 2500, None, "adam"), False),  # not linear in the gradient
        ((12288, 209, 20, 2500, None, "rmsprop"), False),
        ((12288, 209, 20, 1, None, "gd"), False),  # too few iterations to pay for G
        ((784, 60000, 256, 2, 256, "sgd"), False),  # more examples than features
        ((2, 211, 20, 10000, None, "gd"), False),  # the 2-D football data
        ((10**6, MAX_SAMPLES + 1, 20, 10**4, None, "gd"), False),  # G would not fit
        ((10**6, MAX_SAMPLES, 20, 10**4, None, "gd"), True),
        ((1000, 501, 20, 10**4, None, "gd"), False),  # G would exceed half the data's size
        ((1000, 500, 20, 10**4, None, "gd"), True),
    ],
)
def test_rowspace_is_faster(args, expected):
    assert rowspace_is_faster(*args) is expected
