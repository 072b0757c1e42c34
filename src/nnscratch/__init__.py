"""nnscratch: neural-network classifiers from scratch in NumPy."""

from ._version import __version__

__all__ = ["__version__"]
