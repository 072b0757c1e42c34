"""The learner's core and the course modules at their edges: the shapes, dtypes, keys
and values a learner following the course gets wrong, each refused in one line in the
course's notation (or computed right), never a silently wrong number."""

import numpy as np
import pytest

from nnscratch import network
from nnscratch.course import deep


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
