"""Limits that the library and the command line share, importable without NumPy."""

__all__ = ["MAX_IMAGE_SIZE", "MAX_VALUE"]

#: Largest image side accepted for ``size`` (the course uses 64).
MAX_IMAGE_SIZE = 1024

#: Largest magnitude of a feature value read from data: the squares of larger ones,
#: summed for the standard deviation over up to ten million rows, can overflow float64
#: (1.8e308). A model file's standardisation statistics are held to it too.
MAX_VALUE = 1e150
