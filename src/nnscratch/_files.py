"""File helpers: writing a file so that it is never seen half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "missing_folder"]


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
    and the target is left as it was.

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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
