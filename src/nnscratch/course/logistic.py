"""Assignment 1: logistic regression as a one-neuron network, in the course's notation.

The course's functions with its names, signatures and return values, built on the
library's core (:mod:`nnscratch.network`): a learner can call them one by one beside
their own. ``X`` is ``(n_x, m)``, one example per column; ``w`` is ``(n_x, 1)``;
``b`` is a number; ``Y`` is ``(1, m)``.

=====================  ==============================================
function               returns
=====================  ==============================================
sigmoid(z)             ``s = σ(z)``, same shape as ``z``
initialize_with_zeros  ``w`` (dim, 1) of zeros, ``b = 0.0``
propagate              ``grads = {"dw", "db"}``, ``cost``
optimize               ``params = {"w", "b"}``, ``grads``, ``costs``
predict                ``Y_prediction`` (1, m) of 0.0 / 1.0
model                  ``d``: costs, predictions, ``w``, ``b``, settings
=====================  ==============================================

Examples
--------
>>> import numpy as np
>>> w, b = np.array([[1.0], [2.0]]), 2.0
>>> X, Y = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]), np.array([[1, 0, 1]])
>>> grads, cost = propagate(w, b, X, Y)
>>> grads["dw"].round(8).tolist(), round(cost, 12)
([[0.99845601], [2.39507239]], 5.801545319395)
"""

from __future__ import annotations

import sys

import numpy as np

from .. import network
from ..activations import sigmoid as _expit
from ..losses import binary_cross_entropy
from . import _checks

__all__ = ["initialize_with_zeros", "model", "optimize", "predict", "propagate", "sigmoid"]


def _params(w: np.ndarray, b, X) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The one-neuron network's parameters in the core's form, ``W1 = wᵀ``, ``b1 =
    [[b]]``, and ``X`` as a float array, once their shapes are the course's."""
    w, X = np.asarray(w, dtype=float), _checks.examples(X)
    if w.ndim != 2 or w.shape[1] != 1:
        raise ValueError(f"w has shape {w.shape}: it must be (n_x, 1), a column "
                         "(w.reshape(-1, 1)).")
    if np.size(b) != 1:
        raise ValueError(f"b has shape {np.shape(b)}: it must be one number.")
    if X.shape[0] != w.shape[0]:
        raise ValueError(
            f"X has shape {X.shape} but w has shape {w.shape}: X must be (n_x, m) = "
            f"({w.shape[0]}, m), one example per column (transpose an X whose rows are the "
            "examples).")
    return {"W1": w.T, "b1": np.asarray(b, dtype=float).reshape(1, 1)}, X


def _cost(AL: np.ndarray, ZL: np.ndarray, Y: np.ndarray) -> float:
    """The course's cost, written as the course writes it (so its published digits come
    out exactly), or from the logits where ``A`` is exactly 0 or 1 (``log 0``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = binary_cross_entropy(AL, Y)
    return cost if np.isfinite(cost) else _checks.finite(network.compute_cost(ZL, Y))


def sigmoid(z):
    """The logistic function ``σ(z) = 1 / (1 + e^{-z})``, without overflow.

    Parameters
    ----------
    z : float or ndarray of any shape

    Returns
    -------
    s : float or ndarray of z's shape
    """
    return _expit(z)


def initialize_with_zeros(dim: int) -> tuple[np.ndarray, float]:
    """Zero weights and bias.

    Returns
    -------
    w : ndarray of shape (dim, 1)
    b : float
        ``0.0``.
    """
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 1:
        raise ValueError(f"dim must be a positive whole number, n_x; got {dim!r}.")
    return np.zeros((dim, 1)), 0.0


def propagate(w: np.ndarray, b, X: np.ndarray, Y: np.ndarray) -> tuple[dict, float]:
    """One forward and backward pass: the cost and its gradients.

    Parameters
    ----------
    w : ndarray of shape (n_x, 1)
    b : float
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
        Labels 0 / 1.

    Returns
    -------
    grads : dict
        ``"dw"`` of shape (n_x, 1), ``(1/m) X (A - Y)ᵀ``; ``"db"`` a float,
        ``(1/m) Σ (A - Y)``.
    cost : float
        ``-(1/m) Σ (Y log A + (1 - Y) log(1 - A))`` with ``A = σ(wᵀX + b)``.
    """
    params, X = _params(w, b, X)
    Y = _checks.labels(Y, X.shape[1])
    AL, caches = network.L_model_forward(X, params)
    cost = _cost(AL, caches[-1][1].Z, Y)
    grads = network.L_model_backward(AL, Y, caches)
    return {"dw": grads["dW1"].T, "db": float(grads["db1"][0, 0])}, float(cost)


def optimize(w, b, X, Y, num_iterations: int = 100, learning_rate: float = 0.009,
             print_cost: bool = False) -> tuple[dict, dict, list]:
    """Gradient descent: ``w := w - α dw``, ``b := b - α db``, ``num_iterations`` times.

    Parameters
    ----------
    w : ndarray of shape (n_x, 1)
    b : float
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    num_iterations : int, default=100
    learning_rate : float, default=0.009
        α.
    print_cost : bool, default=False
        Print the cost every 100 iterations (to stderr).

    Returns
    -------
    params : dict
        ``"w"`` (n_x, 1), ``"b"`` float: the learned parameters (new arrays).
    grads : dict
        ``"dw"``, ``"db"`` of the last iteration.
    costs : list of float
        The cost every 100 iterations, the first at iteration 0.
    """
    num_iterations = _checks.iterations(num_iterations)
    _params(w, b, X)
    w = np.array(w, dtype=float)
    b = float(np.asarray(b, dtype=float).reshape(()))
    costs = []
    grads = {"dw": np.zeros_like(w), "db": 0.0}
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost:f}", file=sys.stderr)
    return {"w": w, "b": b}, grads, costs


def predict(w: np.ndarray, b, X: np.ndarray) -> np.ndarray:
    """Label 1 where ``σ(wᵀX + b) > 0.5``, else 0.

    Returns
    -------
    Y_prediction : ndarray of shape (1, m)
        0.0 or 1.0 per example.
    """
    params, X = _params(w, b, X)
    AL, _ = network.L_model_forward(X, params)
    return (AL > 0.5).astype(float)


def model(X_train, Y_train, X_test, Y_test, num_iterations: int = 2000,
          learning_rate: float = 0.5, print_cost: bool = False) -> dict:
    """The whole model: zeros, :func:`optimize`, :func:`predict` on both sets.

    ``print_cost=True`` prints the cost every 100 iterations and the train and test
    accuracies to stderr (the course prints to stdout; here the printed lines are
    messages, the results are returned).

    Returns
    -------
    d : dict
        ``"costs"``, ``"Y_prediction_test"`` (1, m_test), ``"Y_prediction_train"``
        (1, m_train), ``"w"``, ``"b"``, ``"learning_rate"``, ``"num_iterations"``.
    """
    w, b = initialize_with_zeros(_checks.examples(X_train, "X_train").shape[0])
    params, _, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate,
                                print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    if print_cost:
        for name, pred, Y in (("train", Y_prediction_train, Y_train),
                              ("test", Y_prediction_test, Y_test)):
            print(f"{name} accuracy: {100 - np.mean(np.abs(pred - Y)) * 100} %",
                  file=sys.stderr)
    return {"costs": costs, "Y_prediction_test": Y_prediction_test,
            "Y_prediction_train": Y_prediction_train, "w": w, "b": b,
            "learning_rate": learning_rate, "num_iterations": num_iterations}
