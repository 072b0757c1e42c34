"""The ``nnscratch`` command: train, evaluate, predict, plot, summary, demo.

A thin layer of click over :mod:`nnscratch._commands`, where the work is done (without
click, so it can be called and tested on its own). Conventions:

- data (tables, JSON) goes to stdout, progress and messages to stderr; with ``--json``
  stdout holds exactly one JSON document, ``{"error", "exit_code"}`` for a failure;
- exit code 0 on success, 1 on a failure while running, 2 on bad usage or bad input
  (128 plus the signal's number where the console script was ended by SIGTERM or
  SIGHUP, which it takes as Ctrl-C);
- every error is one line on stderr, ``nnscratch: error: <problem>; <what to do>``,
  never a traceback: :class:`NnscratchGroup` turns click's usage errors and the
  library's errors (any ``ValueError``: ``DatasetError``, ``ModelFileError``,
  ``InvalidParameterError``, ...; ``NonFiniteWeightsError`` is a failure) into that line;
- output files are written to a temporary file in the same folder and renamed, so a
  failed run never leaves a partial file.

The options that set an estimator's parameter are built from the one table of
hyper-parameters (:mod:`nnscratch._params`) by :func:`param_option`: name, help text,
choices (from the library's own tables of activations, initialisations, solvers) and
range; a value outside it, NaN and infinity included, is refused before any work.

Adding a command
----------------
Write the work as a function in a module that does not import click (raise
:class:`~nnscratch._commands.InputError` for bad input, :class:`~nnscratch._commands.RunError`
for a failure, or let the library's ``ValueError``-s through), then register a click
command on the group, either as a block at the end of this file::

    @cli.command(epilog=examples("nnscratch check cat.npz", "nnscratch check cat.npz --json"))
    @click.argument("model", type=click.Path())
    @json_option("Print one JSON object.")
    def check(model, as_json):
        '''One line of what the command does.'''
        emit(check_model(model), as_json, format_check)

or from a module of its own with ``cli.add_command(command)`` (or
:func:`register`). :func:`param_option` gives a command the estimator's options,
:func:`json_option` the shared ``--json`` flag, :func:`emit` prints a result as JSON or
text, and the group handles every error.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import json
import os
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import click

from ._entry import OUT_OF_MEMORY, out_of_memory
from ._limits import MAX_IMAGE_SIZE
from ._params import (
    BUILTIN_CHOICES,
    ESTIMATOR_DEFAULTS,
    PARAMETERS,
    check,
    escaped,
    requirement,
)
from ._version import __version__
from .exceptions import InvalidParameterError, NonFiniteWeightsError


class _Deferred:
    """The module ``name``, imported when one of its attributes is first read.

    ``--help`` and ``--version`` start without NumPy, scikit-learn and the commands'
    modules (:mod:`nnscratch._commands` imports them); a command loads them as it runs.
    Each read goes through the ordinary import (a dictionary look-up once it is done),
    which other threads wait on while it runs: ``importlib.util.LazyLoader`` handed a
    half-executed module to a second thread (``run()`` from several threads at once
    raised AttributeError before Python 3.12).
    """

    def __init__(self, name: str) -> None:
        self.__name__ = name

    def __getattr__(self, attr: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self.__name__), attr)


_COMMANDS = f"{__package__}._commands"
_commands: Any = _Deferred(_COMMANDS)

__all__ = ["NnscratchGroup", "cli", "emit", "examples", "json_option", "main",
           "param_option", "register", "run"]

PROG = "nnscratch"
_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
_EXIT_CODES_LINE = "Exit codes: 0 success, 1 failure while running, 2 bad usage or bad input."

#: The largest value of an integer option (iterations, batch size, cost interval, layer
#: sizes, folds, ...): 2**31 - 1, what a model file stores and every platform's C int
#: holds. ``--seed`` has its own range, 0 to 2**32 - 1 (NumPy's seeds).
MAX_INTEGER = 2**31 - 1


# --------------------------------------------------------------------------- errors


#: How an exception that reaches the group ends the command: (type, exit code), the
#: first match wins. Library errors are ValueErrors (bad input: 2), except a run that
#: diverged; anything unforeseen is a failure (1).
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (NonFiniteWeightsError, 1),
    (ValueError, 2),
    (MemoryError, 1),
    (KeyboardInterrupt, 1),
    (Exception, 1),
)


def _message(exc: BaseException) -> str:
    if isinstance(exc, click.UsageError):
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        text = exc.format_message()
        return f"{text[:-1] if hint and text.endswith('.') else text}{hint}"
    if isinstance(exc, click.ClickException):
        return exc.format_message()
    if type(exc).__name__ == "WriteError":  # nnscratch._files': a disk full, read-only
        return str(exc)
    cause = exc.__cause__ if isinstance(exc, click.exceptions.Abort) else exc  # click's
    if isinstance(cause, KeyboardInterrupt) and str(cause):  # atomic_write's: the file
        return f"interrupted; {cause}"                    # that was not written
    if isinstance(exc, (KeyboardInterrupt, click.exceptions.Abort)):
        return "interrupted"
    if out_of_memory(exc):  # a MemoryError, or a library that could not be mapped
        return OUT_OF_MEMORY
    too_long = _name_too_long(exc)
    if too_long is not None:
        return too_long
    # the text as raised: _line keeps a line break inside a path given on the command
    # line (shown as \n), where Python's and NumPy's own wrapped messages become spaces
    text = str(exc) or type(exc).__name__
    if isinstance(exc, ValueError) or _is_command_error(exc):
        return text
    return (f"unexpected failure ({type(exc).__name__}: {text}); "
            "please report it with the command you ran")


def _name_too_long(exc: BaseException) -> str | None:
    """The line for a path that the system refused as too long (a name of more than 255
    bytes, say), which any command meets where it first looks the path up: bad input,
    not an unexpected failure."""
    if not (isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG):
        return None
    from ._files import name_too_long

    return name_too_long(exc.filename if exc.filename is not None else "a path")


def _is_command_error(exc: BaseException) -> bool:
    # isinstance(exc, _commands.CommandError) without loading _commands for a usage error
    return any(cls.__name__ == "CommandError" and cls.__module__ == _COMMANDS
               for cls in type(exc).__mro__)


def _exit_code(exc: BaseException) -> int:
    if isinstance(exc, click.ClickException) or _is_command_error(exc):
        return exc.exit_code if exc.exit_code in (1, 2) else 1
    if isinstance(exc, click.exceptions.Abort):
        return 1
    if _name_too_long(exc) is not None:
        return 2
    return next(code for kind, code in EXIT_CODES if isinstance(exc, kind))


class _Run:
    """What the group knows of the command line running in this thread: its arguments
    (for :func:`_line`), whether ``--json`` was asked for, and whether the command has
    written to stdout (an error after that adds no JSON object of its own)."""

    def __init__(self, args: Sequence[str]) -> None:
        args = [str(a) for a in args]
        given = args[:args.index("--")] if "--" in args else args
        self.as_json = "--json" in given
        self.wrote = False
        # the arguments' parts (a path's folders and name) holding control characters,
        # the longest first, to be shown escaped wherever a message quotes them
        parts = {p for a in args for p in (a, *a.split("/")) if p and not p.isprintable()}
        self.unprintable = sorted(parts, key=len, reverse=True)


#: The command line running in this thread (``run()`` may be called from several).
_RUN: contextvars.ContextVar[_Run | None] = contextvars.ContextVar("nnscratch_run",
                                                                   default=None)


def _wrote_stdout() -> None:
    run = _RUN.get()
    if run is not None:
        run.wrote = True


def _escape_arguments(text: str) -> str:
    """``text`` with every part of the command line's arguments that holds control
    characters (``printf 'a\\nb.npz'``) shown escaped, so that a line break in a path
    stays visible as ``\\n`` instead of becoming a space like the message's own."""
    run = _RUN.get()
    for part in run.unprintable if run is not None else ():
        text = text.replace(part, escaped(part))
    return text


def _line(message: Any) -> str:
    """``message`` on one line: its whitespace runs as one space, and other control
    characters (a terminal's escape codes from a file's column names, a line break in
    a path the command was given) shown escaped."""
    return escaped(" ".join(_escape_arguments(str(message)).split()))


def _error(message: str) -> None:
    try:
        sys.stderr.write(f"{PROG}: error: {_line(message)}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # stderr closed (None): the code says it
        pass


def _json_error(message: str, code: int) -> None:
    """With ``--json``, a failure is one JSON object on stdout too, so that stdout always
    holds one JSON document: ``{"error": <the line on stderr>, "exit_code": N}``."""
    try:
        click.echo(json.dumps({"error": _line(message), "exit_code": code}, indent=2))
    except BrokenPipeError:
        _quiet_stdout()
    except (OSError, ValueError, AttributeError):  # a full disk: the code still says it
        pass


def _show_warning(message: Any, *args: Any, **kwargs: Any) -> None:
    # loads _commands only when a warning comes
    _commands.show_warning(_escape_arguments(str(message)), *args, **kwargs)


class _HelpFormatter(click.HelpFormatter):
    """click's help formatter, never breaking a line at a word's hyphen: an option such
    as ``--chunk-rows``, a default such as ``nnscratch-demo`` or a set's name such as
    ``breast-cancer`` stays whole."""

    def write_usage(self, *args: Any, **kwargs: Any) -> None:
        with _whole_words():
            super().write_usage(*args, **kwargs)

    def write_text(self, *args: Any, **kwargs: Any) -> None:
        with _whole_words():
            super().write_text(*args, **kwargs)

    def write_dl(self, *args: Any, **kwargs: Any) -> None:
        with _whole_words():
            super().write_dl(*args, **kwargs)


@contextlib.contextmanager
def _whole_words():
    """click's wrapper without its hyphen breaks, while the help is being written
    (click's own wrapping where a future click has no ``_textwrap.TextWrapper``)."""
    try:
        from click import _textwrap

        wrapper = _textwrap.TextWrapper
    except (ImportError, AttributeError):
        yield
        return

    class Whole(wrapper):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.break_on_hyphens = False

    _textwrap.TextWrapper = Whole
    try:
        yield
    finally:
        _textwrap.TextWrapper = wrapper


class _Context(click.Context):
    formatter_class = _HelpFormatter


@contextlib.contextmanager
def _writing_help() -> Iterator[None]:
    """While click parses a command line, the only output is ``--help`` or ``--version``
    on stdout: a reader that quit (``| head``) ends the command quietly with exit code
    0, and a stdout that cannot be written (``> /dev/full``) is one line, exit code 1
    (click itself exited with 1, or let it through as an unexpected failure)."""
    try:
        yield
    except BrokenPipeError:
        _quiet_stdout()
        raise click.exceptions.Exit(0) from None
    except OSError as exc:
        if exc.filename is not None:  # a path's, not a stream's
            raise
        raise click.ClickException(_stdout_failure(exc)) from None


def _stdout_failure(exc: OSError) -> str:
    return (f"cannot write the output to stdout ({exc.strerror or exc}); free some space "
            "or send it elsewhere")


class _Command(click.Command):
    context_class = _Context

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        with _writing_help():
            return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not ctx.resilient_parsing:
            _refuse_repeated_sizes(self, ctx, args)
        return super().parse_args(ctx, args)


def _refuse_repeated_sizes(command: click.Command, ctx: click.Context,
                           args: list[str]) -> None:
    """``--hidden 4 --hidden 5`` is refused: click would keep the last value, one layer
    of 5, where two layers were likely meant (``--hidden 4,5``)."""
    try:
        _, _, order = command.make_parser(ctx).parse_args(args=list(args))
    except click.UsageError:
        return  # the real parse reports it
    for param in dict.fromkeys(order):
        if isinstance(param.type, LayerSizes) and order.count(param) > 1:
            name = param.opts[0]
            raise click.UsageError(
                f"{name} was given {order.count(param)} times: give it once, the hidden "
                f"layers' sizes separated by commas, e.g. {name} 20,7,5", ctx)


class NnscratchGroup(click.Group):
    """A click group whose commands end with one line and the right exit code.

    :meth:`main` runs click without its standalone error handling and turns what a
    command raises into ``nnscratch: error: <message>`` on stderr and an exit code:
    click's usage errors and the library's ``ValueError``-s 2, a diverging run,
    Ctrl-C, a lack of memory or an unforeseen error 1 (:data:`EXIT_CODES`); with
    ``--json`` the line is also a JSON object on stdout, where the command printed
    nothing there. Warnings become one ``nnscratch: warning:`` line each. Every command
    registered on the group (``@cli.command()``, ``cli.add_command``) gets this for
    free.
    """

    context_class = _Context
    command_class = _Command

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        with _writing_help():
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a reader that closed stdout early (``| head``) while the
        command wrote it as it went ends it quietly with exit code 0 (click itself would
        exit with 1), and Ctrl-C ends it with the error line alone."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            if not _stdout_gone(exc):  # another pipe's (stderr's, a cluster's): a failure
                raise
            _quiet_stdout()
            raise click.exceptions.Exit(0) from None
        except KeyboardInterrupt as exc:
            # click would print an empty line before its Abort: the error line alone
            raise click.exceptions.Abort() from exc

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> int:
        """Run the command line ``args``; exit with its code (return it when not
        ``standalone_mode``).

        Nothing of the process is changed for good (its signal handlers, its streams):
        click's ``CliRunner`` and other callers in the same process go on as before.
        The console script, :func:`main`, adds what only a process of its own may do.
        """
        code, _ = self._run(args, prog_name, complete_var, **extra)
        if not standalone_mode:
            return code
        sys.exit(_flush_stdout(code))

    def _run(self, args: Sequence[str] | None, prog_name: str | None,
             complete_var: str | None, **extra: Any) -> tuple[int, bool]:
        """Run the command line; returns its exit code, and whether the process should
        end at once (an interrupt, a lack of memory: see :func:`_exit_now`)."""
        run = _Run(sys.argv[1:] if args is None else args)
        token = _RUN.set(run)
        _warnings_as_lines(True)
        message, abrupt = None, False
        try:
            try:
                rv = super().main(args=list(args) if args is not None else None,
                                  prog_name=prog_name or PROG, complete_var=complete_var,
                                  standalone_mode=False, **extra)
                code = rv if isinstance(rv, int) else 0
            except click.exceptions.NoArgsIsHelpError as exc:
                click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
                code = 2
            except click.exceptions.Exit as exc:
                code = exc.exit_code
            except (Exception, KeyboardInterrupt, click.exceptions.Abort) as exc:  # noqa: BLE001
                if isinstance(exc, BrokenPipeError) and _stdout_gone(exc):
                    _quiet_stdout()  # stdout closed early (| head): stop quietly, as a
                    code = 0         # filter does; the reader has what it wanted
                else:
                    abrupt = (isinstance(exc, KeyboardInterrupt)  # click's Abort wraps it
                              or isinstance(exc.__cause__, KeyboardInterrupt)
                              or out_of_memory(exc))
                    message, code = _message(exc), _exit_code(exc)
            finally:
                _warnings_as_lines(False)
            if _TERMINATED and code != 0:  # SIGTERM or SIGHUP, taken as a Ctrl-C (and
                message = _terminated(_TERMINATED[0], message)  # ending as it ends)
                code = 128 + _TERMINATED[0]
            if message is not None:
                _error(message)
                if run.as_json and not run.wrote:
                    _json_error(message, code)
            return code, abrupt
        finally:
            _RUN.reset(token)


_SHOWWARNING_LOCK = threading.Lock()
_showwarning_saved: list = []  # the program's own warnings.showwarning, while runs are on


def _warnings_as_lines(begin: bool) -> None:
    """Show warnings as ``nnscratch: warning:`` lines while any command line runs in the
    process, and put the program's own ``warnings.showwarning`` back when the last one
    ends: each run saved and restored it alone, so that of two runs in threads, the one
    that ended last put the one-line form back for good."""
    with _SHOWWARNING_LOCK:
        if begin:
            _showwarning_saved.append(warnings.showwarning)
            warnings.showwarning = _show_warning
        else:
            saved = _showwarning_saved.pop()
            if not _showwarning_saved:  # the last run: the program's own
                warnings.showwarning = saved


#: The signals that asked the console script to end (:func:`_interrupt_on_signal`).
_TERMINATED: list[int] = []


def _terminated(number: int, message: str | None) -> str:
    """The error line of a command ended by the signal ``number``: its interrupt's own
    words (what was kept, what was not written), told as a termination."""
    import signal

    name = signal.Signals(number).name
    if message is None:
        return f"terminated by {name}"
    if message.startswith("interrupted"):
        return f"terminated by {name}{message[len('interrupted'):]}"
    return f"terminated by {name}; {message}"


def _stdout_gone(exc: BrokenPipeError) -> bool:
    """Whether a broken pipe is stdout's: the reader of the output has quit (``| head``).

    Told by the writers of stdout here (:func:`emit`, :class:`_Stdout`), else asked of
    stdout itself: a pipe whose reader has gone polls as an error. Where stdout is no
    such pipe (a file, a terminal), the broken pipe was another's (stderr's), which must
    not end a command as a success with its work undone.
    """
    import select

    if isinstance(exc, _StdoutClosed):
        return True
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        events = poll.poll(0)
    except (OSError, ValueError, AttributeError):
        return True  # no real stdout (captured in tests): as before, the reader's
    return any(flags & (select.POLLERR | select.POLLHUP) for _, flags in events)


class _StdoutClosed(BrokenPipeError):
    """A write to stdout found its reader gone."""


def _flush_stdout(code: int) -> int:
    """Flush stdout at the end of a command; returns the exit code, 1 where the last of
    the output could not be written (and the command had not failed already)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
    except (OSError, ValueError) as exc:
        if not code:
            _error(_stdout_failure(exc) if isinstance(exc, OSError) else "stdout is closed")
        code = code or 1
    except AttributeError:  # no stdout at all (None)
        pass
    return code


def _quiet_stdout() -> None:
    """Point stdout at the null device after a broken pipe (the way Python's
    documentation gives), so that the interpreter's last flush at exit cannot fail."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (captured in tests)
        pass


def _exit_now(code: int) -> None:
    """End the process with ``code`` after a Ctrl-C (or SIGTERM, SIGHUP) or a lack of
    memory, skipping the interpreter's exit.

    CPython remembers a KeyboardInterrupt that ended code it ran through
    ``PyRun_String`` (as some extension modules do while they load) and, at exit, kills
    itself with SIGINT (exit code -2) even when the program caught the interrupt; and
    an interpreter that shuts down with no memory left crashed (a segmentation fault)
    or printed pages of "Exception ignored". The command has already cleaned up (its
    files are written atomically, temporary ones removed as the error unwound) and
    reported it in one line.
    """
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)


class _Stderr:
    """``sys.stderr`` for the console script: a write that fails (its reader quit, as
    in ``2>&1 | head -1``; a full disk) points file descriptor 2 at the null device,
    and the command goes on to its work, its output and its exit code, its messages
    lost. stderr holds only messages: an EPIPE there was taken for stdout's, and ended
    the command at once with exit code 0, no model written and nothing printed."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._failed = False

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # as a text stream refuses bytes (click asks)
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if not self._failed:
            try:
                self._stream.write(text)
            except (OSError, ValueError):
                self._fail()
        return len(text)

    def flush(self) -> None:
        if not self._failed:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._fail()

    def _fail(self) -> None:
        self._failed = True
        try:  # what is left in the stream's buffer, and the libraries' own writes to
            fd = self._stream.fileno()  # fd 2 (HDF5's, a child's), go nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fd)
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def isatty(self) -> bool:
        try:
            return not self._failed and self._stream.isatty()
        except (OSError, ValueError, AttributeError):
            return False

    def __getattr__(self, name: str) -> Any:  # encoding, errors, fileno, ...
        return getattr(self._stream, name)


def _open_standard_streams() -> None:
    """Open the null device on file descriptors 0, 1 and 2 where the process started
    with them closed (``<&-``, ``2>&-``, a daemon's child): a pipe opened later would
    otherwise get one of their numbers, and a child given ``stdin=DEVNULL`` found the
    null device in place of its pipe (``check`` then blamed every function)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                opened = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)


def _interrupt_on_signal(number: int, frame: Any) -> None:
    """SIGTERM and SIGHUP (``kill``, a job scheduler, a closed terminal) end the command
    as Ctrl-C does: its clean-up runs (temporary files removed, a JSON list closed, the
    search's worker processes and the checker's ended), and the exit code is 128 plus
    the signal's number (143, 129), with one line."""
    import signal

    _TERMINATED.append(number)
    if callable(signal.getsignal(signal.SIGINT)):
        # through SIGINT itself, so that a block that holds Ctrl-C back until it ends
        # (a row of predictions being written) holds this too
        signal.raise_signal(signal.SIGINT)
        return
    raise KeyboardInterrupt  # Ctrl-C ignored (a background job): interrupt here


@contextlib.contextmanager
def _console() -> Iterator[None]:
    """What the console script does for the command it runs, and undoes after it (for a
    caller in the same process): closed standard streams opened on the null device, a
    stderr that cannot fail the command (:class:`_Stderr`), and SIGTERM and SIGHUP
    taken as Ctrl-C (in the main thread, where the program has no handler of its own)."""
    from ._files import terminations_handled

    _open_standard_streams()
    saved = sys.stderr
    null = None
    if sys.stderr is None:  # started with stderr closed: print(file=None) went to stdout
        null = sys.stderr = open(os.devnull, "w", encoding="utf-8")
    sys.stderr = _Stderr(sys.stderr)
    del _TERMINATED[:]
    try:
        with terminations_handled(_interrupt_on_signal):
            yield
    finally:
        sys.stderr = saved
        if null is not None:
            null.close()


# --------------------------------------------------------------------------- options


class TableValue(click.ParamType):
    """A number checked against the table of hyper-parameters (NaN and inf refused);
    ``table``: another table of the same kind (the text vectorizer's settings)."""

    def __init__(self, name: str, table: dict | None = None) -> None:
        self.param = name
        self.table = table
        self.kind = (PARAMETERS if table is None else table)[name].kind
        self.name = "integer" if self.kind in ("int", "random_state") else "float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if not isinstance(value, str):
            return value
        try:
            number = int(value) if self.name == "integer" else float(value)
        except ValueError:
            self.fail(f"'{value}' is not {'an integer' if self.name == 'integer' else 'a number'}",
                      param, ctx)
        try:
            if self.kind == "random_state":
                return _seed(number)
            number = check(self.param, number, table=self.table)
        except InvalidParameterError:
            need = (f"an integer from 0 to {2**32 - 1}" if self.kind == "random_state"
                    else requirement(self.param, table=self.table))  # not Python's objects
            self.fail(f"'{value}' is not {need}", param, ctx)
        if self.kind == "int" and abs(number) > MAX_INTEGER:
            self.fail(f"'{value}' is too large: give at most {MAX_INTEGER}", param, ctx)
        return number

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "N" if self.name == "integer" else "X"


def _seed(number: int) -> int:
    p = PARAMETERS["random_state"]
    if not p.low <= number <= p.high:
        raise InvalidParameterError(f"random_state={number} is out of range")
    return number


class IntegerRange(click.IntRange):
    """click's IntRange with the wording of the other options: "'0' is not an integer
    from 1 to 1024", the value quoted as typed."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(f"'{value}' is not an integer from {self.min} to {self.max}", param, ctx)


class LayerSizes(click.ParamType):
    """``--hidden``: comma-separated positive layer sizes, ``20,7,5``."""

    name = "sizes"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, tuple):
            return value
        try:
            sizes = tuple(int(part) for part in str(value).split(","))
            for size in sizes:
                check("hidden_layer_sizes", size)
        except (ValueError, InvalidParameterError):
            self.fail(f"'{value}' is not a list of positive layer sizes; write e.g. 20,7,5",
                      param, ctx)
        if max(sizes) > MAX_INTEGER:
            self.fail(f"'{value}': a layer size is too large: give at most {MAX_INTEGER}",
                      param, ctx)
        return sizes


class Seconds(click.ParamType):
    """A time limit: a positive finite number of seconds (NaN and infinity refused)."""

    name = "float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        import math

        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"'{value}' is not a number of seconds", param, ctx)
        if not (math.isfinite(number) and number > 0):
            self.fail(f"'{value}' is not a positive finite number of seconds; give e.g. 20",
                      param, ctx)
        return number


class FunctionNames(click.ParamType):
    """Course function names, comma-separated: each a Python name, none empty."""

    name = "names"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, (list, tuple)):
            return list(value)
        names = [part.strip() for part in str(value).split(",")]
        bad = [n for n in names if not n.isidentifier()]
        if bad:
            self.fail(f"{bad[0]!r} is not a function name; give names separated by commas, "
                      "e.g. propagate,optimize", param, ctx)
        return list(dict.fromkeys(names))


class NJobs(click.ParamType):
    """``--n-jobs``: a number of parallel fits as joblib takes it, never 0 (N > 0: N
    fits; -1: every core, -2: all but one, ...)."""

    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, int):
            number = value
        else:
            try:
                number = int(value)
            except ValueError:
                self.fail(f"'{value}' is not an integer", param, ctx)
        if number == 0:
            self.fail("0 runs no fit: give a positive number of parallel fits, or -1 for "
                      "every core", param, ctx)
        if abs(number) > MAX_INTEGER:
            self.fail(f"'{value}' is too large: give at most {MAX_INTEGER} (or -1 for every "
                      "core)", param, ctx)
        return number


class NgramRange(click.ParamType):
    """``--ngrams``: the shortest and longest word n-grams, ``1,2``."""

    name = "range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        from ._text_settings import check_text_setting, text_requirement

        if isinstance(value, tuple):
            return value
        try:
            parts = str(value).split(",")
            if len(parts) != 2:
                raise ValueError
            return check_text_setting("ngram_range", tuple(int(p) for p in parts))
        except ValueError:
            self.fail(f"'{value}' is not a range of n-gram lengths; write "
                      f"{text_requirement('ngram_range')}, e.g. 1,2", param, ctx)


def text_options(command: Callable) -> Callable:
    """The options of the text vectorizer (:data:`nnscratch.text.TEXT_SETTINGS`); their
    values arrive under the settings' names (None when not given)."""
    from ._text_settings import TEXT_DEFAULTS, TEXT_SETTINGS, VECTORIZERS

    def help_of(name: str, default: str) -> str:
        text = TEXT_SETTINGS[name].help.rstrip(".")
        text = text[0].lower() + text[1:]  # after "Text data:"
        if "(default" not in text:
            text = f"{text} (default {default})"
        return f"Text data: {text}."

    for option in reversed((
        click.option("--vectorizer", "vectorizer", type=click.Choice(VECTORIZERS),
                     help=help_of("vectorizer", TEXT_DEFAULTS["vectorizer"])),
        click.option("--ngrams", "ngram_range", type=NgramRange(), metavar="MIN,MAX",
                     help=help_of("ngram_range", "1,1: single words")),
        click.option("--max-features", "max_features", metavar="N",
                     type=TableValue("max_features", TEXT_SETTINGS),
                     help=help_of("max_features", "every term")),
        click.option("--min-df", "min_df", metavar="N", type=TableValue("min_df", TEXT_SETTINGS),
                     help=help_of("min_df", str(TEXT_DEFAULTS["min_df"]))),
    )):
        command = option(command)
    return command


def _defaults(name: str) -> str:
    """The estimators' defaults of ``name`` (:data:`nnscratch._params.ESTIMATOR_DEFAULTS`,
    their signatures' values), in words."""
    found = {}
    for label, cls in (("logistic regression", "LogisticRegression"),
                       ("a network", "NeuralNetworkClassifier")):
        if name in ESTIMATOR_DEFAULTS[cls]:
            found[label] = ESTIMATOR_DEFAULTS[cls][name]
    values = list(found.values())
    if not found or values[0] is None or isinstance(values[0], bool):
        return ""  # the table's help says what None (or a flag's absence) means
    if len(found) == 1:
        return f" (network only; default {values[0]})"
    if values[0] == values[1]:
        return f" (default {values[0]})"
    return " (default " + ", ".join(f"{v} for {k}" for k, v in found.items()) + ")"


def param_option(flag: str, name: str, *, help: str | None = None,
                 **attrs: Any) -> Callable:
    """A click option that sets the estimator parameter ``name``, from the table.

    The option's value arrives under the parameter's own name (``--iterations`` ->
    ``max_iter``); its type is a ``click.Choice`` of the library's names for a choice
    (activations, initialisations, solvers, ...), a flag for a boolean, or a number
    checked by :func:`nnscratch._params.check`; its help is the table's, with the
    estimators' defaults. Unset, it is None (the estimator's default).
    """
    p = PARAMETERS[name]
    text = (help or p.help).rstrip(".")
    text += ("" if "default" in attrs else _defaults(name)) + "."
    if p.kind == "choice":
        attrs.setdefault("type", click.Choice(BUILTIN_CHOICES[name]))
    elif p.kind == "bool":
        attrs.setdefault("is_flag", True)
        attrs.setdefault("default", None)
    elif p.kind in ("real", "int", "random_state"):
        attrs.setdefault("type", TableValue(name))
    return click.option(flag, name, help=text, **attrs)


def json_option(help: str = "Print the result as one JSON object on stdout.") -> Callable:
    """The shared ``--json`` flag (the value arrives as ``as_json``)."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def emit(result: Any, as_json: bool, text: Callable[[Any], str]) -> None:
    """Print ``result`` to stdout: as one JSON document, or as ``text(result)``.

    A stdout that cannot be written (a full disk, ``> /dev/full``) ends the command with
    one line saying so (exit code 1), not as an unexpected failure; a closed pipe stays
    quiet (:class:`NnscratchGroup`)."""
    out = json.dumps(result, indent=2, allow_nan=False) if as_json else text(result)
    if not out:
        return
    _wrote_stdout()
    try:
        with _terminations_held():
            click.echo(out)
    except BrokenPipeError:  # the reader has what it wanted (| head): the command goes
        _quiet_stdout()      # on to its own exit code (check's verdict, predict's 2)
    except OSError as exc:
        raise _commands.RunError(_stdout_failure(exc)) from None


class _Stdout:
    """stdout for a command that writes it as it goes (a streamed ``predict``): notes
    that the command has written it, and tells a reader that quit (``| head``) from
    another broken pipe."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        _wrote_stdout()
        try:
            with _terminations_held():
                return self.stream.write(text)
        except BrokenPipeError:
            raise _StdoutClosed(*_EPIPE) from None

    def flush(self) -> None:
        try:
            with _terminations_held():
                self.stream.flush()
        except BrokenPipeError:
            raise _StdoutClosed(*_EPIPE) from None


_EPIPE = (errno.EPIPE, os.strerror(errno.EPIPE))


@contextlib.contextmanager
def _terminations_held() -> Iterator[None]:
    """SIGTERM and SIGHUP, where the console script takes them as Ctrl-C, held back in
    this thread while output is written, and handled once it is: one that came during
    the write system call cut it short, and an unbuffered stdout (``PYTHONUNBUFFERED``,
    click's on a pipe) dropped the rest of the text, a JSON row cut in two. (The
    streamed predictions hold Ctrl-C itself the same way while they write a row.)"""
    import signal

    if not hasattr(signal, "pthread_sigmask") or \
            signal.getsignal(signal.SIGTERM) is not _interrupt_on_signal:
        yield
        return
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGHUP})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def examples(*lines: str) -> str:
    """A command's epilog: its examples, then the exit codes."""
    body = "\n".join(f"  {line}" for line in lines)
    return f"Examples:\n\n\b\n{body}\n\n{_EXIT_CODES_LINE}"


def register(command: click.Command) -> click.Command:
    """Add ``command`` to the ``nnscratch`` group (same as ``cli.add_command``)."""
    cli.add_command(command)
    return command


def _given(ctx: click.Context, name: str, value: Any) -> Any:
    """``value`` when the option ``name`` was given (command line or environment), else
    None: an option with a shown default (``--image-size 64``) that does not apply to
    the data is refused only when given."""
    from click.core import ParameterSource

    source = ctx.get_parameter_source(name)
    return None if source in (None, ParameterSource.DEFAULT) else value


def _flags(ctx: click.Context) -> dict[str, str]:
    """Each option's first spelling, by the name its value arrives under."""
    return {p.name: p.opts[0] for p in ctx.command.params if p.opts}


def estimator_options(command: Callable) -> Callable:
    """The options that set the estimator's parameters, shared by ``train`` and
    ``search`` (each from the table, by :func:`param_option`)."""
    for option in reversed((
        param_option("--activation", "activation"),
        param_option("--init", "init"),
        param_option("--learning-rate", "learning_rate", metavar="RATE"),
        param_option("--iterations", "max_iter", metavar="N"),
        param_option("--seed", "random_state", metavar="SEED", default=1, show_default=True),
        param_option("--solver", "solver"),
        param_option("--batch-size", "batch_size", metavar="N"),
        param_option("--alpha", "alpha", metavar="A"),
        param_option("--dropout", "dropout", metavar="RATE"),
        param_option("--early-stopping", "early_stopping"),
        param_option("--patience", "n_iter_no_change", metavar="N",
                     help="With --early-stopping: the epochs (iterations of gradient "
                          "descent) without improvement of the held-out score before "
                          "training stops"),
        param_option("--class-weight", "class_weight", type=click.Choice(["balanced"])),
    )):
        command = option(command)
    return command


# --------------------------------------------------------------------------- the group


@click.group(
    cls=NnscratchGroup,
    context_settings=_CONTEXT,
    epilog=examples(
        "nnscratch demo",
        "nnscratch train data/train_catvnoncat.h5 --hidden 20,7,5 --init lecun \\",
        "    --learning-rate 0.0075 --iterations 2500 --seed 1 \\",
        "    --test data/test_catvnoncat.h5 --output cat.npz",
        "nnscratch evaluate cat.npz data/test_catvnoncat.h5",
        "nnscratch predict cat.npz my_cat.jpg",
        "nnscratch plot cat.npz --output costs.png",
    ),
)
@click.version_option(__version__, "--version", prog_name=PROG)
def cli() -> None:
    """Neural-network classifiers from scratch: train, evaluate, predict, plot.

    DATA is a course-style HDF5 file (.h5), a folder with one sub-folder of pictures
    or text files per class, a CSV file with a header, an svmlight file (.svm), a
    Zarr store, or a built-in set. Run 'nnscratch COMMAND --help' for each command.

    \b
    Built-in sets: flower, moons, circles, breast-cancer, digits.
    Integer options take at most 2147483647 (--seed: 0 to 4294967295).
    """


_IMAGE_SIZE = click.option(
    "--image-size", default=64, show_default=True, type=IntegerRange(1, MAX_IMAGE_SIZE),
    help="Pictures only: they are resized to SIZE x SIZE RGB (pictures already that size "
         "keep their pixels).")
_STREAM = click.option(
    "--stream", is_flag=True,
    help="Read an .h5/.hdf5 file or a Zarr store in chunks, even if it fits in memory "
         "(automatic when it does not).")
_CHUNK_ROWS = click.option(
    "--chunk-rows", type=IntegerRange(1, MAX_INTEGER), metavar="N",
    help="Rows per chunk when reading in chunks (implies --stream; default: 64 MiB of "
         "features).")
_LABEL_COLUMN = click.option(
    "--label-column", metavar="NAME",
    help="CSV only: the column holding the labels (default: the last column).")


@cli.command(epilog=examples(
    "# logistic regression, the seeds' first model",
    "nnscratch train train_catvnoncat.h5 --learning-rate 0.005 --iterations 2000 \\",
    "    --test test_catvnoncat.h5 --output lr.npz",
    "# the course's deep network (test accuracy 80 %)",
    "nnscratch train train_catvnoncat.h5 --hidden 20,7,5 --init lecun \\",
    "    --learning-rate 0.0075 --iterations 2500 --seed 1 \\",
    "    --test test_catvnoncat.h5 --output deep.npz",
    "# a CSV file, labels in the column 'species'",
    "nnscratch train flowers.csv --label-column species --hidden 8 --output f.npz",
    "# a built-in set (a fixed 25 % test split is held out)",
    "nnscratch train flower --hidden 4 --activation tanh --init small \\",
    "    --learning-rate 1.2 --iterations 10000 --output flower.npz",
    "# text: spam/*.txt and ham/*.txt, TF-IDF of words and pairs of words",
    "nnscratch train mail/train --ngrams 1,2 --learning-rate 1 --iterations 300 \\",
    "    --test mail/test --output spam.npz",
    "# an svmlight/libsvm file",
    "nnscratch train news.svm --hidden 16 --solver adam --learning-rate 0.01 -o news.npz",
))
@click.argument("data", metavar="DATA")
@click.option("--output", "-o", "output", required=True, type=click.Path(),
              help="Model file to write (.npz); written atomically.")
@click.option("--hidden", type=LayerSizes(), metavar="SIZES",
              help="Hidden layer sizes, e.g. 20,7,5 (a network). Without it: logistic "
                   "regression.")
@estimator_options
@_IMAGE_SIZE
@_LABEL_COLUMN
@click.option("--test", "test_data", metavar="DATA",
              help="Test data, prepared like the training data; its accuracy is printed. "
                   "Built-in sets hold out 25 % when --test is not given.")
@param_option("--cost-every", "cost_every", metavar="N")
@text_options
@_STREAM
@_CHUNK_ROWS
@json_option()
@click.pass_context
def train(ctx, data, output, hidden, image_size, label_column, test_data, stream, chunk_rows,
          as_json, vectorizer, ngram_range, max_features, min_df, **params):
    """Train a classifier on DATA and save it to a model file.

    DATA is a .h5/.hdf5 file in the course's layout (*_set_x, *_set_y, list_classes),
    a folder with one sub-folder of pictures per class (PNG, JPEG, ...), a folder with
    one sub-folder of text files per class (.txt, .text, .eml: spam/, ham/), a .csv
    file with a header, an svmlight/libsvm file (.svm, .svmlight, .libsvm), or a
    built-in set: flower, moons, circles, breast-cancer, digits.

    Without --hidden it trains logistic regression (one sigmoid neuron, zero
    initialisation), the seeds' first model; with --hidden a deep network with those
    hidden layers and a sigmoid output. A progress bar (on stderr, when it is a
    terminal) shows the iteration, the cost and the time left. At the end it prints the
    train accuracy and, with test data, the test accuracy.

    Pictures are flattened and divided by 255; CSV columns are standardised with the
    training set's mean and standard deviation; text becomes TF-IDF weights of its
    words (scikit-learn's vectorizer, a sparse matrix; --vectorizer, --ngrams,
    --max-features, --min-df); svmlight rows are taken as they are (sparse). This
    preprocessing is stored in the model file (a text model's vocabulary as arrays),
    so 'nnscratch predict' works on raw pictures, raw CSV rows and raw text files.
    Every text file must be UTF-8, not empty and not binary: a bad one is refused,
    by name, before training starts.

    An HDF5 file or a Zarr store is read in chunks when --stream or --chunk-rows is
    given, when its features would take more than half the available memory, or when
    it is in the X/y layout (datasets 'X', examples x features, and 'y'): mini-batch
    epochs (--batch-size, default 256; --iterations counts epochs, default 10) over the
    chunks in a shuffled order, with memory bounded by a few chunks and the model.
    """
    text = {"vectorizer": vectorizer, "ngram_range": ngram_range,
            "max_features": max_features, "min_df": min_df}
    result = _commands.train(data, output, hidden=hidden, params=params,
                             image_size=_given(ctx, "image_size", image_size),
                             label_column=label_column, test_data=test_data,
                             flags=_flags(ctx), stream=stream, chunk_rows=chunk_rows,
                             text=text)
    emit(result, as_json, _commands.format_training)


@cli.command(epilog=examples(
    "nnscratch evaluate cat.npz test_catvnoncat.h5",
    "nnscratch evaluate cat.npz pictures/test --positive-class cat --json",
    "nnscratch evaluate spam.npz mail/test",
    "nnscratch evaluate iris.npz iris_test.csv --label-column species",
))
@click.argument("model", type=click.Path())
@click.argument("data", metavar="DATA")
@_LABEL_COLUMN
@_STREAM
@_CHUNK_ROWS
@click.option("--positive-class", metavar="NAME",
              help="For a model of two classes, the class whose precision, recall and F1 "
                   "are given (default: the second, as listed in the confusion matrix; "
                   "e.g. cat where picture folders sort 'cat' before 'non-cat').")
@json_option("Print one JSON object with the keys accuracy, precision, recall, f1, log_loss, "
             "confusion_matrix, n_samples (and classes, positive_class, average).")
def evaluate(model, data, label_column, stream, chunk_rows, positive_class, as_json):
    """Score MODEL on labelled DATA (a .h5 file, a folder of pictures or text files, a
    .csv file, an svmlight file or a built-in set, as for 'nnscratch train').

    Prints accuracy, precision, recall, F1 (of the positive class for two classes: the
    second unless --positive-class names the other; macro-averaged for more), the
    log-loss and the confusion matrix (rows: true class, columns: predicted class).
    DATA is prepared with the model's stored preprocessing. For a built-in set that the
    model was trained on, the held-out test part is used. An .h5 file or a Zarr store is scored in chunks as 'nnscratch train'
    reads it (--stream, --chunk-rows, too large for memory, or the X/y layout).
    """
    emit(_commands.evaluate(model, data, label_column, stream=stream, chunk_rows=chunk_rows,
                            positive_class=positive_class),
         as_json, _commands.format_evaluation)


@cli.command(epilog=examples(
    "nnscratch predict cat.npz my_cat.jpg other.png",
    "nnscratch predict cat.npz photos/ --json",
    "nnscratch predict iris.npz new_rows.csv",
    "nnscratch predict spam.npz message.txt inbox/",
))
@click.argument("model", type=click.Path())
@click.argument("inputs", metavar="INPUT...", nargs=-1, required=True)
@click.option("--stream", is_flag=True,
              help="Read an .h5/.hdf5 file or a Zarr store in chunks (it always is: "
                   "accepted as for train and evaluate).")
@_CHUNK_ROWS
@json_option('Print a JSON list: {"input", "label", "probability", "probabilities"} per '
             'input (or {"input", "error"} for one that cannot be read).')
def predict(model, inputs, stream, chunk_rows, as_json):
    """Predict the class of each INPUT with MODEL.

    For a model trained on pictures, each INPUT is a picture (PNG, JPEG, ... of any size;
    grayscale, RGBA and palette pictures are converted to RGB and resized like the
    training pictures). For a model trained on a table, each INPUT is a CSV file with a
    header holding the model's feature columns (the label column may be absent); every
    row gets a prediction. For a model trained on text, each INPUT is a raw text file
    (.txt, .text, .eml; UTF-8). For an svmlight model, each INPUT is an svmlight file
    (its labels are ignored); every row gets a prediction. A folder stands for the
    pictures (or CSV, text, svmlight files) inside it; a labelled folder with one
    sub-folder per class (as for 'nnscratch train') stands for the files in its
    sub-folders.

    An INPUT that cannot be read gets a one-line message on stderr (and an "error" entry
    with --json); the other inputs are still predicted, and the exit code is 2.

    An .h5/.hdf5 file or a Zarr store (the only INPUT then) is read in chunks: one
    prediction per row, named FILE[i], printed as each chunk is predicted.
    """
    if any(not str(i).strip() for i in inputs):  # Path("") is the current folder
        raise _commands.InputError("an empty INPUT was given; give a picture, a folder, a "
                                   "CSV file or another input to predict")
    stores = [i for i in inputs if _commands.is_array_store(i)]
    if stores:
        if len(inputs) > 1:
            raise _commands.InputError(f"{stores[0]}: an .h5 file or a Zarr store is predicted "
                                       "row by row on its own; give it as the only INPUT")
        _commands.predict_stream(model, stores[0], _Stdout(click.get_text_stream("stdout")),
                                 as_json=as_json, chunk_rows=chunk_rows)
        return
    if chunk_rows is not None or stream:
        raise _commands.InputError(f"{'--chunk-rows' if chunk_rows is not None else '--stream'}"
                                   " applies to an .h5 file or a Zarr store; drop it for "
                                   "pictures, CSV, text and svmlight files")
    results, failed = _commands.predict(model, inputs)
    emit(results, as_json, _commands.format_predictions)
    if failed:
        raise click.exceptions.Exit(2)


@cli.command(epilog=examples(
    "nnscratch plot cat.npz --output costs.png",
    "nnscratch plot cat.npz --kind mislabeled --data test_catvnoncat.h5 --output wrong.png",
    "nnscratch plot flower.npz --kind boundary --output boundary.png",
))
@click.argument("model", type=click.Path())
@click.option("--output", "-o", required=True, type=click.Path(),
              help="The PNG picture to write (name ending in .png); written atomically.")
@click.option("--kind", type=click.Choice(["costs", "boundary", "mislabeled"]),
              default="costs", show_default=True,
              help="costs: the cost curve (one point every cost_every iterations, 100 "
                   "as in the seeds unless --cost-every said otherwise); "
                   "boundary: the predicted regions of a 2-D model with the data points; "
                   "mislabeled: a grid of the pictures the model gets wrong.")
@click.option("--data", metavar="DATA",
              help="Labelled data for --kind boundary / mislabeled (a model trained on a "
                   "built-in set uses that set by default).")
@_LABEL_COLUMN
def plot(model, output, kind, data, label_column):
    """Draw a picture of MODEL into a PNG file.

    --kind costs draws the cost recorded every cost_every iterations (the x axis counts
    them: hundreds of iterations by default, as in the seeds). --kind boundary colours the regions a model
    trained on 2-D data predicts and draws the DATA points on top. --kind mislabeled
    shows up to 20 pictures of DATA that the model gets wrong, with their true and
    predicted labels.
    """
    _commands.plot(model, output, kind, data, label_column)


@cli.command(epilog=examples("nnscratch summary cat.npz", "nnscratch summary cat.npz --json"))
@click.argument("model", type=click.Path())
@json_option("Print one JSON object (keys model_type, layers, n_parameters, hyperparameters, "
             "classes, final_cost, preprocessing, training, ...).")
def summary(model, as_json):
    """Describe MODEL: layers, shapes of every W and b, parameter count, activations,
    training settings, classes, final cost."""
    emit(_commands.summarize(model), as_json, _commands.format_summary)


@cli.command(epilog=examples(
    "nnscratch demo                        # the built-in flower data",
    "nnscratch demo --data ../shared/data/catvnoncat --output-dir cat-demo",
    "nnscratch demo --data moons --json",
))
@click.option("--data", metavar="DIR|NAME",
              help="A folder holding train*.h5 and test*.h5 (e.g. the course's "
                   "catvnoncat files) or train/ and test/ folders of class sub-folders "
                   "(pictures or text files); or a 2-D "
                   "built-in set (flower, moons, circles). Default: flower.")
@click.option("--output-dir", default="nnscratch-demo", show_default=True,
              type=click.Path(file_okay=False),
              help="Folder for the pictures and the three model files (created if needed).")
@_IMAGE_SIZE
@json_option("Print the results table as one JSON object on stdout.")
@click.pass_context
def demo(ctx, data, output_dir, image_size, as_json):
    """Train the seeds' three models and compare them: the main job.

    Trains logistic regression, a network with one hidden layer and a deep network
    (20, 7, 5) on the same data, prints a table of train and test accuracy and training
    time, and writes into --output-dir: costs.png (the three cost curves), boundary.png
    (2-D data: the three decision boundaries) or mislabeled.png (pictures: the test
    pictures the deep network gets wrong), and the three model files (.npz) for
    'nnscratch predict'.

    On the built-in flower set (the course's planar data; 25 % held out for testing) it
    uses settings that suit it (tanh hidden units, learning rate 1.2 as in the course).
    Given the course's cat files it uses the course's settings and reproduces its
    results: 99.04/70 %, 100/72 % and 98.56/80 % train/test accuracy.
    """
    emit(_commands.demo(data, output_dir, _given(ctx, "image_size", image_size)), as_json,
         _commands.format_demo)


# --------------------------------------------------------------------------- entry point


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit code.

    Never raises: every error becomes one line on stderr and exit code 1 (failure
    while running) or 2 (bad usage or bad input).
    """
    return cli.main(args=argv, prog_name=PROG, standalone_mode=False)


def main(argv: Sequence[str] | None = None) -> None:
    """The console script ``nnscratch``: exits with :func:`run`'s code.

    For the command it runs, it also opens the null device on a standard stream the
    process started without, keeps a stderr that cannot be written from failing the
    command, and takes SIGTERM and SIGHUP as Ctrl-C (exit code 128 plus the signal's
    number); it gives all this back before it exits. After an interrupt or a lack of
    memory it ends the process at once (:func:`_exit_now`).
    """
    if sys.stdout is None:  # started with stdout closed (>&-): Python gives None
        _error("standard output is closed, so nothing could be printed: run the command "
               "with its output going to the terminal, a file or a pipe (>/dev/null to "
               "discard it)")
        sys.exit(2)
    with _console():
        code, abrupt = cli._run(argv, PROG, None)
        code = _flush_stdout(code)
    if abrupt:
        _exit_now(code)
    sys.exit(code)


# --------------------------------------------------------------------------- more commands
# Further commands go below this line as self-contained blocks (see "Adding a command"
# in the module's docstring).


# ---------------------------------------------------------------- check and trace
# The course's glass box: its work lives in nnscratch.course (which does not import click).


@cli.command(name="check", epilog=examples(
    "nnscratch check my_solution.py",
    "nnscratch check 'Building your Deep Neural Network - Step by Step.ipynb'",
    "nnscratch check week4.py --assignment deep --json",
    "nnscratch check my_solution.py --only propagate,optimize",
))
@click.argument("file", metavar="FILE")
@click.option("--assignment", type=click.Choice(["logistic", "shallow", "deep"]),
              help="Which assignment FILE implements (default: detected from its function "
                   "names).")
@click.option("--timeout", type=Seconds(), default=20.0,
              show_default=True, metavar="SECONDS", help="Time limit for each function.")
@click.option("--only", type=FunctionNames(), metavar="NAMES", multiple=True,
              help="Check only these functions, comma-separated (e.g. propagate,optimize; "
                   "given again, its names are added); the others are neither run nor "
                   "reported.")
@json_option("Print one JSON object: assignment, file, functions (name, status, array, "
             "expected_shape, actual_shape, max_abs_diff, max_rel_diff, where, "
             "expected_value, actual_value, found, hint, hint_id, case, message, lines), "
             "imported, passed, failed, errors, missing, file_error (null, or type, "
             "message and lines where the file itself could not be loaded).")
def check_command(file, assignment, timeout, only, as_json):
    """Check your own implementation of the course's functions in FILE.

    FILE is a .py file or a Jupyter notebook (.ipynb: only its imports and
    definitions are run, not the cells that load data, test or train; a course
    helper module such as dnn_utils that is not beside it is given by the library).
    Each course function FILE defines runs (in a separate process, with a time limit)
    on the course's own test inputs and on seeded ones, and is compared with the
    library's reference: pass, fail (the first array that differs, its shapes, where
    the largest difference lies with both values, and a hint for the known mistakes),
    error (your exception and the lines of your file) or missing. Exit code 0 when
    everything defined passes (with --only, everything asked for is defined and
    passes), 1 when something fails, 2 for bad usage.
    """
    # --only a --only b: both (click kept the last alone)
    only = list(dict.fromkeys(n for names in only for n in names)) if only else None
    report = _commands.check_solution(file, assignment, timeout, only)
    emit(report.to_dict() if as_json else report, as_json, str)
    return 0 if report.ok else 1


@cli.command(name="trace", epilog=examples(
    "nnscratch trace cat.npz train_catvnoncat.h5",
    "nnscratch trace flower.npz flower --json",
))
@click.argument("model", type=click.Path())
@click.argument("data", metavar="DATA")
@_LABEL_COLUMN
@click.option("--no-gradient-check", "no_gradient_check", is_flag=True,
              help="Leave out the gradient check.")
@json_option("Print the trace as one JSON object (one entry per layer).")
def trace_command(model, data, label_column, no_gradient_check, as_json):
    """Trace one training step of MODEL on DATA, layer by layer, in the course's notation.

    Forward then backward, each layer's equations, the shape and summary values of
    every array (W, b, Z, A, dA, dZ, dW, db), dead ReLU and saturated sigmoid/tanh
    units, ‖dW‖/‖W‖ with a flag where gradients vanish or explode, and the gradient
    check of the step. DATA is prepared with the model's stored preprocessing; of a
    built-in set the model was trained on, the training part is used.
    """
    result = _commands.trace_model(model, data, label_column, not no_gradient_check)
    emit(result.to_dict() if as_json else result, as_json, str)



# --------------------------------------------------------------------------- playground
# One self-contained block: it parses the options and calls nnscratch.playground.


def _check_host(host: str) -> None:
    """Refuse a ``--host`` that is no address of this machine, blaming --host (not the
    port): a name that does not resolve, or an address nothing here can listen on."""
    import socket

    hint = "give an address of this machine, e.g. 127.0.0.1 (or 0.0.0.0 for every one)"
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise click.BadParameter(f"'{host}' is not a host name or address ({reason}); {hint}",
                                 param_hint="'--host'") from None
    family, kind, proto, _, address = infos[0]
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.bind((address[0], 0, *address[2:]))  # any free port: only the address
    except OSError as exc:
        raise click.BadParameter(f"cannot listen on '{host}' ({exc.strerror or exc}); {hint}",
                                 param_hint="'--host'") from None


@cli.command(epilog=examples(
    "nnscratch playground",
    "nnscratch playground --port 0 --no-browser",
    "nnscratch playground --data ../shared/data/catvnoncat/train_catvnoncat.h5",
))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets other machines use "
                   "the playground (a warning says so).")
@click.option("--port", default=8765, show_default=True, type=IntegerRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--no-browser", is_flag=True, help="Print the URL but do not open a browser.")
@click.option("--data", "data_file", metavar="FILE", type=click.Path(),
              help="A CSV file (label in the last column) or the course's HDF5 file "
                   "(train_catvnoncat.h5; test_catvnoncat.h5 beside it is the test set), "
                   "read once at start and offered as the data set 'file'.")
def playground(host, port, no_browser, data_file):
    """Train the course's networks live in the browser.

    Starts a local web server and opens its page: pick a data set (the course's flower,
    moons, circles, xor, blobs, spiral, a CSV file or --data), features, layers,
    activations and the training settings, and watch the cost, the decision boundary
    and every hidden unit change as the library's own estimator trains. The page
    exports the model file (for 'nnscratch predict') and Python code that reproduces
    the run exactly; its URL holds the whole setup. Ctrl-C stops the server.
    """
    try:
        from .playground.server import serve
    except ImportError as exc:
        raise click.ClickException(
            f"the playground needs Starlette and uvicorn ({exc.name or exc} is missing): "
            "pip install 'nnscratch[playground]'") from None
    _check_host(host)
    try:
        serve(host=host, port=port, open_browser=not no_browser, data=data_file)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None


# --------------------------------------------------------------------------- search
# Its work is _commands.search (and nnscratch.search, which does not import click).


@cli.command(epilog=examples(
    "# 8 candidates x 3 folds on the local cores",
    "nnscratch search train_catvnoncat.h5 --param 'hidden=7;20,7,5' \\",
    "    --param 'learning_rate=0.0075;0.01' --param 'iterations=1000;2500' \\",
    "    --init lecun --cv 3 --output best.npz",
    "# the same on a Dask cluster, 20 random candidates, JSON on stdout",
    "nnscratch search train_catvnoncat.h5 --param 'hidden=7;20,7,5;16,8' \\",
    "    --param 'alpha=0;0.1;1' --param 'learning_rate=0.001;0.0075;0.01' \\",
    "    --random 20 --scheduler tcp://127.0.0.1:8786 --json --output best.npz",
))
@click.argument("data", metavar="DATA")
@click.option("--param", "specs", multiple=True, required=True, metavar="NAME=V1;V2",
              help="A searched parameter and its values, separated by ';' (a layer list by "
                   "','), e.g. 'hidden=8;16,8'. Names: hidden, learning_rate, iterations, "
                   "batch_size, alpha, dropout, activation, init, solver, seed, class_weight. "
                   "Repeat for each parameter.")
@click.option("--cv", default=5, show_default=True, type=IntegerRange(2, MAX_INTEGER),
              help="Stratified cross-validation folds.")
@click.option("--random", "n_random", type=IntegerRange(1, MAX_INTEGER),
              metavar="N", help="Random search: N candidates drawn from the values (seeded by --seed). "
                   "Default: every combination (grid search).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run the fits on the Dask cluster at ADDRESS (e.g. tcp://127.0.0.1:8786; "
                   "needs pip install 'nnscratch[dask]'). Default: the local cores.")
@click.option("--n-jobs", default=-1, show_default=True, type=NJobs(), metavar="N",
              help="Local parallel fits (-1: every core, -2: all but one, ...); ignored "
                   "with --scheduler.")
@click.option("--output", "-o", "output", type=click.Path(),
              help="Save the best candidate, refitted on all DATA, to this model file; its "
                   "results CSV and score plot go beside it (NAME.csv, NAME.png) unless "
                   "--results / --plot say otherwise.")
@click.option("--results", "results_path", type=click.Path(),
              help="The results CSV, rewritten (atomically) as candidates finish.")
@click.option("--plot", "plot_path", type=click.Path(),
              help="PNG of the mean score against each searched parameter.")
@click.option("--hidden", type=LayerSizes(), metavar="SIZES",
              help="Fixed hidden layer sizes (a network) when 'hidden' is not searched.")
@estimator_options
@_IMAGE_SIZE
@_LABEL_COLUMN
@text_options
@json_option('Print only {"best_params", "best_score", "candidates": [{"params", '
             '"mean_score", "std_score", "fit_time"}]}.')
@click.pass_context
def search(ctx, data, specs, cv, n_random, scheduler, n_jobs, output, results_path,
           plot_path, hidden, image_size, label_column, as_json, vectorizer, ngram_range,
           max_features, min_df, **params):
    """Search hyper-parameters of a classifier on DATA with cross-validation.

    Every combination of the --param values (or --random N of them) is a candidate,
    scored by its mean accuracy over --cv stratified folds; every other option is fixed
    for all candidates. A text vocabulary or a table's standardisation is learnt on
    each fold's training rows, never on the rows that score the fold. The fits run on
    the local cores, or on a Dask cluster with --scheduler (a worker that dies stops
    the search with one line). An option given and searched at once is refused. Prints a table
    of the candidates (mean and spread of the scores, fit time); the results CSV is
    rewritten as candidates finish, so a search that cannot finish keeps them. The best
    candidate is refitted on all DATA and saved with --output.
    """
    result = _commands.search(
        data, specs, cv=cv, n_random=n_random, scheduler=scheduler, n_jobs=n_jobs,
        output=output, results_path=results_path, plot_path=plot_path, hidden=hidden,
        params=params, image_size=_given(ctx, "image_size", image_size),
        label_column=label_column, flags=_flags(ctx),
        text={"vectorizer": vectorizer, "ngram_range": ngram_range,
              "max_features": max_features, "min_df": min_df},
        given={name for name in params if _given(ctx, name, True)})
    emit(result, as_json, _commands.format_search)
