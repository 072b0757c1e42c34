"""The ``nnscratch`` console script: a Ctrl-C while the libraries load is one line too.

NumPy, SciPy and scikit-learn take a second or more to import; this module imports
nothing but the standard library's ``sys`` before :func:`main` imports the command line
inside ``try``, so an interrupt then ends with ``nnscratch: error: interrupted`` (exit
code 1), like one while a command runs, instead of a traceback. The package's
``__init__`` is lazy (PEP 562) for the same reason: ``python -m nnscratch`` imports
the package before this module.
"""

import sys

#: The line of a command that ran out of memory.
OUT_OF_MEMORY = "out of memory; use smaller data, a smaller --image-size or fewer units"


def out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` is a lack of memory: a MemoryError, or a shared library that
    could not be mapped while a module loaded (under ``ulimit -v`` NumPy's and
    scikit-learn's libraries fail so: "failed to map segment from shared object",
    "cannot allocate memory"), which is no bug to report. (Not what it was raised
    from: the refusal of a layer too large for memory names its option itself.)"""
    import errno

    if isinstance(exc, MemoryError):
        return True
    if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:
        return True
    if isinstance(exc, (ImportError, OSError)):
        text = str(exc).lower()
        return "failed to map segment" in text or "cannot allocate memory" in text
    return False


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
    """Import :mod:`nnscratch.cli` and run it; Ctrl-C or a lack of memory while
    importing is one line."""
    try:
        from .cli import main as cli_main
    except BaseException as exc:
        if _interrupted(exc):
            message = "interrupted"
        elif out_of_memory(exc):
            message = OUT_OF_MEMORY
        else:
            raise
        try:
            sys.stderr.write(f"nnscratch: error: {message}\n")
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass
        import os

        os._exit(1)  # not SystemExit: see nnscratch.cli._exit_now
    try:
        cli_main()
    finally:
        _done_with_interrupts()


def _done_with_interrupts() -> None:
    """Ignore Ctrl-C once the command's work and output are done, as the process ends:
    one that came while the interpreter shut down (unloading scikit-learn takes a
    moment) ended a finished command with SIGINT's exit status (-2, 130 in a shell) and
    no word. Here, in the console script alone: a caller of the command line in its
    own process (click's ``CliRunner``, :func:`nnscratch.cli.main`) keeps its Ctrl-C."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
