"""Exceptions and warnings raised by nnscratch."""

__all__ = ["ConvergenceWarning",  # noqa: F822 (module __getattr__)
           "DatasetError", "InvalidParameterError", "NonFiniteWeightsError",
           "OutputOverflowError"]


class NonFiniteWeightsError(FloatingPointError, ValueError):
    """Training produced weights or a cost that are not finite (NaN or infinity).

    The usual causes are a learning rate that is too high for the data, or input
    features that were not scaled (images should be divided by 255, tabular data
    standardised).
    """


class OutputOverflowError(ValueError):
    """Some examples' outputs overflow float64 on their way through the network.

    Either the examples hold values far beyond those the network was trained on (the
    message names the first such row), or, while training, the weights have grown
    until they overflow (then training raises :class:`NonFiniteWeightsError` instead).
    """


class DatasetError(ValueError):
    """The data cannot be read or is not usable; the message says what to do."""


class InvalidParameterError(ValueError, TypeError):
    """A hyper-parameter outside the type or range that :mod:`nnscratch._params` declares.

    A ``ValueError`` everywhere (estimators, optimizers, schedules, model files, the
    command line); also a ``TypeError``, as scikit-learn's error of the same name, so
    that code that caught a wrong type as ``TypeError`` keeps working.
    """


def __getattr__(name: str):
    # scikit-learn's ConvergenceWarning (the same class, so that filters on either catch
    # both), imported on first use: the command line's --help and --version do not
    # import scikit-learn (PEP 562).
    if name == "ConvergenceWarning":
        from sklearn.exceptions import ConvergenceWarning

        globals()[name] = ConvergenceWarning
        return ConvergenceWarning
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
