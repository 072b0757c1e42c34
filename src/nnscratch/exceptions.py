"""Exceptions and warnings raised by nnscratch."""

from sklearn.exceptions import ConvergenceWarning

__all__ = ["ConvergenceWarning", "NonFiniteWeightsError"]


class NonFiniteWeightsError(FloatingPointError, ValueError):
    """Training produced weights or a cost that are not finite (NaN or infinity).

    The usual causes are a learning rate that is too high for the data, or input
    features that were not scaled (images should be divided by 255, tabular data
    standardised).
    """
