"""The learner's core and the course modules at their edges: the shapes, dtypes, keys
and values a learner following the course gets wrong, each refused in one line in the
course's notation (or computed right), never a silently wrong number."""

import warnings

import numpy as np
import pytest

from nnscratch import network
from nnscratch.course import _application, deep, logistic, shallow
from nnscratch.gradcheck import gradient_check, numerical_gradients
from nnscratch.losses import binary_cross_entropy


def _deep_params():
    return deep.initialize_parameters_deep([2, 3, 1])


@pytest.mark.parametrize("change, named", [
    (lambda p: {k: v for k, v in p.items() if k != "b2"}, "'b2' is missing"),
    (lambda p: {k: v for k, v in p.items() if k != "W1"}, "'W1' is missing"),
    (lambda p: {**p, "W3": np.ones((1, 1))}, "'b3' is missing"),
    (lambda p: {**p, "cache": 1}, "'cache' is not one of them"),
    (lambda p: {}, "it is empty"),
])
def test_forward_refuses_params_with_missing_or_extra_keys(change, named):
    # without 'b2', L was len(params) // 2 = 1: a one-layer network, silently
    with pytest.raises(ValueError, match=named) as info:
        network.L_model_forward(np.ones((2, 4)), change(_deep_params()))
    assert "W1, b1, ..., WL, bL" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(ValueError, match=named):
        deep.L_model_forward(np.ones((2, 4)), change(_deep_params()))


def test_an_unknown_output_layer_is_named_with_the_choices():
    # L_model_forward(output="softmx") raised a bare KeyError: 'softmx'
    params = _deep_params()
    message = r"^unknown output 'softmx'; choose one of sigmoid, softmax\.$"
    with pytest.raises(ValueError, match=message):
        network.L_model_forward(np.ones((2, 4)), params, output="softmx")
    with pytest.raises(ValueError, match=message):
        network.compute_cost(np.zeros((1, 4)), np.zeros((1, 4)), output="softmx")


def test_update_parameters_names_a_missing_or_misshapen_gradient():
    params = _deep_params()
    grads = {"d" + k: np.ones_like(v) for k, v in params.items()}
    before = {k: v.copy() for k, v in params.items()}
    with pytest.raises(ValueError, match=r"grads has no 'db2' for params\['b2'\]"):
        network.update_parameters(params, {k: v for k, v in grads.items() if k != "db2"}, 0.1)
    with pytest.raises(ValueError, match=r"grads\['db1'\] has shape \(3,\) but b1 has shape "
                                         r"\(3, 1\)"):
        network.update_parameters(params, {**grads, "db1": np.ones(3)}, 0.1)
    for key in params:  # nothing was half-updated
        np.testing.assert_array_equal(params[key], before[key])
    with pytest.raises(ValueError, match="'dW1'"):
        deep.update_parameters(params, {k: v for k, v in grads.items() if k != "dW1"}, 0.1)
    new = network.update_parameters(params, grads, 0.1)
    np.testing.assert_allclose(new["W1"], before["W1"] - 0.1)


@pytest.mark.parametrize("cost", [deep.compute_cost, shallow.compute_cost,
                                  binary_cross_entropy])
def test_literal_cost_at_saturated_predictions_has_no_nan_and_no_warning(cost):
    # A = 1.0 where y = 1 and A = 0.0 where y = 0 cost nothing (0 · log 0 = 0): the
    # literal formula gave NaN with two RuntimeWarnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cost(np.array([[1.0, 0.0, 0.5]]), np.array([[1, 0, 1]])) == \
            pytest.approx(np.log(2) / 3, rel=1e-15)
        assert str(cost(np.array([[1.0, 0.0]]), np.array([[1, 0]]))) == "0.0"
        assert cost(np.array([[1.0, 0.5]]), np.array([[0, 1]])) == np.inf  # a sure miss
    # the published digits are unchanged
    assert cost(np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 0]])) == 0.2797765635793422


@pytest.mark.parametrize("cost", [deep.compute_cost, shallow.compute_cost,
                                  binary_cross_entropy])
@pytest.mark.parametrize("Y", [np.array([1, 0, 1]), np.array([[1], [0], [1]]),
                               np.array([[1, 0]])])
def test_literal_cost_refuses_labels_not_shaped_like_AL(cost, Y):
    # a column Y of shape (m, 1) broadcast against AL (1, m) into an (m, m) sum: the
    # cost was a wrong number, silently; a 1-D Y was an IndexError
    with pytest.raises(ValueError, match=r"must be \(1, m\), one column per example") as info:
        cost(np.array([[0.8, 0.9, 0.4]]), Y)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("bad", [2, -1, np.nan])
def test_costs_refuse_labels_outside_0_and_1(bad):
    AL = np.array([[0.8, 0.9, 0.4]])
    with pytest.raises(ValueError, match="Y must hold labels 0 or 1"):
        deep.compute_cost(AL, np.array([[1, 0, bad]]))
    with pytest.raises(ValueError, match="Y must hold labels 0 or 1"):
        logistic.propagate(np.array([[1.0], [2.0]]), 2.0, np.ones((2, 3)),
                           np.array([[1, 0, bad]]))


def test_linear_forward_refuses_a_bias_that_would_broadcast_across_examples():
    # b of shape (n_l,) with m = n_l added b[j] to example j's column: a wrong Z, silently
    W, A = np.ones((3, 2)), np.ones((2, 3))
    for b in (np.array([1.0, 2.0, 3.0]), np.array([[1.0, 2.0, 3.0]])):
        with pytest.raises(ValueError, match=r"b must be \(n_l, 1\) = \(3, 1\), a column"):
            network.linear_forward(A, W, b)
        with pytest.raises(ValueError, match=r"b has shape"):
            deep.linear_forward(A, W, b)
    Z, _ = network.linear_forward(A, W, np.array([[1.0], [2.0], [3.0]]))
    assert Z.tolist() == [[3, 3, 3], [4, 4, 4], [5, 5, 5]]


def test_forward_names_a_transposed_X_in_the_course_notation():
    p = _deep_params()
    X = np.ones((5, 2))  # (m, n_x): the examples in rows
    for forward in (network.L_model_forward, deep.L_model_forward, shallow.forward_propagation):
        with pytest.raises(ValueError, match=r"A_prev has shape \(5, 2\) but W has shape "
                                             r"\(3, 2\): A_prev must be \(n_\{l-1\}, m\) = "
                                             r"\(2, m\).*transpose") as info:
            forward(X, p if forward is not shallow.forward_propagation else
                    shallow.initialize_parameters(2, 3, 1))
        assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match=r"A_prev has shape \(5,\)"):
        network.linear_forward(np.ones(5), np.ones((1, 1)), np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"W has shape \(2,\): it must be \(n_l, n_\{l-1\}\)"):
        network.linear_forward(np.ones((2, 5)), np.ones(2), np.zeros((1, 1)))


def _check_case():
    from nnscratch.initializers import initialize_parameters

    rs = np.random.RandomState(0)
    X, Y = rs.randn(3, 5), (rs.rand(1, 5) > 0.5).astype(float)
    return initialize_parameters([3, 4, 1], init="he", random_state=0), X, Y


@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_gradient_check_passes_right_gradients_whatever_the_params_dtype(dtype):
    # int params truncated θ ± ε to θ (numerical gradient 0, difference ~1) and float32
    # rounded J coarser than ε: a right backprop was reported as a bug (1.0, 0.017)
    params, X, Y = _check_case()
    params = {k: (v * 3).round().astype(dtype) + 1 for k, v in params.items()}
    assert gradient_check(params, X.astype(dtype), Y, "tanh") < 1e-7
    approx = numerical_gradients(params, X, Y, "tanh")["dW1"]
    exact = numerical_gradients({k: v.astype(float) for k, v in params.items()}, X, Y,
                                "tanh")["dW1"]
    assert approx.dtype == np.float64 and np.array_equal(approx, exact) and approx.any()
    assert params["W1"].dtype == dtype  # left unchanged


@pytest.mark.parametrize("kwargs, message", [
    ({"Y": "1d"}, r"Y has shape \(5,\): it must be \(n_L, m\) = \(1, 5\)"),
    ({"Y": "T"}, r"Y has shape \(5, 1\): it must be \(n_L, m\) = \(1, 5\)"),
    ({"output": "sigmod"}, "output must be one of sigmoid, softmax, not 'sigmod'"),
    ({"sample_weight": np.ones(3)}, r"sample_weight has shape \(3,\): it must be \(m,\) = "
                                    r"\(5,\)"),
    ({"params": "no b2"}, "'b2' is missing"),
    ({"X": "T"}, r"A_prev has shape \(5, 3\)"),
])
@pytest.mark.parametrize("check", ["gradient_check", "numerical_gradients"])
def test_gradient_check_names_a_wrong_argument_in_one_line(kwargs, message, check):
    params, X, Y = _check_case()
    kwargs = dict(kwargs)
    Y = {"1d": Y.ravel(), "T": Y.T}.get(kwargs.pop("Y", None), Y)
    X = X.T if kwargs.pop("X", None) else X
    if kwargs.pop("params", None):
        del params["b2"]
    fn = gradient_check if check == "gradient_check" else numerical_gradients
    with pytest.raises(ValueError, match=message) as info:
        fn(params, X, Y, "tanh", **kwargs)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("layer_dims, named", [
    ([3, 0, 1], "got 0 in"),        # "he" divided by n_{l-1} = 0: ZeroDivisionError
    ([2, 3.0, 1], "got 3.0 in"),    # TypeError deep in NumPy
    ([2, -3, 1], "got -3 in"),      # "negative dimensions are not allowed"
    ([2, True, 1], "got True in"),
])
def test_initializers_refuse_layer_sizes_that_are_not_positive_whole_numbers(layer_dims,
                                                                              named):
    from nnscratch.initializers import initialize_parameters

    with pytest.raises(ValueError, match=r"layer_dims must hold positive whole numbers "
                                         r"\[n_x, n_1, ..., n_L\]; " + named):
        initialize_parameters(layer_dims)
    with pytest.raises(ValueError, match=named):
        deep.initialize_parameters_deep(layer_dims)


def test_initializers_refuse_no_layers_an_int_dtype_and_a_negative_seed():
    from nnscratch.initializers import initialize_parameters

    for dims in ([2], []):  # [2] gave {}: a network of no layers
        with pytest.raises(ValueError, match="at least two sizes"):
            deep.initialize_parameters_deep(dims)
    with pytest.raises(ValueError, match="at least two sizes; got '321'"):
        initialize_parameters("321")
    with pytest.raises(ValueError, match="dtype must be a float type"):  # weights truncated
        initialize_parameters([3, 2, 1], init="small", dtype=int)
    with pytest.raises(ValueError, match=r"random_state=-1 is not valid: use None, an int "
                                         r"from 0 to 2\*\*32 - 1"):
        initialize_parameters([3, 2, 1], random_state=-1)
    p = initialize_parameters(np.array([3, 2, 1]), init="small", random_state=1)
    assert p["W1"].shape == (2, 3) and p["W1"].dtype == np.float64


W_COURSE, B_COURSE = np.array([[1.0], [2.0]]), 2.0
X_COURSE, Y_COURSE = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]), np.array([[1, 0, 1]])


@pytest.mark.parametrize("call, message", [
    (lambda: logistic.propagate(W_COURSE, B_COURSE, X_COURSE, np.array([1, 0, 1])),
     r"Y has shape \(3,\) for m = 3 examples: it must be \(1, m\) = \(1, 3\)"),
    (lambda: logistic.propagate(W_COURSE, B_COURSE, X_COURSE.T, Y_COURSE),
     r"X has shape \(3, 2\) but w has shape \(2, 1\): X must be \(n_x, m\) = \(2, m\)"),
    (lambda: logistic.propagate(np.array([1.0, 2.0]), B_COURSE, X_COURSE, Y_COURSE),
     r"w has shape \(2,\): it must be \(n_x, 1\), a column"),
    (lambda: logistic.predict(np.array([1.0, 2.0]), B_COURSE, X_COURSE),  # ran before
     r"w has shape \(2,\)"),
    (lambda: logistic.optimize(W_COURSE, B_COURSE, X_COURSE, Y_COURSE, -5),  # returned w
     "num_iterations must be a whole number of steps, 0 or more; got -5"),
    (lambda: logistic.optimize(W_COURSE, B_COURSE, X_COURSE, Y_COURSE, 100.0),
     "got 100.0"),
    (lambda: logistic.initialize_with_zeros(2.0), "dim must be a positive whole number"),
    (lambda: logistic.model(X_COURSE, np.array([1, 0, 1]), X_COURSE, Y_COURSE, 10),
     r"Y has shape \(3,\)"),
    # layer_sizes read n_y = m from a 1-D Y and nn_model trained an (m, n_h) W2
    (lambda: shallow.layer_sizes(X_COURSE, np.array([1, 0, 1])), r"Y has shape \(3,\)"),
    (lambda: shallow.nn_model(X_COURSE, np.array([1, 0, 1]), 4, 10), r"Y has shape \(3,\)"),
    (lambda: shallow.backward_propagation(*_shallow_step(), Y_COURSE.T),
     r"Y has shape \(3, 1\) for m = 3"),
    (lambda: shallow.forward_propagation(X_COURSE, {"W1": np.ones((4, 2)),
                                                    "b1": np.zeros((4, 1)),
                                                    "W2": np.ones((1, 4))}),
     "'b2' is missing"),
    (lambda: deep.L_layer_model(X_COURSE, np.array([1, 0, 1]), [2, 1], num_iterations=3),
     r"Y has shape \(3,\)"),
    (lambda: deep.L_layer_model(X_COURSE, Y_COURSE, [2, 1], num_iterations=-1),
     "num_iterations must be"),
    (lambda: deep.two_layer_model(X_COURSE, np.array([1, 0, 1]), (2, 4, 1), num_iterations=3),
     r"Y has shape \(3,\)"),
    (lambda: deep.two_layer_model(X_COURSE, Y_COURSE, [2, 4, 3, 1], num_iterations=3),
     r"layers_dims must be \(n_x, n_h, n_y\), three sizes; got \[2, 4, 3, 1\]"),
    (lambda: deep.two_layer_model(X_COURSE, Y_COURSE, 5, num_iterations=3),
     "layers_dims must be"),
    (lambda: deep.L_model_backward(np.full((1, 3), 0.5), np.array([[1, 0]]),
                                   deep.L_model_forward(X_COURSE, _deep_params())[1]),
     r"Y has shape \(1, 2\) and AL \(1, 3\)"),
    (lambda: deep.predict(X_COURSE, np.array([[1, 0]]), _deep_params()),
     r"y has shape \(1, 2\) for m = 3 examples"),
    (lambda: deep.linear_activation_forward(X_COURSE, np.ones((1, 2)), np.zeros((1, 1)),
                                            "softmax"),
     "activation must be 'relu', 'sigmoid' or 'tanh', not 'softmax'"),
])
def test_course_functions_name_a_wrong_argument_in_the_course_notation(call, message):
    with pytest.raises(ValueError, match=message) as info:
        call()
    assert "\n" not in str(info.value)


def _shallow_step():
    params = shallow.initialize_parameters(2, 4, 1)
    _, cache = shallow.forward_propagation(X_COURSE, params)
    return params, cache, X_COURSE


def test_course_functions_take_lists_and_a_b_of_one_element():
    grads, cost = logistic.propagate(W_COURSE.tolist(), np.array([2.0]), X_COURSE.tolist(),
                                     Y_COURSE.tolist())
    assert cost == 5.801545319394553
    d = logistic.model(X_COURSE.tolist(), Y_COURSE, X_COURSE, Y_COURSE, 5, 0.1)
    assert d["Y_prediction_train"].shape == (1, 3)
    # a 1-D Y is still the course's L_model_backward (it reshapes Y to AL's shape)
    AL, caches = deep.L_model_forward(X_COURSE, _deep_params())
    a = deep.L_model_backward(AL, Y_COURSE.ravel(), caches)
    b = deep.L_model_backward(AL, Y_COURSE, caches)
    assert all(np.array_equal(a[k], b[k]) for k in b)


def test_deep_backward_and_training_costs_stay_finite_at_saturation():
    # AL exactly 1 made the course's dAL = -(Y/AL - (1-Y)/(1-AL)) infinite: NaN
    # gradients and a RuntimeWarning; its limit with σ' is dZ = AL - Y
    params = {"W1": np.array([[40.0, 0.0]]), "b1": np.array([[0.0]])}
    X, Y = np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]]), np.array([[0, 1, 1]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AL, caches = deep.L_model_forward(X, params)
        assert AL[0, 0] == 1.0 and AL[0, 1] < 1e-17
        grads = deep.L_model_backward(AL, Y, caches)
        expected = network.L_model_backward(AL, Y.astype(float), network.L_model_forward(
            X, params)[1])
        np.testing.assert_allclose(grads["dW1"], expected["dW1"], rtol=1e-12)
        # the training loops' costs fall back on the logits (inf, with a warning, before)
        X = X * 1e5  # z in the thousands with the course's randn · 0.01 weights
        _, costs = deep.L_layer_model(X, Y, [2, 1], learning_rate=0.0, num_iterations=1)
        params = shallow.nn_model(X, Y, 1, num_iterations=1, print_cost=False)
    # L_layer_model's weights: the Application notebook's (randn / √n)
    ZL = network.linear_forward(X, *_application.initialize_parameters_deep([2, 1]).values())[0]
    assert not np.isfinite(deep.compute_cost(deep.sigmoid(ZL)[0], Y))
    assert costs == [pytest.approx(network.compute_cost(ZL, Y), rel=1e-12)]
    assert np.isfinite(costs[0]) and all(np.isfinite(v).all() for v in params.values())


def test_no_examples_is_named_not_a_division_by_zero():
    for call in (lambda: network.compute_cost(np.ones((1, 0)), np.ones((1, 0))),
                 lambda: deep.compute_cost(np.ones((1, 0)), np.ones((1, 0))),
                 lambda: logistic.propagate(np.ones((2, 1)), 0.0, np.ones((2, 0)),
                                            np.ones((1, 0)))):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ValueError, match=r"no examples \(m = 0\)"):
                call()


def test_update_parameters_refuses_int_params_and_a_text_learning_rate():
    params = {"W1": np.ones((1, 2), dtype=int), "b1": np.zeros((1, 1), dtype=int)}
    grads = {"dW1": np.ones((1, 2)), "db1": np.ones((1, 1))}
    with pytest.raises(ValueError, match=r"params\['W1'\] holds int64: parameters are "
                                         "updated in place, so they must be float arrays"):
        network.update_parameters(params, grads, 0.1)
    floats = {k: v.astype(float) for k, v in params.items()}
    with pytest.raises(ValueError, match="learning_rate must be a number"):
        network.update_parameters(floats, grads, "0.1")
    # the course's update_parameters copies into float arrays, so ints are fine there
    assert deep.update_parameters(params, grads, 0.1)["W1"].tolist() == [[0.9, 0.9]]


@pytest.mark.parametrize("shape", [(10,), (10, 1), (1, 9)], ids=["rank-1", "column", "short"])
def test_labels_of_the_wrong_shape_are_refused_by_backward_and_the_cost(shape):
    """Y of shape (m,), the rank-1 array the seeds warn about: L_model_backward raised
    IndexError: tuple index out of range, and compute_cost broadcast it."""
    params = _deep_params()
    X = np.random.default_rng(0).normal(size=(2, 10))
    AL, caches = network.L_model_forward(X, params)
    Y = np.zeros(shape)
    message = (rf"^Y has shape \({shape[0]},{' ' + str(shape[1]) if len(shape) > 1 else ''}\): "
               r"it must be \(n_L, m\) = \(1, 10\), one column per example like AL "
               r"\(Y.reshape\(1, -1\) turns m labels into a row\)\.$")
    with pytest.raises(ValueError, match=message):
        network.L_model_backward(AL, Y, caches)
    with pytest.raises(ValueError, match=message):
        network.compute_cost(caches[-1][1].Z, Y)
    grads = network.L_model_backward(AL, np.zeros((1, 10)), caches)  # the right shape
    assert grads["dW1"].shape == params["W1"].shape


def test_the_core_s_layer_functions_take_the_course_s_activation_names():
    # linear_activation_forward(A_prev, W, b, "relu"), the course's call, failed with
    # "'str' object has no attribute 'forward'" (backward: "... 'backward'")
    from nnscratch import network

    rng = np.random.RandomState(2)  # the course's linear_activation_forward_test_case
    A_prev, W, b = rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1)
    A, cache = network.linear_activation_forward(A_prev, W, b, "sigmoid")
    np.testing.assert_allclose(A, [[0.96890023, 0.11013289]], rtol=1e-7)
    A, cache = network.linear_activation_forward(A_prev, W, b, "relu")
    np.testing.assert_allclose(A, [[3.43896131, 0.0]], rtol=1e-7)
    by_name = network.linear_activation_backward(np.ones_like(A), cache, "relu")
    by_pair = network.linear_activation_backward(np.ones_like(A), cache,
                                                 network.hidden_activations("relu", 1)[0])
    for a, b_ in zip(by_name, by_pair):
        np.testing.assert_array_equal(a, b_)
    with pytest.raises(ValueError, match="unknown activation 'softplus'; choose one of"):
        network.linear_activation_forward(A_prev, W, b, "softplus")
