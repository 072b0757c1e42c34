"""The checker, from an audit: the planar compute_cost(A2, Y, parameters) and the older
template's dA keys are right answers; a dict-returning function with no return, an
L = len(parameters) that counts W and b, a misspelled function name and relu'(0) taken
as 1 get their hints; a function that loops is not waited for again by its callers."""


import pytest

from nnscratch.course import check
from test_check import planted

pytestmark = pytest.mark.slow  # the checker's processes

_OLD_BACKWARD = '''def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = \\
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(
            grads["dA" + str(l + 2)], current_cache, "relu")
        grads["dA" + str(l + 1)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads
'''


def _backward(tmp_path, text):
    path = planted(tmp_path, "deep", "def L_model_backward(AL, Y, caches):",
                   text + "\n\ndef _newer_L_model_backward(AL, Y, caches):")
    return check(path, functions=["L_model_backward", "L_layer_model"])


def test_the_planar_compute_cost_with_parameters_passes(tmp_path):
    path = planted(tmp_path, "shallow", "def compute_cost(A2, Y, parameters=None):",
                   "def compute_cost(A2, Y, parameters):")
    report = check(path, functions=["compute_cost", "nn_model"])
    assert report["compute_cost"].status == "pass", report["compute_cost"]
    assert report["nn_model"].status == "pass", report["nn_model"]


def test_the_older_templates_dA_keys_pass(tmp_path):
    report = _backward(tmp_path, _OLD_BACKWARD)
    assert report["L_model_backward"].status == "pass", report["L_model_backward"]
    assert report["L_layer_model"].status == "pass", report["L_layer_model"]


def test_the_older_templates_dA_keys_are_still_compared(tmp_path):
    wrong = _OLD_BACKWARD.replace('grads["dA" + str(l + 1)] = dA_prev_temp',
                                  'grads["dA" + str(l + 1)] = 2 * dA_prev_temp')
    result = _backward(tmp_path, wrong)["L_model_backward"]
    assert result.status == "fail" and result.array == "grads['dA1']", result
    assert result.expected_shape == result.actual_shape, result  # its values, not its key


@pytest.mark.parametrize("assignment, old, function", [
    pytest.param("deep", "    return parameters\n\n\ndef two_layer_model", "update_parameters",
                 id="deep-update_parameters"),
    pytest.param("deep", "    return grads\n", "L_model_backward", id="deep-L_model_backward"),
])
def test_a_dict_function_with_no_return_is_told_so(tmp_path, assignment, old, function):
    new = old.replace("    return parameters\n", "").replace("    return grads\n", "")
    result = check(planted(tmp_path, assignment, old, new), functions=[function])[function]
    assert result.status == "fail" and result.hint_id == "no_return", result
    assert "has no return statement" in result.hint, result.hint


def test_L_as_len_of_parameters_is_said_to_count_W_and_b(tmp_path):
    path = planted(tmp_path, "deep", "    L = len(parameters) // 2\n    for l in range(L):\n"
                   "        parameters[", "    L = len(parameters)\n    for l in range(L):\n"
                   "        parameters[")
    result = check(path, functions=["update_parameters"])["update_parameters"]
    assert result.status == "error" and result.hint_id == "layer_count", result
    assert "len(parameters) // 2" in result.hint and "W and the b" in result.hint, result.hint
    assert "one layer too far" not in result.hint, result.hint


def test_a_misspelled_function_name_gets_did_you_mean(tmp_path):
    path = planted(tmp_path, "logistic", "propagate(", "propogate(", count=2)
    result = check(path, functions=["propagate"])["propagate"]
    assert result.status == "missing", result
    assert "did you mean 'propogate'?" in result.message, result.message


def test_relu_backward_with_z_below_0_is_caught_at_z_equal_0(tmp_path):
    path = planted(tmp_path, "deep", "dZ[Z <= 0] = 0", "dZ[Z < 0] = 0")
    result = check(path, functions=["relu_backward"])["relu_backward"]
    assert result.status == "fail" and result.hint_id == "relu_at_zero", result
    assert "Z <= 0" in result.hint, result.hint


def test_the_callers_of_a_function_that_loops_do_not_wait_for_it_again(tmp_path, monkeypatch):
    from nnscratch import _checker

    path = planted(tmp_path, "logistic", "    s = 1 / (1 + np.exp(-z))\n",
                   "    while True:\n        pass\n")
    waited = []  # the runs that waited out the time limit
    read = _checker._read_job

    def counted(*args, **kwargs):
        run = read(*args, **kwargs)
        if run.problem is not None and run.problem.startswith("did not finish within"):
            waited.append(run)
        return run

    monkeypatch.setattr(_checker, "_read_job", counted)
    report = check(path, timeout=2.0)
    assert report["sigmoid"].status == "error", report["sigmoid"]
    for name in ("propagate", "predict", "optimize", "model"):
        assert report[name].status == "fail", report[name]
        assert report[name].message.startswith("fails only because sigmoid"), report[name]
    # sigmoid waited out once; its callers (four of them) each waited again before
    assert len(waited) == 1
