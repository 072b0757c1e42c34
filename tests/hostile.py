"""Helpers of the hostile-input suite (``test_hostile.py``) and the fuzzer (``test_fuzz.py``).

- :func:`run_cli` runs the ``nnscratch`` command in this process (``nnscratch.cli.run``,
  which never raises) with stdout and stderr captured, inside a folder;
- :func:`assert_refused` checks what every refusal must look like: the exit code, exactly
  one line on stderr (``nnscratch: error: ...``), no traceback, no "unexpected failure";
- :func:`snapshot` records every file and folder under a folder (names and bytes), so that
  a test can check that a refused command wrote, changed and removed nothing;
- the makers of good inputs (a small HDF5 file, pictures, CSV text) and of bad ones
  (truncations, bit flips, model files with an entry removed, renamed, re-typed, ...).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ERROR = "nnscratch: error: "
WARNING = "nnscratch: warning: "


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


class CaseTimeout(BaseException):
    """Raised by the alarm of :func:`time_limit` (not an Exception: the CLI cannot catch it)."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise :class:`CaseTimeout` in this (main) thread after ``seconds``."""

    def ring(signum, frame):
        raise CaseTimeout(f"more than {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_cli(args, cwd: Path) -> Result:
    """``nnscratch ARGS`` in this process, in folder ``cwd``; output captured."""
    from nnscratch.cli import run

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run([str(a) for a in args])
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


def assert_refused(result: Result, code: int = 2, fragment: str = "",
                   allow_warnings: bool = False, allow_info: bool = False) -> str:
    """The refusal's one line (asserting the exit code, one error line, no traceback).

    ``allow_warnings`` lets ``nnscratch: warning:`` lines precede it (a CSV read with
    another separator says so); ``allow_info`` lets progress lines precede it (a failure
    while running, exit code 1, comes after "training ... on N samples").
    """
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    assert "unexpected failure" not in text, result.stderr
    assert result.code == code, (result.code, result.stdout, result.stderr)
    lines = result.lines
    if allow_warnings:
        lines = [line for line in lines if not line.startswith(WARNING)]
    if allow_info:
        lines = [line for line in lines if line.startswith(ERROR)]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(ERROR), line
    assert fragment.lower() in line.lower(), (fragment, line)
    return line


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: relative name -> "dir" or the SHA-256 of its bytes."""
    out: dict[str, str] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            out[os.path.relpath(os.path.join(root, name), folder)] = "dir"
        for name in files:
            path = os.path.join(root, name)
            try:
                data = Path(path).read_bytes()
            except OSError:
                data = b"<unreadable>"
            out[os.path.relpath(path, folder)] = hashlib.sha256(data).hexdigest()
    return out


# --------------------------------------------------------------------------- good inputs


def pictures(n: int = 6, size: int = 8, seed: int = 0) -> np.ndarray:
    """``n`` random RGB pictures ``(n, size, size, 3)`` uint8."""
    return np.random.default_rng(seed).integers(0, 256, (n, size, size, 3), dtype=np.uint8)


def write_h5(path: Path, x=None, y=None, classes=(b"non-cat", b"cat"), extra=None) -> Path:
    """A course-layout HDF5 file (``train_set_x``, ``train_set_y``, ``list_classes``)."""
    import h5py

    x = pictures() if x is None else x
    y = np.array([0, 1] * (len(x) // 2) + [0] * (len(x) % 2)) if y is None else y
    with h5py.File(path, "w") as f:
        f["train_set_x"] = x
        f["train_set_y"] = y
        if classes is not None:
            f["list_classes"] = np.array(classes)
        for key, value in (extra or {}).items():
            f[key] = value
    return path


def png_bytes(size: int = 8, seed: int = 0) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(pictures(1, size, seed)[0]).save(buf, format="PNG")
    return buf.getvalue()


def jpeg_bytes(size: int = 16, seed: int = 0) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(pictures(1, size, seed)[0]).save(buf, format="JPEG")
    return buf.getvalue()


def huge_png_bytes(width: int, height: int) -> bytes:
    """A valid 1-bit grayscale PNG of width x height pixels, kilobytes on disk."""
    row = b"\x00" * (1 + (width + 7) // 8)
    comp = zlib.compressobj(9)
    data = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


def picture_folder(root: Path, classes=("cat", "dog"), n: int = 3, size: int = 8) -> Path:
    for k, name in enumerate(classes):
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            (root / name / f"{i}.png").write_bytes(png_bytes(size, seed=10 * k + i))
    return root


GOOD_CSV = "a,b,label\n" + "".join(
    f"{i * 0.5:g},{(i * 7) % 5 - 2:g},{'xy'[i % 2]}\n" for i in range(12)
)


# --------------------------------------------------------------------------- damage


def truncated(data: bytes, keep: float) -> bytes:
    return data[: int(len(data) * keep)]


def bit_flipped(data: bytes, offsets) -> bytes:
    out = bytearray(data)
    for k in offsets:
        out[k % len(out)] ^= 0x10
    return bytes(out)


def random_bytes(n: int, seed: int = 0) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8).tobytes()


# --------------------------------------------------------------------------- model files


def model_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def model_settings(arrays: dict) -> dict:
    return json.loads(arrays["settings"].tobytes().decode("utf-8"))


def settings_array(settings: dict) -> np.ndarray:
    return np.frombuffer(json.dumps(settings).encode("utf-8"), dtype=np.uint8)


def write_npz(path: Path, arrays: dict, allow_pickle: bool = False) -> Path:
    if allow_pickle:  # np.savez pickles object arrays: a hostile file, never loaded
        with open(path, "wb") as f:
            np.savez(f, **arrays)
    else:
        np.savez(path, **arrays)
    return path


def zip_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path
