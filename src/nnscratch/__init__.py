"""nnscratch: neural-network classifiers from scratch in NumPy.

The course's models (logistic regression, a shallow network, deep L-layer networks)
with forward and backward propagation written in the seeds' notation, as
scikit-learn estimators.
"""

from ._version import __version__
from .callbacks import Callback, EarlyStopping, History, LambdaCallback, ProgressBar
from .estimators import HiddenLayerTransformer, LogisticRegression, NeuralNetworkClassifier
from .exceptions import ConvergenceWarning, NonFiniteWeightsError
from .gradcheck import gradient_check
from .optimizers import Adam, GradientDescent, Momentum, RMSProp
from .persistence import ModelFileError, load, save

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
