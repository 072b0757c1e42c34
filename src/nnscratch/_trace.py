"""One training step in the course's notation, layer by layer: :func:`trace`.

Forward then backward, every array's shape and summary values, dead ReLU units,
saturated sigmoid / tanh activations, ``‖dW[l]‖ / ‖W[l]‖`` with a flag where gradients
vanish or explode (or the weights are not finite: no ratio then), and the gradient
check of the step on a seeded subset of coordinates. ``Trace.to_dict()`` is the dict
the playground's glass box and ``nnscratch trace --json`` give (docs/course.md
describes it): non-finite numbers become ``None``.
"""

from __future__ import annotations

import html
import math

import numpy as np
import scipy.sparse as sp

from . import network
from ._params import short_repr
from .gradcheck import _zero_gradients
from .network import LinearCache, hidden_activations, n_layers

__all__ = ["Trace", "trace"]

THRESHOLD_FINE, THRESHOLD_BUG = 1e-7, 1e-3
#: ‖dW‖/‖W‖ below this (and 1000 times below the largest layer's) reads as vanishing.
VANISHING_RATIO = 1e-6
#: A step that changes W by more than this fraction of W reads as exploding.
EXPLODING_STEP = 1.0
#: ‖dW‖/‖W‖ above this reads as exploding when no learning rate is known.
EXPLODING_RATIO = 10.0
DEAD_FLAG = 0.5
SATURATION = 0.99  # |tanh| or |2σ − 1| above this counts as saturated

_PRIME = {"relu": "relu'", "leaky_relu": "leaky_relu'", "tanh": "tanh'", "sigmoid": "σ'"}
_NAME = {"relu": "relu", "leaky_relu": "leaky_relu", "tanh": "tanh", "sigmoid": "σ"}


def _summary(a: np.ndarray) -> dict:
    a = np.asarray(a, dtype=float)
    out = {"shape": list(a.shape)}
    with np.errstate(all="ignore"):
        values = {"mean": np.mean(a), "std": np.std(a), "min": np.min(a), "max": np.max(a),
                  "norm": np.linalg.norm(a)}
    for key, value in values.items():
        value = float(value)
        out[key] = value if math.isfinite(value) else None
    return out


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


class Trace:
    """The trace of one training step; see :func:`trace`.

    ``to_dict()`` gives the JSON-able form, ``str()`` a terminal table and
    ``_repr_html_()`` a table for Jupyter.
    """

    def __init__(self, data: dict) -> None:
        self._data = data

    def to_dict(self) -> dict:
        """The trace as plain data (no NaN: non-finite numbers are None)."""
        return self._data

    @property
    def layers(self) -> list[dict]:
        return self._data["layers"]

    @property
    def gradient_check(self) -> dict | None:
        return self._data["gradient_check"]

    def _headline(self) -> str:
        d = self._data
        lr = "" if d["learning_rate"] is None else f", learning rate {d['learning_rate']:g}"
        cost = ("n/a" if d["cost"] is None else
                f"{d['cost']:.6f}" if abs(d["cost"]) < 1e6 else f"{d['cost']:.6g}")
        l2 = (f" (with the L2 term (λ/2m) Σ ‖W[l]‖², λ = {d['alpha']:g})"
              if d.get("alpha") else "")
        examples = "example" if d["m"] == 1 else "examples"
        features = "feature" if d["n_x"] == 1 else "features"
        return (f"One training step on m = {d['m']} {examples} of n_x = {d['n_x']} {features} "
                f"({d['output']} output{lr}); cost J = {cost}{l2}")

    @staticmethod
    def _layer_summary(layer: dict) -> tuple[str, str | None, str]:
        """(measurements, flag or None, message) of one layer."""
        extras = []
        if layer["dead_fraction"] is not None:
            extras.append(f"dead units {100 * layer['dead_fraction']:.0f} %")
        if layer["saturated_fraction"] is not None:
            extras.append(f"saturated {100 * layer['saturated_fraction']:.0f} %")
        ratio = "n/a" if layer["grad_ratio"] is None else f"{layer['grad_ratio']:.3g}"
        extras.append(f"‖dW‖/‖W‖ = {ratio}")
        return ", ".join(extras), layer["flag"], layer["message"]

    def _check_summary(self) -> tuple[str, str | None]:
        """(the gradient check in one line, its note or None)."""
        gc = self._data["gradient_check"]
        if gc is None:
            return "gradient check: not run", None
        diff = "n/a" if gc["difference"] is None else f"{gc['difference']:.2e}"
        return (f"gradient check: difference {diff} -> {gc['verdict']} "
                f"(fine below {gc['threshold_fine']:g}, a bug above "
                f"{gc['threshold_bug']:g}; {gc['coordinates']})"), gc.get("note")

    def __str__(self) -> str:
        d = self._data
        lines = [self._headline(), ""]
        if d.get("step_note"):
            lines[1:1] = [f"note: {d['step_note']}"]
        header = (f"{'array':8} {'shape':>14} {'mean':>10} {'std':>10} {'min':>10} "
                  f"{'max':>10} {'norm':>10}")
        lines += [header, _row("X = A[0]", d["input"]["X"])]
        for layer in d["layers"]:
            lines.append("")
            units = "unit" if layer["units"] == 1 else "units"
            lines.append(f"layer {layer['l']}: {layer['units']} {layer['activation']} {units}")
            for eq in layer["forward"]:
                lines.append(f"  forward   {eq['equation']}")
            for eq in layer["backward"]:
                lines.append(f"  backward  {eq['equation']}")
            for name, s in layer["arrays"].items():
                lines.append(_row(name, s))
            measured, flag, message = self._layer_summary(layer)
            flag = f"[{flag.upper()}] " if flag else ""
            lines.append(f"  {measured}: {flag}{message}")
        check, note = self._check_summary()
        lines += ["", check]
        if note:
            lines.append(f"  note: {note}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        d = self._data
        esc = html.escape
        rows = [_html_row("X = A[0]", d["input"]["X"])]
        for layer in d["layers"]:
            eqs = "<br>".join(esc(e["equation"]) for e in layer["forward"] + layer["backward"])
            measured, flag, message = self._layer_summary(layer)
            colour = "#cf222e" if flag else "#1a7f37"
            flag = f"<b>{esc(flag.upper())}</b> " if flag else ""
            rows.append(f"<tr><th colspan='7' style='text-align:left'>layer {layer['l']}: "
                        f"{layer['units']} {esc(layer['activation'])} "
                        f"{'unit' if layer['units'] == 1 else 'units'}<br>"
                        f"<small style='font-weight:normal'>{eqs}</small><br>"
                        f"<span style='font-weight:normal'>{esc(measured)}: </span>"
                        f"<span style='color:{colour}'>{flag}{esc(message)}</span></th></tr>")
            rows += [_html_row(name, s) for name, s in layer["arrays"].items()]
        check, note = self._check_summary()
        note = f"<br><small>note: {esc(note)}</small>" if note else ""
        numbers = "".join(f"<th style='text-align:right;padding:0 0.5em'>{k}</th>"
                          for k in ("mean", "std", "min", "max", "norm"))
        step = (f"<br><small>note: {esc(d['step_note'])}</small>" if d.get("step_note")
                else "")
        return (f"<p>{esc(self._headline())}{step}</p>"
                "<table><tr><th style='text-align:left'>array</th>"
                f"<th style='text-align:right;padding:0 0.5em'>shape</th>{numbers}</tr>"
                + "".join(rows) + f"</table><p>{esc(check)}{note}</p>")

    def __repr__(self) -> str:
        return f"<Trace of one step: {len(self.layers)} layers, m = {self._data['m']}>"


def _fmt(v) -> str:
    return "n/a" if v is None else f"{v:.3g}"


def _row(name: str, s: dict) -> str:
    shape = "(" + ", ".join(map(str, s["shape"])) + ")"
    return (f"{name:8} {shape:>14} " + " ".join(f"{_fmt(s[k]):>10}" for k in
                                                ("mean", "std", "min", "max", "norm")))


def _html_row(name: str, s: dict) -> str:
    shape = "(" + ", ".join(map(str, s["shape"])) + ")"
    right = "<td style='text-align:right;padding:0 0.5em'>"
    return (f"<tr><td style='text-align:left'><code>{html.escape(name)}</code></td>"
            f"{right}{shape}</td>"
            + "".join(f"{right}{_fmt(s[k])}</td>" for k in ("mean", "std", "min", "max", "norm"))
            + "</tr>")


def _from_estimator(est, X, y):
    if not hasattr(est, "get_params"):  # a list, None: no estimator at all
        raise ValueError(f"trace takes a fitted estimator or a parameters dict "
                         f"{{'W1': ..., 'b1': ...}}, not {type(est).__name__}")
    params = getattr(est, "params_", None)
    if params is None:
        raise ValueError("the estimator is not fitted; call fit first or pass a parameters dict")
    classes = np.asarray(est.classes_)
    if sp.issparse(X):  # a text model's rows: the trace shows a few, densely
        X = X.toarray()
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("X must hold numbers, one row per example (an array or a "
                         "DataFrame of numbers)") from None
    if X.ndim == 2 and not np.isfinite(X).all():
        row = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
        raise ValueError(f"row X[{row}] holds NaN or infinity: the trace needs a finite "
                         "number in every cell; fill in or drop that row")
    if X.ndim != 2 or X.shape[1] != params["W1"].shape[1]:
        raise ValueError(f"X has shape {X.shape}; the model takes (n_samples, "
                         f"{params['W1'].shape[1]})")
    if X.shape[0] == 0:
        raise ValueError("X has no rows; the trace needs at least one example")
    y = np.asarray(y)
    if y.ndim > 1 and y.size == max(y.shape):
        y = y.ravel()
    if y.ndim != 1 or len(y) != X.shape[0]:
        raise ValueError(f"y has shape {y.shape} and X {X.shape}: give one label per row of "
                         f"X, shape ({X.shape[0]},)")
    try:
        known = np.isin(y, classes)
    except TypeError:  # labels that do not compare with the classes at all
        known = np.zeros(len(y), dtype=bool)
    if not known.all():
        unseen = list(dict.fromkeys(y[~known].tolist()))
        shown = ", ".join(map(repr, unseen[:5])) + (", ..." if len(unseen) > 5 else "")
        raise ValueError(f"y holds labels the model was not trained on ({shown}); its "
                         f"classes_ are {', '.join(map(repr, classes[:10].tolist()))}"
                         f"{', ...' if len(classes) > 10 else ''}")
    if len(classes) == 2:
        Y = (y == classes[1]).astype(float)[None, :]
        output = "sigmoid"
    else:
        Y = (y[None, :] == classes[:, None]).astype(float)
        output = "softmax"
    activation = getattr(est, "activation", "relu")
    slope = getattr(est, "leaky_relu_slope", 0.01)
    return ({k: np.array(v, dtype=float) for k, v in params.items()}, X.T, Y, activation,
            output, getattr(est, "learning_rate", None), slope,
            float(getattr(est, "alpha", 0.0) or 0.0))


def _check_parameters(params: dict, X: np.ndarray, Y: np.ndarray, output: str) -> None:
    """One clear error, in the course's notation, for a parameters dict, X or Y that
    one step cannot run on."""
    L = 0
    while f"W{L + 1}" in params or f"b{L + 1}" in params:  # the layers 1, 2, ... given
        L += 1
    L = max(L, 1)
    expected = [f"{k}{l}" for l in range(1, L + 1) for k in ("W", "b")]
    if sorted(params) == ["b", "w"]:  # the logistic assignment's w (n_x, 1) and b
        raise ValueError("parameters holds the logistic assignment's 'w' and 'b': a "
                         "one-layer network's are W1 = w.T (1, n_x) and b1 = [[b]]; give "
                         "{'W1': w.T, 'b1': np.array([[b]])}")
    if sorted(params) != sorted(expected):
        lacking = [k for k in expected if k not in params]
        extra = [k for k in params if k not in expected]
        raise ValueError("parameters must hold W1, b1, ..., WL, bL (the course's keys); it "
                         f"has {', '.join(map(repr, params)) or 'none'}: "
                         + "; ".join(([f"{', '.join(lacking)} missing"] if lacking else [])
                                     + ([f"{', '.join(extra)} not expected"] if extra else [])))
    n_prev = None
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        if W.ndim != 2:
            raise ValueError(f"W{l} has shape {W.shape}; W[{l}] is (n_{l}, n_{l - 1}), 2-D")
        if n_prev is not None and W.shape[1] != n_prev:
            raise ValueError(f"W{l} has shape {W.shape} but layer {l - 1} has {n_prev} units: "
                             f"W[{l}] is (n_{l}, n_{l - 1}) = ({W.shape[0]}, {n_prev})")
        if b.shape != (W.shape[0], 1):
            raise ValueError(f"b{l} has shape {b.shape}; b[{l}] is (n_{l}, 1) = "
                             f"({W.shape[0]}, 1)")
        n_prev = W.shape[0]
    if X.ndim != 2:
        raise ValueError(f"X has shape {X.shape}; X is (n_x, m), one column per example")
    if X.shape[0] != params["W1"].shape[1]:
        raise ValueError(f"X has {X.shape[0]} rows; W1 takes {params['W1'].shape[1]} (X is "
                         "(n_x, m) with a parameters dict)")
    if X.shape[1] == 0:
        raise ValueError("X has no columns (m = 0); the trace needs at least one example")
    if not np.isfinite(X).all():
        column = int(np.flatnonzero(~np.isfinite(X).all(axis=0))[0])
        raise ValueError(f"X[:, {column}] holds NaN or infinity: the trace needs a finite "
                         "number in every cell; fill in or drop that example")
    n_L = params[f"W{L}"].shape[0]
    if output == "sigmoid" and n_L > 1:
        raise ValueError(f"output='sigmoid' takes one output unit (two classes); W{L} has "
                         f"{n_L} rows: for {n_L} classes pass output='softmax' with one-hot Y")
    if output == "softmax" and n_L < 2:
        raise ValueError(f"output='softmax' needs 2 or more output units; W{L} has {n_L} row: "
                         "use output='sigmoid' for two classes")
    if Y.ndim != 2 or Y.shape != (n_L, X.shape[1]):
        rows = "1" if n_L == 1 else f"n_L = {n_L}"
        raise ValueError(f"Y has shape {Y.shape} and X {X.shape}: Y is ({rows}, m) "
                         f"{'(or (m,)) ' if n_L == 1 else '(one-hot columns) '}with X's "
                         f"m = {X.shape[1]}")
    if not np.all((Y == 0) | (Y == 1)):
        bad = Y[(Y != 0) & (Y != 1)].ravel()[0]
        raise ValueError(f"Y must hold 0 and 1 only (the labels of a {output} output), "
                         f"got {bad:g}; map the labels to 0/1 first")
    if output == "softmax" and not np.all(Y.sum(axis=0) == 1):
        raise ValueError("with output='softmax' each column of Y is one-hot (a single 1); "
                         "some column is not")


def _check_settings(coordinates, epsilon, random_state) -> None:
    """One line naming the argument for a gradient-check setting that cannot work."""
    if isinstance(coordinates, bool) or not isinstance(coordinates, (int, np.integer)) or \
            coordinates < 1:
        raise ValueError("coordinates must be a whole number of 1 or more (how many "
                         "coordinates of each parameter array the gradient check perturbs), "
                         f"got {coordinates!r}")
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.number)) or \
            not math.isfinite(epsilon) or not 0 < epsilon < 1:
        raise ValueError("epsilon must be a small positive number (the central differences' "
                         f"step, like 1e-5), got {epsilon!r}")
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)) or \
            not 0 <= random_state < 2**32:
        raise ValueError("random_state must be a whole number from 0 to 2**32 - 1 (it seeds "
                         f"the gradient check's choice of coordinates), got {random_state!r}")


def trace(estimator_or_parameters, X, y, *, activations=None, output: str | None = None,
          learning_rate: float | None = None, gradient_check: bool = True,
          coordinates: int = 20, random_state: int = 0, epsilon: float = 1e-5,
          alpha: float | None = None) -> Trace:
    """Trace one training step (forward, backward, gradient check) layer by layer.

    The step is the course's: plain gradient descent on all the given rows at once,
    with L2 (``alpha``) but without dropout, class or sample weights, mini-batches or an
    optimizer's momentum, which an estimator may train with; its gradients are those
    such a step would take from these weights.

    Parameters
    ----------
    estimator_or_parameters : fitted estimator or dict
        A fitted ``NeuralNetworkClassifier`` / ``LogisticRegression`` (its ``params_``,
        ``activation``, ``learning_rate`` and ``classes_``), or a parameters dict
        ``"W1"``, ``"b1"``, ... in the course's shapes.
    X : ndarray
        ``(n_samples, n_features)`` with an estimator; ``(n_x, m)`` with a dict.
    y : ndarray
        Labels ``(n_samples,)`` with an estimator; ``(1, m)`` or ``(m,)`` 0/1 with a dict.
    activations : str or sequence of str, optional
        The hidden layers' activations (default: the estimator's, or "relu").
    output : {"sigmoid", "softmax"}, optional
    learning_rate : float, optional
        α, for the exploding-gradient flag (default: the estimator's).
    gradient_check : bool, default=True
        Compare the backward pass with central differences. The verdict is ``"fine"``
        below a relative difference of 1e-7, ``"bug"`` above 1e-3, ``"check"`` between,
        and ``"not finite"`` where the gradients or costs overflow float64 (the note
        says to scale the inputs). A difference between 1e-7 and 1e-3 that the rounding
        of J over 2ε alone can make of gradients so small is ``"fine"``, with a note
        saying so.
    coordinates : int, default=20
        How many coordinates of each parameter array the gradient check perturbs: half
        with the largest gradients, half a seeded random choice (all of them when the
        array is smaller). A 12288-feature model has too many for all of them.
    random_state : int, default=0
        Seeds the choice of coordinates.
    epsilon : float, default=1e-5
        The central differences' step (larger than the course's 1e-7: the subset's
        differences are then far above float64's rounding of the cost).
    alpha : float, optional
        λ, the L2 strength (the estimator's ``alpha``; default: the estimator's, or 0):
        the cost is ``J + (λ/2m) Σ_l ‖W[l]‖²`` and ``dW[l]`` gains ``(λ/m) W[l]``, as in
        the estimator's own step.

    Returns
    -------
    Trace
    """
    _check_settings(coordinates, epsilon, random_state)
    if isinstance(estimator_or_parameters, dict):
        params = {k: np.array(v, dtype=float) for k, v in estimator_or_parameters.items()}
        X = np.asarray(X, dtype=float)
        Y = np.asarray(y, dtype=float)
        Y = Y.reshape(1, -1) if Y.ndim == 1 else Y
        activation, out, lr, slope, lambd = "relu", "sigmoid", None, 0.01, 0.0
    else:
        params, X, Y, activation, out, lr, slope, lambd = _from_estimator(
            estimator_or_parameters, X, y)
    activation = activations if activations is not None else activation
    if output is not None and output not in ("sigmoid", "softmax"):
        raise ValueError(f"output must be 'sigmoid' or 'softmax' (the output layer), got "
                         f"{output!r}; the hidden layers' activation is activations=")
    if output is not None and not isinstance(estimator_or_parameters, dict) and output != out:
        raise ValueError(f"output={output!r} but the model has a {out} output (from its "
                         "classes_); leave output out")
    out = output or out
    lr = learning_rate if learning_rate is not None else lr
    if lr is not None and (isinstance(lr, bool) or not isinstance(lr, (int, float, np.number))
                           or not math.isfinite(lr) or lr <= 0):
        raise ValueError(f"learning_rate must be a positive number, got {short_repr(lr)}")
    lambd = alpha if alpha is not None else lambd
    if isinstance(lambd, bool) or not isinstance(lambd, (int, float, np.number)) or \
            not math.isfinite(lambd) or lambd < 0:
        raise ValueError(f"alpha (λ, the L2 strength) must be a number of 0 or more, got "
                         f"{lambd!r}")
    lambd = float(lambd)
    if isinstance(estimator_or_parameters, dict):
        _check_parameters(params, X, Y, out)
    L = n_layers(params)
    if X.shape[0] != params["W1"].shape[1]:
        raise ValueError(f"X has {X.shape[0]} rows; W1 takes {params['W1'].shape[1]} (X is "
                         "(n_x, m) with a parameters dict)")
    names = [activation] * (L - 1) if isinstance(activation, str) else list(activation)
    acts = hidden_activations(names, L - 1, slope)
    m = X.shape[1]

    with np.errstate(all="ignore"):
        AL, caches = network.L_model_forward(X, params, acts, out)
        cost = float(network.compute_cost(caches[-1][1].Z, Y, out))
        if lambd:  # the estimator's L2 term: J + (λ/2m) Σ ‖W[l]‖²
            cost += lambd / (2 * m) * sum(float(np.vdot(params[f"W{l}"], params[f"W{l}"]))
                                          for l in range(1, L + 1))
        # backward in the course's convention: dZ[L] = A[L] - Y, dW = (1/m) dZ A_prevᵀ
        backward: dict[int, dict[str, np.ndarray]] = {}
        dZ = AL - Y
        # -(Y/A - (1-Y)/(1-A)) with A = σ(Z), written from Z: a saturated output (A
        # rounded to exactly 0 or 1) that is right gave 0/0, where the value is ±1; each
        # term only where its label has weight (0 · e^1000 was NaN)
        ZL = caches[-1][1].Z
        dA_L = (np.where(Y != 0, -Y * (1 + np.exp(-ZL)), 0.0)
                + np.where(Y != 1, (1 - Y) * (1 + np.exp(ZL)), 0.0)
                if out == "sigmoid" else None)
        dA = None  # dA[l], set by layer l + 1 for each hidden layer l
        for l in reversed(range(1, L + 1)):
            linear, act_cache = caches[l - 1]
            arrays = {}
            if l < L:
                arrays["dA"] = dA
                dZ = acts[l - 1].backward(dA, act_cache.Z, act_cache.A)
            elif dA_L is not None:
                arrays["dA"] = dA_L
            dA_prev, dW, db = network.linear_backward(dZ, LinearCache(*linear))
            dW = dW / m
            if lambd:
                dW = dW + (lambd / m) * params[f"W{l}"]
            arrays.update(dZ=dZ, dW=dW, db=db / m)
            backward[l] = arrays
            dA = dA_prev
    grads = {f"dW{l}": backward[l]["dW"] for l in backward} | {
        f"db{l}": backward[l]["db"] for l in backward}

    ratios, norms, diverged = {}, {}, {}
    for l in range(1, L + 1):
        W, dW = params[f"W{l}"], grads[f"dW{l}"]
        with np.errstate(all="ignore"):  # a norm past float64's range is inf
            norms[l] = w_norm = float(np.linalg.norm(W))
            dw_norm = float(np.linalg.norm(dW))
        # no ratio to judge: say why (a diverged training), never "healthy"
        diverged[l] = _diverged(W, dW, w_norm, dw_norm)
        if diverged[l] is not None:
            ratios[l] = math.nan
        else:
            with np.errstate(all="ignore"):
                ratios[l] = dw_norm / w_norm if w_norm > 0 else None
    finite = [r for r in ratios.values() if r is not None and math.isfinite(r)]
    largest = max(finite) if finite else None

    # J of predicting 1/2 (σ) or 1/n_L (softmax) for every example
    chance = math.log(2) if out == "sigmoid" else math.log(params[f"W{L}"].shape[0])
    layers = []
    for l in range(1, L + 1):
        linear, act_cache = caches[l - 1]
        is_out = l == L
        name = out if is_out else (names[l - 1] if isinstance(names[l - 1], str) else "custom")
        g = _NAME.get(name, name)
        forward = [
            {"equation": f"Z[{l}] = W[{l}] A[{l - 1}] + b[{l}]", "shape": list(act_cache.Z.shape)},
            {"equation": f"A[{l}] = {g}(Z[{l}])", "shape": list(act_cache.A.shape)},
        ]
        if is_out:
            back = [{"equation": f"dZ[{l}] = A[{l}] − Y", "shape": list(act_cache.Z.shape)}]
        else:
            back = [{"equation": f"dA[{l}] = W[{l + 1}]ᵀ dZ[{l + 1}]",
                     "shape": list(act_cache.A.shape)},
                    {"equation": f"dZ[{l}] = dA[{l}] * {_PRIME.get(name, name + chr(39))}(Z[{l}])",
                     "shape": list(act_cache.Z.shape)}]
        l2 = f" + (λ/m) W[{l}]" if lambd else ""
        back += [{"equation": f"dW[{l}] = (1/m) dZ[{l}] A[{l - 1}]ᵀ{l2}",
                  "shape": list(params[f"W{l}"].shape)},
                 {"equation": f"db[{l}] = (1/m) Σ dZ[{l}]", "shape": list(params[f"b{l}"].shape)}]
        arrays = {f"W[{l}]": _summary(params[f"W{l}"]), f"b[{l}]": _summary(params[f"b{l}"]),
                  f"Z[{l}]": _summary(act_cache.Z), f"A[{l}]": _summary(act_cache.A)}
        if "dA" in backward[l]:
            arrays[f"dA[{l}]"] = _summary(backward[l]["dA"])
        arrays.update({f"dZ[{l}]": _summary(backward[l]["dZ"]),
                       f"dW[{l}]": _summary(backward[l]["dW"]),
                       f"db[{l}]": _summary(backward[l]["db"])})
        A = act_cache.A
        dead = saturated = None
        if name == "relu":  # a leaky ReLU's units never die: their slope still learns
            dead = float(np.mean(np.all(act_cache.Z <= 0, axis=1)))
        elif name in ("sigmoid", "tanh"):
            centred = A if name == "tanh" else 2 * A - 1
            saturated = float(np.mean(np.abs(centred) > SATURATION))
        W, b = params[f"W{l}"], params[f"b{l}"]
        # every unit with the same weights and bias computes the same function and gets
        # the same gradient, for ever: the symmetry the seeds warn zero initialisation of
        symmetric = (not is_out and W.shape[0] > 1 and bool(np.all(W == W[:1]))
                     and bool(np.all(b == b[:1])))
        # saturated units are judged only when the cost is worse than chance's (a coin
        # toss's for a σ output): in a converged model they are no problem
        saturating = saturated if not cost <= chance else None
        flag, message = _judge(ratios[l], largest, lr, dead, W.shape[0] if symmetric else None,
                               l, diverged[l], saturating, g, norms[l])
        layers.append({"l": l, "units": int(params[f"W{l}"].shape[0]), "activation": name,
                       "forward": forward, "backward": back, "arrays": arrays,
                       "dead_fraction": dead, "saturated_fraction": saturated,
                       "grad_ratio": _finite(ratios[l]), "flag": flag, "message": message})

    check = None
    if gradient_check:
        check = _gradient_check(params, X, Y, acts, out, grads, coordinates, random_state,
                                epsilon, caches, [n in ("relu", "leaky_relu") for n in names],
                                cost, lambd)
    data = {"m": int(m), "n_x": int(X.shape[0]), "output": out, "cost": _finite(cost),
            "alpha": lambd,
            "learning_rate": None if lr is None else float(lr), "layers": layers,
            "input": {"X": _summary(X)}, "gradient_check": check,
            "step_note": (None if isinstance(estimator_or_parameters, dict) else
                          _step_note(estimator_or_parameters, int(m)))}
    return Trace(data)


#: The update rules' names, as the course's later weeks write them.
_SOLVERS = {"momentum": "momentum", "rmsprop": "RMSprop", "adam": "Adam"}


def _step_note(est, m: int) -> str | None:
    """What the traced step leaves out of how the estimator trains, in words (as the
    playground's glass box says it), or None where it trains with the course's step."""
    params = est.get_params()
    ways = []
    solver = params.get("solver", "gd")
    if solver != "gd":
        ways.append(_SOLVERS.get(solver, str(solver)))
    if params.get("batch_size") is not None:
        ways.append(f"mini-batches of {params['batch_size']}")
    dropout = params.get("dropout", 0.0)
    if np.any(np.asarray(dropout, dtype=float) > 0):
        shown = (f"{dropout:g}" if np.ndim(dropout) == 0
                 else ", ".join(f"{v:g}" for v in dropout))
        ways.append(f"dropout {shown}")
    if params.get("class_weight") is not None:
        ways.append("class weights")
    if params.get("learning_rate_schedule", "constant") != "constant":
        ways.append(f"a learning rate that decays ({params['learning_rate_schedule']})")
    if not ways:
        return None
    examples = "example" if m == 1 else "examples"
    return (f"this is the course's step: gradient descent on all {m} {examples} at once, "
            f"no dropout. The model trained with {', '.join(ways)}: its steps start from "
            "gradients like these but move the weights differently.")


def _diverged(W: np.ndarray, dW: np.ndarray, w_norm: float, dw_norm: float) -> str | None:
    """Why ‖dW‖/‖W‖ means nothing for these weights and gradients, or None: weights or
    gradients that are not finite, or a norm past float64's range."""
    diverged = "lower the learning rate and train again"
    if not np.isfinite(W).all():
        return f"the weights are not finite (the training diverged): no ratio; {diverged}"
    if not math.isfinite(w_norm):
        with np.errstate(all="ignore"):
            largest = float(np.max(np.abs(W)))
        return (f"‖W‖ overflows float64 (weights up to {largest:.3g}: the training "
                f"diverged): no ratio; {diverged}")
    overflow = "no ratio; scale the inputs (standardise X) or use smaller weights"
    if not np.isfinite(dW).all():
        return f"the gradients are not finite (dW overflows float64): {overflow}"
    if not math.isfinite(dw_norm):
        return f"‖dW‖ overflows float64: {overflow}"
    return None


def _judge(ratio, largest, lr, dead, symmetric=None, l=None, diverged=None, saturated=None,
           g="σ", w_norm=None) -> tuple[str | None, str]:
    if diverged is not None:
        return "exploding", diverged
    if symmetric and (ratio is None or math.isfinite(ratio)):
        return "symmetric", (f"all {symmetric} units have the same weights (the rows of "
                             f"W[{l}] and b[{l}] are equal), so they compute the same function, "
                             "get the same gradient and stay equal; initialise W randomly")
    if ratio is None:
        return None, "W is all zeros, so ‖dW‖/‖W‖ is undefined (zero initialisation)"
    if not math.isfinite(ratio):
        return "exploding", "gradients are not finite: the weights or the step have blown up"
    if lr is not None and lr * ratio > EXPLODING_STEP:
        return "exploding", (f"gradients explode: one step of α = {lr:g} would change W by "
                             f"{lr * ratio:.3g} times its own size; lower the learning rate")
    if lr is None and ratio > EXPLODING_RATIO:
        return "exploding", (f"gradients explode: ‖dW‖ is {ratio:.3g} times ‖W‖; lower the "
                             "learning rate or the weights' scale")
    if dead is not None and dead >= DEAD_FLAG:
        return "dead", (f"{100 * dead:.0f} % of the ReLU units are never positive on this "
                        "batch and get no gradient (often after too large a step: lower the "
                        "learning rate)")
    if saturated is not None and saturated >= DEAD_FLAG and ratio < VANISHING_RATIO:
        # not "healthy" however small every layer's ratio is: the weights are too large
        return "vanishing", (f"the weights are too large (‖W‖ = {w_norm:.3g}): "
                             f"{100 * saturated:.0f} % of the {g} activations are "
                             "saturated, so "
                             "this layer barely learns; lower the learning rate or the "
                             "weights' scale")
    if ratio < VANISHING_RATIO and largest is not None and ratio < largest * 1e-3:
        return "vanishing", (f"gradients vanish: ‖dW‖/‖W‖ = {ratio:.2g}, so this layer "
                             "barely learns; use ReLU, fewer layers or a better initialisation")
    return None, "gradients are healthy"


def _rounding_difference(backprop: np.ndarray, approx: np.ndarray, cost: float,
                         epsilon: float) -> float:
    """The relative difference that the rounding of J alone gives central differences:
    a few units of J's last digit over 2ε in each coordinate, against the gradients'
    norms. Gradients of 1e-5 with J near 0.7 and ε = 1e-5 give about 1e-6."""
    if not backprop.size or not math.isfinite(cost):
        return 0.0
    per_coordinate = 4 * np.finfo(float).eps * max(abs(cost), 1e-300) / epsilon
    denominator = np.linalg.norm(backprop) + np.linalg.norm(approx)
    return float(per_coordinate * math.sqrt(backprop.size) / denominator) if denominator \
        else 0.0


def _gradient_check(params, X, Y, acts, out, grads, coordinates, random_state, epsilon,
                    caches, kinked, cost, lambd=0.0):
    """Central differences on a subset of each array's coordinates: the half with the
    largest backprop gradients and a seeded random half (all of them for small arrays).

    Perturbing ``W[l][i, j]`` or ``b[l][i]`` changes only row i of ``Z[l]``, so the cost
    is recomputed from layer l's cached ``Z`` onwards: no product with ``X`` again."""
    rng = np.random.RandomState(random_state)
    L = n_layers(params)
    m = X.shape[1]
    Zs = [cache[1].Z for cache in caches]
    A_prevs = [cache[0].A_prev for cache in caches]

    def cost_from(l: int, Z: np.ndarray) -> tuple[float, list]:
        signs, A = [], None  # A: A[k-1], from the layer before
        for k in range(l, L + 1):
            if k > l:
                Z = params[f"W{k}"] @ A + params[f"b{k}"]
            if k < L:
                if kinked[k - 1]:
                    signs.append(Z > 0)
                A = acts[k - 1].forward(Z)
        return float(network.compute_cost(Z, Y, out)), signs

    backprop, approx, n_checked, n_total, kinks, n_tried = [], [], 0, 0, 0, 0
    with np.errstate(all="ignore"):
        for l in range(1, L + 1):
            for kind in ("W", "b"):
                theta = params[f"{kind}{l}"]
                g = grads[f"d{kind}{l}"].reshape(-1)
                n_total += g.size
                if g.size <= coordinates:
                    chosen = np.arange(g.size)
                else:
                    top = np.argsort(-np.abs(g), kind="stable")[: coordinates // 2]
                    rest = np.setdiff1d(np.arange(g.size), top)
                    chosen = np.concatenate([top, rng.choice(rest, coordinates - top.size,
                                                             replace=False)])
                n_tried += chosen.size
                for flat in chosen:
                    i, j = np.unravel_index(flat, theta.shape)
                    row = A_prevs[l - 1][j] if kind == "W" else 1.0
                    Z = Zs[l - 1].copy()
                    Z[i] = Zs[l - 1][i] + epsilon * row
                    plus, signs_plus = cost_from(l, Z)
                    Z[i] = Zs[l - 1][i] - epsilon * row
                    minus, signs_minus = cost_from(l, Z)
                    if kind == "W" and lambd:  # the L2 term's change: (λ/2m) ((w ± ε)² − w²)
                        w = theta[i, j]
                        plus += lambd / (2 * m) * ((w + epsilon) ** 2 - w * w)
                        minus += lambd / (2 * m) * ((w - epsilon) ** 2 - w * w)
                    if any(np.any(a != b) for a, b in zip(signs_plus, signs_minus)):
                        kinks += 1  # a ReLU crossed 0: the difference is not its derivative
                        continue
                    approx.append((plus - minus) / (2 * epsilon))
                    backprop.append(g[flat])
                    n_checked += 1
    g, a = np.array(backprop), np.array(approx)
    with np.errstate(all="ignore"):  # overflowed gradients: "not finite" below
        denominator = np.linalg.norm(g) + np.linalg.norm(a)
        difference = float(np.linalg.norm(g - a) / denominator) if denominator else 0.0
    note = None
    if n_checked and _zero_gradients(g, a, cost, epsilon):
        # 0 against the rounding of J (1e-12 or so): the relative difference would be 1
        difference = 0.0
        if _zero_gradients(g, np.zeros_like(g), 0.0, epsilon):  # backprop's really are 0
            note = ("the gradients are all zero (backprop's exactly or nearly, the central "
                    "differences within the rounding of J): they agree, but nothing else "
                    "was tested; zero initialisation and balanced labels give this")
        else:  # a huge J: its rounding hides gradients that are not zero
            resolution = 100 * np.finfo(float).eps * abs(cost) / epsilon
            note = (f"the cost J = {cost:.3g} is so large that central differences cannot "
                    f"tell gradients below about {resolution:.2g} from 0, and backprop's "
                    f"(up to {float(np.max(np.abs(g))):.3g}) are all below that: they agree "
                    "within that, but nothing finer was tested; so large a cost means the "
                    "training diverged: lower the learning rate")
    if not math.isfinite(difference):
        # overflow, not a wrong formula: neither side can be compared with the other
        verdict, difference = "not finite", None
        note = ("the gradients or the costs overflow float64 at these values, so they "
                "cannot be compared: scale the inputs (standardise X) or use smaller "
                "weights, and trace again")
    else:
        verdict = ("fine" if difference < THRESHOLD_FINE else
                   "bug" if difference > THRESHOLD_BUG else "check")
        rounding = _rounding_difference(g, a, cost, epsilon)
        if verdict == "check" and difference <= rounding:
            # small gradients (the course's weights x 0.01): J's last digits over 2ε
            verdict = "fine"
            note = (f"the difference {difference:.2g} is within what the rounding of J "
                    f"(= {cost:.3g}) over 2ε can make of gradients this small (up to "
                    f"{float(np.max(np.abs(g))):.2g}): about {rounding:.2g}; they agree to "
                    "that")
    # the coordinates tried (every one of arrays no larger than `coordinates`), then
    # those left out of the comparison
    what = ("every coordinate" if n_tried == n_total else
            f"{n_tried} of {n_total} coordinates: in each array larger than {coordinates} "
            f"the {coordinates // 2} largest gradients and {coordinates - coordinates // 2} "
            f"chosen at random (seed {random_state}), every coordinate of the others")
    if kinks:
        what += (f"; {kinks} of them left out where a ReLU crossed 0 (a kink, no derivative "
                 f"there), {n_checked} compared")
    return {"difference": difference, "verdict": verdict, "threshold_fine": THRESHOLD_FINE,
            "threshold_bug": THRESHOLD_BUG, "coordinates": what, "n_checked": n_checked,
            "n_parameters": n_total, "n_kinks": kinks, "epsilon": epsilon, "note": note}
