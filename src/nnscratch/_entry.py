"""The ``nnscratch`` console script: a Ctrl-C while the libraries load is one line too.

NumPy, SciPy and scikit-learn take a second or more to import; this module imports
nothing but the standard library's ``sys`` before :func:`main` imports the command line
inside ``try``, so an interrupt then ends with ``nnscratch: error: interrupted`` (exit
code 1), like one while a command runs, instead of a traceback. The package's
``__init__`` is lazy (PEP 562) for the same reason: ``python -m nnscratch`` imports
the package before this module.
"""

import sys


def _interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` is, or was caused by, a Ctrl-C: one that lands in a class's
    ``__set_name__`` reaches the import as a RuntimeError (Python 3.11 wraps it), and
    a module left half-imported by it as an ImportError."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def main() -> None:
    """Import :mod:`nnscratch.cli` and run it; Ctrl-C while importing is one line."""
    try:
        from .cli import main as cli_main
    except BaseException as exc:
        if not _interrupted(exc):
            raise
        try:
            sys.stderr.write("nnscratch: error: interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        import os

        os._exit(1)  # not SystemExit: see nnscratch.cli._exit_now
    cli_main()
