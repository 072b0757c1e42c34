"""Assignment 3: a deep L-layer network, ``[LINEAR -> RELU] × (L-1) -> LINEAR -> SIGMOID``.

The step-by-step assignment's functions with the course's names, signatures, return
values and caches, built on the library's core (:mod:`nnscratch.network`):

- ``linear_forward`` returns ``Z`` and the linear cache ``(A_prev, W, b)``;
- ``linear_activation_forward`` returns ``A`` and ``cache = ((A_prev, W, b), Z)``;
- ``L_model_forward`` returns ``AL`` and the list of the L caches;
- ``L_model_backward`` returns ``grads`` with ``"dA{l-1}"``, ``"dW{l}"``, ``"db{l}"``.

``X`` is ``(n_x, m)``; ``W[l]`` is ``(n_l, n_{l-1})``; ``b[l]`` is ``(n_l, 1)``.
"""

from __future__ import annotations

import sys

import numpy as np

from .. import network
from ..activations import ACTIVATIONS
from ..initializers import initialize_parameters as _draw
from ..losses import binary_cross_entropy
from ..network import ActivationCache, LinearCache
from . import _application, _checks

__all__ = ["L_layer_model", "L_model_backward", "L_model_forward", "compute_cost",
           "initialize_parameters", "initialize_parameters_deep", "linear_activation_backward",
           "linear_activation_forward", "linear_backward", "linear_forward", "predict",
           "relu", "relu_backward", "sigmoid", "sigmoid_backward", "two_layer_model",
           "update_parameters"]


def _activation(name: str):
    if name not in ("relu", "sigmoid", "tanh"):
        raise ValueError(f"activation must be 'relu', 'sigmoid' or 'tanh', not {name!r}.")
    return ACTIVATIONS[name]


def sigmoid(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The course's helper: ``A = σ(Z)``, with ``Z`` as the activation cache.

    Returns
    -------
    A : ndarray of shape (n_l, m)
    cache : ndarray of shape (n_l, m)
        ``Z``, for :func:`sigmoid_backward`.
    """
    return _activation("sigmoid").forward(Z), Z


def relu(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The course's helper: ``A = max(0, Z)``, with ``Z`` as the activation cache.

    Returns
    -------
    A : ndarray of shape (n_l, m)
    cache : ndarray of shape (n_l, m)
        ``Z``, for :func:`relu_backward`.
    """
    return _activation("relu").forward(Z), Z


def sigmoid_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """The course's helper: ``dZ = dA * σ'(Z)``, ``σ'(Z) = σ(Z) (1 − σ(Z))``.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
    cache : ndarray of shape (n_l, m)
        ``Z``, as :func:`sigmoid` returned it.

    Returns
    -------
    dZ : ndarray of shape (n_l, m)
    """
    act = _activation("sigmoid")
    return act.backward(dA, cache, act.forward(cache))


def relu_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """The course's helper: ``dZ = dA`` where ``Z > 0``, 0 elsewhere.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
    cache : ndarray of shape (n_l, m)
        ``Z``, as :func:`relu` returned it.

    Returns
    -------
    dZ : ndarray of shape (n_l, m)
    """
    act = _activation("relu")
    return act.backward(dA, cache, act.forward(cache))


def initialize_parameters(n_x: int, n_h: int, n_y: int, *, seed: int = 1) -> dict:
    """A two-layer network's parameters: ``randn * 0.01`` after ``np.random.seed(1)``
    (from a private generator), zero biases.

    Returns
    -------
    parameters : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (n_y, n_h), ``"b2"`` (n_y, 1).
    """
    return _draw([n_x, n_h, n_y], init="small", random_state=seed)


def initialize_parameters_deep(layer_dims, *, seed: int = 3) -> dict:
    """An L-layer network's parameters: ``W[l] = randn(n_l, n_{l-1}) * 0.01`` after
    ``np.random.seed(3)`` (from a private generator), ``b[l]`` zeros.

    Parameters
    ----------
    layer_dims : list of int
        ``[n_x, n_1, ..., n_L]``.

    Returns
    -------
    parameters : dict
        ``"W1"``, ``"b1"``, ..., ``"WL"``, ``"bL"``.
    """
    return _draw(list(layer_dims), init="small", random_state=seed)


def linear_forward(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """``Z = W A + b``.

    Parameters
    ----------
    A : ndarray of shape (n_{l-1}, m)
    W : ndarray of shape (n_l, n_{l-1})
    b : ndarray of shape (n_l, 1)

    Returns
    -------
    Z : ndarray of shape (n_l, m)
    cache : tuple
        ``(A, W, b)``.
    """
    Z, cache = network.linear_forward(A, W, b)
    return Z, tuple(cache)


def linear_activation_forward(A_prev, W, b, activation: str) -> tuple[np.ndarray, tuple]:
    """``A = g(W A_prev + b)`` with ``g`` = ``"relu"`` or ``"sigmoid"``.

    Returns
    -------
    A : ndarray of shape (n_l, m)
    cache : tuple
        ``((A_prev, W, b), Z)``: the linear cache and the activation cache.
    """
    A, (linear_cache, activation_cache) = network.linear_activation_forward(
        A_prev, W, b, _activation(activation))
    return A, (tuple(linear_cache), activation_cache.Z)


def L_model_forward(X: np.ndarray, parameters: dict) -> tuple[np.ndarray, list]:
    """``[LINEAR -> RELU] × (L-1) -> LINEAR -> SIGMOID``.

    Returns
    -------
    AL : ndarray of shape (1, m)
    caches : list of L tuples ``((A_prev, W, b), Z)``
    """
    AL, caches = network.L_model_forward(X, parameters)
    return AL, [(tuple(linear), act.Z) for linear, act in caches]


def compute_cost(AL: np.ndarray, Y: np.ndarray) -> float:
    """``-(1/m) Σ (Y log AL + (1 - Y) log(1 - AL))``, a plain number."""
    return binary_cross_entropy(AL, np.asarray(Y, dtype=float))


def linear_backward(dZ: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gradients of ``Z = W A_prev + b`` given ``dZ``.

    Returns
    -------
    dA_prev : ndarray of shape (n_{l-1}, m)
        ``Wᵀ dZ``.
    dW : ndarray of shape (n_l, n_{l-1})
        ``(1/m) dZ A_prevᵀ``.
    db : ndarray of shape (n_l, 1)
        ``(1/m) Σ_i dZ[:, i]``.
    """
    A_prev = cache[0]
    m = A_prev.shape[1]
    # the core's dZ already holds the 1/m of the mean cost (see network.linear_backward)
    dA_prev, dW, db = network.linear_backward(dZ, LinearCache(*cache))
    return dA_prev, dW / m, db / m


def linear_activation_backward(dA, cache: tuple, activation: str):
    """Back through ``A = g(Z)`` (``dZ = dA * g'(Z)``), then :func:`linear_backward`.

    Parameters
    ----------
    dA : ndarray of shape (n_l, m)
    cache : tuple
        ``((A_prev, W, b), Z)`` from :func:`linear_activation_forward`.
    activation : {"relu", "sigmoid"}

    Returns
    -------
    dA_prev, dW, db
        As in :func:`linear_backward`.
    """
    linear_cache, Z = cache
    act = _activation(activation)
    m = linear_cache[0].shape[1]
    full = (LinearCache(*linear_cache), ActivationCache(Z, act.forward(Z)))
    dA_prev, dW, db = network.linear_activation_backward(dA, full, act)
    return dA_prev, dW / m, db / m


def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: list) -> dict:
    """Backward propagation through the L layers.

    Starts from ``dAL = -(Y / AL - (1 - Y) / (1 - AL))`` (the course's formula; with
    the sigmoid's derivative it makes ``dZ[L] = AL - Y``, which is taken where an
    ``AL`` of exactly 0 or 1 makes the formula ``∞ · 0``), then runs
    :func:`linear_activation_backward` from layer L down to 1.

    Returns
    -------
    grads : dict
        ``"dA{l-1}"``, ``"dW{l}"``, ``"db{l}"`` for l = L, ..., 1.
    """
    L = len(caches)
    Y = np.asarray(Y, dtype=float)
    if Y.size != np.size(AL):
        raise ValueError(f"Y has shape {Y.shape} and AL {np.shape(AL)}: Y must be (1, m), "
                         "one label per example like AL.")
    Y = Y.reshape(AL.shape)  # the course's line: Y is now the same shape as AL
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
        linear_cache, ZL = caches[L - 1]
        dZL = sigmoid_backward(dAL, ZL)
    # where AL is exactly 0 or 1 the formula is ∞ · 0; its limit is the shortcut AL - Y
    dZL = np.where(np.isfinite(dZL), dZL, AL - Y)
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZL, linear_cache)
    grads[f"dA{L - 1}"] = dA
    for l in reversed(range(1, L)):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA, caches[l - 1], "relu")
        grads[f"dA{l - 1}"] = dA
    return grads


def update_parameters(parameters: dict, grads: dict, learning_rate: float) -> dict:
    """``W[l] := W[l] - α dW[l]``, ``b[l] := b[l] - α db[l]``, into new arrays."""
    new = {key: np.array(value, dtype=float) for key, value in parameters.items()}
    return network.update_parameters(new, grads, learning_rate)


def two_layer_model(X, Y, layers_dims, learning_rate: float = 0.0075,
                    num_iterations: int = 3000, print_cost: bool = False):
    """The Application notebook's two-layer model, ``LINEAR -> RELU -> LINEAR ->
    SIGMOID``, trained with gradient descent from :func:`initialize_parameters`'s weights.

    ``print_cost=True`` prints the cost every 100 iterations to stderr (the course
    prints to stdout; here the printed lines are messages, the results are returned).

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (1, m)
    layers_dims : tuple of int
        ``(n_x, n_h, n_y)``.

    Returns
    -------
    parameters : dict
        The learned ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"``.
    costs : list of float
        The cost every 100 iterations, the first at iteration 0.
    """
    num_iterations = _checks.iterations(num_iterations)
    X = _checks.examples(X)
    Y = _checks.labels(Y, X.shape[1])
    if isinstance(layers_dims, (str, bytes)) or not hasattr(layers_dims, "__len__") or \
            len(layers_dims) != 3:
        raise ValueError(f"layers_dims must be (n_x, n_h, n_y), three sizes; got "
                         f"{layers_dims!r}.")
    n_x, n_h, n_y = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    costs = []
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"],
                                               "sigmoid")
        cost = _checks.cost(compute_cost, A2, cache2[1], Y)
        grads = L_model_backward(A2, Y, [cache1, cache2])  # dW1, db1, dW2, db2
        parameters = update_parameters(parameters, grads, learning_rate)
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost:f}", file=sys.stderr)
    return parameters, costs


def L_layer_model(X, Y, layers_dims, learning_rate: float = 0.0075,
                  num_iterations: int = 3000, print_cost: bool = False):
    """The Application notebook's whole L-layer model, trained with gradient descent.

    Its weights are drawn as that notebook's helper module draws them
    (``dnn_app_utils_v3.initialize_parameters_deep``: ``np.random.seed(1)``,
    ``W[l] = randn(n_l, n_{l-1}) / √n_{l-1}``), not as :func:`initialize_parameters_deep`
    above (``np.random.seed(3)``, ``* 0.01``): so the cat network ``[12288, 20, 7, 5, 1]``
    gives the course's costs, 0.771749 at iteration 0. ``print_cost=True`` prints the
    cost every 100 iterations to stderr (the course prints to stdout; here the printed
    lines are messages, the results are returned).

    Returns
    -------
    parameters : dict
        The learned parameters.
    costs : list of float
        The cost every 100 iterations, the first at iteration 0.
    """
    return _L_layer_model(X, Y, layers_dims, learning_rate, num_iterations, print_cost,
                          initialize=_application.initialize_parameters_deep)


def _L_layer_model(X, Y, layers_dims, learning_rate, num_iterations, print_cost, *,
                   initialize):
    """:func:`L_layer_model` with its weights drawn by ``initialize(layers_dims)``: the
    checker's reference for a file whose ``L_layer_model`` calls the step-by-step
    assignment's :func:`initialize_parameters_deep`."""
    num_iterations = _checks.iterations(num_iterations)
    X = _checks.examples(X)
    Y = _checks.labels(Y, X.shape[1])
    parameters = initialize(layers_dims)
    costs = []
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = _checks.cost(compute_cost, AL, caches[-1][1], Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print(f"Cost after iteration {i}: {cost:f}", file=sys.stderr)
    return parameters, costs


def predict(X: np.ndarray, y: np.ndarray, parameters: dict) -> np.ndarray:
    """Label 1 where ``AL > 0.5``; prints the accuracy against ``y``.

    Returns
    -------
    p : ndarray of shape (1, m)
        0.0 or 1.0 per example.
    """
    AL, _ = L_model_forward(X, parameters)
    p = (AL > 0.5).astype(float)
    if np.size(y) != p.size:
        raise ValueError(f"y has shape {np.shape(y)} for m = {p.size} examples: it must be "
                         "(1, m), one label per column of X.")
    m = p.shape[1]  # the course's sum of (p == y) / m, so its printed digits come out
    if _checks.printing():  # not while the checker compares it (nnscratch check)
        print("Accuracy: " + str(np.sum((p == np.asarray(y).reshape(p.shape)) / m)))
    return p
