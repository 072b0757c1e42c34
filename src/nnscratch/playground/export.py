"""What the playground hands back: a model file, a Python snippet, the data as CSV.

The snippet rebuilds the data with :mod:`nnscratch.playground.data` (or
:mod:`nnscratch.datasets` for a file) and fits a ``NeuralNetworkClassifier`` with the
run's settings and ``max_iter`` = the iterations shown: its ``loss_curve_`` is the run's
train cost, number for number. It prints the train and test costs of the weights fitted,
the page's numbers (``loss_curve_[-1]`` is one step older: the cost computed before the
last update).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..persistence import save
from .config import estimator_params
from .data import expand

__all__ = ["data_csv", "model_file", "snippet"]


def _data_call(config: dict, source: dict) -> tuple[list[str], str]:
    """(import lines, the expression that builds ``data``) for the run's data."""
    features = json.dumps(config["features"])
    split = f"test_fraction={config['test_fraction']!r}, seed={config['data_seed']!r}"
    if source["kind"] == "builtin":
        return (["from nnscratch.playground.data import playground_data"],
                (f"playground_data(\n    {config['dataset']!r}, n_samples={config['n_samples']!r}, "
                 f"noise={config['noise']!r}, classes={config['classes']!r},\n    {split}, "
                 f"features={features},\n)"))
    imports = ["from nnscratch.playground.data import from_dataset"]
    if source.get("test_path"):
        imports.append("from nnscratch.datasets import load_train_test")
        load = f"*load_train_test({source['path']!r}, {source['test_path']!r})"
    else:
        imports.append("from nnscratch.datasets import load_dataset")
        load = f"load_dataset({source['path']!r})"
    return imports, f"from_dataset(\n    {load},\n    {split}, features={features},\n)"


def snippet(config: dict, source: dict, n_iter: int) -> str:
    """Python code that reproduces the run's first ``n_iter`` iterations exactly.

    Parameters
    ----------
    config : dict
        The run's checked settings.
    source : dict
        Where the data come from: ``{"kind": "builtin"}``, or ``{"kind": "file",
        "path": ..., "test_path": ...}`` (a file given to the server, or an uploaded
        file under the name it was uploaded with).
    n_iter : int

    Returns
    -------
    str
    """
    imports, data = _data_call(config, source)
    params = {**estimator_params(config), "max_iter": n_iter}
    args = ",\n    ".join(f"{k}={v!r}" for k, v in params.items())
    done = f"{n_iter:,} iteration{'' if n_iter == 1 else 's'}"
    lines = [
        f'"""The nnscratch playground\'s run: {done}, reproduced."""',
        "from sklearn.metrics import log_loss",
        "",
        "from nnscratch import NeuralNetworkClassifier",
        *(["from nnscratch.losses import l2_penalty"] if config["alpha"] else []),
        *imports,
        "",
    ]
    if source.get("note"):
        lines.append(f"# {source['note']}")
    lines += [
        f"data = {data}",
        f"clf = NeuralNetworkClassifier(\n    {args},\n)",
        "clf.fit(data.X_train, data.y_train)",
        "",
        "# The costs of the weights fitted, as the page shows them (clf.loss_curve_[-1] is",
        "# the cost computed in the last iteration, before its update: one step earlier).",
        "train_cost = log_loss(data.y_train, clf.predict_proba(data.X_train))",
    ]
    if config["alpha"]:
        lines.append("train_cost += l2_penalty(clf.params_, clf.alpha, len(data.y_train))"
                     "  # the L2 term")
    lines += [
        "test_cost = log_loss(data.y_test, clf.predict_proba(data.X_test))",
        f'print(f"after {done}: train cost {{train_cost:.6f}}, test cost {{test_cost:.6f}}")',
        'print(f"train accuracy {clf.score(data.X_train, data.y_train):.4f}, "',
        '      f"test accuracy {clf.score(data.X_test, data.y_test):.4f}")',
        "",
    ]
    return "\n".join(lines)


def model_file(estimator: Any, data, training: dict) -> bytes:
    """The bytes of a model file (:func:`nnscratch.save`) that ``nnscratch predict`` reads.

    The file holds the data's preprocessing (for the plane: the feature columns,
    standardised or not) and the class names.
    """
    names = [data.class_names[int(c)] for c in estimator.classes_]
    with tempfile.TemporaryDirectory(prefix="nnscratch-playground-") as folder:
        path = Path(folder) / "model.npz"
        save(estimator, path, preprocessor=data.preprocessor, class_names=names,
             training=training)
        return path.read_bytes()


def data_csv(data, part: str) -> str:
    """The train or test part as CSV: the model's feature columns, then ``label``.

    The feature columns hold the values before standardisation: what
    ``nnscratch predict MODEL FILE.csv`` reads.
    """
    raw = data.raw_train if part == "train" else data.raw_test
    y = data.y_train if part == "train" else data.y_test
    if data.features is not None:
        raw = expand(raw, data.features)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*data.preprocessor.columns, "label"])
    for row, code in zip(np.asarray(raw), y):
        writer.writerow([repr(float(v)) for v in row] + [data.class_names[int(code)]])
    return out.getvalue()
