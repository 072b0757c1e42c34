"""nnscratch: neural-network classifiers from scratch in NumPy.

The course's models (logistic regression, a shallow network, deep L-layer networks)
with forward and backward propagation written in the seeds' notation, as
scikit-learn estimators.
"""

from ._version import __version__

# The names below are imported on first use (PEP 562), so that importing the package
# stays cheap and the ``nnscratch`` command can turn a Ctrl-C while NumPy and
# scikit-learn load into one line (nnscratch._entry). ``from nnscratch import X``,
# ``nnscratch.X`` and ``from nnscratch import *`` work as with plain imports.
_LAZY = {
    "Callback": "callbacks", "EarlyStopping": "callbacks", "History": "callbacks",
    "LambdaCallback": "callbacks", "ProgressBar": "callbacks",
    "HiddenLayerTransformer": "estimators", "LogisticRegression": "estimators",
    "NeuralNetworkClassifier": "estimators",
    "ConvergenceWarning": "exceptions", "NonFiniteWeightsError": "exceptions",
    "gradient_check": "gradcheck",
    "Adam": "optimizers", "GradientDescent": "optimizers", "Momentum": "optimizers",
    "RMSProp": "optimizers",
    "ModelFileError": "persistence", "load": "persistence", "save": "persistence",
}


def __getattr__(name: str):
    from importlib import import_module

    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    elif not name.startswith("__"):  # a submodule: nnscratch.datasets without importing it
        try:
            value = import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "Adam",
    "Callback",
    "ConvergenceWarning",
    "EarlyStopping",
    "GradientDescent",
    "HiddenLayerTransformer",
    "History",
    "LambdaCallback",
    "LogisticRegression",
    "ModelFileError",
    "Momentum",
    "NeuralNetworkClassifier",
    "NonFiniteWeightsError",
    "ProgressBar",
    "RMSProp",
    "__version__",
    "gradient_check",
    "load",
    "save",
]
