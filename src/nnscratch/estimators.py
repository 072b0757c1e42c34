"""scikit-learn estimators on the functional core.

The estimators take scikit-learn's ``(n_samples, n_features)`` arrays and transpose
them once, at this boundary (a view, no copy), into the seeds' ``(n_x, m)``
notation that :mod:`nnscratch.network` uses.
"""

from __future__ import annotations

import numbers
import sys

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .exceptions import NonFiniteWeightsError
from .initializers import INITIALIZERS, check_random_state, initialize_parameters
from .network import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    forward_logits,
    hidden_activations,
    update_parameters,
)
from .activations import ACTIVATIONS

__all__ = ["LogisticRegression", "NeuralNetworkClassifier"]


def _check_number(name, value, *, low=None, low_open=False, integer=False):
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind) or not np.isfinite(value):
        what = "an integer" if integer else "a finite number"
        raise ValueError(f"{name}={value!r} is not valid: it must be {what}.")
    if low is not None and (value <= low if low_open else value < low):
        bound = f"> {low}" if low_open else f">= {low}"
        raise ValueError(f"{name}={value!r} is not valid: it must be {bound}.")


class _BaseNetwork(ClassifierMixin, BaseEstimator):
    """The shared machinery of the network classifiers.

    Subclasses say which layers to build (:meth:`_hidden_sizes`) and how to
    initialise them (:meth:`_init`).
    """

    # ------------------------------------------------------------- configuration

    def _hidden_sizes(self) -> tuple[int, ...]:
        raise NotImplementedError

    def _init(self) -> str:
        raise NotImplementedError

    def _hidden_activation(self):
        return getattr(self, "activation", "relu")

    def _validate_hyperparameters(self) -> None:
        _check_number("learning_rate", self.learning_rate, low=0, low_open=True)
        _check_number("max_iter", self.max_iter, low=1, integer=True)
        _check_number("cost_every", self.cost_every, low=1, integer=True)
        for size in self._hidden_sizes():
            _check_number("each of hidden_layer_sizes", size, low=1, integer=True)
        if self._init() not in INITIALIZERS:
            raise ValueError(
                f"init={self._init()!r} is not valid: choose one of {', '.join(INITIALIZERS)}."
            )
        activation = self._hidden_activation()
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation={activation!r} is not valid: choose one of "
                f"{', '.join(ACTIVATIONS)}."
            )
        check_random_state(self.random_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    # ------------------------------------------------------------------- fitting

    def _encode_labels(self, y) -> np.ndarray:
        check_classification_targets(y)
        classes, y_index = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"y contains only one class ({classes[0]!r}): a classifier needs examples "
                "of at least 2 classes."
            )
        if len(classes) > 2:
            raise ValueError(
                f"Only binary classification is supported. y contains {len(classes)} "
                f"classes; {type(self).__name__} needs exactly 2 for now."
            )
        self.classes_ = classes
        return y_index

    def fit(self, X, y):
        """Train the network with full-batch gradient descent.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; float32 input is trained in float32.
        y : array-like of shape (n_samples,)
            Labels of two classes (numbers or strings).

        Returns
        -------
        self
        """
        self._validate_hyperparameters()
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        y_index = self._encode_labels(y)
        dtype = X.dtype
        XT = X.T  # (n_x, m): the seeds' layout, a view
        Y = y_index.reshape(1, -1).astype(dtype)
        layer_dims = [X.shape[1], *self._hidden_sizes(), 1]
        params = initialize_parameters(layer_dims, self._init(), self.random_state, dtype)
        activations = hidden_activations(self._hidden_activation(), len(layer_dims) - 2)

        loss_curve, costs = [], []
        for i in range(self.max_iter):
            AL, caches = L_model_forward(XT, params, activations)
            cost = compute_cost(caches[-1][1].Z, Y)
            if not np.isfinite(cost):
                self._diverged(i, cost)
            loss_curve.append(cost)
            if i % self.cost_every == 0:
                costs.append(cost)
                if self.verbose:
                    print(f"Cost after iteration {i}: {cost:.6f}", file=sys.stderr)
            grads = L_model_backward(AL, Y, caches, activations)
            update_parameters(params, grads, self.learning_rate)
        if not all(np.isfinite(value).all() for value in params.values()):
            self._diverged(self.max_iter, float("nan"))

        self.params_ = params
        self.loss_curve_ = loss_curve
        self.costs_ = costs
        self.n_iter_ = self.max_iter
        return self

    def _diverged(self, iteration: int, cost: float):
        raise NonFiniteWeightsError(
            f"training diverged at iteration {iteration} (cost {cost}): the weights are no "
            f"longer finite. Lower learning_rate (now {self.learning_rate}) or scale the "
            "input features (divide pixel values by 255, standardise tabular data)."
        )

    # ---------------------------------------------------------------- prediction

    def _logits(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        activations = hidden_activations(self._hidden_activation(), len(self.params_) // 2 - 1)
        return forward_logits(X.T, self.params_, activations)

    def decision_function(self, X) -> np.ndarray:
        """The output unit's logit ``z = w_Lᵀ a_{L-1} + b_L`` for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        z : ndarray of shape (n_samples,)
            Positive values predict ``classes_[1]``; ``σ(z)`` is its probability.
        """
        return self._logits(X).ravel()

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            Columns follow ``classes_``; each row sums to 1.
        """
        z = self.decision_function(X)
        return np.column_stack([expit(-z), expit(z)])

    def predict(self, X) -> np.ndarray:
        """Predicted class labels: ``classes_[1]`` where ``ŷ > 0.5`` (i.e. ``z > 0``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        z = self.decision_function(X)
        return self.classes_[(z > 0).astype(np.intp)]


class NeuralNetworkClassifier(_BaseNetwork):
    """An L-layer neural network, ``[LINEAR -> RELU] × (L-1) -> LINEAR -> SIGMOID``.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Units in each hidden layer; ``()`` gives logistic regression.
    activation : {"relu", "leaky_relu", "tanh", "sigmoid"}, default="relu"
        The hidden layers' activation.
    init : {"zeros", "small", "lecun", "he", "glorot"}, default="he"
        How the weights are drawn (see :mod:`nnscratch.initializers`).
    learning_rate : float, default=0.0075
        The gradient-descent step α.
    max_iter : int, default=2500
        The number of iterations (full-batch updates).
    random_state : None, int, RandomState or Generator, default=None
        The estimator's one source of randomness. An int draws the initial weights
        exactly as the course does after ``np.random.seed(int)``.
    cost_every : int, default=100
        Record the cost in ``costs_`` every this many iterations.
    verbose : bool, default=False
        Print the cost every ``cost_every`` iterations to stderr.

    Attributes
    ----------
    params_ : dict
        ``"W1"`` of shape ``(n_1, n_features)``, ``"b1"`` of shape ``(n_1, 1)``, ...
    costs_ : list of float
        The cost every ``cost_every`` iterations, the first at iteration 0, each
        computed on that iteration's forward pass before its update.
    loss_curve_ : list of float
        The cost of every iteration.
    n_iter_ : int
    classes_ : ndarray of shape (2,)
    n_features_in_ : int

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = NeuralNetworkClassifier((8,), learning_rate=0.5, max_iter=1000,
    ...                               random_state=1).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        init="he",
        learning_rate=0.0075,
        max_iter=2500,
        random_state=None,
        cost_every=100,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.init = init
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.random_state = random_state
        self.cost_every = cost_every
        self.verbose = verbose

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            return (int(sizes),)
        try:
            return tuple(sizes)
        except TypeError:
            raise ValueError(
                f"hidden_layer_sizes={sizes!r} is not valid: give a tuple of positive "
                "integers, e.g. (20, 7, 5), or () for logistic regression."
            ) from None

    def _init(self):
        return self.init


class LogisticRegression(_BaseNetwork):
    """Logistic regression, the seeds' first model: one sigmoid neuron.

    ``ŷ = σ(wᵀx + b)``, weights initialised to zero, trained by gradient descent on
    the cross-entropy cost. The same model as
    ``NeuralNetworkClassifier(hidden_layer_sizes=(), init="zeros")``.

    Parameters
    ----------
    learning_rate : float, default=0.005
    max_iter : int, default=2000
    random_state : None, int, RandomState or Generator, default=None
        Unused by full-batch training from zeros; kept for API symmetry.
    cost_every : int, default=100
    verbose : bool, default=False

    Attributes
    ----------
    params_ : dict
        ``"W1"`` of shape ``(1, n_features)`` (the seeds' ``wᵀ``) and ``"b1"`` of
        shape ``(1, 1)``.
    costs_, loss_curve_, n_iter_, classes_, n_features_in_
        As for :class:`NeuralNetworkClassifier`.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = LogisticRegression(learning_rate=0.1, max_iter=500)
    >>> clf.fit(StandardScaler().fit_transform(X), y).costs_[0]
    0.6931471805599453
    """

    def __init__(
        self,
        learning_rate=0.005,
        max_iter=2000,
        random_state=None,
        cost_every=100,
        verbose=False,
    ):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.random_state = random_state
        self.cost_every = cost_every
        self.verbose = verbose

    def _hidden_sizes(self):
        return ()

    def _init(self):
        return "zeros"
