"""File helpers: writing a file so that it is never seen half-written."""

from __future__ import annotations

import errno
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["WriteError", "atomic_write", "link_nowhere", "missing_folder", "name_too_long"]


class WriteError(OSError):
    """A file could not be written for want of space or permission; the message names
    the file, the reason and what to do (``errno`` is the system's)."""


#: The system's reasons a write fails that a user can act on, in words.
_CANNOT_WRITE = {
    errno.ENOSPC: "no space is left on the device",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file would be too large for the file system",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "its path is longer than the system allows",
}

#: The longest name of a file in a folder on the usual file systems, in bytes
#: (``NAME_MAX``).
NAME_MAX = 255

#: The most bytes of the output's name that its temporary file's name keeps
#: (``.<name>.<8 random>.tmp``), so that any name the folder takes has a temporary
#: one that fits too.
_TEMP_NAME_BYTES = 64


def name_too_long(path: str | os.PathLike) -> str:
    """The line for a path the system refused as too long (``ENAMETOOLONG``): which
    name in it is longer than a folder can hold, or that the whole path is too long."""
    text = os.fsdecode(path)
    shown = text if len(text) <= 60 else f"{text[:40]}...{text[-12:]}"
    parts = Path(text).parts
    for part in parts:
        size = len(os.fsencode(part))
        if size > NAME_MAX:
            which = "the name" if len(parts) == 1 else "a name in this path"
            return (f"{shown}: {which} is {size} bytes long, more than the file system "
                    f"allows ({NAME_MAX} bytes); use a shorter name")
    return (f"{shown}: the path is {len(os.fsencode(text))} bytes long, more than the system "
            "allows; use a shorter path")


def link_nowhere(path: str | os.PathLike, what: str = "a file") -> str | None:
    """What ``path`` is when it is a symbolic link that leads to nothing, else None: the
    end of a loop of links, or a link to a missing target (naming it), where "no such
    file" would have the user look for a file that ``ls`` shows (``what``: what the
    link should lead to, for the advice)."""
    try:
        if not os.path.islink(path):
            return None
        os.stat(path)
        return None  # it leads somewhere
    except OSError as exc:
        looped = exc.errno == errno.ELOOP
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    if looped:
        return (f"{os.fsdecode(path)}: is a symbolic link that leads nowhere (a loop of "
                f"links, through '{os.fsdecode(target)}'); point it at {what}")
    return (f"{os.fsdecode(path)}: is a symbolic link to '{os.fsdecode(target)}', which "
            f"does not exist; point it at {what}, or create its target")


def missing_folder(path: str | os.PathLike) -> tuple[Path, bool] | None:
    """Why ``path`` cannot be written for want of a folder, or None when its folder is.

    Returns ``(above, True)`` where a file ``above`` stands where a folder of the path
    should be, ``(folder, False)`` where the folder does not exist.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if folder.is_dir():
        return None
    above = folder
    while not above.exists() and above != above.parent:
        above = above.parent
    if above.exists() and not above.is_dir():
        return above, True
    return folder, False


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> None:
    """Call ``write(tmp_path)`` on a temporary file in ``path``'s folder, then rename it.

    The target is never seen half-written: on any error the temporary file is removed
    and the target is left as it was. Ctrl-C while writing raises a
    ``KeyboardInterrupt`` whose message names the file that was not written.

    Parameters
    ----------
    path : path-like
        The file to write; its folder must exist.
    write : callable
        ``write(tmp_path)`` writes the whole content to the file named ``tmp_path``.

    Raises
    ------
    FileNotFoundError
        ``path``'s folder does not exist.
    NotADirectoryError
        ``path``'s parent is a file.
    IsADirectoryError
        ``path`` is a folder (refused before ``write`` is called).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    missing = missing_folder(path)
    if missing is not None:
        where, is_file = missing
        if is_file:
            raise NotADirectoryError(f"{where}: is a file, not a folder for the output file")
        raise FileNotFoundError(f"{where}: no such folder for the output file")
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a folder; give the output a file name inside "
                                "it or elsewhere")
    existed = path.exists()
    try:
        with _terminate_as_exit():
            # the name's first bytes: a name the folder takes (up to 255 bytes) fails
            # here no more, after the work, for a temporary name 14 bytes longer
            stem = os.fsdecode(os.fsencode(path.name)[:_TEMP_NAME_BYTES])
            fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=".tmp", dir=folder)
            os.close(fd)
            try:
                write(tmp)
                os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except FileNotFoundError:
                    pass
                raise
    except KeyboardInterrupt:  # Ctrl-C while writing: say what became of the file
        raise KeyboardInterrupt(f"{path} was not written" + (
            " (the file there is as it was)" if existed else "")) from None
    except OSError as exc:
        reason = _CANNOT_WRITE.get(exc.errno)
        if reason is None or isinstance(exc, WriteError):
            raise
        error = WriteError(f"{path}: cannot write it, {reason}; free some space, or "
                           "write elsewhere"
                           if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else
                           f"{path}: cannot write it, {reason}; write it under a shorter "
                           "path" if exc.errno == errno.ENAMETOOLONG else
                           f"{path}: cannot write it, {reason}; make the folder writable, "
                           "or write elsewhere")
        error.errno = exc.errno
        raise error from None


@contextmanager
def terminations_handled(handler) -> Iterator[None]:
    """SIGTERM and SIGHUP (``kill``, ``timeout``, a closed terminal) handled by
    ``handler`` for the duration, their handlers put back after it. Only in the main
    thread, and only where no handler of the program's own is set (their default ends
    the process at once)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, handler_before in previous.items():
            signal.signal(number, handler_before)


def _terminate_as_exit():
    """SIGTERM and SIGHUP raise SystemExit for the duration, so that the temporary file
    is removed as for any error; by default they end the process at once and left it
    behind (tens of MB each, hidden). (Under the console script they are Ctrl-C already:
    its handler is kept.)"""
    return terminations_handled(_exit_on_signal)


def _exit_on_signal(number: int, frame) -> None:
    raise SystemExit(128 + number)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
