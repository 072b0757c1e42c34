"""The checker's hints name the array and the fix that apply, from an audit: the
layers' keys shifted in an initialising loop (not the gradients), a (1, 1) array
other than the cost, a transposed bias, dA_prev divided by m, the outputs returned in
another order, and a step up the gradient (W + α dW)."""

import pytest

from nnscratch.course import check
from test_check import planted


def _failing(tmp_path, assignment, old, new, function, hint_id, array=None):
    """The planted mistake's result for ``function``: a fail with ``hint_id``."""
    path = planted(tmp_path, assignment, old, new)
    result = check(path, functions=[function])[function]
    assert result.status == "fail" and result.hint_id == hint_id, result
    if array is not None:
        assert result.array == array, result
    return result


def _has(hint, words=(), not_words=()):
    for word in words:
        assert word in hint, hint
    for word in not_words:
        assert word not in hint, hint
    assert "\n" not in hint, hint


_DEEP_INIT_LOOP = ('    for l in range(1, L):\n'
                   '        parameters["W" + str(l)] = np.random.randn(layer_dims[l], '
                   'layer_dims[l - 1]) * 0.01\n'
                   '        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))\n')
_DEEP_INIT_FROM_0 = ('    for l in range(0, L - 1):\n'
                     '        parameters["W" + str(l)] = np.random.randn(layer_dims[l + 1], '
                     'layer_dims[l]) * 0.01\n'
                     '        parameters["b" + str(l)] = np.zeros((layer_dims[l + 1], 1))\n')


def test_initialising_keys_from_0_speak_of_parameters_not_gradients(tmp_path):
    result = _failing(tmp_path, "deep", _DEEP_INIT_LOOP, _DEEP_INIT_FROM_0,
                      "initialize_parameters_deep", "init_shifted")
    _has(result.hint, ("parameters['W", "W1", "range(1, L)"),
         ("grads", "gradient", "backward"))


def test_shifted_gradients_keep_their_hint(tmp_path):
    result = _failing(tmp_path, "deep", 'grads["dW" + str(l + 1)] = dW_temp\n        '
                      'grads["db" + str(l + 1)]', 'grads["dW" + str(l)] = dW_temp\n        '
                      'grads["db" + str(l)]', "L_model_backward", "shifted")
    _has(result.hint, ("the layers' gradients are shifted by one: your grads['dW",
                       "the backward loop"))


@pytest.mark.parametrize("assignment, old, new, function, array, words, not_words", [
    pytest.param("logistic", "db = 1 / m * np.sum(A - Y)",
                 "db = 1 / m * np.sum(A - Y, axis=1, keepdims=True)", "propagate",
                 "grads['db']", ("(1, 1)", "db = (1/m) np.sum(A − Y)", "without axis"),
                 ("cost",), id="logistic-db-keepdims"),
    pytest.param("logistic", "    b = 0.0\n    return w, b", "    b = np.zeros((1, 1))\n"
                 "    return w, b", "initialize_with_zeros", "b", ("(1, 1)", "b = 0.0"),
                 ("cost", "squeeze"), id="logistic-b-zeros-1-1"),
    pytest.param("deep", "    cost = np.squeeze(cost)\n", "\n", "compute_cost", "cost",
                 ("(1, 1)", "np.squeeze(cost) (or float(cost))"), (),
                 id="deep-cost-not-squeezed"),
])
def test_not_squeezed_names_the_array_and_its_fix(tmp_path, assignment, old, new, function,
                                                   array, words, not_words):
    result = _failing(tmp_path, assignment, old, new, function, "not_squeezed", array)
    _has(result.hint, words, not_words)


@pytest.mark.parametrize("assignment, old, new, function, words", [
    pytest.param("shallow", "b1 = np.zeros((n_h, 1))", "b1 = np.zeros((1, n_h))",
                 "initialize_parameters", ("(1, 4)", "(4, 1)", "b[l] is (n[l], 1)",
                                           "np.zeros((n_h, 1))"), id="shallow-b1"),
    pytest.param("deep", 'parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))',
                 'parameters["b" + str(l)] = np.zeros((1, layer_dims[l]))',
                 "initialize_parameters_deep", ("b[l] is (n[l], 1)",
                                                "np.zeros((layer_dims[l], 1))"), id="deep-b"),
])
def test_a_transposed_bias_is_told_its_own_shape(tmp_path, assignment, old, new, function,
                                                 words):
    result = _failing(tmp_path, assignment, old, new, function, "bias_shape_reversed",
                      "parameters['b1']")
    _has(result.hint, words, ("W[l]", "randn"))


def test_dA_prev_divided_by_m_is_told_it_has_no_mean(tmp_path):
    result = _failing(tmp_path, "deep", "dA_prev = np.dot(W.T, dZ)",
                      "dA_prev = np.dot(W.T, dZ) / m", "linear_backward", "dA_prev_over_m",
                      "dA_prev")
    _has(result.hint, ("dA_prev = Wᵀ dZ", "no 1/m", "dW and db"), ("twice",))


@pytest.mark.parametrize("old, new, function, found, expected", [
    pytest.param("    return params, grads, costs\n", "    return grads, params, costs\n",
                 "optimize", "(grads, params, costs)", "(params, grads, costs)",
                 id="optimize"),
    pytest.param("    return grads, cost\n", "    return cost, grads\n", "propagate",
                 "(cost, grads)", "(grads, cost)", id="propagate"),
])
def test_outputs_in_another_order_are_named(tmp_path, old, new, function, found, expected):
    result = _failing(tmp_path, "logistic", old, new, function, "output_order")
    _has(result.hint, (found, expected, function))


@pytest.mark.parametrize("assignment, old, new, function, array", [
    pytest.param("shallow", 'W1 = parameters["W1"] - learning_rate * grads["dW1"]',
                 'W1 = parameters["W1"] + learning_rate * grads["dW1"]', "update_parameters",
                 "parameters['W1']", id="shallow-W1"),
    pytest.param("shallow", 'b2 = parameters["b2"] - learning_rate * grads["db2"]',
                 'b2 = parameters["b2"] + learning_rate * grads["db2"]', "update_parameters",
                 "parameters['b2']", id="shallow-b2"),
    pytest.param("deep", 'parameters["W" + str(l + 1)] - learning_rate',
                 'parameters["W" + str(l + 1)] + learning_rate', "update_parameters",
                 "parameters['W1']", id="deep-W"),
    pytest.param("logistic", "w = w - learning_rate * dw", "w = w + learning_rate * dw",
                 "optimize", "params['w']", id="logistic-w"),
    pytest.param("logistic", "b = b - learning_rate * db", "b = b + learning_rate * db",
                 "optimize", "params['w']", id="logistic-b"),
])
def test_a_step_up_the_gradient_is_told_its_sign(tmp_path, assignment, old, new, function,
                                                 array):
    result = _failing(tmp_path, assignment, old, new, function, "step_sign", array)
    _has(result.hint, ("the step goes the wrong way", "− α d"))


@pytest.mark.parametrize("assignment, old, new, function, values", [
    ("logistic", "    return grads, cost\n", "    grads, cost\n", "propagate", "grads, cost"),
    ("logistic", "    return s\n", "    s\n", "sigmoid", "s"),
])
def test_a_function_without_a_return_is_told_so(tmp_path, assignment, old, new, function,
                                                values):
    # "returns None where 2 values (grads, cost) were expected", without a word of why
    result = _failing(tmp_path, assignment, old, new, function, "no_return")
    _has(result.hint, [f"your {function} has no return statement with a value",
                       f"end it with return {values}"])


def test_a_function_that_returns_none_on_purpose_is_not_told_it_lacks_a_return(tmp_path):
    # a return of a value exists (on another path): the "no return" hint would mislead
    path = planted(tmp_path, "logistic", "    return grads, cost\n",
                   "    if m > 0:\n        return None\n    return grads, cost\n")
    result = check(path, functions=["propagate"])["propagate"]
    assert result.status == "fail" and result.hint_id != "no_return", result
