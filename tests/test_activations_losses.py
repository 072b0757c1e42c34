"""Activations and costs: values, stability at the extremes, gold implementations."""

import warnings

import numpy as np
import pytest
from scipy.special import expit
from sklearn.metrics import log_loss

from nnscratch._engine import IN_PLACE, in_place
from nnscratch.activations import (
    ACTIVATIONS,
    leaky_relu,
    relu,
    sigmoid,
    softmax,
    tanh,
)
from nnscratch.losses import (
    binary_cross_entropy,
    binary_cross_entropy_from_logits,
    categorical_cross_entropy_from_logits,
    l2_penalty,
)
from nnscratch.network import hidden_activations

EXTREMES = np.array([[-1000.0, -745.2, -40.0, -1e-12, 0.0, 1e-12, 40.0, 745.2, 1000.0]])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_is_finite_and_silent_at_extremes(name):
    forward, backward = ACTIVATIONS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            A = forward(EXTREMES)
            dZ = backward(np.ones_like(A), EXTREMES, A)
    assert np.isfinite(A).all() and np.isfinite(dZ).all()


def test_activation_values():
    z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_array_equal(sigmoid(np.array([[-1000.0, 1000.0]])), [[0.0, 1.0]])
    np.testing.assert_array_equal(relu(z), [[0.0, 0.0, 3.0]])
    np.testing.assert_allclose(tanh(z), np.tanh(z))
    np.testing.assert_allclose(leaky_relu(z, slope=0.1), [[-0.2, 0.0, 3.0]])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_backward_is_the_derivative(name):
    forward, backward = ACTIVATIONS[name]
    z = np.random.RandomState(0).uniform(-3, 3, size=(4, 6))  # away from relu's kink
    z[np.abs(z) < 1e-3] = 0.5
    eps = 1e-6
    numeric = (forward(z + eps) - forward(z - eps)) / (2 * eps)
    analytic = backward(np.ones_like(z), z, forward(z))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-9)


def test_softmax_columns_sum_to_one_and_are_stable():
    Z = np.array([[1000.0, -1000.0, 0.0], [1000.0, 1000.0, 1.0], [-1000.0, 0.0, 2.0]])
    A = softmax(Z)
    np.testing.assert_allclose(A.sum(axis=0), 1.0)
    np.testing.assert_allclose(A[:, 0], [0.5, 0.5, 0.0])
    e = np.exp([0.0, 1.0, 2.0])
    np.testing.assert_allclose(A[:, 2], e / e.sum())


def test_cost_from_logits_equals_the_seeds_formula_where_finite():
    rng = np.random.RandomState(0)
    Z = rng.randn(1, 50) * 5
    Y = (rng.rand(1, 50) > 0.5).astype(float)
    expected = binary_cross_entropy(expit(Z), Y)
    assert binary_cross_entropy_from_logits(Z, Y) == pytest.approx(expected, rel=1e-13)
    assert binary_cross_entropy(np.full((1, 4), 0.5), np.array([[1, 0, 1, 0]])) == (
        pytest.approx(np.log(2), rel=1e-15)
    )


def test_cost_from_logits_is_finite_where_the_formula_breaks():
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    Z = np.array([[1000.0, -1000.0, -1000.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cost = binary_cross_entropy_from_logits(Z, Y)
    assert cost == pytest.approx((0 + 0 + 1000 + 1000) / 4)
    with np.errstate(divide="ignore", invalid="ignore"):
        assert not np.isfinite(binary_cross_entropy(expit(Z), Y))  # why we use logits
    # Tiny losses keep their precision: log(1 + e^-40) ≈ e^-40.
    assert binary_cross_entropy_from_logits(np.array([[40.0]]), np.array([[1.0]])) == (
        pytest.approx(np.exp(-40.0), rel=1e-12)
    )


def test_costs_agree_with_scikit_learn_log_loss():
    rng = np.random.RandomState(1)
    Z = rng.randn(1, 40) * 3
    y = (rng.rand(40) > 0.4).astype(int)
    w = rng.rand(40)
    p = expit(Z.ravel())
    assert binary_cross_entropy_from_logits(Z, y[None, :]) == pytest.approx(
        log_loss(y, p), rel=1e-12
    )
    assert binary_cross_entropy_from_logits(Z, y[None, :], w) == pytest.approx(
        log_loss(y, p, sample_weight=w), rel=1e-12
    )
    Zk = rng.randn(4, 40)
    labels = rng.randint(0, 4, 40)
    Y = np.eye(4)[labels].T
    assert categorical_cross_entropy_from_logits(Zk, Y) == pytest.approx(
        log_loss(labels, softmax(Zk).T, labels=range(4)), rel=1e-12
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_softmax_cost_from_logits_is_scipys_logsumexp_and_finite_at_1000(dtype):
    from scipy.special import logsumexp

    Z = np.array([[1000.0, -1000.0, 0.0, 3.0], [-1000.0, 1000.0, 1e-3, -2.0],
                  [0.0, 999.0, -1e-3, 1.0]], dtype=dtype)
    Y = np.eye(3)[[1, 0, 2, 0]].T.astype(dtype)
    w = np.array([1.0, 2.0, 0.5, 1.0])
    for weights in (None, w):
        expected = np.average(logsumexp(Z.astype(np.float64), axis=0)
                              - np.sum(Y * Z.astype(np.float64), axis=0), weights=weights)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            cost = categorical_cross_entropy_from_logits(Z, Y, weights)
        assert np.isfinite(cost) and cost == pytest.approx(expected, rel=1e-6)
    one = np.array([[1000.0], [-1000.0]], dtype=dtype)
    assert categorical_cross_entropy_from_logits(one, np.array([[0.0], [1.0]])) == 2000.0


def test_l2_penalty_is_the_course_formula():
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[100.0]]), "W2": np.array([[3.0]])}
    assert l2_penalty(params, alpha=0.7, m=10) == pytest.approx(0.7 / 20 * (1 + 4 + 9))
    assert l2_penalty(params, alpha=0.0, m=10) == 0.0


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid"])
def test_in_place_forms_give_the_same_values_in_their_first_argument(name):
    pair = ACTIVATIONS[name]
    form = in_place(pair)
    assert form is IN_PLACE[pair] and form != pair
    Z = np.array([[-1000.0, -2.0, 0.0, 0.5, 1000.0]], dtype=np.float32)
    dA = np.array([[0.3, -1.0, 2.0, 0.7, -0.2]], dtype=np.float32)
    A = pair.forward(Z)
    dZ = pair.backward(dA, Z, A)
    Z_work = Z.copy()
    A_work = form.forward(Z_work)
    assert A_work is Z_work
    np.testing.assert_array_equal(A_work, A)
    dA_work = dA.copy()
    # the cache of an in-place forward pass holds A as Z: the same gradient
    dZ_work = form.backward(dA_work, A_work, A_work)
    assert dZ_work is dA_work
    np.testing.assert_array_equal(dZ_work, dZ)


def test_other_activations_have_no_in_place_form():
    leaky = hidden_activations("leaky_relu", 1, 0.1)[0]
    assert in_place(leaky) is leaky
