"""Backward propagation against central differences and against PyTorch autograd."""

import numpy as np
import pytest

from nnscratch.activations import ACTIVATIONS
from nnscratch.gradcheck import gradient_check, numerical_gradients
from nnscratch.initializers import initialize_parameters
from nnscratch.network import (
    L_model_backward,
    L_model_forward,
    hidden_activations,
    linear_activation_backward,
)

DEPTHS = {1: [5], 2: [5, 4], 3: [5, 4, 3], 4: [5, 4, 3, 3]}


def problem(depth, seed=0, m=7, n_out=1):
    rng = np.random.RandomState(seed)
    dims = [*DEPTHS[depth], n_out]
    X = rng.randn(dims[0], m)
    params = initialize_parameters(dims, "he", random_state=seed)
    for key in params:
        if key[0] == "b":
            params[key] = rng.randn(*params[key].shape) * 0.1
    if n_out == 1:
        Y = (rng.rand(1, m) > 0.5).astype(float)
    else:
        Y = np.eye(n_out)[rng.randint(0, n_out, m)].T
    return params, X, Y


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_gradients_match_central_differences(activation, depth):
    params, X, Y = problem(depth)
    assert gradient_check(params, X, Y, activation) < 1e-7


@pytest.mark.parametrize("depth", [1, 3])
def test_gradients_with_l2_weights_and_softmax(depth):
    params, X, Y = problem(depth)
    w = np.random.RandomState(5).rand(X.shape[1]) * 3
    assert gradient_check(params, X, Y, "tanh", alpha=0.7) < 1e-7
    assert gradient_check(params, X, Y, "relu", sample_weight=w) < 1e-7
    params, X, Y = problem(depth, n_out=4)
    assert gradient_check(params, X, Y, "tanh", output="softmax", alpha=0.3) < 1e-7


def test_gradients_with_fixed_dropout_masks():
    params, X, Y = problem(3)
    rng = np.random.RandomState(2)
    masks = [rng.rand(4, X.shape[1]) < 0.7, rng.rand(3, X.shape[1]) < 0.7]
    assert gradient_check(params, X, Y, "sigmoid", masks=masks) < 1e-7


def test_gradient_check_catches_a_wrong_gradient():
    params, X, Y = problem(2)
    broken = ACTIVATIONS["tanh"]._replace(backward=lambda dA, Z, A: dA * (1 - A))
    assert gradient_check(params, X, Y, [broken]) > 1e-3


def test_numerical_gradients_leave_params_unchanged():
    params, X, Y = problem(2)
    before = {k: v.copy() for k, v in params.items()}
    numerical_gradients(params, X, Y, "relu")
    for key in params:
        np.testing.assert_array_equal(params[key], before[key])


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.slow
def test_gradients_match_pytorch_autograd(activation, depth):
    torch = pytest.importorskip("torch")
    params, X, Y = problem(depth, seed=depth)
    acts = hidden_activations(activation, depth - 1)
    AL, caches = L_model_forward(X, params, acts)
    grads = L_model_backward(AL, Y, caches, acts)

    torch_act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
                 "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01)}[activation]
    tp = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    A = torch.tensor(X)
    for l in range(1, depth):
        A = torch_act(tp[f"W{l}"] @ A + tp[f"b{l}"])
    ZL = tp[f"W{depth}"] @ A + tp[f"b{depth}"]
    cost = torch.nn.functional.binary_cross_entropy_with_logits(ZL, torch.tensor(Y))
    cost.backward()
    for key, tensor in tp.items():
        expected = tensor.grad.numpy()
        np.testing.assert_allclose(grads["d" + key], expected, rtol=1e-12, atol=1e-15)


def test_linear_activation_backward_is_one_step_of_L_model_backward():
    """The course's per-layer function agrees with the full backward pass."""
    params, X, Y = problem(2)
    acts = hidden_activations("tanh", 1)
    AL, caches = L_model_forward(X, params, acts)
    grads = L_model_backward(AL, Y, caches, acts, alpha=0.3)
    m = X.shape[1]
    dA1 = params["W2"].T @ ((AL - Y) / m)
    dA0, dW1, db1 = linear_activation_backward(dA1, caches[0], acts[0], l2=0.3 / m)
    np.testing.assert_allclose(dW1, grads["dW1"], rtol=1e-13)
    np.testing.assert_allclose(db1, grads["db1"], rtol=1e-13)
    assert dA0.shape == X.shape


def test_a_difference_across_a_relu_kink_is_left_out_of_the_check():
    # zero biases put Z[2] exactly at 0 wherever layer 1 is all off: perturbing b2 crossed
    # the kink, and a right backward propagation differed by 0.17 ("there is a mistake")
    from nnscratch.course import deep
    from nnscratch.datasets import load_flower

    X, y = load_flower()
    params = deep.initialize_parameters_deep([2, 5, 3, 1])
    Y = y[None].astype(float)
    _, caches = L_model_forward(X.T, params, "relu")
    assert np.sum(caches[1][1].Z == 0) > 100  # the kinks are there
    assert gradient_check(params, X.T, Y, epsilon=1e-4) < 1e-7
    # a wrong backward pass is still found (the kinks left out are few)
    from nnscratch.activations import Activation, relu, relu_backward

    twice = Activation(relu, lambda dA, Z, A: 2.0 * relu_backward(dA, Z, A))
    assert gradient_check(params, X.T, Y, [twice, twice], epsilon=1e-4) > 1e-3


def test_a_sigmoid_output_of_several_units_has_the_cost_its_gradients_are_of():
    # the cost was the mean over n_L * m entries, the gradient dZ = (A - Y) / m: a right
    # backward propagation differed by 0.5, and sample weights failed in NumPy
    from nnscratch.network import compute_cost

    rng = np.random.RandomState(0)
    params = initialize_parameters([3, 4, 2], init="he", random_state=0)
    X, Y = rng.randn(3, 5), (rng.rand(2, 5) > 0.5).astype(float)
    assert gradient_check(params, X, Y) < 1e-7
    AL, caches = L_model_forward(X, params, "relu")
    by_hand = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / 5
    assert compute_cost(caches[-1][1].Z, Y) == pytest.approx(by_hand, rel=1e-12)
    weights = np.array([1.0, 2.0, 0.0, 1.0, 1.0])
    weighted = -np.sum(weights * (Y * np.log(AL) + (1 - Y) * np.log(1 - AL))) / weights.sum()
    assert compute_cost(caches[-1][1].Z, Y, sample_weight=weights) == pytest.approx(
        weighted, rel=1e-12)
    assert gradient_check(params, X, Y, sample_weight=weights) < 1e-7
