"""Assignment 2: a shallow network, one hidden layer of tanh units, in the course's notation.

The planar "flower" assignment's functions with the course's names, signatures, return
values and cache (a dict ``{"Z1", "A1", "Z2", "A2"}``), built on the library's core
(:mod:`nnscratch.network`). ``X`` is ``(n_x, m)``, ``Y`` is ``(n_y, m)``.

==========  ======================  ==============================================
array       shape                   formula
==========  ======================  ==============================================
W1, b1      (n_h, n_x), (n_h, 1)
Z1, A1      (n_h, m)                ``Z1 = W1 X + b1``, ``A1 = tanh(Z1)``
W2, b2      (n_y, n_h), (n_y, 1)
Z2, A2      (n_y, m)                ``Z2 = W2 A1 + b2``, ``A2 = σ(Z2)``
dZ2         (n_y, m)                ``A2 - Y``
dW2, db2    as W2, b2               ``(1/m) dZ2 A1ᵀ``, ``(1/m) Σ dZ2``
dZ1         (n_h, m)                ``W2ᵀ dZ2 * (1 - A1²)``
dW1, db1    as W1, b1               ``(1/m) dZ1 Xᵀ``, ``(1/m) Σ dZ1``
==========  ======================  ==============================================
"""

from __future__ import annotations

import sys

import numpy as np

from .. import network
from ..activations import ACTIVATIONS
from ..activations import sigmoid as _expit
from ..initializers import initialize_parameters as _draw
from ..losses import binary_cross_entropy
from ..network import LinearCache
from . import _checks

__all__ = ["backward_propagation", "compute_cost", "forward_propagation",
           "initialize_parameters", "layer_sizes", "nn_model", "predict", "sigmoid",
           "update_parameters"]


def sigmoid(x):
    """The course's helper of this assignment (``planar_utils.sigmoid``): ``σ(x) = 1 /
    (1 + e^{-x})``, without overflow.

    Parameters
    ----------
    x : float or ndarray of any shape

    Returns
    -------
    s : float or ndarray of x's shape
    """
    return _expit(x)


def layer_sizes(X: np.ndarray, Y: np.ndarray) -> tuple[int, int, int]:
    """``(n_x, n_h, n_y)``: the input size, 4 hidden units (the course's choice), the
    output size."""
    X = _checks.examples(X)
    return X.shape[0], 4, _checks.labels(Y, X.shape[1]).shape[0]


def initialize_parameters(n_x: int, n_h: int, n_y: int, *, seed: int = 2) -> dict:
    """Small random weights, zero biases, as the course draws them.

    ``W = randn(n_l, n_{l-1}) * 0.01`` after ``np.random.seed(2)`` (the flower
    assignment's seed), drawn from a private generator: NumPy's global state is
    untouched.

    Returns
    -------
    parameters : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (n_y, n_h), ``"b2"`` (n_y, 1).
    """
    for name, n in (("n_x", n_x), ("n_h", n_h), ("n_y", n_y)):  # not _draw's layer_dims
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{name} must be a positive whole number (units); got {n!r}")
    return _draw([n_x, n_h, n_y], init="small", random_state=seed)


def forward_propagation(X: np.ndarray, parameters: dict) -> tuple[np.ndarray, dict]:
    """``A1 = tanh(W1 X + b1)``, ``A2 = σ(W2 A1 + b2)``.

    Returns
    -------
    A2 : ndarray of shape (n_y, m)
    cache : dict
        ``"Z1"``, ``"A1"`` (n_h, m), ``"Z2"``, ``"A2"`` (n_y, m).
    """
    network._check_params(parameters)
    A1, (_, act1) = network.linear_activation_forward(
        X, parameters["W1"], parameters["b1"], ACTIVATIONS["tanh"])
    A2, (_, act2) = network.linear_activation_forward(
        A1, parameters["W2"], parameters["b2"], ACTIVATIONS["sigmoid"])
    return A2, {"Z1": act1.Z, "A1": A1, "Z2": act2.Z, "A2": A2}


def compute_cost(A2: np.ndarray, Y: np.ndarray, parameters: dict | None = None) -> float:
    """The cross-entropy cost ``-(1/m) Σ (Y log A2 + (1 - Y) log(1 - A2))``.

    ``parameters`` is accepted (the course's older signature) and not used.

    Returns
    -------
    cost : float
        A plain number (the course's ``np.squeeze``).
    """
    return binary_cross_entropy(A2, np.asarray(Y, dtype=float))


def backward_propagation(parameters: dict, cache: dict, X: np.ndarray, Y: np.ndarray) -> dict:
    """The gradients of the cost (see the module's table).

    Returns
    -------
    grads : dict
        ``"dW1"``, ``"db1"``, ``"dW2"``, ``"db2"``, each of its parameter's shape.
    """
    X = _checks.examples(X)
    m = X.shape[1]
    Y = _checks.labels(Y, m)
    W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
    A1, A2 = cache["A1"], cache["A2"]
    # The core's gradients are of the mean cost: 1/m lives in dZ, once.
    dZ2 = (A2 - Y) / m
    dA1, dW2, db2 = network.linear_backward(dZ2, LinearCache(A1, W2, b2))
    dZ1 = ACTIVATIONS["tanh"].backward(dA1, cache["Z1"], A1)  # dA1 * (1 - A1²)
    _, dW1, db1 = network.linear_backward(dZ1, LinearCache(X, W1, b1))
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters: dict, grads: dict, learning_rate: float = 1.2) -> dict:
    """One gradient-descent step, ``θ := θ - α dθ``, into new arrays (the input dict is
    left as it was)."""
    new = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    return network.update_parameters(new, grads, learning_rate)


def nn_model(X: np.ndarray, Y: np.ndarray, n_h: int, num_iterations: int = 10000,
             print_cost: bool = False, *, learning_rate: float = 1.2) -> dict:
    """The whole model: initialise, then forward, cost, backward and update per iteration.

    ``print_cost=True`` prints the cost every 1000 iterations to stderr (the course
    prints to stdout; here the printed lines are messages, the results are returned).

    Returns
    -------
    parameters : dict
        The learned ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"``.
    """
    num_iterations = _checks.iterations(num_iterations)
    n_x, _, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = _checks.cost(compute_cost, A2, cache["Z2"], Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 1000 == 0:
            print(f"Cost after iteration {i}: {cost:f}", file=sys.stderr)
    return parameters


def predict(parameters: dict, X: np.ndarray) -> np.ndarray:
    """``A2 > 0.5``: True (class 1) or False per example.

    Returns
    -------
    predictions : ndarray of bool, shape (n_y, m)
    """
    A2, _ = forward_propagation(X, parameters)
    return A2 > 0.5
