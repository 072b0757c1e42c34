"""The checker: correct solutions pass; every known mistake, planted in a copy of a
correct solution, is named by function, array and hint; a learner's file that loops,
raises, exits or fails to import gets a per-function status in time."""

import json
import os
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from nnscratch.course import CheckError, check

SOLUTIONS = Path(__file__).parent / "learner_solutions"


def planted(tmp_path, assignment, old, new, count=1):
    """A copy of the correct solution with one text substitution (which must apply)."""
    text = (SOLUTIONS / f"{assignment}.py").read_text()
    assert text.count(old) == count, f"{old!r} appears {text.count(old)} times"
    path = tmp_path / "my_solution.py"
    path.write_text(text.replace(old, new))
    return path


# (assignment, old text, new text, function, array, hint id, the functions to run)
MISTAKES = [
    pytest.param("logistic", "dw = 1 / m * np.dot(X, (A - Y).T)", "dw = np.dot(X, (A - Y).T)",
                 "propagate", "grads['dw']", "times_m", id="logistic-times-m"),
    pytest.param("logistic", "cost = -1 / m * np.sum(", "cost = 1 / m * np.sum(",
                 "propagate", "cost", "sign_flipped", id="logistic-cost-sign"),
    pytest.param("logistic", "A = sigmoid(np.dot(w.T, X) + b)\n    cost",
                 "A = sigmoid(np.dot(w.T, X))\n    cost", "propagate", "grads['dw']",
                 "bias_left_out", id="logistic-bias-left-out"),
    pytest.param("shallow", "db1 = np.sum(dZ1, axis=1, keepdims=True) / m",
                 "db1 = np.sum(dZ1, axis=1) / m", "backward_propagation", "grads['db1']",
                 "rank_1", id="shallow-rank-1"),
    pytest.param("shallow", "(1 - np.power(A1, 2))", "(1 - np.power(cache['Z1'], 2))",
                 "backward_propagation", "grads['dW1']", "derivative_of_Z",
                 id="shallow-derivative-of-Z"),
    pytest.param("shallow", "    b2 = parameters[\"b2\"] - learning_rate * grads[\"db2\"]",
                 "    b2 = parameters[\"b2\"]", "update_parameters", "parameters['b2']",
                 "bias_not_updated", id="shallow-b-not-updated"),
    pytest.param("shallow", '    W2 = parameters["W2"] - learning_rate * grads["dW2"]\n'
                 '    b2 = parameters["b2"] - learning_rate * grads["db2"]',
                 '    W2 = parameters["W2"]\n    b2 = parameters["b2"]', "update_parameters",
                 "parameters['W2']", "last_layer_not_updated", id="shallow-W2-not-updated"),
    pytest.param("deep", "    for l in range(L):\n", "    for l in range(L - 1):\n",
                 "update_parameters", "parameters['W2']", "last_layer_not_updated",
                 id="deep-loop-stops-a-layer-early"),
    pytest.param("deep", "Z = np.dot(W, A) + b", "Z = np.dot(W, A)", "linear_forward", "Z",
                 "bias_left_out", id="deep-bias-left-out"),
    pytest.param("deep", "dW = np.dot(dZ, A_prev.T) / m", "dW = np.dot(dZ, A_prev.T) / m / m",
                 "linear_backward", "dW", "divided_by_m", id="deep-divided-by-m-twice"),
    pytest.param("deep", "dW = np.dot(dZ, A_prev.T) / m", "dW = np.dot(A_prev, dZ.T) / m",
                 "linear_backward", "dW", "transposed", id="deep-transposed"),
    pytest.param("deep", "    s = sigmoid(Z)\n", "    s = sigmoid(sigmoid(Z))\n",
                 "sigmoid_backward", "dZ", "derivative_at_A", id="deep-derivative-at-A"),
    pytest.param("deep", "dZ = dA * s * (1 - s)", "dZ = dA * s", "sigmoid_backward", "dZ",
                 "factor_missing", id="deep-sigmoid-backward-factor-missing"),
    pytest.param("deep", 'grads["dW" + str(l + 1)] = dW_temp\n        grads["db" + str(l + 1)]',
                 'grads["dW" + str(l)] = dW_temp\n        grads["db" + str(l)]',
                 "L_model_backward", "grads['dW1']", "shifted", id="deep-layers-shifted"),
    pytest.param("deep", "    cost = np.squeeze(cost)\n", "\n", "compute_cost", "cost",
                 "not_squeezed", id="deep-cost-not-squeezed"),
    pytest.param("deep", "cost = -(np.dot(Y,", "cost = (np.dot(Y,", "compute_cost", "cost",
                 "sign_flipped", id="deep-cost-sign"),
    pytest.param("deep", "cost = -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m",
                 "cost = -np.sum(Y * np.log(AL)) / m", "compute_cost", "cost",
                 "cost_term_missing", id="deep-cost-one-term"),
    pytest.param("shallow", "np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)",
                 "np.multiply(np.log(A2), Y)", "compute_cost", "cost", "cost_term_missing",
                 id="shallow-cost-one-term"),
    pytest.param("logistic", "np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))",
                 "np.sum((1 - Y) * np.log(1 - A))", "propagate", "cost", "cost_term_missing",
                 id="logistic-cost-one-term"),
    pytest.param("deep", '"relu")\n        caches.append(cache)',
                 '"sigmoid")\n        caches.append(cache)', "L_model_forward", "AL",
                 "hidden_sigmoid", id="deep-sigmoid-hidden-layers"),
    pytest.param("deep", '"sigmoid")\n    caches.append(cache)\n', '"sigmoid")\n',
                 "L_model_forward", "caches", "last_cache_missing", id="deep-last-cache-missing"),
    pytest.param("shallow", "(1 - np.power(A1, 2))", "(1 - A1)", "backward_propagation",
                 "grads['dW1']", "wrong_derivative", id="shallow-tanh-square-missing"),
    pytest.param("shallow", "(1 - np.power(A1, 2))", "A1 * (1 - A1)", "backward_propagation",
                 "grads['dW1']", "wrong_derivative", id="shallow-sigmoid-derivative-for-tanh"),
    pytest.param("logistic", "s = 1 / (1 + np.exp(-z))", "s = 1 / (1 + np.exp(z))", "sigmoid",
                 "s", "exponent_sign", id="logistic-sigmoid-exponent-sign"),
    pytest.param("deep", "db = np.sum(dZ, axis=1, keepdims=True) / m",
                 "db = np.sum(dZ, axis=0, keepdims=True) / m", "linear_backward", "db",
                 "sum_axis", id="deep-db-over-axis-0"),
    pytest.param("shallow", "db1 = np.sum(dZ1, axis=1, keepdims=True) / m",
                 "db1 = np.sum(dZ1, axis=0, keepdims=True)", "backward_propagation",
                 "grads['db1']", "sum_axis", id="shallow-db1-over-axis-0"),
    pytest.param("logistic", "        b = b - learning_rate * db\n", "", "optimize",
                 "params['w']", "bias_not_updated", id="logistic-optimize-b-not-updated"),
    pytest.param("deep", "return np.maximum(0, Z)", "return np.maximum(0.01 * Z, Z)", "relu",
                 "A", "leaky_relu", id="deep-leaky-relu"),
    pytest.param("deep", "return 1 / (1 + np.exp(-Z))", "return 1 / (1 + np.exp(Z))", "sigmoid",
                 "A", "exponent_sign", id="deep-sigmoid-exponent-sign"),
    pytest.param("deep", "    dZ[Z <= 0] = 0\n", "", "relu_backward", "dZ", "relu_mask_missing",
                 id="deep-relu-backward-mask-missing"),
    pytest.param("deep", "dZ[Z <= 0] = 0", "dZ[Z > 0] = 0", "relu_backward", "dZ",
                 "relu_mask_reversed", id="deep-relu-backward-mask-reversed"),
    pytest.param("deep", "    dZ = np.array(dA, copy=True)\n    dZ[Z <= 0] = 0\n",
                 "    dZ = (Z > 0).astype(float)\n", "relu_backward", "dZ", "relu_dA_missing",
                 id="deep-relu-backward-dA-missing"),
    pytest.param("deep", "dZ = relu_backward(dA, activation_cache)", "dZ = dA",
                 "linear_activation_backward", "dA_prev", "relu_mask_missing",
                 id="deep-linear-activation-backward-relu-mask-missing"),
    pytest.param("shallow", "W1 = np.random.randn(n_h, n_x) * 0.01",
                 "W1 = np.random.randn(n_h, n_x)", "initialize_parameters", "parameters['W1']",
                 "init_not_scaled", id="shallow-init-not-scaled"),
    pytest.param("deep", "np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01",
                 "np.random.randn(layer_dims[l], layer_dims[l - 1])",
                 "initialize_parameters_deep", "parameters['W1']", "init_not_scaled",
                 id="deep-init-not-scaled"),
    pytest.param("shallow", "W1 = np.random.randn(n_h, n_x) * 0.01",
                 "W1 = np.random.randn(n_x, n_h) * 0.01", "initialize_parameters",
                 "parameters['W1']", "init_shape_reversed", id="shallow-init-shape-reversed"),
    pytest.param("deep", "np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01",
                 "np.random.randn(layer_dims[l - 1], layer_dims[l]) * 0.01",
                 "initialize_parameters_deep", "parameters['W1']", "init_shape_reversed",
                 id="deep-init-shape-reversed"),
    pytest.param("shallow", "predictions = A2 > 0.5", "predictions = A2", "predict",
                 "predictions", "not_thresholded", id="shallow-predict-not-thresholded"),
    pytest.param("deep", "        if probas[0, i] > 0.5:\n            p[0, i] = 1\n"
                 "        else:\n            p[0, i] = 0\n", "        p[0, i] = probas[0, i]\n",
                 "predict", "p", "not_thresholded", id="deep-predict-not-thresholded"),
    pytest.param("shallow", "A1 = np.tanh(Z1)", "A1 = sigmoid(Z1)", "forward_propagation",
                 "A2", "shallow_hidden_sigmoid", id="shallow-hidden-sigmoid"),
    pytest.param("logistic", "        if i % 100 == 0:\n            costs.append(cost)\n"
                 "            if print_cost:\n                print(",
                 "        costs.append(cost)\n        if print_cost:\n            print(",
                 "optimize", "costs", "costs_every_iteration", id="logistic-costs-every-iteration"),
    pytest.param("deep", "        if i % 100 == 0:\n            costs.append(cost)\n"
                 "            if print_cost:\n                print(",
                 "        costs.append(cost)\n        if print_cost:\n            print(",
                 "L_layer_model", "costs",
                 "costs_every_iteration", id="deep-costs-every-iteration"),
    pytest.param("logistic", '    params = {"w": w, "b": b}\n    grads = {"dw": dw, "db": db}\n'
                 "    return params, grads, costs\n",
                 '        params = {"w": w, "b": b}\n        grads = {"dw": dw, "db": db}\n'
                 "        return params, grads, costs\n", "optimize", "params['w']",
                 "one_iteration", id="logistic-return-inside-the-loop"),
    pytest.param("shallow", "            print(f\"Cost after iteration {i}: {cost:f}\")\n"
                 "    return parameters\n",
                 "            print(f\"Cost after iteration {i}: {cost:f}\")\n"
                 "        return parameters\n", "nn_model", "parameters['W1']",
                 "one_iteration", id="shallow-return-inside-the-loop"),
    pytest.param("deep", "{cost:f}\")\n    return parameters, costs\n",
                 "{cost:f}\")\n        return parameters, costs\n",
                 "L_layer_model", "parameters['W1']", "one_iteration",
                 id="deep-return-inside-the-loop"),
    pytest.param("deep", "            costs.append(cost)\n\n    return parameters, costs\n",
                 "            costs.append(cost)\n        return parameters, costs\n",
                 "two_layer_model", "parameters['W1']", "one_iteration",
                 id="deep-two-layer-return-inside-the-loop"),
    pytest.param("deep", 'parameters["b" + str(L)], "sigmoid")', 'parameters["b" + str(L)], "relu")',
                 "L_model_forward", "AL", "relu_output", id="deep-forward-relu-output"),
    pytest.param("deep", 'linear_activation_backward(dAL, current_cache, "sigmoid")',
                 'linear_activation_backward(dAL, current_cache, "relu")', "L_model_backward",
                 None, "relu_output", id="deep-backward-relu-output"),
]
QUICK = {"logistic-times-m", "deep-sigmoid-backward-factor-missing",
         "deep-loop-stops-a-layer-early", "deep-cost-one-term", "deep-last-cache-missing",
         "shallow-tanh-square-missing", "logistic-sigmoid-exponent-sign", "deep-db-over-axis-0",
         "shallow-db1-over-axis-0", "logistic-optimize-b-not-updated", "deep-leaky-relu",
         "deep-relu-backward-mask-missing", "deep-relu-backward-dA-missing",
         "deep-init-not-scaled", "shallow-init-shape-reversed",
         "shallow-predict-not-thresholded", "shallow-hidden-sigmoid",
         "logistic-costs-every-iteration", "deep-backward-relu-output",
         "logistic-return-inside-the-loop"}


def _run_mistake(tmp_path, assignment, old, new, function, array, hint, everything):
    path = planted(tmp_path, assignment, old, new)
    report = check(path, functions=None if everything else [function])
    result = report[function]
    assert result.status == "fail", str(report)
    assert result.hint_id == hint, str(report)
    if array is not None:
        assert result.array == array, str(report)
    else:
        assert result.array.startswith("grads[")
    if everything:  # the first failure in the course's order is the planted one
        first = next(r for r in report.functions if r.status != "pass")
        assert first.name == function, str(report)
        assert not report.ok
    return report


@pytest.mark.parametrize("assignment, old, new, function, array, hint", [
    p for p in MISTAKES if p.id in QUICK])
def test_planted_mistake_named_quick(tmp_path, assignment, old, new, function, array, hint):
    _run_mistake(tmp_path, assignment, old, new, function, array, hint, everything=False)


@pytest.mark.slow
@pytest.mark.parametrize("assignment, old, new, function, array, hint", MISTAKES)
def test_planted_mistake_named_in_full_check(tmp_path, assignment, old, new, function, array,
                                             hint):
    _run_mistake(tmp_path, assignment, old, new, function, array, hint, everything=True)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ["logistic", "shallow", "deep"])
def test_correct_solutions_pass(assignment):
    report = check(SOLUTIONS / f"{assignment}.py")
    assert report.assignment == assignment and report.detected
    assert report.ok and report.failed == 0, str(report)
    assert report.passed == len(report.functions)


def test_correct_propagate_passes_and_reports_shape():
    report = check(SOLUTIONS / "logistic.py", functions=["propagate", "predict"])
    assert [r.status for r in report.functions] == ["pass", "pass"]
    d = report.to_dict()
    assert d["assignment"] == "logistic" and d["passed"] == 2 and d["failed"] == 0
    assert set(d["functions"][0]) >= {"name", "status", "array", "expected_shape",
                                      "actual_shape", "max_abs_diff", "hint", "message"}
    json.dumps(d, allow_nan=False)


def test_a_difference_says_where_with_both_values(tmp_path):
    path = planted(tmp_path, "logistic", "dw = 1 / m * np.dot(X, (A - Y).T)",
                   "dw = np.dot(X, (A - Y).T)")
    result = check(path, functions=["propagate"])["propagate"]
    assert result.where == [1, 0]
    assert result.actual_value == pytest.approx(3 * result.expected_value)
    text = str(check(path, functions=["propagate"]))
    assert ("shape (2, 1) as expected; largest difference at grads['dw'][1, 0]: expected "
            "2.39507, got 7.18522 (difference 4.79, relative 2)") in text


def test_a_number_that_differs_is_shown_with_both_values(tmp_path):
    path = planted(tmp_path, "deep", "cost = -(np.dot(Y,", "cost = (np.dot(Y,")
    report = check(path, functions=["compute_cost"])
    assert report["compute_cost"].where == []
    assert "expected 0.279777, got -0.279777 (difference 0.56, relative 2)" in str(report)
    assert "shape a number" not in str(report)


@pytest.mark.slow
def test_a_wrong_helper_is_named_before_the_functions_that_call_it(tmp_path):
    path = planted(tmp_path, "deep", "dZ = dA * s * (1 - s)", "dZ = dA * s")
    report = check(path, functions=["sigmoid_backward", "relu_backward",
                                    "linear_activation_backward"])
    assert [r.status for r in report.functions] == ["fail", "pass", "fail"], str(report)
    assert "(1 − s) is missing" in report["sigmoid_backward"].hint
    assert ("fails only because sigmoid_backward fails"
            in report["linear_activation_backward"].message)


COURSE_FORM_HELPERS = [("def sigmoid(Z):\n    return 1 / (1 + np.exp(-Z))",
                        "def sigmoid(Z):\n    return 1 / (1 + np.exp(-Z)), Z"),
                       ("def relu(Z):\n    return np.maximum(0, Z)",
                        "def relu(Z):\n    return np.maximum(0, Z), Z"),
                       ("    s = sigmoid(Z)\n", "    s, _ = sigmoid(Z)\n"),
                       ("A = sigmoid(Z)", "A, _ = sigmoid(Z)"), ("A = relu(Z)", "A, _ = relu(Z)")]


@pytest.mark.parametrize("form", ["A alone", "(A, Z) as the course's"])
@pytest.mark.slow
def test_own_forward_helpers_are_checked_and_named_by_the_functions_that_use_them(
        tmp_path, form):
    """A leaky relu showed only "FAIL linear_activation_forward ... A differs", no hint,
    relu never named."""
    text = (SOLUTIONS / "deep.py").read_text()
    if form != "A alone":
        for old, new in COURSE_FORM_HELPERS:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
    text = text.replace("np.maximum(0, Z)", "np.maximum(0.01 * Z, Z)")
    path = tmp_path / "leaky.py"
    path.write_text(text)
    report = check(path, functions=["sigmoid", "relu", "linear_activation_forward",
                                    "L_model_forward", "sigmoid_backward"])
    assert [r.status for r in report.functions] == ["pass", "fail", "fail", "fail", "pass"], \
        str(report)
    assert report["relu"].hint_id == "leaky_relu" and "0.01 · Z for Z < 0" in report["relu"].hint
    for later in ("linear_activation_forward", "L_model_forward"):
        assert report[later].message == ("fails only because relu fails: with a correct relu "
                                         "it passes; fix relu first"), str(report)


def test_helpers_a_file_does_not_define_are_not_reported(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text((SOLUTIONS / "deep.py").read_text().split("def initialize_parameters(")[0]
                    .split("def sigmoid_backward")[0] + "\n\ndef compute_cost(AL, Y):\n"
                    "    return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))\n")
    report = check(path, assignment="deep")
    names = [r.name for r in report.functions]
    assert "sigmoid_backward" not in names and "relu_backward" not in names
    assert report["compute_cost"].status == "pass"


def test_a_missing_key_names_the_dictionary_and_its_keys(tmp_path):
    path = tmp_path / "keys.py"
    path.write_text("import numpy as np\n\ndef propagate(w, b, X, Y):\n"
                    "    return {'dW': w, 'db': 0.0}, 0.5\n")
    result = check(path, assignment="logistic", functions=["propagate"])["propagate"]
    assert result.message == "grads['dw'] is not there (grads has the keys 'dW', 'db')"


@pytest.mark.parametrize("value, found", [
    ("{'dW': w, 'db': 0.0}", ("got nothing: the key 'dw' is missing (grads has the keys "
                              "'dW', 'db')")),
    ("{'dw': None, 'db': 0.0}", "got None"),
    ("{'dw': {'w': w}, 'db': 0.0}", "got a dict"),
])
def test_what_stands_where_an_array_was_expected_is_said(tmp_path, value, found):
    path = tmp_path / "found.py"
    path.write_text(f"import numpy as np\n\ndef propagate(w, b, X, Y):\n"
                    f"    return {value}, 0.5\n")
    report = check(path, assignment="logistic", functions=["propagate"])
    text = str(report)
    assert f"expected shape (2, 1), {found}\n" in text, text
    assert "not an array" not in text
    assert report["propagate"].found == found.removeprefix("got ")
    assert text.count("grads['dw']") == 1  # "... differs"; the message is not repeated


def test_the_seeds_signature_is_told_apart_from_a_crash(tmp_path):
    path = tmp_path / "seed.py"
    path.write_text("import numpy as np\n\ndef optimize(w, b, X, Y, alpha, n_iters):\n"
                    "    return {}, {}, []\n")
    result = check(path, assignment="logistic", functions=["optimize"])["optimize"]
    assert result.status == "error"
    assert result.message == (
        "your optimize(w, b, X, Y, alpha, n_iters) is not the course's optimize(w, b, X, Y, "
        "num_iterations, learning_rate, print_cost) (the checker passes num_iterations, "
        "learning_rate and print_cost by name); give it the course's parameters, in this "
        "order")


@pytest.mark.slow
def test_a_failure_caused_by_an_earlier_function_says_so(tmp_path):
    path = planted(tmp_path, "deep", "Z = np.dot(W, A) + b", "Z = np.dot(W, A)")
    report = check(path, functions=["linear_forward", "linear_activation_forward"])
    assert report["linear_forward"].hint_id == "bias_left_out"
    later = report["linear_activation_forward"]
    assert later.status == "fail"
    assert "fails only because linear_forward fails" in later.message


def test_the_blame_names_only_functions_that_reach_the_failing_output(tmp_path):
    """nn_model returns the parameters: compute_cost's value is only printed, so a wrong
    compute_cost cannot be why they differ (backward_propagation can)."""
    text = (SOLUTIONS / "shallow.py").read_text()
    for old, new in [("cost = -np.sum(logprobs) / m", "cost = np.sum(logprobs) / m"),
                     ("db1 = np.sum(dZ1, axis=1, keepdims=True) / m",
                      "db1 = 2 * np.sum(dZ1, axis=1, keepdims=True) / m")]:
        assert text.count(old) == 1
        text = text.replace(old, new)
    path = tmp_path / "two_mistakes.py"
    path.write_text(text)
    report = check(path, functions=["compute_cost", "backward_propagation", "nn_model"])
    assert report["compute_cost"].hint_id == "sign_flipped"
    assert report["backward_propagation"].status == "fail"
    later = report["nn_model"]
    assert later.status == "fail" and later.array.startswith("parameters[")
    assert later.message == ("fails only because backward_propagation fails: with a correct "
                             "backward_propagation it passes; fix backward_propagation first")


@pytest.mark.slow
def test_the_blame_names_the_root_cause_not_the_functions_it_broke(tmp_path):
    """model calls optimize, which calls propagate: with propagate wrong, optimize fails
    only because of it, and model's verdict names propagate alone (it said "fails only
    because optimize and propagate fail ... fix optimize and propagate first")."""
    path = planted(tmp_path, "logistic", "db = 1 / m * np.sum(A - Y)",
                   "db = 2 / m * np.sum(A - Y)")
    report = check(path, functions=["propagate", "optimize", "model"])
    assert report["propagate"].status == "fail"
    assert report["optimize"].message.startswith("fails only because propagate fails")
    assert report["model"].message == ("fails only because propagate fails: with a correct "
                                       "propagate it passes; fix propagate first")


@pytest.mark.slow
def test_shapes_and_sizes_of_a_difference(tmp_path):
    path = planted(tmp_path, "deep", "dW = np.dot(dZ, A_prev.T) / m",
                   "dW = np.dot(A_prev, dZ.T) / m")
    result = check(path, functions=["linear_backward"])["linear_backward"]
    assert result.expected_shape == [1, 3] and result.actual_shape == [3, 1]
    assert result.case.startswith("the course's test case")


@pytest.mark.slow
def test_rank_1_reports_both_shapes(tmp_path):
    path = planted(tmp_path, "shallow", "db1 = np.sum(dZ1, axis=1, keepdims=True) / m",
                   "db1 = np.sum(dZ1, axis=1) / m")
    result = check(path, functions=["backward_propagation"])["backward_propagation"]
    assert result.expected_shape == [4, 1] and result.actual_shape == [4]
    assert "(4,)" in result.hint and "(4, 1)" in result.hint


BROKEN = {
    "loop": ("def propagate(w, b, X, Y):\n    while True:\n        pass\n", "did not finish"),
    "raise": ("def propagate(w, b, X, Y):\n    return np.dot(w, X)\n", "ValueError"),
    "exit": ("def propagate(w, b, X, Y):\n    sys.exit(1)\n", "sys.exit(1)"),
    "os_exit": ("def propagate(w, b, X, Y):\n    os._exit(3)\n",
                "your code called os._exit(3) (the course's test case)"),
}


@pytest.mark.parametrize("kind", [
    pytest.param(k, marks=[] if k in ("raise", "os_exit") else [pytest.mark.slow])
    for k in BROKEN])
def test_a_broken_function_is_reported_per_function(tmp_path, kind):
    body, words = BROKEN[kind]
    path = tmp_path / "broken.py"
    path.write_text("import os, sys\nimport numpy as np\n\ndef sigmoid(z):\n"
                    "    return 1 / (1 + np.exp(-z))\n\n" + body)
    report = check(path, timeout=3, functions=["sigmoid", "propagate"])
    assert report["sigmoid"].status == "pass"
    result = report["propagate"]
    assert result.status == "error" and words in result.message, str(report)
    if kind in ("raise", "exit", "os_exit"):  # os._exit's line: it said "exit code 3" alone
        assert result.lines and result.lines[-1][1] == "propagate"
        assert result.lines[-1][0] == 8  # the line in their file


@pytest.mark.slow
def test_a_missing_import_is_said_once_for_the_file(tmp_path, capsys):
    """It was an ERROR row per function, each "not run: your file could not be loaded
    (see sigmoid)"."""
    from nnscratch.cli import run

    path = tmp_path / "imports.py"
    path.write_text("import numpy as np\nimport no_such_module_here\n\n"
                    "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\n"
                    "def propagate(w, b, X, Y):\n    return None\n")
    report = check(path)
    assert report.functions == [] and not report.ok and report.errors == 1
    error = report.file_error
    assert error.type == "ModuleNotFoundError" and "no_such_module_here" in error.message
    assert error.lines == [[2, "<module>", "import no_such_module_here"]]
    assert 'under if __name__ == "__main__":' in error.message
    assert str(report).splitlines() == [
        f"{path}: the logistic assignment (detected from its function names)",
        f"  ERROR    {error.message}",
        "           line 2, in <module>: import no_such_module_here",
        "no function was run: fix the error above, then check again"]
    assert "fix the error above" in report._repr_html_()
    assert run(["check", str(path), "--json"]) == 1
    out = capsys.readouterr().out
    d = json.loads(out)
    assert d["file_error"] == {"type": "ModuleNotFoundError", "message": error.message,
                               "lines": [[2, "<module>", "import no_such_module_here"]]}
    assert (d["functions"], d["passed"], d["failed"], d["errors"], d["missing"]) == (
        [], 0, 0, 1, 0)
    assert run(["check", str(SOLUTIONS / "logistic.py"), "--json",
                "--assignment", "logistic"]) == 0
    assert json.loads(capsys.readouterr().out)["file_error"] is None


@pytest.mark.slow
def test_os_exit_in_the_file_or_a_helper_is_placed_by_its_lines(tmp_path):
    path = tmp_path / "exits.py"
    path.write_text("import os\nimport numpy as np\n\ndef leave(code):\n    os._exit(code)\n\n"
                    "def sigmoid(z):\n    leave(0)\n")
    result = check(path, assignment="logistic", functions=["sigmoid"])["sigmoid"]
    assert result.message.startswith("your code called os._exit(0) (")
    assert result.lines == [[8, "sigmoid", "leave(0)"], [5, "leave", "os._exit(code)"]]
    path.write_text("import os\nfrom os import _exit\n\ndef sigmoid(z):\n    return z\n\n_exit(4)\n")
    error = check(path, assignment="logistic").file_error
    assert error.type == "os._exit" and error.lines == [[7, "<module>", "_exit(4)"]]
    assert error.message.startswith("your file could not be loaded: your code called os._exit(4)")


@pytest.mark.slow
def test_a_recursion_is_one_line_repeated_as_python_says_it(tmp_path, capsys):
    """A function that calls itself printed ~1,000 identical lines, one per frame."""
    from nnscratch.cli import run

    path = tmp_path / "recurses.py"
    path.write_text("import numpy as np\n\ndef sigmoid(z):\n    return sigmoid(z)\n")
    report = check(path, assignment="logistic", functions=["sigmoid"])
    result = report["sigmoid"]
    assert result.status == "error" and "RecursionError" in result.message
    same = [4, "sigmoid", "return sigmoid(z)"]
    assert result.lines[:3] == [same] * 3 and len(result.lines) == 4
    place, function, said = result.lines[3]
    assert place is None and function == "sigmoid"
    repeats = int(said.removeprefix("[Previous line repeated ").removesuffix(" more times]"))
    assert repeats > 100 and said == f"[Previous line repeated {repeats} more times]"
    text = str(report)
    assert len(text.splitlines()) < 12, text
    assert text.count("line 4, in sigmoid: return sigmoid(z)") == 3
    assert f"           {said}\n" in text
    assert run(["check", str(path), "--assignment", "logistic", "--only", "sigmoid",
                "--json"]) == 1
    lines = json.loads(capsys.readouterr().out)["functions"][0]["lines"]
    assert lines == [same] * 3 + [[None, "sigmoid", said]]


def test_a_line_repeated_a_few_times_is_listed_and_os_exit_deep_down_is_counted(tmp_path):
    path = tmp_path / "deep.py"
    path.write_text("import os\nimport numpy as np\n\ndef down(n):\n"
                    "    return down(n - 1) if n else np.log('x')\n\n"
                    "def sigmoid(z):\n    return down(3)\n\n"
                    "def initialize_with_zeros(dim):\n    return leave(50)\n\n"
                    "def leave(n):\n    return leave(n - 1) if n else os._exit(0)\n")
    report = check(path, assignment="logistic", functions=["sigmoid", "initialize_with_zeros"])
    down = [5, "down", "return down(n - 1) if n else np.log('x')"]
    # four frames of the same line: three listed, then "1 more time" (Python's own words)
    assert report["sigmoid"].lines == [[8, "sigmoid", "return down(3)"], *[down] * 3,
                                       [None, "down", "[Previous line repeated 1 more time]"]]
    leave = [14, "leave", "return leave(n - 1) if n else os._exit(0)"]
    assert report["initialize_with_zeros"].lines == [
        [11, "initialize_with_zeros", "return leave(50)"], *[leave] * 3,
        [None, "leave", "[Previous line repeated 48 more times]"]]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_process_forked_by_their_function_exits_as_its_own(tmp_path):
    """os._exit in a process their code forked (multiprocessing does) is not theirs."""
    path = tmp_path / "forks.py"
    path.write_text("import os\nimport numpy as np\n\ndef sigmoid(z):\n    pid = os.fork()\n"
                    "    if pid == 0:\n        os._exit(0)\n    os.waitpid(pid, 0)\n"
                    "    return 1 / (1 + np.exp(-z))\n")
    assert check(path, assignment="logistic", functions=["sigmoid"]).ok


def test_top_level_code_under_the_main_guard_is_not_run(tmp_path):
    path = tmp_path / "exported.py"
    path.write_text("import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\n"
                    "if __name__ == '__main__':\n    from lr_utils import load_dataset\n")
    assert check(path, assignment="logistic", functions=["sigmoid"])["sigmoid"].status == "pass"


def _fork_server():
    import nnscratch._checker as checker

    return getattr(checker, "_FORK_SERVER", True)


@pytest.mark.parametrize("wait", ["pidfd", "polling"])
def test_the_fork_server_waits_for_each_function_and_kills_it_at_its_limit(tmp_path,
                                                                          monkeypatch, wait):
    """The server's wait for a function's process: on a descriptor of the process
    (``os.pidfd_open``, Linux 5.3+), else by polling; either way the answer is read
    back, and a function that never returns is killed at its limit."""
    import types

    from nnscratch import _check_child as child
    from nnscratch._checker import _read_job, _write_job
    from nnscratch._course_cases import Case, FunctionSpec

    if not hasattr(os, "fork"):
        pytest.skip("no os.fork here")
    if wait == "polling":
        monkeypatch.setattr(child, "_pidfd_open", None)
    elif child._pidfd_open is None:
        pytest.skip("no os.pidfd_open here")

    def endless(x):
        while True:
            pass

    module = types.SimpleNamespace(quick=lambda x: x + 1, endless=endless)
    path = tmp_path / "mine.py"
    path.write_text("")
    for name, timeout, returncode in (("quick", 10.0, 0), ("endless", 0.3, None)):
        spec = FunctionSpec(name, ("x",), "y", [Case("one", (np.array([1.0]),))])
        workdir = tmp_path / name
        workdir.mkdir()
        _write_job(str(workdir), path, "logistic", spec, [name], {})
        answer = child._fork_run(module, str(path), [name],
                                 {"workdir": str(workdir), "timeout": timeout}, ())
        assert answer == returncode
        run = _read_job(str(workdir), spec, answer, timeout, imported=True)
        if name == "quick":
            assert [list(v) for v in run.outputs] == [[2.0]] and run.problem is None
        else:
            assert run.outputs == [] and "did not finish within 0.3 s" in run.problem


LOADS = "import numpy as np\nwith open('loads.txt', 'a') as _f:\n    _f.write('loaded\\n')\n"


@pytest.mark.skipif(not _fork_server(), reason="no fork here: imported per function")
@pytest.mark.slow
def test_the_file_is_imported_once_for_all_its_functions_and_reruns(tmp_path):
    """Each function (and each rerun) imported the file again: a notebook importing
    matplotlib and scikit-learn took 22.7 s where one without them took 6.3 s."""
    path = planted(tmp_path, "logistic", "db = 1 / m * np.sum(A - Y)", "db = 2 / m * np.sum(A - Y)")
    path.write_text(path.read_text().replace("import numpy as np\n", LOADS, 1))
    report = check(path, functions=["sigmoid", "propagate", "optimize", "model"])
    assert report["optimize"].message.startswith("fails only because propagate fails")  # rerun
    assert (tmp_path / "loads.txt").read_text() == "loaded\n"


def test_each_function_still_starts_from_the_file_as_imported(tmp_path):
    """What one function changes (a global of the file, NumPy's) is not seen by the next."""
    path = tmp_path / "state.py"
    path.write_text("import numpy as np\n_calls = []\n\n"
                    "def sigmoid(z):\n    _calls.append(1)\n    np.zeros = None\n"
                    "    return 1 / (1 + np.exp(-z))\n\n"
                    "def initialize_with_zeros(dim):\n"
                    "    return np.zeros((dim, 1)), float(len(_calls))\n")
    report = check(path, assignment="logistic", functions=["sigmoid", "initialize_with_zeros"])
    assert report.ok and report.passed == 2, str(report)


@pytest.mark.parametrize("body, status, words", [
    pytest.param("    while True:\n        pass\n", "error", "did not finish within 2 s",
                 marks=pytest.mark.slow),  # waits out the 2 s timeout
    ("    os._exit(0)\n", "error", "os._exit"),
    pytest.param("    os.kill(os.getppid(), signal.SIGKILL)\n    while True:\n        pass\n",
                 "error", "ended without an answer", id="kills-the-process-it-was-forked-from",
                 marks=pytest.mark.skipif(not _fork_server(), reason="its parent: the checker")),
    ("    threading.Thread(target=time.sleep, args=(60,)).start()\n"
     "    return 1 / (1 + np.exp(-z))\n", "pass", ""),
])
def test_a_function_that_loops_exits_or_kills_its_parent_leaves_the_next_ones_to_run(
        tmp_path, body, status, words):
    path = tmp_path / "rude.py"
    path.write_text("import os, signal, threading, time\nimport numpy as np\n\n"
                    "def sigmoid(z):\n" + body + "\n"
                    "def initialize_with_zeros(dim):\n    return np.zeros((dim, 1)), 0.0\n")
    started = time.monotonic()
    report = check(path, assignment="logistic", timeout=2,
                   functions=["sigmoid", "initialize_with_zeros"])
    assert time.monotonic() - started < 20
    assert report["sigmoid"].status == status and words in str(report), str(report)
    assert report["initialize_with_zeros"].status == "pass", str(report)


def test_prints_of_the_file_and_its_functions_never_reach_stdout(tmp_path, capfd):
    path = tmp_path / "loud.py"
    path.write_text("import os, sys\nimport numpy as np\nprint('top')\nos.write(1, b'fd1')\n\n"
                    "def sigmoid(z):\n    print('in sigmoid')\n    os.write(1, b'fd1')\n"
                    "    sys.__stdout__.write('x')\n    return 1 / (1 + np.exp(-z))\n")
    assert check(path, assignment="logistic", functions=["sigmoid"]).ok
    assert capfd.readouterr().out == ""


@pytest.mark.parametrize("why", ["no fork", "threads"])
@pytest.mark.slow
def test_files_are_imported_per_function_where_no_fork_is_used(tmp_path, monkeypatch, why):
    """Without fork (Windows, macOS), or when the file's top-level code started a thread
    (a fork copies only the thread that forks), each function imports the file again."""
    import nnscratch._checker as checker

    top = LOADS
    if why == "no fork":
        monkeypatch.setattr(checker, "_FORK_SERVER", False, raising=False)
    else:
        top += "import threading, time\nthreading.Thread(target=time.sleep, args=(30,), " \
               "daemon=True).start()\n"
    path = tmp_path / "mine.py"
    path.write_text((SOLUTIONS / "logistic.py").read_text().replace("import numpy as np\n", top))
    report = check(path, functions=["sigmoid", "initialize_with_zeros"])
    assert report.ok, str(report)
    assert (tmp_path / "loads.txt").read_text().count("loaded") == 3  # loaded, then each
    broken = tmp_path / "broken.py"
    broken.write_text(top + "import no_such_module_here\n\ndef sigmoid(z):\n    return z\n")
    assert check(broken, assignment="logistic").file_error.type == "ModuleNotFoundError"


@pytest.mark.slow
def test_the_traceback_shows_only_their_lines(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text("import numpy as np\n\ndef helper(w, X):\n    return np.dot(w, X)\n\n"
                    "def propagate(w, b, X, Y):\n    return helper(w, X)\n")
    result = check(path, assignment="logistic", functions=["propagate"])["propagate"]
    assert [line[1] for line in result.lines] == ["propagate", "helper"]
    text = str(check(path, assignment="logistic", functions=["propagate"]))
    assert "nnscratch" not in text.replace("nnscratch-check", "") or "site-packages" not in text
    assert "Traceback" not in text


@pytest.mark.parametrize("source, words", [
    ("def f(:\n", "not valid Python"),
    ("x = 1\n", "defines none of the course's functions"),
    ("def compute_cost(AL, Y):\n    return 0\n", "--assignment"),
])
def test_bad_input_raises_check_error(tmp_path, source, words):
    path = tmp_path / "bad.py"
    path.write_text(source)
    with pytest.raises(CheckError, match=words.replace("(", r"\(")):
        check(path)


def test_a_syntax_error_names_the_file_as_typed_and_its_line(tmp_path, monkeypatch, capsys):
    """It said "/abs/path/syntax.py is not valid Python (...); fix it or give a .py file"
    of a .py file, with the path made absolute."""
    from nnscratch.cli import run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "syntax.py").write_text("import numpy as np\n\ndef sigmoid(z)\n    return z\n")
    assert run(["check", "syntax.py"]) == 2
    err = capsys.readouterr().err
    assert err == ("nnscratch: error: syntax.py: line 3 is not valid Python (expected ':'); "
                   "fix it\n")


def test_no_such_file():
    with pytest.raises(CheckError, match="no such file"):
        check("does/not/exist.py")


@pytest.mark.slow
def test_assignment_given_explicitly_for_shared_names(tmp_path):
    path = tmp_path / "cost.py"
    path.write_text((SOLUTIONS / "deep.py").read_text().split("def linear_backward")[0])
    report = check(path, assignment="deep", functions=["compute_cost", "linear_backward"])
    assert [r.status for r in report.functions] == ["pass", "missing"]
    assert not report.ok  # a function asked for by name and not defined is not a pass
    assert check(path, assignment="deep", functions=["compute_cost"]).ok


@pytest.mark.parametrize("assignment, given, words", [
    ("logistic", "deep", "looks like the logistic assignment, not the deep one: it defines "
                         "sigmoid, initialize_with_zeros, propagate, optimize, ... and none"),
    ("shallow", "deep", "check it with --assignment shallow, or without --assignment"),
    ("deep", "shallow", "none of the shallow assignment's own functions (layer_sizes, "),
])
def test_a_file_of_another_assignment_is_named_as_such(tmp_path, assignment, given, words):
    """A correct logistic file given as deep showed "ERROR predict: your code raised
    AttributeError: 'dict' object has no attribute 'shape'" and 11 missing functions."""
    path = tmp_path / "good.py"
    path.write_text((SOLUTIONS / f"{assignment}.py").read_text())
    with pytest.raises(CheckError) as info:
        check(path, assignment=given)
    assert words in str(info.value) and str(info.value).startswith(f"{path} looks like")


def test_a_deep_file_begun_with_its_forward_helpers_is_no_other_assignment(tmp_path):
    path = tmp_path / "begun.py"
    path.write_text("import numpy as np\n\ndef sigmoid(Z):\n    return 1 / (1 + np.exp(-Z))\n"
                    "\ndef linear_forward(A, W, b):\n    return np.dot(W, A) + b, (A, W, b)\n")
    assert check(path, assignment="logistic", functions=["sigmoid"]).ok


def test_notebook_functions_without_a_file():
    namespace = {}
    exec(compile("import numpy as np\n", "<nb>", "exec"), namespace)  # noqa: S102 - a notebook cell

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    report = check({"sigmoid": sigmoid}, assignment="logistic", functions=["sigmoid"])
    assert report["sigmoid"].status == "pass"


def test_functions_without_source_are_refused_by_name():
    namespace = {}
    source = "import numpy as np\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
    exec(compile(source, "<stdin>", "exec"), namespace)  # noqa: S102 - no source file, on purpose
    with pytest.raises(CheckError, match=r"cannot read the source of sigmoid \(functions "
                       r"typed at a python prompt"):
        check({"sigmoid": namespace["sigmoid"]}, assignment="logistic")


@pytest.mark.slow
def test_html_and_text_never_show_reference_code(tmp_path):
    path = planted(tmp_path, "logistic", "dw = 1 / m * np.dot(X, (A - Y).T)",
                   "dw = np.dot(X, (A - Y).T)")
    report = check(path, functions=["propagate"])
    for text in (str(report), report._repr_html_()):
        assert "L_model_forward" not in text and "network." not in text
    assert "times m = 3" in str(report)


def test_cli_check_exit_codes_and_json(tmp_path, capsys):
    from nnscratch.cli import run

    good = tmp_path / "good.py"
    good.write_text("import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n")
    assert run(["check", str(good), "--assignment", "logistic", "--json"]) == 0
    out = capsys.readouterr()
    d = json.loads(out.out)
    assert d["assignment"] == "logistic" and d["passed"] == 1 and d["failed"] == 0
    assert [f["status"] for f in d["functions"]][:2] == ["pass", "missing"]
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(z))\n")
    assert run(["check", str(bad), "--assignment", "logistic"]) == 1
    out = capsys.readouterr()
    assert "FAIL     sigmoid" in out.out and "Traceback" not in out.err
    assert run(["check", str(tmp_path / "missing.py")]) == 2
    err = capsys.readouterr().err
    assert err == (f"nnscratch: error: {tmp_path / 'missing.py'}: no such file; give the path "
                   "of your .py file or notebook (.ipynb)\n")  # the name first, as elsewhere
    assert run(["check", str(good), "--assignment", "nope"]) == 2


def test_summary_counts_errors_and_missing_functions_alike_in_text_and_html(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(
        "import numpy as np\n\n"
        "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n\n"
        "def initialize_with_zeros(dim):\n    raise RuntimeError('not yet')\n\n"
        "def propagate(w, b, X, Y):\n    return None\n"
    )
    report = check(path, assignment="logistic")
    statuses = {r.name: r.status for r in report.functions}
    assert statuses["initialize_with_zeros"] == "error" and statuses["propagate"] == "fail"
    n_missing = sum(s == "missing" for s in statuses.values())
    tally = f"1 passed, 1 failed, 1 error, {n_missing} not defined"
    assert str(report).splitlines()[-1] == tally
    assert tally in report._repr_html_()


def test_a_list_one_item_short_is_said_in_plain_words(tmp_path):
    path = planted(tmp_path, "deep", '"sigmoid")\n    caches.append(cache)\n', '"sigmoid")\n')
    report = check(path, functions=["L_model_forward"])
    assert "caches has 1 item where 2 were expected" in str(report)
    lines = str(report).splitlines()
    said = next(i for i, line in enumerate(lines) if "where 2 were expected" in line)
    assert lines[said + 1].strip().startswith("hint: one cache per layer")  # what, then why


# --------------------------------------------------------------------------- notebooks


def notebook(path, cells):
    """A Jupyter notebook (nbformat 4) of code cells (str) and markdown cells (("md", str))."""
    path.write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": c[1].splitlines(True)}
        if isinstance(c, tuple) else
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": c.splitlines(True)} for c in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def solution_cells(assignment, old=None, new=None):
    """The correct solution as the course's notebook holds it: one cell per function,
    each followed by a cell calling the course's tests."""
    import re

    text = (SOLUTIONS / f"{assignment}.py").read_text()
    if old is not None:
        assert text.count(old) == 1
        text = text.replace(old, new)
    cells = []
    for part in re.split(r"\n(?=def )", text)[1:]:
        name = re.match(r"def (\w+)", part).group(1)
        cells += [part, f"{name}_test({name})\n"]
    return cells


COURSE_TOP = ("import numpy as np\nimport h5py\nimport matplotlib.pyplot as plt\n"
              "from dnn_app_utils_v3 import *\nfrom public_tests import *\n\n"
              "%matplotlib inline\n%load_ext autoreload\n%autoreload 2\nnp.random.seed(1)\n")


@pytest.mark.slow
def test_a_course_notebook_is_checked_on_its_functions_alone(tmp_path):
    """The notebook as the course gives it: magics, its helper modules (absent here),
    a cell that loads the data, the course's test calls, a training cell, shell lines."""
    path = notebook(tmp_path / "Deep Neural Network - Application.ipynb", [
        ("md", "# Deep Neural Network for Image Classification"), COURSE_TOP,
        "train_x_orig, train_y, test_x_orig, test_y, classes = load_data()\n",
        *solution_cells("deep"),
        "parameters, costs = L_layer_model(train_x, train_y, layers_dims)\n"
        "!ls images\nL_layer_model?\n"])
    report = check(path)
    assert report.assignment == "deep" and report.ok, str(report)
    assert report.passed == 17 and str(report).startswith(f"{path}: the deep assignment")


@pytest.mark.slow
def test_a_notebook_mistake_is_placed_by_cell_and_line(tmp_path):
    cells = ["import numpy as np\n", *solution_cells("deep", "Z = np.dot(W, A) + b",
                                                     "Z = np.dot(A, W) + b")]
    path = notebook(tmp_path / "step.ipynb", cells)
    result = check(path, functions=["linear_forward"])["linear_forward"]
    assert result.status == "error"
    # the cells are counted among the code cells (all of them here), from 1
    code_cell = next(i for i, c in enumerate(cells, 1) if c.startswith("def linear_forward"))
    line = next(n for n, text in enumerate(cells[code_cell - 1].splitlines(), 1)
                if "np.dot(A, W)" in text)
    assert result.lines == [[code_cell, line, "linear_forward", "Z = np.dot(A, W) + b"]]
    text = str(check(path, functions=["linear_forward"]))
    assert f"cell {code_cell}, line {line}, in linear_forward: Z = np.dot(A, W) + b" in text


COURSE_STYLE_FORWARD = '''
def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache

def linear_activation_forward(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache
'''


@pytest.mark.slow
def test_a_course_helper_module_that_is_absent_is_given_by_the_library(tmp_path):
    # the step-by-step notebook's functions call dnn_utils' sigmoid and relu, which
    # return (A, cache): without the module beside the notebook, the library's stand in
    path = notebook(tmp_path / "step.ipynb", [
        "import numpy as np\nfrom testCases import *\n"
        "from dnn_utils import sigmoid, sigmoid_backward, relu, relu_backward\n",
        COURSE_STYLE_FORWARD])
    report = check(path, assignment="deep",
                   functions=["linear_forward", "linear_activation_forward"])
    assert report.ok, str(report)


def test_ipython_help_shell_and_cell_magics_are_left_out_as_jupyter_runs_them(tmp_path):
    """``?np.dot`` (help before the name) was refused as invalid Python; ``np.dot?`` was
    not. A ``%%bash`` cell's body is no Python; a ``%%time`` cell's body runs."""
    text = (SOLUTIONS / "logistic.py").read_text()
    sigmoid = text[text.index("def sigmoid"):text.index("def initialize_with_zeros")]
    path = notebook(tmp_path / "help.ipynb", [
        "import numpy as np\n?np.dot\n??np.sum\nnp.exp?\nfiles = !ls\n",
        "%%bash\nls -l | head -n 3\n",
        "%%time\n" + sigmoid,
        "    ?np.dot\n"])
    report = check(path, assignment="logistic", functions=["sigmoid"])
    assert report["sigmoid"].status == "pass", str(report)


def test_a_cell_that_is_python_already_is_kept_as_it_is(tmp_path):
    from nnscratch._checker import _without_magics

    cell = 'def sigmoid(z):\n    """\n    Why?\n    """\n    return z\n'
    assert _without_magics(cell) == cell  # the docstring's "Why?" is no help request


def test_a_module_beside_the_notebook_is_imported_from_there(tmp_path):
    (tmp_path / "dnn_utils.py").write_text(
        "import numpy as np\n\ndef sigmoid(Z):\n    return 1 / (1 + np.exp(-Z)), Z\n\n"
        "def relu(Z):\n    return np.maximum(0, Z) + 1, Z  # not the course's: seen\n")
    path = notebook(tmp_path / "step.ipynb", [
        "import numpy as np\nfrom dnn_utils import sigmoid, relu\n", COURSE_STYLE_FORWARD])
    result = check(path, assignment="deep",
                   functions=["linear_activation_forward"])["linear_activation_forward"]
    assert result.status == "fail" and "relu" in result.case


@pytest.mark.parametrize("content, words", [
    ("{not json", "is not a Jupyter notebook (not JSON)"),
    ('{"nbformat": 4}', "is not a Jupyter notebook (it has no cells)"),
    (None, "code cell 2 is not valid Python (line 1: "),
])
def test_a_file_that_is_no_notebook_or_a_broken_cell_is_named(tmp_path, content, words):
    path = tmp_path / "week4.ipynb"
    if content is None:
        notebook(path, ["import numpy as np\n", ("md", "text"), "def propagate(w, b:\n"])
    else:
        path.write_text(content)
    with pytest.raises(CheckError, match=words.replace("(", r"\(").replace(")", r"\)")) as info:
        check(path)
    assert "\n" not in str(info.value) and str(info.value).startswith(str(path))


def test_a_file_that_cannot_be_loaded_is_said_once_and_an_exported_notebook_pointed_back(
        tmp_path):
    # an exported notebook's first magic failed the import, and the same three lines were
    # printed for every function
    text = (SOLUTIONS / "logistic.py").read_text().replace(
        "import numpy as np\n", "import numpy as np\n"
        "get_ipython().run_line_magic('matplotlib', 'inline')\n", 1)
    path = tmp_path / "Logistic_Regression_with_a_Neural_Network_mindset.py"
    path.write_text(text)
    report = check(path)
    assert report.functions == [] and str(report).count("get_ipython") == 2  # error, line
    first = report.file_error
    assert first.type == "NameError" and first.message.startswith(
        "your file could not be loaded: NameError: name 'get_ipython' is not defined")
    assert first.message.endswith("a notebook exported as a script: check the notebook "
                                  "(.ipynb) itself, whose cells that load data, test or "
                                  "train are not run)")


def test_a_notebook_that_cannot_be_loaded_is_placed_by_cell(tmp_path):
    path = notebook(tmp_path / "decorated.ipynb", [
        "import numpy as np\n", "x = 1\n@no_such_decorator\ndef sigmoid(z):\n    return z\n"])
    report = check(path, assignment="logistic")
    assert report.file_error.type == "NameError"
    assert report.file_error.lines == [[2, 2, "<module>", "@no_such_decorator"]]
    assert "cell 2, line 2, in <module>: @no_such_decorator" in str(report)


def test_a_recursion_in_a_notebook_is_placed_by_cell_and_counted(tmp_path):
    path = notebook(tmp_path / "recurses.ipynb", [
        "import numpy as np\n", "x = 1\ndef sigmoid(z):\n    return sigmoid(z)\n"])
    report = check(path, assignment="logistic", functions=["sigmoid"])
    lines = report["sigmoid"].lines
    assert lines[:3] == [[2, 3, "sigmoid", "return sigmoid(z)"]] * 3 and len(lines) == 4
    assert lines[3][:3] == [None, None, "sigmoid"]
    assert lines[3][3].startswith("[Previous line repeated ")
    text = str(report)
    assert text.count("cell 2, line 3, in sigmoid: return sigmoid(z)") == 3
    assert f"           {lines[3][3]}\n" in text


def test_the_json_counts_as_the_text_does(tmp_path):
    # "0 failed, 2 errors" in the text was "failed": 2 in the JSON, with no "errors"
    path = tmp_path / "raises.py"
    path.write_text("import numpy as np\n\ndef sigmoid(z):\n    raise ValueError('no')\n\n"
                    "def initialize_with_zeros(dim):\n    return np.zeros((dim, 1)), 0.0\n")
    report = check(path, assignment="logistic")
    assert str(report).endswith("1 passed, 0 failed, 1 error, 4 not defined")
    d = report.to_dict()
    assert (d["passed"], d["failed"], d["errors"], d["missing"]) == (1, 0, 1, 4)
    assert not report.ok and report.errors == 1 and report.failed == 0


@pytest.mark.slow
def test_planar_utils_sigmoid_is_given_as_the_course_s_when_absent(tmp_path):
    # the planar notebook's forward_propagation calls planar_utils' sigmoid (A alone)
    import re

    text = (SOLUTIONS / "shallow.py").read_text()
    defs = [d for d in re.split(r"\n(?=def )", text)[1:] if not d.startswith("def sigmoid")]
    path = notebook(tmp_path / "planar.ipynb", [
        "import numpy as np\nfrom testCases_v2 import *\nfrom planar_utils import "
        "plot_decision_boundary, sigmoid, load_planar_dataset, load_extra_datasets\n",
        "X, Y = load_planar_dataset()\n", *defs])
    report = check(path, functions=["forward_propagation"])
    assert report.assignment == "shallow" and report.ok, str(report)


@pytest.mark.slow
def test_a_thread_that_never_ends_does_not_hold_the_check(tmp_path):
    # each function's process, its answer written, waited for the learner's non-daemon
    # thread, and was killed at its time limit: 18.9 s instead of 0.8 s at timeout=3
    path = tmp_path / "threaded.py"
    path.write_text((SOLUTIONS / "logistic.py").read_text() + textwrap.dedent("""
        import threading, time
        threading.Thread(target=lambda: [time.sleep(0.2) for _ in iter(int, 1)]).start()
    """))
    start = time.monotonic()
    report = check(path, timeout=3)
    assert report.passed == len(report.functions) > 0 and report.file_error is None
    assert time.monotonic() - start < 3 * len(report.functions)


@pytest.mark.slow
def test_a_file_that_deletes_itself_is_reported_not_crashed_on(tmp_path):
    # "unexpected failure (FileNotFoundError: ...)": the file was read again for the
    # report, and a notebook's generated file unlinked twice
    path = tmp_path / "gone.py"
    path.write_text((SOLUTIONS / "logistic.py").read_text()
                    + "\nimport os\nos.remove(__file__)\nraise ValueError('boom')\n")
    report = check(path)
    assert report.file_error is not None and "ValueError: boom" in report.file_error.message
    notebook = tmp_path / "gone.ipynb"
    cells = [(SOLUTIONS / "logistic.py").read_text(), "import os\nos.remove(__file__)\n"]
    notebook.write_text(json.dumps({
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                   "execution_count": None, "source": c} for c in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    report = check(notebook)
    assert report.file_error is None and report.passed == len(report.functions) > 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server: Linux")
def test_top_level_code_that_ends_its_server_is_the_files_error(tmp_path):
    # it was "did not finish within 20 s" for code that ended at once, and a server
    # ended by the file's own alarm was "killed by SIGKILL" (the checker's clean-up)
    path = tmp_path / "closing.py"
    path.write_text((SOLUTIONS / "logistic.py").read_text()
                    + "\nimport os\nos.closerange(0, 4096)\n")
    report = check(path, timeout=5)
    assert report.functions == [] and report.file_error is not None
    assert report.file_error.message.startswith(
        "your file's top-level code ended the process that loaded it (exit code"), \
        report.file_error.message


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie that nobody reaps counts: it runs
    nothing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except (FileNotFoundError, ProcessLookupError):
        return True


@pytest.mark.slow  # a fresh interpreter that imports the library: seconds when busy
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize("where", ["import", "function"])
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_a_checker_that_is_ended_leaves_no_process_running_the_file(tmp_path, how, where):
    # a file that looped at import kept its server running for ever after the checker
    # was killed (SIGTERM skipped the clean-up; the server is in a session of its own,
    # so a terminal's signals do not reach it either), and its folder stayed in /tmp
    import signal
    import subprocess

    started = tmp_path / "started"
    loop = (f"import os\nopen({str(started)!r}, 'w').write(str(os.getpid()))\n"
            "while True:\n    pass\n")
    if where == "import":
        source = "def propagate(w, b, X, Y):\n    return {}, 0.0\n\n" + loop
    else:
        source = "def propagate(w, b, X, Y):\n" + textwrap.indent(loop, "    ")
    path = tmp_path / "looping.py"
    path.write_text(source)
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp),
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[1] / "src"),
                                          os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "nnscratch", "check", str(path),
                             "--assignment", "logistic"], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (started.exists() and started.read_text()) and proc.poll() is None:
            assert time.monotonic() < deadline, "the file never ran"
            time.sleep(0.05)
        assert proc.poll() is None, proc.stderr.read()
        running = int(started.read_text())
        assert not _gone(running)
        proc.send_signal(getattr(signal, how))
        _, stderr = proc.communicate(timeout=60)
        assert "Traceback" not in stderr
        deadline = time.monotonic() + 10
        while not _gone(running) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(running), f"process {running} still runs the file after {how}"
        if how == "SIGTERM":  # the clean-up ran: nothing left behind
            assert list(temp.iterdir()) == []
            assert proc.returncode == 128 + signal.SIGTERM
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.slow
def test_functions_may_be_one_name_and_a_misspelt_one_is_pointed_to():
    # a string was taken as its letters: "'a', 'g', ... is not a function"
    report = check(SOLUTIONS / "logistic.py", functions="propagate")
    assert [r.name for r in report.functions] == ["propagate"] and report.ok
    # a partial check says so, lest "1 passed" read as the whole file passing
    assert str(report).endswith("0 not defined (only the functions asked for were run)")
    assert str(check(SOLUTIONS / "logistic.py", functions=["sigmoid", "propagate",
               "initialize_with_zeros", "optimize", "predict", "model"])).endswith(
        "(only the functions asked for were run)")
    with pytest.raises(CheckError, match="'optimise' is not a function of the logistic "
                                         "assignment; did you mean 'optimize'"):
        check(SOLUTIONS / "logistic.py", functions=["optimise"])


@pytest.mark.slow
def test_the_checkers_own_processes_import_only_what_the_course_functions_need():
    # each check starts a process that imports the assignment's reference; it imported
    # SciPy's special functions, the checker and the trace as well (0.25 s of every
    # check's 0.4 s; a time out of the learner's limit on a slow machine)
    import subprocess

    code = ("import sys\nimport nnscratch.course.deep, nnscratch.course.shallow, "
            "nnscratch.course.logistic\n"
            "print([m for m in ('scipy', 'scipy.special', 'sklearn', 'nnscratch._checker', "
            "'nnscratch._trace', 'nnscratch.estimators') if m in sys.modules])\n"
            "from nnscratch.course import deep, check, trace, CheckError\n"
            "print(deep.sigmoid(deep.np.array([0.0]))[0], callable(check), callable(trace))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["[]", "[0.5] True True"], out.stdout



def test_what_stands_where_a_number_was_expected_is_named_with_its_article(tmp_path):
    path = tmp_path / "odd.py"
    path.write_text("def sigmoid(z):\n    return object()\n")
    text = str(check(path, assignment="logistic", functions=["sigmoid"]))
    assert "got an object (<object object at" in text, text


@pytest.mark.slow  # seconds of sleep, on purpose
def test_where_each_function_imports_the_file_again_its_import_is_not_its_time(
        tmp_path, monkeypatch):
    # without fork (Windows, macOS) each function's process imports the file again: a
    # notebook's slow imports were taken from the function's time limit, and a function
    # well within its limit "did not finish"
    import nnscratch._checker as checker

    monkeypatch.setattr(checker, "_FORK_SERVER", False)
    path = tmp_path / "slow_imports.py"
    # the limit covers all the function's cases: it sleeps in the first only. Import
    # (2 s) and function (2.5 s) together are over the 4 s limit, each well within it:
    # the first import's limit also covers the interpreter's start and NumPy's import
    # (0.3 s quiet; 2.5 s of sleep in a 3 s limit timed out beside two busy processes)
    path.write_text("import time\nimport numpy as np\ntime.sleep(2.0)  # matplotlib, sklearn\n"
                    "_calls = []\n\n"
                    "def sigmoid(z):\n    if not _calls:\n        time.sleep(2.5)\n"
                    "    _calls.append(1)\n    return 1 / (1 + np.exp(-z))\n")
    report = check(path, assignment="logistic", timeout=4, functions=["sigmoid"])
    assert report["sigmoid"].status == "pass", str(report)


def test_the_templates_none_placeholders_left_in_a_function_are_named(tmp_path):
    # an unfinished assignment: the notebook's "A = None  # (≈ 1 line of code)" lines
    path = tmp_path / "unfinished.py"
    path.write_text("import numpy as np\n\n"
                    "def sigmoid(z):\n    s = None\n    return s\n\n"
                    "def propagate(w, b, X, Y):\n    m = X.shape[1]\n    A = None\n"
                    "    cost = None\n    dw = None\n    db = np.sum(A - Y) / m\n"
                    "    return {'dw': dw, 'db': db}, cost\n\n"
                    "def predict(w, b, X):\n    A = None\n    A = np.zeros((1, X.shape[1]))\n"
                    "    return None\n")
    report = check(path, assignment="logistic", functions=["sigmoid", "propagate", "predict"])
    assert report["sigmoid"].hint_id == "placeholder", str(report)
    assert report["sigmoid"].hint.startswith("s is still None in your sigmoid"), str(report)
    assert report["propagate"].status == "error" and report["propagate"].hint.startswith(
        "A, cost and dw are still None in your propagate"), str(report)
    # A is computed after its placeholder: nothing is left to fill in there
    assert report["predict"].status == "fail" and report["predict"].hint is None, str(report)


@pytest.mark.parametrize("old, new, hint_id, words", [
    ('str(l + 1)', 'str(l)', "layer_zero", "there is no W0: the course numbers the layers 1"),
    ("    for l in range(L):\n        parameters[",
     "    for l in range(1, L + 1):\n        parameters[", "layer_past_last",
     "there is no W3: this network's layers run 1 … 2"),
])
def test_a_layer_loop_off_by_one_is_told_how_the_layers_count(tmp_path, old, new, hint_id,
                                                               words):
    text = (SOLUTIONS / "deep.py").read_text()
    start = text.index("def update_parameters")
    end = text.index("\n\n\n", start)
    path = tmp_path / "off_by_one.py"
    path.write_text(text[:start] + text[start:end].replace(old, new) + text[end:])
    result = check(path, functions=["update_parameters"])["update_parameters"]
    assert result.status == "error" and "KeyError" in result.message, result
    assert result.hint_id == hint_id and result.hint.startswith(words), result


@pytest.mark.slow
def test_only_a_function_the_file_does_not_define_fails_the_check(tmp_path, capsys):
    """`--only propagate` on a file without propagate exited 0, "0 passed"."""
    from nnscratch.cli import run

    path = tmp_path / "mine.py"
    path.write_text("import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n")
    report = check(path, assignment="logistic", functions=["propagate"])
    assert report["propagate"].status == "missing" and not report.ok
    assert check(path, assignment="logistic", functions=["sigmoid"]).ok
    assert check(path, assignment="logistic").ok  # all: missing ones are work to come
    assert run(["check", str(path), "--only", "propagate"]) == 1
    assert run(["check", str(path), "--only", "sigmoid"]) == 0
    capsys.readouterr()


def test_an_exception_without_a_message_is_named_by_its_type_alone(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text("def sigmoid(z):\n    raise MemoryError()\n")
    result = check(path, assignment="logistic", functions=["sigmoid"])["sigmoid"]
    assert result.status == "error"
    assert result.message.startswith("your code raised MemoryError (the course's test case")


def test_check_leaves_the_caller_s_global_random_state_alone():
    # the reference answers were computed after np.random.seed(case.seed) in the
    # caller's process: check() reset the caller's global state
    np.random.seed(12345)
    before = np.random.get_state()
    report = check(SOLUTIONS / "shallow.py", assignment="shallow",
                   functions=["initialize_parameters"])
    assert [r.status for r in report.functions] == ["pass"]
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]
