"""Limits that the library and the command line share, importable without NumPy."""

__all__ = ["MAX_IMAGE_SIZE"]

#: Largest image side accepted for ``size`` (the course uses 64).
MAX_IMAGE_SIZE = 1024
