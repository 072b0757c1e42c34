"""Loading data for nnscratch: the course's HDF5 files, image folders, CSV files, text
folders, svmlight/libsvm files, built-in sets.

Every loader returns a :class:`Dataset`: the features ``X`` in scikit-learn's layout
``(n_samples, n_features)`` (float64; a scipy.sparse CSR matrix for text and svmlight
data), integer class codes ``y`` ``(n_samples,)`` that
index ``class_names``, and the :class:`Preprocessor` that turned the raw input into
features. The preprocessor is plain data (:meth:`Preprocessor.to_dict`): it is stored in
the model file, so that a raw picture or a raw CSV row given to ``nnscratch predict``
goes through exactly the same steps as the training data.

The preprocessing itself (:class:`~nnscratch.preprocessing.Preprocessor`, re-exported
here) lives in :mod:`nnscratch.preprocessing`; :class:`DatasetError` in
:mod:`nnscratch.exceptions` (also re-exported here).

Examples
--------
>>> from nnscratch.datasets import load_dataset, train_test_split
>>> data = load_dataset("flower")
>>> data.X.shape, data.class_names
((400, 2), ['red', 'blue'])
>>> train, test = train_test_split(data)
>>> train.n_samples, test.n_samples
(300, 100)
"""

from __future__ import annotations

import array
import csv
import math
import operator
import os
import re
import stat
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ._limits import MAX_VALUE
from .exceptions import DatasetError
from .preprocessing import (
    MAX_SVMLIGHT_FEATURES,
    Preprocessor,
    _check_class_names,
    _check_image_size,
)
from .text import TEXT_EXTENSIONS, make_spam_corpus, read_texts

__all__ = [
    "BUILTIN_DATASETS",
    "IMAGE_EXTENSIONS",
    "SVMLIGHT_EXTENSIONS",
    "TEXT_EXTENSIONS",
    "Dataset",
    "DatasetError",
    "Preprocessor",
    "folder_kind",
    "load_builtin",
    "load_csv",
    "load_dataset",
    "load_flower",
    "load_hdf5",
    "load_image_folder",
    "load_svmlight",
    "load_text_folder",
    "load_train_test",
    "make_spam_corpus",
    "prediction_inputs",
    "read_csv_features",
    "read_image",
    "read_svmlight_features",
    "train_test_split",
]

#: File name endings read as pictures in an image folder or given to ``predict``.
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")

#: File name endings read as svmlight/libsvm files (``label index:value ...`` per line).
SVMLIGHT_EXTENSIONS = (".svm", ".svmlight", ".libsvm")

#: The endings of the files ``nnscratch predict`` takes from a folder, by the model's kind.
_INPUT_EXTENSIONS = {"image": IMAGE_EXTENSIONS, "tabular": (".csv",),
                     "text": TEXT_EXTENSIONS, "svmlight": SVMLIGHT_EXTENSIONS}
_INPUT_WORDS = {"image": "pictures", "tabular": "CSV files", "text": "text files",
                "svmlight": "svmlight files"}

#: Class codes in an HDF5 file must be below this (names are made for codes without any).
MAX_CLASSES = 10_000

#: The built-in data sets, name -> one-line description.
BUILTIN_DATASETS = {
    "flower": "the course's planar 'flower' set: 400 2-D points, 2 classes (red/blue)",
    "moons": "scikit-learn's two interleaving half circles: 400 2-D points, noise 0.2",
    "circles": "scikit-learn's two nested circles: 400 2-D points, noise 0.1, factor 0.5",
    "breast-cancer": "scikit-learn's Wisconsin breast cancer set: 569 samples, 30 features",
    "digits": "scikit-learn's 8x8 handwritten digits: 1797 samples, 64 features, 10 classes",
}

_SPLIT_SEED = 0
_SPLIT_TEST_SIZE = 0.25


# --------------------------------------------------------------------------- the result


@dataclass
class Dataset:
    """Features, labels and how they were made.

    Attributes
    ----------
    X : ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_features), float64
        The preprocessed features (sparse for text and svmlight data).
    y : ndarray of shape (n_samples,), int64
        Class codes: ``y[i]`` indexes ``class_names``.
    class_names : list of str
        Human-readable name of each class code.
    preprocessor : Preprocessor
        How the raw input became ``X``.
    raw : ndarray or scipy.sparse.csr_matrix
        The raw input: uint8 pictures ``(n_samples, size, size, 3)`` for images, the
        unscaled values ``(n_samples, n_features)`` for tabular data, the texts
        ``(n_samples,)`` (an object array of str) for text, the sparse rows for svmlight.
    source : str
        Where the data came from (a path or a built-in name).
    names : list of str
        One name per sample (file name, ``file.csv:row N``, or ``name[i]``).
    """

    X: np.ndarray
    y: np.ndarray
    class_names: list[str]
    preprocessor: Preprocessor
    raw: np.ndarray
    source: str
    names: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """``"image"``, ``"tabular"``, ``"text"`` or ``"svmlight"``."""
        return self.preprocessor.kind

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    def subset(self, index: np.ndarray) -> Dataset:
        """The samples at ``index`` (same preprocessing and class names)."""
        index = np.asarray(index)
        return replace(
            self,
            X=self.X[index],
            y=self.y[index],
            raw=self.raw[index],
            names=[self.names[i] for i in index] if self.names else [],
        )


def _picture_size(path: Path, image_size: Any, preprocessor: Preprocessor | None) -> int:
    """The side length to read pictures at: a trained model's, else ``image_size``."""
    if preprocessor is not None:
        if preprocessor.kind != "image":
            raise DatasetError(f"{path}: holds pictures, but the model was trained on "
                               f"{preprocessor.described}")
        image_size = preprocessor.size
    _check_image_size(image_size)
    return image_size


def _make_dataset(raw, codes, class_names, preprocessor, source, names) -> Dataset:
    _check_class_names([str(c) for c in class_names], str(source))
    X = preprocessor.transform(raw)
    return Dataset(
        X=X,
        y=np.asarray(codes, dtype=np.int64),
        class_names=[str(c) for c in class_names],
        preprocessor=preprocessor,
        raw=raw,
        source=str(source),
        names=list(names),
    )


def _codes_for(labels: Sequence[str], class_names: Sequence[str] | None, source: str):
    """Integer codes for string labels; new class names when ``class_names`` is None."""
    labels = [str(v) for v in labels]
    if class_names is None:
        unique = sorted(set(labels), key=_natural_key)
        class_names = unique
    index = {name: i for i, name in enumerate(class_names)}
    unknown = sorted(set(labels) - set(index), key=_natural_key)
    if unknown:
        raise DatasetError(
            f"{source}: labels {unknown[:5]} are not classes of the model "
            f"({list(class_names)}); use data with the model's classes"
        )
    return np.array([index[v] for v in labels], dtype=np.int64), list(class_names)


def _same_label_as(labels: Sequence[str], class_names: Sequence[str] | None,
                   source: str) -> list[str]:
    """CSV labels with one spelling per class: numbers by value (``1``, ``1.0`` and
    ``1.00`` are one class), ``true``/``false`` in any case.

    Without ``class_names`` (training) the spellings of one number become its most
    frequent one, with a warning; with a model's ``class_names`` a label that is not
    one of them takes the one name that means the same (a model trained on ``0.0``/
    ``1.0`` scores a file that writes ``0``/``1``).
    """
    def meaning(text: str):
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        try:
            value = float(text)
        except ValueError:
            return None
        if not math.isfinite(value):
            return None
        if value.is_integer():
            # a whole number is compared exactly, as an int: 12345678901234567890 and
            # 12345678901234567891 are one float (53 bits) but two classes; 1, 1.0 and
            # 1e0 stay one. Other numbers are compared as floats.
            from decimal import Decimal, InvalidOperation

            try:
                exact = Decimal(text)
            except (InvalidOperation, ValueError):
                return value
            if exact == exact.to_integral_value():
                return int(exact)
        return value

    if class_names is not None:
        known = set(class_names)
        by_meaning: dict[Any, list[str]] = {}
        for name in class_names:
            m = meaning(name)
            if m is not None:
                by_meaning.setdefault((type(m) is bool, m), []).append(name)
        out = []
        for label in labels:
            m = None if label in known else meaning(label)
            same = by_meaning.get((type(m) is bool, m), []) if m is not None else []
            out.append(same[0] if len(same) == 1 else label)
        return out
    spellings: dict[Any, dict[str, int]] = {}
    for label in labels:
        m = meaning(label)
        if m is not None:
            counts = spellings.setdefault((type(m) is bool, m), {})
            counts[label] = counts.get(label, 0) + 1
    rename = {}
    for counts in spellings.values():
        if len(counts) > 1:
            ordered = sorted(counts, key=lambda t: (-counts[t], len(t), t))
            rename.update({t: ordered[0] for t in ordered[1:]})
            warnings.warn(
                f"{source}: the labels {', '.join(repr(t) for t in ordered)} mean the same; "
                f"read as one class {ordered[0]!r}", UserWarning, stacklevel=4)
    return [rename.get(label, label) for label in labels] if rename else list(labels)


def _natural_key(text: str):
    """Numbers first, by value, then text: ``2`` before ``10``. A name that reads as a
    number that is not finite (``nan``, ``inf``) sorts as text: NaN compares false
    with everything, and the order depended on the order of a set's items
    (PYTHONHASHSEED)."""
    try:
        value = float(text)
    except ValueError:
        return (1, 0.0, text)
    return (0, value, text) if math.isfinite(value) else (1, 0.0, text)


# --------------------------------------------------------------------------- images


def read_image(path: str | os.PathLike, size: int) -> np.ndarray:
    """Read one picture as RGB ``(size, size, 3)`` uint8.

    Any mode Pillow reads (RGB, grayscale, RGBA, palette, 16-bit) is converted to RGB;
    transparent pixels (an alpha channel, or a colour key: PNG's ``tRNS``, Pillow's
    ``info["transparency"]``) are put on white. The EXIF orientation is applied; EXIF
    data too damaged to give one leave the picture as stored, with a warning naming the
    file (its pixels are still a picture). A picture that is not ``size`` x ``size`` is
    resized (squashed, like the course's own "predict your image" step); one that is
    keeps its pixels exactly.

    Raises
    ------
    DatasetError
        The file is missing or is not a picture Pillow can read.
    """
    from PIL import Image, UnidentifiedImageError

    _check_image_size(size)
    path = Path(path)
    special = _special_file(path)  # never opened: a named pipe would wait
    if special:
        raise DatasetError(special)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                img.load()
                rgb = _to_rgb(_exif_oriented(img, path))
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DatasetError(_folder_is_not_an_input(path, IMAGE_EXTENSIONS, "pictures")) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DatasetError(_too_large_message(path, exc)) from None
    except UnidentifiedImageError:
        raise DatasetError(f"{path}: not a picture that can be read (PNG, JPEG, ...)") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise DatasetError(f"{path}: cannot read the picture ({_one_line(exc)})") from None
    if rgb.size != (size, size):
        rgb = rgb.resize((size, size), Image.Resampling.LANCZOS)
    return np.asarray(rgb, dtype=np.uint8).reshape(size, size, 3)


#: The turn of each EXIF orientation (2-8; 1 is the picture as stored), as Pillow's
#: ``ImageOps.exif_transpose`` gives it.
_EXIF_TURNS = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE",
               6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"}


def _exif_oriented(img, path: Path):
    """``img`` (loaded) turned as its EXIF orientation tag says.

    Not ``ImageOps.exif_transpose``: after turning the picture it writes the EXIF data
    back without the tag, and slightly damaged EXIF (a tag of the wrong type) made that
    raise ``struct.error``, ``TypeError`` or ``AttributeError``, which ended a whole
    ``predict`` or ``train``. Only the tag is read here. EXIF data that cannot be read,
    or that Pillow reads with warnings (its own, without the file's name, are replaced
    by one that names it), still leave a picture: turned if the tag could be read, as
    stored otherwise.
    """
    from PIL import Image

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            orientation, problem = img.getexif().get(0x0112, 1), None
        except Exception as exc:  # any damage: the picture as stored
            orientation, problem = 1, exc
    if problem is None:
        problem = next((w.message for w in caught if issubclass(w.category, UserWarning)),
                       None)
    try:
        turn = _EXIF_TURNS.get(orientation)  # as Pillow: a rational 6/1 is 6
    except TypeError:  # a value that cannot be looked up (unhashable)
        turn = None
    if problem is not None:
        done = "turned as its orientation tag says" if turn else "as stored"
        warnings.warn(f"{path}: damaged EXIF data ({_one_line(problem)}); the picture is "
                      f"used {done}", UserWarning, stacklevel=3)
    return img.transpose(getattr(Image.Transpose, turn)) if turn else img


def _too_large_message(path: Path, exc: BaseException) -> str:
    """Pillow refuses pictures over ``MAX_IMAGE_PIXELS``: say so, with the size and limit."""
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS or 0
    found = re.search(r"\((\d+) pixels\)", str(exc))  # Pillow: "Image size (N pixels) ..."
    size = f" ({int(found.group(1)) / 1e6:.0f} megapixels)" if found else ""
    return (
        f"{path}: the picture is too large{size}; pictures over {limit / 1e6:.0f} megapixels "
        "are refused (Pillow's guard against decompression bombs): shrink it first"
    )


def _folder_is_not_an_input(path: Path, suffixes: Sequence[str], what: str) -> str:
    """What to say when a folder is given where one picture (or one CSV file, ...) is read."""
    kind = next(k for k, w in _INPUT_WORDS.items() if w == what)
    if prediction_inputs([str(path)], kind) != [str(path)]:
        subdirs = sorted(p.name for p in _visible(path) if p.is_dir())
        shown = ", ".join(f"{n}/" for n in subdirs[:3]) + (", ..." if len(subdirs) > 3 else "")
        return (
            f"{path}: is a folder of {'class ' if kind in ('image', 'text') else ''}sub-folders "
            f"({shown}), not one of the {what}; "
            f"give the {what} or the sub-folders (e.g. {path / subdirs[0]}), or score the "
            "labelled folder with 'nnscratch evaluate MODEL FOLDER'"
        )
    return (
        f"{path}: is a folder that holds no {what} ({', '.join(suffixes)}), neither directly "
        f"nor in sub-folders; give {what} or a folder of them"
    )


def _visible(folder: Path) -> list[Path]:
    """The entries of ``folder`` whose names do not start with a dot (none if unreadable)."""
    try:
        return [p for p in folder.iterdir() if not p.name.startswith(".")]
    except OSError:
        return []


def prediction_inputs(inputs: Sequence[str], kind: str) -> list[str]:
    """The files that ``nnscratch predict INPUT...`` reads, folders expanded.

    A folder stands for the pictures (``kind="image"``) or CSV files (``"tabular"``)
    directly inside it; a folder with none directly inside, such as a labelled folder
    of class sub-folders (``cat/``, ``non-cat/``), stands for those in its sub-folders
    (one level down, sub-folder by sub-folder, each sorted by name). A folder holding
    none at all is kept as it is, so that reading it reports it (:func:`read_image` and
    :func:`read_csv_features` say that it holds none). Other inputs are kept as given.

    Parameters
    ----------
    inputs : sequence of str
        Paths as given on the command line.
    kind : {"image", "tabular", "text", "svmlight"}
        The kind of data the model takes (text: ``.txt``, ``.text``, ``.eml`` files;
        svmlight: ``.svm``, ``.svmlight``, ``.libsvm`` files).

    Returns
    -------
    list of str
    """
    suffixes = _INPUT_EXTENSIONS[kind]

    def files_in(folder: Path) -> list[str]:
        return sorted(str(p) for p in _visible(folder)
                      if p.suffix.lower() in suffixes and p.is_file())

    out: list[str] = []
    for item in inputs:
        path = Path(item)
        if not path.is_dir():
            out.append(item)
            continue
        found = files_in(path)
        if not found:
            for sub in sorted(p for p in _visible(path) if p.is_dir()):
                found.extend(files_in(sub))
        out.extend(found or [item])
    return out


def _to_rgb(img):
    """``img`` in mode RGB, its transparent pixels put on white: those of an alpha
    channel, and those of a colour key (``info["transparency"]``, PNG's ``tRNS``: one
    colour of an RGB or grayscale picture, 8- or 16-bit, or palette entries). A key
    that Pillow cannot apply (of the wrong type) is ignored."""
    from PIL import Image

    key = img.info.get("transparency")
    if img.mode == "RGB" and key is None:
        return img
    if img.mode.startswith("I;16") or img.mode in ("I", "F"):
        values = np.asarray(img, dtype=np.float64)
        gray = Image.fromarray(_gray_to_uint8(values, img.mode), mode="L")
        if isinstance(key, (int, float)) and not isinstance(key, bool):  # the key's value
            alpha = np.where(values == key, 0, 255).astype(np.uint8)     # in the file's bits
            gray = Image.merge("LA", (gray, Image.fromarray(alpha, mode="L")))
        img = gray
    elif key is not None and img.mode in ("1", "L", "P", "RGB"):
        try:
            img = img.convert("RGBA")
        except (TypeError, ValueError):  # a key of the wrong type: the colours as they are
            img = img.copy()
            img.info.pop("transparency", None)
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        img = img.convert("RGBA")
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, img).convert("RGB")
    return img.convert("RGB")


def _gray_to_uint8(arr: np.ndarray, mode: str) -> np.ndarray:
    """A grayscale picture of more than 8 bits (Pillow's mode ``I;16*``, ``I`` or ``F``)
    as 0-255 uint8 pixels.

    16-bit pixels (``I;16``) span 0-65535 whatever their values (a dark 16-bit picture
    stays dark); 32-bit integers are 16-bit values when any exceeds 255, else 8-bit
    ones; floats all in [0, 1] (the usual float TIFF) are scaled by 255, otherwise read
    like the integers. NaN pixels become 0.
    """
    arr = np.nan_to_num(arr, nan=0.0, posinf=0.0, neginf=0.0)
    hi = float(arr.max()) if arr.size else 0.0
    if mode.startswith("I;16") or hi > 255.0:
        arr = arr * (255.0 / 65535.0)
    elif mode == "F" and float(arr.min(initial=0.0)) >= 0.0 and hi <= 1.0:
        arr = arr * 255.0
    return np.rint(np.clip(arr, 0.0, 255.0)).astype(np.uint8)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


#: What a path that is neither a regular file nor a folder is, in words.
_SPECIAL_FILES = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
                  (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def _special_file(path: Path, what: str = "data") -> str | None:
    """The refusal of a path that is there but is neither a regular file nor a folder
    (a named pipe, a socket, a device such as ``/dev/null``), else None. The path is
    never opened: opening a named pipe waits until some program writes into it."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = next((word for test, word in _SPECIAL_FILES if test(mode)), "a special file")
    return (f"{path}: is not a regular file ({kind}); save the {what} in a file and give "
            "that file")


def _no_file(path: Path) -> str:
    """What to say when ``path`` is not a regular file: no such file, or what it is (a
    symbolic link in a loop, or to a missing target, is there: ``ls`` shows it)."""
    from ._files import link_nowhere

    return _special_file(path) or link_nowhere(path) or f"{path}: no such file"


#: The first bytes of every HDF5 file (at offset 0, or 512, 1024, ... after a user block).
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _hdf5_open_failure(path: Path, exc: BaseException) -> str:
    """One line saying why h5py could not open the file ``path``, in words (never HDF5's
    own: "file signature not found"), from the file's size and first bytes."""
    special = _special_file(path)
    if special:
        return special
    if path.is_dir():
        return f"{path}: is a folder, not an HDF5 file; give the .h5/.hdf5 file itself"
    todo = ("give a file written with h5py (an .h5/.hdf5 file), or give the file a name "
            "ending as its real format does (.csv, .svm, ...)")
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            offsets = [0] + [512 << k for k in range(12) if 512 << k < size]
            found = False
            for offset in offsets:
                f.seek(offset)
                if f.read(len(_HDF5_SIGNATURE)) == _HDF5_SIGNATURE:
                    found = True
                    break
    except FileNotFoundError:
        return f"{path}: no such file"
    except OSError as err:
        return (f"{path}: cannot be read ({err.strerror or type(err).__name__}); check "
                "that the file is yours to read")
    if size == 0:
        return f"{path}: is not an HDF5 file (it is empty); {todo}"
    if not found:
        return f"{path}: is not an HDF5 file (its first bytes are not HDF5's signature); {todo}"
    text = str(exc).lower()
    if "unable to lock" in text:  # h5py: "unable to lock file, errno = 11"
        return (f"{path}: not a readable HDF5 file now: another program holds it open for "
                "writing (HDF5 locks it); close it there (f.close() in h5py) and try again")
    if "truncated" in text:
        return (f"{path}: not a readable HDF5 file: it is cut short (truncated), as by an "
                "interrupted copy or download; copy or write it again")
    return (f"{path}: not a readable HDF5 file: it starts as one but is damaged; copy or "
            "write it again")


def _array_to_images(x: np.ndarray, size: int, source: str) -> np.ndarray:
    """uint8 pictures (n, h, w[, c]) -> RGB (n, size, size, 3), resized only if needed."""
    from PIL import Image

    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[3] not in (1, 3, 4):
        hint = ""
        if x.ndim == 2:  # flattened pictures, as the course's train_set_x_flatten

            def picture(n: int) -> str | None:  # n values as one square picture
                for c in (3, 1):
                    side = math.isqrt(n // c)
                    if side > 1 and side * side * c == n:
                        return f"{side}, {side}, {c}"
                return None

            if picture(x.shape[1]):
                hint = (f": flattened pictures? store them as ({x.shape[0]}, "
                        f"{picture(x.shape[1])}), each row reshaped back into its picture")
            hint += ("; rows of features go in the X/y layout (datasets 'X' and 'y')"
                     if not hint else "")
        raise DatasetError(
            f"{source}: pictures must have shape (n, height, width[, 1|3|4]), got "
            f"{x.shape}{hint}")
    if x.dtype != np.uint8:
        x = _pixels_to_uint8(x, source)
    if x.shape[3] == 1:
        x = np.repeat(x, 3, axis=3)
    elif x.shape[3] == 4:
        alpha = x[..., 3:4].astype(np.float64) / 255.0
        x = np.round(x[..., :3] * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)
    if x.shape[1:3] == (size, size):
        return np.ascontiguousarray(x)
    out = np.empty((x.shape[0], size, size, 3), dtype=np.uint8)
    for i, img in enumerate(x):
        out[i] = np.asarray(Image.fromarray(img).resize((size, size), Image.Resampling.LANCZOS))
    return out


def _pixels_to_uint8(x: np.ndarray, source: str) -> np.ndarray:
    """Pixels of another type -> uint8 0-255, saying (a warning) what was done.

    Integers must be 0-255. Floats all in [0, 1] are taken as already scaled (as
    after the course's ``/ 255``): they are multiplied by 255 and rounded, so that the
    model's ``/ 255`` does not divide them a second time. Floats up to 255 are rounded
    (a warning says so when some had fractions).
    """
    if x.dtype == np.bool_ or not (np.issubdtype(x.dtype, np.integer)
                                   or np.issubdtype(x.dtype, np.floating)):
        raise DatasetError(
            f"{source}: pixel values must be numbers (integers 0-255 or floats 0-1), "
            f"found {x.dtype}"
        )
    if x.size == 0:
        return x.astype(np.uint8)
    with np.errstate(all="ignore"):
        xf = x.astype(np.float64)
    finite = bool(np.isfinite(xf).all())
    lo, hi = (float(xf.min()), float(xf.max())) if finite else (0.0, 0.0)
    if not finite or lo < 0 or hi > 255:
        found = "NaN or infinite values" if not finite else f"values from {lo:g} to {hi:g}"
        raise DatasetError(
            f"{source}: pixel values must be from 0 to 255 (or floats from 0 to 1), "
            f"found {found}"
        )
    if np.issubdtype(x.dtype, np.floating):
        if hi <= 1.0:
            warnings.warn(
                f"{source}: float pixels in [0, 1]: taken as already scaled (multiplied by "
                "255 and rounded to 8-bit pixels, then divided by 255 like all pictures)",
                UserWarning, stacklevel=3,
            )
            xf = xf * 255.0
        elif not np.array_equal(xf, np.rint(xf)):
            warnings.warn(
                f"{source}: float pixels from 0 to 255 with fractions: rounded to whole "
                "8-bit values",
                UserWarning, stacklevel=3,
            )
    return np.rint(xf).astype(np.uint8)


def _hdf5_dataset(f, name: str, path: str | os.PathLike | None = None):
    """The dataset ``name`` of the open HDF5 file ``f``, opened only once its data are
    known to lie in ``f`` itself: nothing read from a data file becomes a path.

    Refused (a one-line :class:`DatasetError` naming the file and the dataset): an
    external link (``h5py.ExternalLink``, or any link that is neither hard nor soft)
    on the way to it, a dataset with external raw storage (``external=``) and a virtual
    dataset (``h5py.VirtualLayout``): HDF5 would read other files, by paths written in
    the file. A soft link is followed within the file, one link at a time, each checked
    the same way. A missing name raises KeyError, as ``f[name]`` does; a group (not a
    dataset) is refused in one line.
    """
    import h5py

    source = f.filename if path is None else path
    refusal = (f"{source}: not a readable HDF5 file: dataset {name!r} {{}}, which "
               "nnscratch does not follow; store the data in the file itself and give "
               "that file")
    here, parts, hops = f, [p for p in name.split("/") if p not in ("", ".")], 0
    while parts:
        part = parts.pop(0)
        try:  # the link itself, never followed
            link = here.get(part, getlink=True) if isinstance(here, h5py.Group) else None
        except TypeError:  # h5py: "Unknown link type" (a user-defined link)
            link = "another kind"
        if link is None:
            raise KeyError(f"Unable to open object {name!r} (component not found)")
        if isinstance(link, h5py.SoftLink):  # a path within this file
            hops += 1
            if hops > 16:  # as HDF5's own limit (H5L_NUM_LINKS)
                raise KeyError(f"Unable to open object {name!r} (too many soft links)")
            if link.path.startswith("/"):
                here = f["/"]
            parts = [p for p in link.path.split("/") if p not in ("", ".")] + parts
            continue
        if not isinstance(link, h5py.HardLink):
            raise DatasetError(refusal.format("is a link to another file (an external link)"))
        here = here[part]
    if isinstance(here, h5py.Dataset):
        if here.external is not None:
            raise DatasetError(refusal.format(
                "keeps its data in other files (HDF5 external storage)"))
        if here.is_virtual:
            raise DatasetError(refusal.format(
                "is a virtual dataset (its data are read from other files)"))
    elif isinstance(here, h5py.Group):  # read as an empty array: "got shape (0,)"
        raise DatasetError(f"{source}: {name!r} in that file is an HDF5 group, not a "
                           f"dataset; store the array itself as the dataset {name!r} and "
                           "give that file")
    return here


def _read_course_labels(f, y_key: str, path=None) -> tuple[np.ndarray, list[str] | None]:
    """The labels (flattened) and the ``list_classes`` names (or None) of an open
    course-layout HDF5 file (``path``: its name in messages)."""
    y = np.asarray(_hdf5_dataset(f, y_key, path)[()]).ravel()
    names = None
    if "list_classes" in f:  # h5py 3: the link is there, never followed
        names = [
            v.decode("utf-8") if isinstance(v, bytes) else str(v)
            for v in np.asarray(_hdf5_dataset(f, "list_classes", path)[()]).ravel()
        ]
    return y, names


def _check_course_labels(path: Path, y: np.ndarray,
                         names: list[str] | None) -> tuple[np.ndarray, list[str]]:
    """The labels as int64 class codes and the class names (codes when unnamed), or a
    DatasetError saying what is wrong."""
    if not np.issubdtype(y.dtype, np.integer) and not (
        np.issubdtype(y.dtype, np.floating) and np.all(np.isfinite(y)) and np.all(y == np.round(y))
    ):
        raise DatasetError(f"{path}: labels must be integer class codes")
    if np.abs(y).max() >= MAX_CLASSES:  # before the cast: 1e308 has no int64
        raise DatasetError(
            f"{path}: labels must be class codes from 0 to {MAX_CLASSES - 1}, found "
            f"{y.max() if y.max() >= MAX_CLASSES else y.min():g}"
        )
    y = y.astype(np.int64)
    if y.min() < 0:
        raise DatasetError(f"{path}: labels must be non-negative class codes")
    if names is None:
        names = [str(i) for i in range(int(y.max()) + 1)]
    if int(y.max()) >= len(names):
        raise DatasetError(
            f"{path}: label {int(y.max())} has no name in list_classes ({names})"
        )
    return y, names


def hdf5_classes(path: str | os.PathLike) -> tuple[list[str], list[str]]:
    """The class names of a course-layout HDF5 file and those its labels use, read
    without its pictures and checked as :func:`load_hdf5` checks them.

    Raises
    ------
    DatasetError
        The file is not such a file, or its labels are not class codes with names.
    """
    import h5py

    path = Path(path)
    if not path.is_file():
        raise DatasetError(_no_file(path))
    try:
        f = h5py.File(path, "r")
    except (OSError, ValueError) as exc:
        raise DatasetError(_hdf5_open_failure(path, exc)) from None
    try:
        with f:
            ys = [k for k in f if k.endswith("_set_y")]
            if len(ys) != 1:
                raise DatasetError(f"{path}: expected one '*_set_y' dataset, found {list(f)}")
            y, names = _read_course_labels(f, ys[0], path)
    except DatasetError:
        raise
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise DatasetError(f"{path}: not a readable HDF5 file ({_one_line(exc)})") from None
    if y.size == 0:
        raise DatasetError(f"{path}: holds no pictures")
    y, names = _check_course_labels(path, y, names)
    return names, [names[int(c)] for c in np.unique(y)]


def load_hdf5(
    path: str | os.PathLike,
    *,
    image_size: int = 64,
    preprocessor: Preprocessor | None = None,
    class_names: Sequence[str] | None = None,
) -> Dataset:
    """Read the course's HDF5 layout.

    The file holds one dataset whose name ends in ``_set_x`` (pictures
    ``(n, height, width, 3)``, uint8), one ending in ``_set_y`` (labels ``(n,)`` or
    ``(1, n)``) and optionally ``list_classes`` (the class names, bytes or str), like
    ``train_catvnoncat.h5``.

    Parameters
    ----------
    path : path-like
    image_size : int
        Side of the pictures after resizing (64 keeps the course's pixels as they are).
    preprocessor : Preprocessor, optional
        A trained model's preprocessing (its size wins over ``image_size``).
    class_names : sequence of str, optional
        A trained model's class names: the file's class names must agree.

    Returns
    -------
    Dataset
    """
    import h5py

    path = Path(path)
    special = _special_file(path)  # before any opening: a named pipe would wait
    if special:
        raise DatasetError(special)
    if _xy_table(path):  # before the model's kind: it is not pictures
        raise DatasetError(
            f"{path}: holds a table in the X/y layout (datasets 'X' and 'y'), which is "
            f"read in chunks only where it is DATA: train on it with 'nnscratch train "
            f"{path}', score a model on it with 'nnscratch evaluate MODEL {path}'")
    if preprocessor is None:  # a bad image_size first; a model's kind once it is pictures
        image_size = _picture_size(path, image_size, None)
    if path.is_dir():
        raise DatasetError(f"{path}: is a folder, not an HDF5 file; give the .h5/.hdf5 "
                           "file itself")
    if not path.is_file():
        from ._files import link_nowhere

        raise DatasetError(link_nowhere(path) or f"{path}: no such file")
    try:
        f = h5py.File(path, "r")
    except (OSError, ValueError) as exc:
        raise DatasetError(_hdf5_open_failure(path, exc)) from None
    try:
        with f:
            keys = list(f.keys())
            xs = [k for k in keys if k.endswith("_set_x")]
            ys = [k for k in keys if k.endswith("_set_y")]
            if len(xs) != 1 or len(ys) != 1:
                raise DatasetError(
                    f"{path}: expected datasets 'X' (examples x features) and 'y', or one "
                    f"'*_set_x' and one '*_set_y' (the course's layout); found "
                    f"{sorted(keys)}; rename the datasets to one of these layouts")
            if preprocessor is not None:  # the course's pictures: the model's kind?
                image_size = _picture_size(path, image_size, preprocessor)
            pictures = _hdf5_dataset(f, xs[0], path)  # each checked before it is read
            y, names = _read_course_labels(f, ys[0], path)
            x = np.asarray(pictures[()])
    except DatasetError:
        raise
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise DatasetError(f"{path}: not a readable HDF5 file ({_one_line(exc)})") from None
    if x.shape[0] != y.shape[0]:
        turned = (" (one column per picture: the course's flattened (n_x, m) layout? store "
                  "the pictures as (m, height, width, 3))"
                  if x.ndim == 2 and x.shape[1] == y.shape[0] else "")
        raise DatasetError(f"{path}: {x.shape[0]} pictures but {y.shape[0]} labels{turned}")
    if x.shape[0] == 0:
        raise DatasetError(f"{path}: holds no pictures")
    y, names = _check_course_labels(path, y, names)
    if class_names is not None and list(names) != list(class_names):
        # the same classes, maybe in another order: map the file's codes by name
        unknown = [n for n in sorted({names[int(c)] for c in np.unique(y)})
                   if n not in class_names]
        if unknown:
            raise DatasetError(
                f"{path}: its classes {unknown} are not classes of the model "
                f"({list(class_names)}); use data with the model's classes"
            )
        y = np.array([list(class_names).index(names[int(c)]) for c in y], dtype=np.int64)
        names = list(class_names)
    images = _array_to_images(x, image_size, str(path))
    prep = preprocessor or Preprocessor.image(image_size)
    sample_names = [f"{path.name}[{i}]" for i in range(len(y))]
    return _make_dataset(images, y, names, prep, path, sample_names)


def _xy_table(path: Path) -> bool:
    """Whether ``path`` is an HDF5 file in the X/y layout (a dataset ``X``, no
    ``*_set_x``); False when it cannot be read (the reader then says why)."""
    import h5py

    if not path.is_file():  # never opened otherwise: a named pipe would wait
        return False
    try:
        with h5py.File(path, "r") as f:
            return "X" in f and not any(k.endswith("_set_x") for k in f)
    except (OSError, ValueError, TypeError):
        return False


def _image_files(folder: Path) -> list[Path]:
    return _class_files(folder, IMAGE_EXTENSIONS, "pictures")


#: Seconds a load runs before its progress is shown: on a terminal, and in a log
#: (stderr not a terminal), where plain lines are written every ``_PROGRESS_EVERY_LOG``.
_PROGRESS_DELAY_TERMINAL = 0.5
_PROGRESS_DELAY_LOG = 3.0
_PROGRESS_EVERY_LOG = 10.0


def _progress(items: Sequence, desc: str, unit: str):
    """Iterate over ``items``, showing progress on stderr when the load is long.

    On a terminal, a tqdm bar appears once the load has run
    ``_PROGRESS_DELAY_TERMINAL`` seconds. When stderr is not a terminal (a log file, a
    pipe), nothing is written for a short load; a long one writes a plain line
    (``reading pictures: 500/2000``) after ``_PROGRESS_DELAY_LOG`` seconds, then every
    ``_PROGRESS_EVERY_LOG`` seconds, and one at the end. Nothing goes to stdout.
    """
    stream = sys.stderr
    try:
        terminal = bool(stream.isatty())
    except (AttributeError, ValueError):
        terminal = False
    if terminal:
        from tqdm import tqdm

        yield from tqdm(items, desc=desc, unit=unit, file=stream,
                        delay=_PROGRESS_DELAY_TERMINAL, dynamic_ncols=True)
        return
    total = len(items)
    start = time.monotonic()
    next_line = start + _PROGRESS_DELAY_LOG
    shown = False
    for done, item in enumerate(items):
        now = time.monotonic()
        if now >= next_line:
            _log_line(stream, f"{desc}: {done}/{total}")
            shown, next_line = True, now + _PROGRESS_EVERY_LOG
        yield item
    if shown or time.monotonic() >= next_line:
        _log_line(stream, f"{desc}: {total}/{total} in {time.monotonic() - start:.1f} s")


def _log_line(stream, text: str) -> None:
    try:
        stream.write(text + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


def load_image_folder(
    path: str | os.PathLike,
    *,
    image_size: int = 64,
    preprocessor: Preprocessor | None = None,
    class_names: Sequence[str] | None = None,
) -> Dataset:
    """Read a folder with one sub-folder of pictures per class.

    ``path/cat/*.png``, ``path/non-cat/*.jpg``: the sub-folder names are the class names
    (sorted, unless a trained model's ``class_names`` are given; then every sub-folder
    must be one of them). Pictures are read with :func:`read_image`. A picture's name
    that is a link to nothing, a folder inside a class folder that holds pictures (not
    read), a bad class name and a training folder (no ``preprocessor`` nor
    ``class_names``) of one class are refused before any picture is read.

    Returns
    -------
    Dataset
    """
    path = Path(path)
    image_size = _picture_size(path, image_size, preprocessor)
    if not path.is_dir():
        raise DatasetError(f"{path}: no such folder")
    subdirs = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not subdirs:
        data = sorted(p.name for p in _visible(path) if p.is_file() and p.suffix.lower() in
                      (".h5", ".hdf5", ".csv", *SVMLIGHT_EXTENSIONS))
        if data:
            shown = ", ".join(data[:3]) + (", ..." if len(data) > 3 else "")
            first = next((n for n in data if "train" in n.lower()), data[0])
            raise DatasetError(
                f"{path}: holds data files ({shown}), not class sub-folders; give a file "
                f"as DATA (e.g. {path / first})")
        if any(p.is_file() and p.suffix.lower() in TEXT_EXTENSIONS for p in _visible(path)):
            raise DatasetError(  # as load_text_folder says it
                f"{path}: has no sub-folders; put the text files of each class in its own "
                "sub-folder (e.g. spam/, ham/)")
        raise DatasetError(
            f"{path}: has no sub-folders; put the pictures of each class in its own "
            "sub-folder (e.g. cat/, non-cat/)"
        )
    labels: list[str] = []
    files: list[Path] = []
    for sub in subdirs:
        found = _image_files(sub)
        if not found:
            _refuse_nested(path, sub, subdirs)
            raise DatasetError(
                f"{sub}: holds no pictures ({', '.join(IMAGE_EXTENSIONS)}); "
                "remove the folder or add pictures"
            )
        files.extend(found)
        labels.extend([sub.name] * len(found))
    _check_folder_classes(path, subdirs, class_names, preprocessor)  # before any reading
    codes, names = _codes_for(labels, class_names, str(path))
    images = np.stack([read_image(f, image_size)
                       for f in _progress(files, "reading pictures", "picture")])
    prep = preprocessor or Preprocessor.image(image_size)
    sample_names = [str(f.relative_to(path)) for f in files]
    return _make_dataset(images, codes, names, prep, path, sample_names)


def _check_folder_classes(path: Path, subdirs: Sequence[Path],
                          class_names: Sequence[str] | None,
                          preprocessor: Preprocessor | None) -> None:
    """The class sub-folders' names, checked before any file is read (reading and
    vectorizing 20,000 files took seconds before a bad name was refused): names a
    table can show (:func:`_check_class_names`), and for training data (no model's
    ``class_names`` nor ``preprocessor``) at least two classes."""
    if class_names is not None:
        return  # the model's names; a folder that is not one of them is refused by name
    names = [p.name for p in subdirs]
    _check_class_names(names, str(path))
    if preprocessor is None and len(names) < 2:
        raise DatasetError(f"{path}: the training data has only one class ('{names[0]}'); a "
                           "classifier needs examples of at least two classes")


def _refuse_nested(path: Path, sub: Path, subdirs: Sequence[Path]) -> None:
    """A class sub-folder that holds folders, not files: the data is one level deeper
    (the demo's train/ and test/ layout, or a folder of folders); say where to point."""
    inner = sorted(p.name for p in _visible(sub) if p.is_dir())
    if not inner:
        return
    names = {p.name.lower() for p in subdirs}
    if {"train", "test"} <= names:
        train = next(p for p in subdirs if p.name.lower() == "train")
        test = next(p for p in subdirs if p.name.lower() == "test")
        raise DatasetError(
            f"{path}: holds {train.name}/ and {test.name}/ folders of class sub-folders (the "
            f"layout of 'nnscratch demo --data'), not classes; train on {train} (with "
            f"--test {test}), or score a model with 'nnscratch evaluate MODEL {test}'")
    shown = ", ".join(f"{n}/" for n in inner[:3]) + (", ..." if len(inner) > 3 else "")
    raise DatasetError(
        f"{sub}: holds folders ({shown}) but no files of its own; the class sub-folders "
        f"must hold the files themselves: if {shown.split(',')[0]} and the rest are the "
        f"classes, give {sub} as DATA")


# --------------------------------------------------------------------------- text folders


def _class_files(folder: Path, suffixes: Sequence[str], what: str) -> list[Path]:
    """The files of one class folder that are read: those directly in it whose names end
    in ``suffixes`` (others are ignored), sorted.

    Nothing of the data is lost without a word: a name with such an ending that is a
    link to nothing or not a regular file (a named pipe) is refused, and so is a
    folder inside a class folder that holds such files (they would not be read), when
    the class folder holds files of its own (otherwise :func:`_refuse_nested` says
    where the data is).

    Raises
    ------
    DatasetError
        One line naming the path and what to do.
    """
    try:
        entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        raise DatasetError(f"{folder}: cannot be read ({exc.strerror or type(exc).__name__})"
                           "; make it readable or remove it") from None
    found: list[Path] = []
    inner: list[Path] = []
    for p in entries:
        if p.is_dir():
            inner.append(p)
        elif p.suffix.lower() not in suffixes:
            continue
        elif p.is_file():
            found.append(p)
        elif p.is_symlink() and not p.exists():
            try:
                target = f" {os.readlink(p)}"
            except OSError:
                target = ""
            raise DatasetError(f"{p}: is a link to{target}, which does not exist (a file "
                               "of the data would be lost); restore the file it points to "
                               "or remove the link")
        else:
            raise DatasetError(_special_file(p, {"pictures": "picture"}.get(what, "text"))
                               or f"{p}: is not a regular file; replace it with the file "
                               "or remove it")
    if found:
        for sub in inner:
            below = _first_file_below(sub, suffixes)
            if below is not None:
                raise DatasetError(
                    f"{sub}: a folder inside the class folder {folder.name}/ holds {what} "
                    f"({below.relative_to(folder)}), which are not read: only the files "
                    f"directly in a class folder are; move them into {folder}, or out of "
                    "the data folder")
    return found


def _first_file_below(folder: Path, suffixes: Sequence[str]) -> Path | None:
    """The first file (names sorted) under ``folder``, at any depth, whose name ends in
    ``suffixes``; None if none (hidden files and folders are not looked at)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in suffixes:
                return Path(root, name)
    return None


def folder_kind(path: str | os.PathLike) -> str:
    """Whether a folder of class sub-folders holds pictures (``"image"``) or text
    (``"text"``), by its files' name endings (pictures when it holds neither).

    Raises
    ------
    DatasetError
        The folder mixes pictures and text files.
    """
    path = Path(path)
    picture = text = None
    for sub in sorted(p for p in _visible(path) if p.is_dir()):
        for f in sorted(_visible(sub)):
            suffix = f.suffix.lower()
            if picture is None and suffix in IMAGE_EXTENSIONS:
                picture = f
            elif text is None and suffix in TEXT_EXTENSIONS:
                text = f
        if picture is not None and text is not None:
            raise DatasetError(
                f"{path}: mixes pictures ({picture.relative_to(path)}) and text files "
                f"({text.relative_to(path)}); keep one kind of data in a training folder")
    return "text" if text is not None else "image"


def load_text_folder(
    path: str | os.PathLike,
    *,
    text: dict[str, Any] | None = None,
    preprocessor: Preprocessor | None = None,
    class_names: Sequence[str] | None = None,
) -> Dataset:
    """Read a folder with one sub-folder of text files per class.

    ``path/spam/*.txt``, ``path/ham/*.txt`` (also ``.text`` and ``.eml``; other files are
    ignored): the sub-folder names are the class names (sorted, unless a trained
    model's ``class_names`` are given). Every file must be UTF-8 text, not empty and not
    binary (:func:`nnscratch.text.read_text`); a bad file refuses the whole folder,
    before any training, naming the file.

    Parameters
    ----------
    path : path-like
    text : dict, optional
        The vectorizer's settings (``vectorizer``, ``ngram_range``, ``max_features``,
        ``min_df``; :data:`nnscratch.text.TEXT_SETTINGS`), fitted on these texts.
    preprocessor : Preprocessor, optional
        A trained text model's preprocessing (its fitted vectorizer is used).
    class_names : sequence of str, optional
        A trained model's class names.

    Returns
    -------
    Dataset
        ``X`` a CSR matrix ``(n_files, n_terms)``; ``raw`` the texts.

    Raises
    ------
    DatasetError
        In one line, before any file is read: no sub-folders, a sub-folder without text
        files (or holding ``train/`` and ``test/`` folders), a ``.txt`` name that is a
        link to nothing, a folder inside a class folder that holds text files (not
        read), a class name that is not UTF-8 or holds a control character, a training
        folder (no ``preprocessor`` nor ``class_names``) of one class; then a bad file,
        naming it.
    """
    path = Path(path)
    if preprocessor is not None and preprocessor.kind != "text":
        raise DatasetError(f"{path}: holds text files, but the model was trained on "
                           f"{preprocessor.described}")
    if not path.is_dir():
        raise DatasetError(f"{path}: no such folder")
    subdirs = sorted(p for p in _visible(path) if p.is_dir())
    if not subdirs:
        raise DatasetError(
            f"{path}: has no sub-folders; put the text files of each class in its own "
            "sub-folder (e.g. spam/, ham/)")
    labels: list[str] = []
    files: list[Path] = []
    for sub in subdirs:
        found = _class_files(sub, TEXT_EXTENSIONS, "text files")
        if not found:
            _refuse_nested(path, sub, subdirs)
            raise DatasetError(
                f"{sub}: holds no text files ({', '.join(TEXT_EXTENSIONS)}); "
                "remove the folder or add messages")
        files.extend(found)
        labels.extend([sub.name] * len(found))
    _check_folder_classes(path, subdirs, class_names, preprocessor)  # before any reading
    codes, names = _codes_for(labels, class_names, str(path))
    texts = read_texts(list(_progress(files, "reading text files", "file")))
    raw = np.empty(len(texts), dtype=object)
    raw[:] = texts
    prep = preprocessor or Preprocessor.fit_text(raw, **(text or {}))
    sample_names = [str(f.relative_to(path)) for f in files]
    return _make_dataset(raw, codes, names, prep, path, sample_names)


# --------------------------------------------------------------------------- CSV


#: Largest magnitude of a CSV value (:data:`nnscratch._limits.MAX_VALUE`).
MAX_CSV_VALUE = MAX_VALUE

_CSV_DELIMITERS = ",;\t|"
_DECIMAL_COMMA = re.compile(r"\s*[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?\s*")

#: How spreadsheets and data frames write a missing value (compared in upper case;
#: "nan" parses, and is refused as not finite).
_MISSING = frozenset({"", "NA", "N/A", "NULL", "NONE", "?", "-", "#N/A"})


def _sniff_delimiter(sample: str) -> str:
    """The column separator of a CSV text (``csv.Sniffer``; a comma when unsure)."""
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    if not lines:
        return ","
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines), delimiters=_CSV_DELIMITERS).delimiter
    except csv.Error:
        return ","
    return delimiter if delimiter in _CSV_DELIMITERS else ","


def _delimiter_name(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else delimiter


def _some(names: Sequence[str], *, quote: bool = False, limit: int = 8) -> str:
    """Up to ``limit`` column names for a message (as a list with ``quote``), then how
    many more: a table of 64 columns stays one readable line."""
    more = len(names) - limit
    shown = str(list(names[:limit])) if quote else ", ".join(map(str, names[:limit]))
    return shown + (f" and {more} more" if more > 0 else "")


def _csv_delimiter(path: Path) -> str:
    """The column separator of a CSV file, from its text, which is checked for NUL
    bytes. (The rows are then read from the file again, not through
    ``io.StringIO(text)``, which holds the text at 4 bytes a character.)"""
    with open(path, newline="", encoding="utf-8-sig") as f:
        text = f.read()
    if "\x00" in text:
        raise DatasetError(f"{path}: not a text CSV file (it holds NUL bytes)")
    return _sniff_delimiter(text[:65536])


def _pick_from_header(path: Path, pick) -> None:
    """Run ``pick`` on a CSV file's header line alone, before any row is read, so that
    a refusal that the header decides (no column 'lable', the model's feature columns
    missing) is raised at once: it came after the whole file had been parsed, twice
    (5.6 s and 657 MB for a 47 MB file). The separator is sniffed from the same first
    64 KiB as :func:`_csv_delimiter`'s. A header that is not plain (one column, empty or
    repeated names) and a start that cannot be read are left to the full reading, which
    names what is wrong with them.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            sample = f.read(65536)
        if "\x00" in sample:
            return
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f, delimiter=_sniff_delimiter(sample))
            header = next((row for row in reader
                           if len(row) > 1 or any(cell.strip() for cell in row)), None)
    except (OSError, csv.Error, UnicodeDecodeError, ValueError):
        return
    if header is None or len(header) < 2:
        return
    header = [h.strip() for h in header]
    if all(header) and len(set(header)) == len(header):
        pick(header)


def _read_csv_lean(path: Path, pick) -> tuple[list[str], np.ndarray, list[str], str] | None:
    """A plain CSV file read row by row, keeping only its numbers and labels.

    ``pick(header)`` gives the feature columns' indices and the label column's index
    (or None). Returns the header, the features as float64 ``(n_rows, n_features)``,
    the label cells (stripped; empty without a label column) and the separator; or
    None where anything is not plain (a header with empty or repeated names, ``pick``
    refusing a header that :func:`_pick_from_header` did not see, a row of another
    length, a cell that Python's ``float`` does not read or that is not finite or beyond
    :data:`MAX_CSV_VALUE`, no rows, a file that cannot be read): :func:`_read_csv_rows`
    and :func:`_parse_numbers` then read it whole and name what is wrong, as they always
    did. The rows are never held
    as strings: a 45 MB file of 6 million cells took 766 MB held so, 8 bytes a number
    here. Decimal commas (``1,5`` where the columns are separated by ``;`` or a tab)
    are read as :func:`_parse_numbers` reads them, the rows that hold them cell by cell.
    """
    if not path.is_file():
        return None
    _pick_from_header(path, pick)  # a refusal that the header decides comes first
    try:
        delimiter = _csv_delimiter(path)
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f, delimiter=delimiter)
            header = next((row for row in reader
                           if len(row) > 1 or any(cell.strip() for cell in row)), None)
            if header is None:
                return None
            header = [h.strip() for h in header]
            if not all(header) or len(set(header)) != len(header):
                return None
            try:
                features, label = pick(header)
            except DatasetError:
                return None
            if not features:
                return None
            width = len(header)
            one = len(features) == 1
            cells = operator.itemgetter(*features)
            values = array.array("d")
            labels: list[str] = []
            commas = 0
            for row in reader:
                if len(row) != width or not any(cell.strip() for cell in row):
                    if any(cell.strip() for cell in row):
                        return None  # a row of another length
                    continue  # a blank line (or one of empty cells): dropped, as ever
                done = len(values)
                try:
                    if one:
                        values.append(float(cells(row)))
                    else:
                        values.extend(map(float, cells(row)))
                except ValueError:
                    if delimiter == ",":  # a decimal comma there is an error to name
                        return None
                    del values[done:]  # the cells of this row read before the failure
                    for cell in ((cells(row),) if one else cells(row)):
                        try:
                            values.append(float(cell))
                        except ValueError:
                            if not _DECIMAL_COMMA.fullmatch(cell):
                                return None
                            values.append(float(cell.replace(",", ".")))
                            commas += 1
                if label is not None:
                    labels.append(row[label].strip())
    except (DatasetError, OSError, csv.Error, UnicodeDecodeError, ValueError):
        return None
    n_rows = len(values) // len(features)
    if not n_rows:
        return None
    raw = np.frombuffer(values, dtype=np.float64).reshape(n_rows, len(features))
    with np.errstate(invalid="ignore"):
        if not (np.isfinite(raw).all() and np.abs(raw).max(initial=0.0) <= MAX_CSV_VALUE):
            return None
    _say_how_read(path, delimiter, commas)
    return header, raw, labels, delimiter


#: Bytes that no text file holds (tab, line feed, vertical tab, form feed and carriage
#: return are text).
_CONTROL_BYTES = bytes(c for c in range(32) if c not in b"\t\n\v\f\r") + b"\x7f"


def _not_utf8(path: Path) -> str:
    """Why a CSV file that is not UTF-8 is refused: binary data (NUL or control bytes in
    its first 64 KiB), UTF-16 text, or text in another encoding (Windows-1252 or
    Latin-1, as Excel's plain "CSV" writes it), with the line and byte of its first
    byte that is not UTF-8 (the file read in pieces of 1 MiB, not held whole)."""
    import codecs

    resave = "save it as UTF-8 (in Excel: Save As, 'CSV UTF-8 (Comma delimited)')"
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):
                return f"{path}: is UTF-16 text, not UTF-8; {resave}"
            controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
            if b"\x00" in head or controls * 100 > len(head):
                return (f"{path}: is not a text CSV file (it holds binary data, e.g. a "
                        f"spreadsheet's own format); {resave}")
            f.seek(0)
            decoder = codecs.getincrementaldecoder("utf-8")()
            offset = lines = 0
            while True:
                chunk = f.read(1 << 20)
                pending = len(decoder.getstate()[0])  # bytes of a character cut in two
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    at = offset - pending + exc.start  # from 0
                    byte = exc.object[exc.start]
                    line = lines + chunk[:max(0, at - offset)].count(b"\n") + 1
                    char = bytes([byte]).decode("cp1252", "ignore") or chr(byte)
                    return (f"{path}: is not UTF-8 text: line {line:,} (byte {at + 1:,} of "
                            f"the file) holds the byte 0x{byte:02x}, {char!r} in "
                            f"Windows-1252 or Latin-1; {resave}")
                if not chunk:
                    break
                lines += chunk.count(b"\n")
                offset += len(chunk)
    except OSError:
        pass
    return f"{path}: is not a text CSV file (UTF-8); {resave}"


def _read_csv_rows(path: Path) -> tuple[list[str], list[list[str]], str]:
    """Header, rows (blank lines dropped) and the detected column separator."""
    if path.is_dir():
        raise DatasetError(_folder_is_not_an_input(path, (".csv",), "CSV files"))
    if not path.is_file():
        raise DatasetError(_no_file(path))
    try:
        delimiter = _csv_delimiter(path)
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f, delimiter=delimiter))
    except UnicodeDecodeError:
        raise DatasetError(_not_utf8(path)) from None
    except (OSError, csv.Error) as exc:
        raise DatasetError(f"{path}: cannot read the CSV file ({_one_line(exc)})") from None
    # the header is the first line with any text, separators included (",," is a
    # header of empty names, not a blank line); blank rows after it are dropped
    start = next((i for i, row in enumerate(rows)
                  if len(row) > 1 or any(cell.strip() for cell in row)), None)
    if start is None:
        raise DatasetError(f"{path}: is empty; a CSV file needs a header line and rows")
    rows = [rows[start]] + [row for row in rows[start + 1:] if any(c.strip() for c in row)]
    header = [h.strip() for h in rows[0]]
    empty = [i + 1 for i, name in enumerate(header) if not name]
    if empty:
        which = "every column" if len(empty) == len(header) else (
            f"column{'s' * (len(empty) > 1)} {', '.join(map(str, empty))}")
        index = ""
        if empty == [1] and len(rows) > 1 and all(
                len(r) > 1 and r[0].strip() == str(i) for i, r in enumerate(rows[1:])):
            index = ("; its first column, 0, 1, 2, ..., is a data frame's index: write the "
                     "file with to_csv(..., index=False), or name the column")
        raise DatasetError(
            f"{path}: the header has empty column names ({which}); the first line must "
            f"name every column, e.g. x1,x2,label{index}")
    if len(set(header)) != len(header):
        twice = next(name for name in header if header.count(name) > 1)
        where = [str(i + 1) for i, name in enumerate(header) if name == twice]
        raise DatasetError(
            f"{path}: the header names a column twice ('{twice}' is columns "
            f"{', '.join(where)}); give every column its own name")
    if len(header) == 1 and header[0].startswith("#") and any(len(r) > 1 for r in rows[1:]):
        raise DatasetError(
            f"{path}: its first line {header[0]!r} is a comment, read as the header; remove "
            "the comment lines so that the first line names the columns")
    words = len(header[0].split())
    if len(header) == 1 and words > 1 and len(rows) > 1 and all(
            len(r) == 1 and len(r[0].split()) == words for r in rows[1:]):
        raise DatasetError(
            f"{path}: its header {header[0]!r} is one column: separate the columns with "
            "',', ';', tabs or '|' (spaces do not separate columns)")
    for i, row in enumerate(rows[1:], start=1):
        if len(row) != len(header):
            raise DatasetError(
                f"{path}: row {i} has {len(row)} values but the header has {len(header)} "
                f"(columns separated by '{_delimiter_name(delimiter)}'); give every row "
                "one value per column"
            )
    return header, rows[1:], delimiter


#: A number written with a thousands separator (a comma, point, apostrophe or space
#: before each group of three digits: 1,234, 12,345,678, 1.234,5, 1 234), then maybe
#: a decimal part; group 3 is the separator, group 5 the decimal mark.
_GROUPED = re.compile(r"\s*([+-]?)(\d{1,3})([,.' \u00a0\u202f])(\d{3}(?:\3\d{3})*)"
                      r"(?:([.,])(\d+))?\s*")


def _grouped_number(cell: str) -> str | None:
    """What a message says of a cell written with thousands separators (its plain
    spelling to write instead), or None for any other cell."""
    m = _GROUPED.fullmatch(cell)
    if not m or m[5] == m[3]:
        return None
    sign, head, sep, groups, mark, decimals = m.groups()
    whole = sign + head + groups.replace(sep, "")
    if sep == "," and not mark and len(groups) == 3:
        # 1,234: a thousand and more, or one and a bit, read either way in some country
        return (f"may hold a thousands separator ({whole}) or a decimal comma "
                f"({sign}{head}.{groups}); write plain numbers, without separators "
                f"({whole} or {sign}{head}.{groups})")
    name = {",": "comma", ".": "point", "'": "apostrophe"}.get(sep, "space")
    said = f"a thousands {name}" if len(groups) == 3 else f"thousands {name}s"
    if mark:
        said += f" and a decimal {'comma' if mark == ',' else 'point'}"
    plain = whole + (f".{decimals}" if mark else "")
    return f"has {said}; write plain numbers, without separators ({plain})"


def _parse_numbers(path: Path, header, rows, columns, delimiter: str = ",",
                   label_choice: bool = True) -> np.ndarray:
    """The named columns as float64, refusing text, NaN, infinities and huge values.

    ``label_choice``: the refusal of text says that the label column can be chosen
    (not for prediction, where the columns are the model's).

    With a separator other than the comma, decimal commas (``1,5``) are read as
    decimal points; a warning says how the file was read.
    """
    idx = [header.index(c) for c in columns]
    out = np.empty((len(rows), len(idx)), dtype=np.float64)
    commas = 0
    for i, row in enumerate(rows):
        for j, k in enumerate(idx):
            cell = row[k]
            where = f"{path}: row {i + 1}, column '{header[k]}': {cell.strip()!r}"
            if cell.strip().upper() in _MISSING:
                raise DatasetError(
                    f"{where} is not a number but a missing value; every feature needs a "
                    "number: fill the cell in or remove the row")
            try:
                v = float(cell)
            except ValueError:
                grouped = _grouped_number(cell)
                if grouped and (delimiter == "," or not _DECIMAL_COMMA.fullmatch(cell)):
                    # 1,234 in a ';' file is a decimal comma, read below
                    raise DatasetError(f"{where} {grouped}") from None
                if _DECIMAL_COMMA.fullmatch(cell):
                    if delimiter == ",":
                        raise DatasetError(
                            f"{where} has a decimal comma; write a decimal point "
                            f"({cell.strip().replace(',', '.')}) or separate the columns "
                            "with ';'"
                        ) from None
                    v = float(cell.replace(",", "."))
                    commas += 1
                else:
                    hint = ""
                    other = [d for d in _CSV_DELIMITERS if d != delimiter and d in cell]
                    if other:
                        hint = (f"; it holds '{_delimiter_name(other[0])}' but the columns "
                                f"are separated by '{_delimiter_name(delimiter)}': use one "
                                "separator throughout")
                    choose = " (choose the label with --label-column)" if label_choice else ""
                    raise DatasetError(
                        f"{where} is not a number; features must be numeric{choose}{hint}"
                    ) from None
            if not math.isfinite(v):
                raise DatasetError(f"{where} is not a finite number")
            if abs(v) > MAX_CSV_VALUE:
                raise DatasetError(
                    f"{where} is too large: values beyond {MAX_CSV_VALUE:.0e} in magnitude "
                    "overflow the column's statistics (mean and standard deviation); "
                    "rescale the column (other units) or remove the row"
                )
            out[i, j] = v
    _say_how_read(path, delimiter, commas)
    return out


def _say_how_read(path: Path, delimiter: str, commas: int) -> None:
    """Warn (to :func:`_parse_numbers`' caller's caller) how a file that is not plain
    comma-separated was read."""
    if delimiter != "," or commas:
        how = f"separated by '{_delimiter_name(delimiter)}'"
        if commas:
            values = "1 value" if commas == 1 else f"{commas} values"
            how += f" with decimal commas ({values} like 1,5 read as 1.5)"
        warnings.warn(f"{path}: read as a CSV file {how}", UserWarning, stacklevel=4)


def _csv_columns(path: Path, header: list[str], label_column: str | None,
                 preprocessor: Preprocessor | None) -> tuple[list[str], str, str]:
    """The feature columns, the label column and, where the label column was guessed,
    a note saying how, for a CSV file with this header; refused in one line where the
    header does not have them."""
    guessed = ""  # how the label column was chosen, when it was not given
    if label_column is None and preprocessor is not None and preprocessor.kind == "tabular":
        # the model knows its features: the labels are in a column that is none of them
        others = [c for c in header if c not in preprocessor.columns]
        if not others:
            raise DatasetError(
                f"{path}: has no label column: its columns {', '.join(header)} are all "
                "features of the model; add a column of labels to score it, or predict "
                "its rows with 'nnscratch predict'")
        label_column = others[-1]
        if len(others) > 1:
            guessed = (f"; the labels were read from '{label_column}', the last of the "
                       f"columns that are no feature of the model ({', '.join(others)}): "
                       "choose the label column with --label-column")
    if label_column is None:
        label_column = header[-1]
    if label_column not in header:
        raise DatasetError(
            f"{path}: no column '{label_column}'; the columns are {_some(header)} "
            "(choose one with --label-column)"
        )
    if preprocessor is not None:
        columns = list(preprocessor.columns)
        missing = [c for c in columns if c not in header]
        if missing:
            raise DatasetError(
                f"{path}: lacks the model's feature columns {_some(missing, quote=True)}; "
                f"it has {_some(header)}"
            )
        if label_column in columns:
            raise DatasetError(f"{path}: '{label_column}' is a feature of the model, not a label")
    else:
        columns = [c for c in header if c != label_column]
        if not columns:
            raise DatasetError(f"{path}: has no feature columns besides '{label_column}'")
    return columns, label_column, guessed


def load_csv(
    path: str | os.PathLike,
    *,
    label_column: str | None = None,
    preprocessor: Preprocessor | None = None,
    class_names: Sequence[str] | None = None,
) -> Dataset:
    """Read a CSV file with a header line.

    Parameters
    ----------
    path : path-like
    label_column : str, optional
        The column holding the labels (default: the last column). Every other column
        is a numeric feature, unless ``preprocessor`` names the feature columns.
    preprocessor : Preprocessor, optional
        A trained model's preprocessing: its columns are picked by name, and its
        training statistics are used (not this file's).
    class_names : sequence of str, optional
        A trained model's class names; every label must be one of them.

    Returns
    -------
    Dataset
    """
    path = Path(path)
    if preprocessor is not None and preprocessor.kind != "tabular":
        raise DatasetError(f"{path}: is a table, but the model was trained on "
                           f"{preprocessor.described}")
    label_named = label_column is not None
    picked: list = []

    def pick(header):
        picked[:] = _csv_columns(path, header, label_column, preprocessor)
        return [header.index(c) for c in picked[0]], header.index(picked[1])

    lean = _read_csv_lean(path, pick)
    if lean is not None:
        header, raw, labels, delimiter = lean
        columns, label_column, guessed = picked
    else:  # not plain: read whole, to name what is wrong (or read decimal commas)
        header, rows, delimiter = _read_csv_rows(path)
        if not rows:
            raise DatasetError(f"{path}: has a header but no rows")
        columns, label_column, guessed = _csv_columns(path, header, label_column, preprocessor)
        raw = _parse_numbers(path, header, rows, columns, delimiter)
        k = header.index(label_column)
        labels = [row[k].strip() for row in rows]
    missing = [i for i, v in enumerate(labels, start=1) if v == "" or v.lower() == "nan"]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        value = labels[missing[0] - 1]
        what = "an empty label" if not value else f"the label {value!r}"
        raise DatasetError(
            f"{path}: row {missing[0]}{more} has no label ({what} in '{label_column}'); "
            "give every row its class, or remove the row")
    # A file without a header: its first row of data was taken for the names. Not
    # asked when the label column is named (the caller says the first line names the
    # columns), nor for a header 0, 1, ..., n-1 of 3 columns or more, pandas' default
    # names (pd.DataFrame(X).assign(...).to_csv(index=False)). The choice: a headerless
    # file whose first row is exactly 0, 1, ..., n-1 with n-1 also a label loses that
    # row to the names (rare: features exactly 0 and 1, and 3 classes or more), where
    # refusing refused every such pandas file (common) with no way round. Two columns,
    # 0,1 (a feature 0, the label 1), are a likely first row of data: still refused.
    pandas_header = len(header) >= 3 and header == [str(i) for i in range(len(header))]
    if preprocessor is None and not label_named and not pandas_header and columns and all(
            _is_number(c) for c in columns) and label_column in set(labels):
        example = ",".join([f"x{i}" for i in range(1, min(len(columns), 3) + 1)]
                           + (["..."] if len(columns) > 3 else []) + ["label"])
        raise DatasetError(
            f"{path}: its first row ({_some(header)}) looks like data, not column names: "
            f"the feature columns are named by numbers and the label column's name "
            f"{label_column!r} is one of its labels; add a header line first, e.g. "
            f"{example} (or, if that row is the header, name the label column: "
            "--label-column, label_column=)")
    if class_names is None:  # training; a model's own classes were warned about then
        _warn_missing_markers(labels, label_column, path)
    labels = _same_label_as(labels, class_names, str(path))
    try:
        codes, names = _codes_for(labels, class_names, str(path))
    except DatasetError as exc:
        raise DatasetError(f"{exc}{guessed}") from None
    prep = preprocessor or Preprocessor.fit_tabular(raw, columns)
    sample_names = [f"{path.name}:row {i}" for i in range(1, len(labels) + 1)]
    return _make_dataset(raw, codes, names, prep, path, sample_names)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


#: Labels that spreadsheets, R and pandas write for a missing value (pandas reads them
#: as NaN); a label column holding one is trained as a class, with a warning.
_MISSING_MARKERS = frozenset({"na", "n/a", "#n/a", "<na>", "null", "none", "nil", "?"})


def _warn_missing_markers(labels: list[str], label_column: str, path: Path) -> None:
    """Warn, once per marker, when a label is a common missing-value marker ("NA")."""
    counts: dict[str, int] = {}
    for label in labels:
        if label.lower() in _MISSING_MARKERS:
            counts[label] = counts.get(label, 0) + 1
    for marker, n in counts.items():
        rows = "1 row has" if n == 1 else f"{n} rows have"
        warnings.warn(
            f"{path}: {rows} the label {marker!r} in '{label_column}', which often marks a "
            "missing label; it is trained as a class of its own (remove those rows if "
            "their class is unknown)", UserWarning, stacklevel=3)


def read_csv_features(path: str | os.PathLike, preprocessor: Preprocessor):
    """Raw rows of a CSV file for prediction: the model's columns, picked by name.

    Returns
    -------
    raw : ndarray of shape (n_rows, n_features)
    names : list of str
        ``"file.csv:row N"`` for each row (N from 1, the header not counted).
    """
    path = Path(path)
    if preprocessor.kind != "tabular":
        raise DatasetError(f"{path}: is a table, but the model was trained on "
                           f"{preprocessor.described}")
    def pick(header):
        missing = [c for c in preprocessor.columns if c not in header]
        if missing:
            raise DatasetError(
                f"{path}: lacks the model's feature columns {_some(missing, quote=True)}; it "
                f"has {_some(header)}"
            )
        return [header.index(c) for c in preprocessor.columns], None

    lean = _read_csv_lean(path, pick)
    if lean is not None:
        raw = lean[1]
    else:  # not plain: read whole, to name what is wrong (or read decimal commas)
        header, rows, delimiter = _read_csv_rows(path)
        if not rows:
            raise DatasetError(f"{path}: has a header but no rows")
        pick(header)
        raw = _parse_numbers(path, header, rows, list(preprocessor.columns), delimiter,
                             label_choice=False)
    return raw, [f"{path}:row {i}" for i in range(1, raw.shape[0] + 1)]


# --------------------------------------------------------------------------- svmlight


def _read_svmlight(path: Path, n_features: int | None, zero_based: bool | str):
    """``load_svmlight_file`` on one file, every failure one line naming it."""
    from sklearn.datasets import load_svmlight_file

    if path.is_dir():
        raise DatasetError(_folder_is_not_an_input(path, SVMLIGHT_EXTENSIONS, "svmlight files"))
    if not path.is_file():
        raise DatasetError(_no_file(path))
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
            if not head.strip():
                raise DatasetError(f"{path}: is empty; an svmlight file holds one "
                                   "'label index:value ...' line per sample")
            if b"\x00" in head:
                raise DatasetError(f"{path}: is a binary file (it holds NUL bytes), not an "
                                   "svmlight/libsvm text file")
            f.seek(0)
            X, y = load_svmlight_file(f, n_features=n_features, dtype=np.float64,
                                      zero_based=zero_based)
    except DatasetError:
        raise
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or _one_line(exc)})") \
            from None
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError) as exc:
        message = _one_line(exc)
        if n_features is not None and "n_features was set" in message:
            raise DatasetError(
                f"{path}: numbers features beyond the model's {n_features}; give rows with "
                "the training file's features") from None
        raise DatasetError(_svmlight_fault(path, zero_based)) from None
    if X.shape[0] == 0:
        raise DatasetError(f"{path}: holds no rows")
    if not np.all(np.isfinite(X.data)) or not np.all(np.isfinite(y)):
        raise DatasetError(f"{path}: holds NaN or infinite values")
    if X.data.size and np.abs(X.data).max() > MAX_CSV_VALUE:
        raise DatasetError(f"{path}: holds values beyond {MAX_CSV_VALUE:.0e} in magnitude; "
                           "rescale the features")
    return X.tocsr(), y


#: The form of an svmlight line, for messages.
_SVMLIGHT_FORM = "each line must be 'LABEL INDEX:VALUE ...' (e.g. '1 3:0.5 7:1.2')"


def _svmlight_fault(path: Path, zero_based: bool | str) -> str:
    """Why scikit-learn could not read the svmlight file ``path``, in one line naming the
    first bad line (found by reading the file again as scikit-learn does), never in
    scikit-learn's words ("could not convert string to float: b'garbage'")."""
    head = f"{path}: not a readable svmlight/libsvm file"
    try:
        with open(path, "rb") as f:
            for number, line in enumerate(f, start=1):
                fault = _svmlight_line_fault(line, zero_based)
                if fault:
                    return f"{head}: line {number}, {fault}"
    except OSError:
        pass
    return f"{head}; {_SVMLIGHT_FORM}, the indices increasing"


def _svmlight_line_fault(line: bytes, zero_based: bool | str) -> str | None:
    """What is wrong with one line of an svmlight file, as ``load_svmlight_file`` reads
    it (a comment from '#' on, an optional ``qid:N``), with what to do; None if nothing."""
    def shown(token: bytes) -> str:
        text = token.decode("utf-8", "replace")
        return repr(text if len(text) <= 40 else text[:37] + "...")

    parts = line.split(b"#", 1)[0].split()
    if not parts:
        return None
    try:
        float(parts[0])
    except ValueError:
        return (f"{shown(parts[0])}: the label is not a number (labels are numbers such as "
                f"-1 and 1, or 0, 1, 2, ...); {_SVMLIGHT_FORM}")
    features = parts[1:]
    if features and features[0].startswith(b"qid:"):
        features = features[1:]
    previous = -1
    for token in features:
        index_text, colon, value = token.partition(b":")
        if not colon:
            return f"{shown(token)} is not INDEX:VALUE; {_SVMLIGHT_FORM}"
        try:
            index = int(index_text)
        except ValueError:
            return (f"{shown(token)}: the index is not a whole number; {_SVMLIGHT_FORM}")
        try:
            float(value)
        except ValueError:
            return f"{shown(token)}: the value is not a number; {_SVMLIGHT_FORM}"
        if index < 0:
            return (f"{shown(token)}: the index is negative; number the features from 1 "
                    "(or from 0)")
        if index == 0 and zero_based is False:
            return (f"{shown(token)}: index 0, but the model's training file numbers the "
                    "features from 1; number them as it does")
        if index >= 2**31:
            return (f"{shown(token)}: the index {index} is too large; number the features "
                    "from 1")
        if index <= previous:
            what = (f"the index {index} appears twice" if index == previous else
                    f"the indices are not increasing ({previous}, then {index})")
            return (f"{shown(token)}: {what}; write each line's INDEX:VALUE pairs in "
                    "increasing order of INDEX, each index once")
        previous = index
    return None


def _svmlight_label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def load_svmlight(
    path: str | os.PathLike,
    *,
    preprocessor: Preprocessor | None = None,
    class_names: Sequence[str] | None = None,
) -> Dataset:
    """Read an svmlight/libsvm file (``.svm``, ``.svmlight``, ``.libsvm``), sparse.

    Each line is ``label index:value index:value ...`` (scikit-learn's
    ``load_svmlight_file``); the matrix stays a CSR matrix, never densified. Indices
    number from 1 (libsvm's convention) unless the file holds an index 0. The labels are
    the classes (``-1`` and ``1``, or ``0`` to ``9``, ...; named by their values). The
    model keeps the number of features and the index base, so that files given to
    ``predict`` and ``evaluate`` are read with the same columns.

    Parameters
    ----------
    path : path-like
    preprocessor : Preprocessor, optional
        A trained svmlight model's preprocessing (its number of features and index base).
    class_names : sequence of str, optional
        A trained model's class names.

    Returns
    -------
    Dataset
        ``X`` and ``raw``: the same CSR matrix ``(n_rows, n_features)``.
    """
    path = Path(path)
    if preprocessor is not None and preprocessor.kind != "svmlight":
        raise DatasetError(f"{path}: is an svmlight file, but the model was trained on "
                           f"{preprocessor.described}")
    if preprocessor is None:
        X, y = _read_svmlight(path, None, True)
        zero_based = bool(X.nnz) and int(X.indices.min()) == 0
        if not zero_based:
            X = X[:, 1:].tocsr()  # libsvm numbers features from 1: column 0 is empty
        if X.shape[1] == 0:
            raise DatasetError(f"{path}: holds no features (every row is empty)")
        if X.shape[1] > MAX_SVMLIGHT_FEATURES:
            raise DatasetError(f"{path}: numbers {X.shape[1]} features, more than "
                               f"{MAX_SVMLIGHT_FEATURES}; renumber the features from 1")
        prep = Preprocessor.svmlight(X.shape[1], zero_based)
    else:
        prep = preprocessor
        X, y = _read_svmlight(path, prep.n_inputs, prep.zero_based)
    codes, names = _codes_for([_svmlight_label(v) for v in y], class_names, str(path))
    sample_names = [f"{path.name}:row {i}" for i in range(1, X.shape[0] + 1)]
    return _make_dataset(X, codes, names, prep, path, sample_names)


def read_svmlight_features(path: str | os.PathLike, preprocessor: Preprocessor):
    """Rows of an svmlight file for prediction (their labels are read and ignored).

    Returns
    -------
    X : scipy.sparse.csr_matrix of shape (n_rows, n_features)
    names : list of str
        ``"file.svm:row N"`` for each row (N from 1).
    """
    path = Path(path)
    if preprocessor.kind != "svmlight":
        raise DatasetError(f"{path}: is an svmlight file, but the model was trained on "
                           f"{preprocessor.described}")
    X, _ = _read_svmlight(path, preprocessor.n_inputs, preprocessor.zero_based)
    return X, [f"{path}:row {i}" for i in range(1, X.shape[0] + 1)]


# --------------------------------------------------------------------------- built-in sets


def load_flower(m: int = 400, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The course's planar "flower" data set (``load_planar_dataset``), exactly.

    The course calls ``np.random.seed(1)`` and then draws from the global legacy
    generator; here one ``RandomState(seed)`` makes the same draws in the same order,
    so the points are identical without touching NumPy's global state.

    Returns
    -------
    X : ndarray of shape (m, 2)
        The points (the course's ``X`` transposed).
    y : ndarray of shape (m,), int64
        0 (red) for the first petal set, 1 (blue) for the second: ``m // 2`` points
        each, and for an odd ``m`` one more blue (every point drawn on a petal).

    Raises
    ------
    ValueError
        ``m`` not a whole number >= 2, or ``seed`` not one from 0 to 2**32 - 1.
    """
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 2:
        raise ValueError(f"load_flower: m must be a whole number of points >= 2, got {m!r}")
    if (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
            or not 0 <= seed < 2**32):
        raise ValueError(f"load_flower: seed must be a whole number from 0 to 2**32 - 1, "
                         f"got {seed!r}")
    rng = np.random.RandomState(seed)
    # the course's N = int(m / 2) points a class left an odd m's last row at the origin,
    # labelled red (0, 0 was never drawn): the blue petals take that point instead
    counts = (m // 2, m - m // 2)  # number of points per class
    D = 2  # dimensionality
    X = np.zeros((m, D))  # data matrix where each row is a single example
    Y = np.zeros((m, 1), dtype="uint8")  # labels vector (0 for red, 1 for blue)
    a = 4  # maximum ray of the flower
    for j, N in enumerate(counts):
        ix = range(counts[0] * j, counts[0] * j + N)
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2  # theta
        r = a * np.sin(4 * t) + rng.randn(N) * 0.2  # radius
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X, Y.ravel().astype(np.int64)


def _builtin_raw(name: str):
    """(raw X, y codes, class names, column names, standardise?) of a built-in set."""
    if name == "flower":
        X, y = load_flower()
        return X, y, ["red", "blue"], ["x1", "x2"], False
    if name == "moons":
        from sklearn.datasets import make_moons

        X, y = make_moons(n_samples=400, noise=0.2, random_state=0)
        return X, y, ["0", "1"], ["x1", "x2"], False
    if name == "circles":
        from sklearn.datasets import make_circles

        X, y = make_circles(n_samples=400, noise=0.1, factor=0.5, random_state=0)
        return X, y, ["outer", "inner"], ["x1", "x2"], False
    if name == "breast-cancer":
        from sklearn.datasets import load_breast_cancer

        bunch = load_breast_cancer()
        columns = [str(c).replace(" ", "_") for c in bunch.feature_names]
        return bunch.data, bunch.target, [str(c) for c in bunch.target_names], columns, True
    if name == "digits":
        from sklearn.datasets import load_digits

        bunch = load_digits()
        columns = [f"pixel_{i // 8}_{i % 8}" for i in range(64)]
        names = [str(c) for c in bunch.target_names]
        return bunch.data, bunch.target, names, columns, True
    raise DatasetError(
        f"unknown built-in data set '{name}'; choose one of {', '.join(BUILTIN_DATASETS)}"
        " or give a .h5 file, a folder of class sub-folders, or a .csv file"
    )


def load_builtin(name: str, *, preprocessor: Preprocessor | None = None) -> Dataset:
    """One of :data:`BUILTIN_DATASETS`, whole (see :func:`train_test_split`).

    The 2-D sets (flower, moons, circles) are kept unscaled, as the course feeds the
    flower to its models; breast-cancer and digits are standardised (with the whole
    set's statistics here; :func:`load_train_test` fits them on the training part).
    """
    X, y, names, columns, standardise = _builtin_raw(name)
    if preprocessor is not None and (
        preprocessor.kind != "tabular" or list(preprocessor.columns) != columns
    ):
        ours = f"{len(columns)} columns ({', '.join(columns[:4])}{', ...' * (len(columns) > 4)})"
        named = (": as many columns, named otherwise"
                 if preprocessor.kind == "tabular" and len(preprocessor.columns) == len(columns)
                 else "")
        raise DatasetError(f"the built-in set '{name}' is a table of {ours}, but the model "
                           f"was trained on {preprocessor.described}{named}; give data like "
                           "the model's training data")
    prep = preprocessor or Preprocessor.fit_tabular(X, columns, standardise=standardise)
    sample_names = [f"{name}[{i}]" for i in range(len(y))]
    return _make_dataset(np.asarray(X, dtype=np.float64), y, names, prep, name, sample_names)


def _is_builtin(spec: str) -> bool:
    return str(spec) in BUILTIN_DATASETS and not Path(spec).exists()


# --------------------------------------------------------------------------- dispatch


def load_dataset(
    spec: str | os.PathLike,
    *,
    image_size: int = 64,
    label_column: str | None = None,
    preprocessor: Preprocessor | None = None,
    class_names: Sequence[str] | None = None,
    text: dict[str, Any] | None = None,
) -> Dataset:
    """Load data from a path or a built-in name.

    Parameters
    ----------
    spec : str or path-like
        A ``.h5``/``.hdf5`` file (the course's layout), a folder with one sub-folder
        per class (of pictures, or of text files: ``.txt``, ``.text``, ``.eml``), a
        ``.csv`` file with a header, an svmlight/libsvm file (``.svm``, ``.svmlight``,
        ``.libsvm``), or a built-in name (:data:`BUILTIN_DATASETS`).
    image_size : int
        Picture side for image data (default 64).
    label_column : str, optional
        CSV only: the label column (default: the last one).
    preprocessor, class_names : optional
        A trained model's preprocessing and class names, to load evaluation data
        the same way as the training data.
    text : dict, optional
        Text only: the vectorizer's settings (:func:`load_text_folder`).

    Returns
    -------
    Dataset

    Raises
    ------
    DatasetError
        Missing file, unknown format, unreadable content, unknown column, ...
    """
    spec_str = str(spec)
    path = Path(spec)
    if not spec_str.strip():
        raise DatasetError(
            "no data given (an empty name); give a .h5/.hdf5 file, a .csv file, a folder "
            f"of class sub-folders or a built-in set ({', '.join(BUILTIN_DATASETS)})"
        )
    if _is_builtin(spec_str):
        data = load_builtin(spec_str, preprocessor=preprocessor)
        if class_names is not None and list(class_names) != data.class_names:
            # the model's codes, by name (their codes 0, 1 are other classes)
            unknown = [n for n in data.class_names if n not in class_names]
            if unknown:
                raise DatasetError(
                    f"the built-in set '{spec_str}' has the classes "
                    f"{', '.join(data.class_names)}, not the model's "
                    f"({', '.join(map(str, class_names))}); use data with the model's classes")
            codes = np.array([list(class_names).index(data.class_names[c]) for c in data.y],
                             dtype=np.int64)
            data = replace(data, y=codes, class_names=[str(c) for c in class_names])
        return data
    suffix = path.suffix.lower()
    if path.is_dir():
        kind = folder_kind(path)  # text files: "text" (a model of another kind says so)
        if (kind == "image" and preprocessor is not None and preprocessor.kind == "text"
                and any(f.suffix.lower() in IMAGE_EXTENSIONS for sub in _visible(path)
                        if sub.is_dir() for f in _visible(sub))):
            raise DatasetError(f"{path}: holds pictures, but the model was trained on "
                               f"{preprocessor.described}")
        if kind == "text" or (preprocessor is not None and preprocessor.kind == "text"):
            return load_text_folder(path, text=text, preprocessor=preprocessor,
                                    class_names=class_names)
        return load_image_folder(
            path, image_size=image_size, preprocessor=preprocessor, class_names=class_names
        )
    if suffix in SVMLIGHT_EXTENSIONS:
        return load_svmlight(path, preprocessor=preprocessor, class_names=class_names)
    if suffix in (".h5", ".hdf5"):
        return load_hdf5(
            path, image_size=image_size, preprocessor=preprocessor, class_names=class_names
        )
    if suffix == ".csv":
        return load_csv(
            path, label_column=label_column, preprocessor=preprocessor, class_names=class_names
        )
    if not path.exists():
        from ._files import link_nowhere

        raise DatasetError(
            link_nowhere(path) or
            f"{spec_str}: no such file or folder, and not a built-in data set "
            f"({', '.join(BUILTIN_DATASETS)})"
        )
    special = _special_file(path)
    if special:
        raise DatasetError(special)
    raise DatasetError(
        f"{spec_str}: unknown data format; give a .h5/.hdf5 file, a .csv file, an svmlight "
        "file (.svm, .svmlight, .libsvm), or a folder with one sub-folder of pictures or "
        "text files per class"
    )


def train_test_split(
    data: Dataset, test_size: float = _SPLIT_TEST_SIZE, seed: int = _SPLIT_SEED
) -> tuple[Dataset, Dataset]:
    """Stratified split with a fixed seed; tabular statistics refitted on the train part.

    Parameters
    ----------
    data : Dataset
    test_size : float
        Fraction of the samples held out (default 0.25).
    seed : int
        Seed of the shuffle (default 0), so the split is always the same.

    Returns
    -------
    train, test : Dataset
    """
    from sklearn.model_selection import train_test_split as sk_split

    index = np.arange(data.n_samples)
    train_idx, test_idx = sk_split(
        index, test_size=test_size, random_state=seed, stratify=data.y
    )
    train_idx, test_idx = np.sort(train_idx), np.sort(test_idx)
    train, test = data.subset(train_idx), data.subset(test_idx)
    if data.kind == "tabular":
        standardise = not (
            all(v == 0.0 for v in data.preprocessor.mean)
            and all(v == 1.0 for v in data.preprocessor.std)
        )
        prep = Preprocessor.fit_tabular(train.raw, data.preprocessor.columns, standardise)
        train = replace(train, preprocessor=prep, X=prep.transform(train.raw))
        test = replace(test, preprocessor=prep, X=prep.transform(test.raw))
    return train, test


def load_train_test(
    spec: str | os.PathLike,
    test_spec: str | os.PathLike | None = None,
    *,
    image_size: int = 64,
    label_column: str | None = None,
    text: dict[str, Any] | None = None,
) -> tuple[Dataset, Dataset | None]:
    """Training data and, when available, test data prepared the same way.

    With ``test_spec`` the test data is loaded with the training data's preprocessing
    and class names. Without it, a built-in set is split with :func:`train_test_split`
    (fixed seed, stratified) and any other data has no test part (``None``). ``text``:
    the vectorizer's settings for a folder of text files (:func:`load_text_folder`).
    """
    if test_spec is None and _is_builtin(str(spec)):
        return train_test_split(load_builtin(str(spec)))
    train = load_dataset(spec, image_size=image_size, label_column=label_column, text=text)
    if test_spec is None:
        return train, None
    if len(train.class_names) < 2:  # before the test's labels, which it could not name
        only = train.class_names[0] if train.class_names else "none"
        raise DatasetError(f"{spec}: the training data has only one class ('{only}'); a "
                           "classifier needs examples of at least two classes")
    try:
        test = load_dataset(
            test_spec,
            image_size=image_size,
            label_column=label_column,
            preprocessor=train.preprocessor,
            class_names=train.class_names,
        )
    except DatasetError as exc:  # no model yet: the loaders' words for one, reworded
        text = (str(exc).replace("; give data like the model's training data",
                                 "; give test data like the training data")
                .replace("the model was trained on", "the training data is"))
        raise DatasetError(text) from None
    return train, test
