"""The engine computes what the course's network.py computes (1e-12 in float64).

:mod:`nnscratch._engine` is the fast form of :mod:`nnscratch.network` that training
and prediction run; :mod:`nnscratch.network` is the reference. Every activation,
dropout masks, L2, softmax, sample weights, with and without reused arrays and with
the learning rate folded into the gradients.
"""

import numpy as np
import pytest

from nnscratch import _engine, _rowspace, network
from nnscratch.activations import ACTIVATIONS
from nnscratch.initializers import initialize_parameters
from nnscratch.optimizers import GradientDescent, Momentum
from nnscratch.training import LiveWeights


def problem(n_out=1, seed=2, dtype=np.float64):
    rng = np.random.RandomState(seed)
    params = initialize_parameters([6, 5, 4, n_out], "he", 0, dtype)
    X = rng.randn(13, 6).T.astype(dtype)  # a transposed view of rows, as the estimators pass
    if n_out == 1:
        Y = (rng.rand(1, 13) > 0.5).astype(dtype)
    else:
        Y = np.eye(n_out, dtype=dtype)[rng.randint(0, n_out, 13)].T
    return params, X, Y, rng.rand(13) + 0.5


def engine_step(X, params, Y, activation, output, keep_probs, seed, alpha, w, scale, ws):
    """One forward, cost and backward through the engine, the first layer dense."""
    first = _engine.DenseFirstLayer(params["W1"], X, None, GradientDescent(1.0), ws)
    acts = network.hidden_activations(activation, 2)
    AL, caches = _engine.forward(first.forward(slice(None)), params, acts, output,
                                 keep_probs, np.random.RandomState(seed), ws)
    AL = AL.copy()
    J = _engine.cost(caches[-1][1].Z, Y, output, params, alpha, w, first.sq_norm)
    grads = _engine.backward(AL, Y, caches, acts, alpha, w, scale, ws)
    m = Y.shape[1] if w is None else float(np.sum(w))
    grads["dW1"] = _engine.weight_gradient(grads.pop("dZ1"), X, params["W1"],
                                           scale * alpha / m, ws, 1)
    return AL, J, {k: v.copy() for k, v in grads.items()}


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("keep_probs", [None, [0.7, 0.8]])
@pytest.mark.parametrize("alpha, weighted", [(0.0, False), (0.3, True)])
@pytest.mark.parametrize("reuse", [False, True])
@pytest.mark.parametrize("scale", [1.0, 0.5])
def test_engine_equals_the_course_network(activation, output, keep_probs, alpha, weighted,
                                          reuse, scale):
    params, X, Y, w = problem(n_out=1 if output == "sigmoid" else 3)
    w = w if weighted else None
    AL_ref, caches = network.L_model_forward(X, params, activation, output, keep_probs,
                                             rng=np.random.RandomState(5))
    J_ref = network.compute_cost(caches[-1][1].Z, Y, output, params, alpha, w)
    grads_ref = network.L_model_backward(AL_ref, Y, caches, activation, alpha, w)
    ws = _engine.Workspace() if reuse else None
    for _ in range(2 if reuse else 1):  # a second step reuses the first step's arrays
        AL, J, grads = engine_step(X, params, Y, activation, output, keep_probs, 5, alpha, w,
                                   scale, ws)
        np.testing.assert_allclose(AL, AL_ref, rtol=1e-12)
        assert J == pytest.approx(J_ref, rel=1e-12)
        assert sorted(grads) == sorted(k for k in grads_ref if not k.startswith("dA"))
        for key, value in grads.items():
            np.testing.assert_allclose(value, scale * grads_ref[key], rtol=1e-12, atol=1e-15)


def test_reused_arrays_are_reused_and_laid_out_like_the_examples():
    params, X, Y, _ = problem(n_out=3)
    ws = _engine.Workspace()
    ids = []
    for _ in range(2):
        first = _engine.DenseFirstLayer(params["W1"], X, None, GradientDescent(1.0), ws)
        AL, caches = _engine.forward(first.forward(slice(None)), params, "tanh", "softmax",
                                     workspace=ws)
        grads = _engine.backward(AL, Y, caches, "tanh", alpha=0.3, workspace=ws)
        ids.append({key: id(value) for key, value in grads.items()})
    assert ids[0] == ids[1]
    assert caches[0][1].Z.flags.f_contiguous and caches[1][1].Z.flags.f_contiguous
    first = _engine.DenseFirstLayer(params["W1"], np.ascontiguousarray(X), None, None, ws)
    _, caches_c = _engine.forward(first.forward(slice(None)), params, "tanh", workspace=ws)
    assert caches_c[0][1].Z.flags.c_contiguous


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_forward_logits_equals_the_course_forward_pass(dtype):
    params, X, _, _ = problem(n_out=3, dtype=dtype)
    acts = network.hidden_activations(["tanh", "leaky_relu"], 2)
    _, caches = network.L_model_forward(X, params, acts, "softmax")
    ZL = _engine.forward_logits(X, params, acts, chunk_size=5)
    assert ZL.dtype == dtype
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(ZL, caches[-1][1].Z, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("hidden", [["relu", "relu"], ["tanh", "sigmoid"],
                                    ["leaky_relu", "relu"]])
@pytest.mark.parametrize("block_values", [8, 10, 10**9])
def test_forward_logits_by_blocks_of_columns_equals_the_course_forward_pass(
        hidden, block_values, monkeypatch):
    # Blocks of 1 or 2 columns inside chunks of 5 (and one block per chunk); the
    # leaky ReLU has no in-place form and takes the whole chunk at once.
    monkeypatch.setattr(_engine, "BLOCK_VALUES", block_values)
    params, X, _, _ = problem()
    rng = np.random.RandomState(0)
    for l in (1, 2, 3):  # biases that differ by unit (initialised to zeros)
        params[f"b{l}"] = rng.randn(*params[f"b{l}"].shape)
    acts = network.hidden_activations(hidden, 2)
    _, caches = network.L_model_forward(X, params, acts, "sigmoid")
    ZL = _engine.forward_logits(X, params, acts, chunk_size=5)
    np.testing.assert_allclose(ZL, caches[-1][1].Z, rtol=1e-12, atol=1e-15)


def test_batches_are_gathered_into_one_array_equal_to_fancy_indexing():
    X = np.arange(60.0).reshape(12, 5)  # (m, n_x) rows, as the estimators get them
    ws = _engine.Workspace()
    idx = np.array([1, 4, 7, 11])
    got = _engine.gather_columns(X.T, idx, ws)
    np.testing.assert_array_equal(got, X.T[:, idx])
    assert got is _engine.gather_columns(X.T, idx[::-1].copy(), ws)  # the same buffer
    strided = np.asfortranarray(X).T  # not a view of row-major data: plain indexing
    np.testing.assert_array_equal(_engine.gather_columns(strided, idx, ws), X.T[:, idx])
    np.testing.assert_array_equal(_engine.gather_columns(X.T, idx, None), X.T[:, idx])
    assert _engine.gather_columns(X.T, slice(2, 5), ws).base is not None  # a view, no copy


# ---------------------------------------------------------- the first layer's two forms


@pytest.mark.parametrize("make_optimizer", [lambda: GradientDescent(0.2),
                                            lambda: Momentum(0.2, beta=0.9)])
@pytest.mark.parametrize("batches", [[slice(None)] * 3, [np.array([0, 3, 4]), slice(5, 9)]])
def test_both_first_layers_implement_the_same_layer(make_optimizer, batches):
    """Dense and row-space forms: the same W1 X, ‖W1‖², steps, W1 and velocity."""
    rng = np.random.RandomState(0)
    X = rng.randn(9, 40).T  # fewer examples than features
    W1 = rng.randn(3, 40)
    forms = []
    for build in (
        lambda W, opt: _engine.DenseFirstLayer(W, X, None, opt, None),
        lambda W, opt: _rowspace.RowSpaceFirstLayer(W, X, opt),
    ):
        W, opt = W1.copy(), make_optimizer()
        forms.append((build(W, opt), W, opt))
    for batch in batches:
        dZ1 = None
        for layer, W, opt in forms:
            Z = layer.forward(batch)
            if dZ1 is None:
                dZ1 = rng.randn(*Z.shape) / Z.shape[1]
                ref_Z, ref_sq = Z.copy(), layer.sq_norm()
            np.testing.assert_allclose(Z, ref_Z, rtol=1e-12, atol=1e-12)
            assert layer.sq_norm() == pytest.approx(ref_sq, rel=1e-12)
            opt.update({}, {})  # the step of the other layers, which the first layer joins
            scale = opt.gradient_scale if layer.folds_learning_rate else 1.0
            layer.step(scale * dZ1, batch, 0.1, float(Z.shape[1]), scale)
    (dense, W_dense, opt_dense), (rowspace, W_rs, opt_rs) = forms
    np.testing.assert_allclose(rowspace.weights(), dense.weights(), rtol=1e-12)
    rowspace.finish()
    np.testing.assert_allclose(W_rs, W_dense, rtol=1e-12)
    if opt_dense.velocity("W1") is not None:
        np.testing.assert_allclose(opt_rs.velocity("W1"), opt_dense.velocity("W1"), rtol=1e-12)


def test_the_first_layer_form_is_chosen_in_one_place():
    rng = np.random.RandomState(0)
    X = rng.rand(30, 500).T
    params = initialize_parameters([500, 4, 1], "he", 0)

    def choose(algorithm, optimizer, **kw):
        settings = {"algorithm": algorithm, "n_iter": 100, "batch_size": None,
                    "fixed_weights": True, "workspace": None}
        settings.update(kw)
        return type(_engine.first_layer(params, X, None, optimizer, **settings)).__name__

    assert choose("auto", GradientDescent(0.1)) == "RowSpaceFirstLayer"
    assert choose("plain", GradientDescent(0.1)) == "DenseFirstLayer"
    assert choose("auto", GradientDescent(0.1), fixed_weights=False) == "DenseFirstLayer"
    from nnscratch.optimizers import Adam

    assert choose("auto", Adam(0.1)) == "DenseFirstLayer"
    with pytest.raises(ValueError, match="solver='adam' is not linear in the gradient"):
        choose("rowspace", Adam(0.1))


def test_live_weights_compute_w1_only_when_read():
    class Form:  # a first layer that keeps W1 elsewhere
        calls = 0

        def weights(self):
            Form.calls += 1
            return np.full((2, 3), 7.0)

    params = {"W1": np.zeros((2, 3)), "b1": np.zeros((2, 1))}
    live = LiveWeights(params)
    live.track(Form())
    live.changed()
    assert live["b1"] is params["b1"] and Form.calls == 0
    assert live["W1"] is params["W1"] and Form.calls == 1
    np.testing.assert_array_equal(params["W1"], 7.0)
    live["W1"], live.copy()  # no step since: not computed again
    assert Form.calls == 1
    live.changed()
    assert sorted(live.copy()) == ["W1", "b1"] and Form.calls == 2
    live.track(None)
    live.changed()
    live["W1"]
    assert Form.calls == 2


@pytest.mark.parametrize("name", [
    "linear_forward", "linear_activation_forward", "L_model_forward", "compute_cost",
    "linear_backward", "linear_activation_backward", "L_model_backward", "update_parameters",
])
def test_the_course_functions_take_the_course_arguments_only(name):
    import inspect

    arguments = set(inspect.signature(getattr(network, name)).parameters)
    speed = {"workspace", "out", "overwrite", "WA_prev", "W1X", "dW1", "scale",
             "need_dA_prev", "layer"}
    assert not arguments & speed


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_the_in_place_relu_equals_the_courses_and_its_zeros_are_shared_and_read_only(dtype,
                                                                                   order):
    rng = np.random.default_rng(0)
    Z = np.asarray(rng.standard_normal((7, 11)), dtype=dtype, order=order)
    Z[0, :6] = [np.nan, np.inf, -np.inf, -0.0, 0.0, -1e-30]
    expected = np.maximum(0, Z)
    out = _engine.IN_PLACE[ACTIVATIONS["relu"]].forward(Z)
    assert out is Z  # in place
    np.testing.assert_array_equal(Z, expected)  # NaN stays NaN, -inf becomes 0
    zeros = _engine.zeros_like(Z)
    assert zeros.shape == Z.shape and zeros.dtype == Z.dtype and not zeros.any()
    assert zeros.flags.f_contiguous if order == "F" else zeros.flags.c_contiguous
    assert not zeros.flags.writeable
    small = _engine.zeros_like(Z[:2, :3].copy(order=order))  # a view of the same buffer
    assert np.shares_memory(small, _engine.zeros_like(Z))
