"""Text data: reading text files, scikit-learn's vectorizers as plain data, a spam corpus.

A model trained on text keeps its fitted vectorizer in the model file as data, never as
a pickle: the settings (:data:`TEXT_SETTINGS`, the command line's own choices, from a
fixed vocabulary) in the JSON settings, and the vocabulary and the inverse document
frequencies as arrays (:meth:`TextVectorizer.to_arrays`):

- ``vocabulary``: the terms in column order, UTF-8, one blob (uint8, 1-D);
- ``vocabulary_offsets``: where each term starts and ends in the blob (int64,
  ``n_terms + 1`` values, from 0 to the blob's length, increasing);
- ``idf``: the weight of each term (float64, ``n_terms`` values, finite, from 1 to
  :func:`max_idf`), for TF-IDF only.

:meth:`TextVectorizer.from_dict` checks every one of them (types, sizes, offsets,
UTF-8, duplicates, term lengths, terms that the tokenizer gives with the file's
``ngram_range``, idf values up to what the idf's formula gives, :func:`max_idf`)
before rebuilding scikit-learn's
vectorizer with ``vocabulary=`` and ``idf_``. The tokenizer is scikit-learn's default
(words of two or more letters or digits, lowercased); no pattern is ever read from a
file.

:func:`read_text` reads one text file and refuses, in one line naming the file, an
empty file, a binary file (NUL bytes) and a file that is not UTF-8.
:func:`make_spam_corpus` writes a small spam/ham corpus of generated messages.

Examples
--------
>>> vec = TextVectorizer.fit(["free money now", "lunch meeting at noon", "free lunch"])
>>> vec.n_features, vec.terms[:3]
(7, ('at', 'free', 'lunch'))
>>> X = vec.transform(["free lunch today"])
>>> X.shape, X.nnz
((1, 7), 2)
>>> TextVectorizer.from_dict(vec.to_dict(), vec.to_arrays()) == vec
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ._text_settings import (  # noqa: F401 - re-exported: the settings live there
    MAX_NGRAM,
    MAX_TERM_BYTES,
    MAX_TERMS,
    MAX_TEXT_BYTES,
    TEXT_ARRAYS,
    TEXT_DEFAULTS,
    TEXT_EXTENSIONS,
    TEXT_SETTINGS,
    VECTORIZERS,
    check_text_setting,
    text_requirement,
)
from .exceptions import DatasetError, InvalidParameterError

__all__ = [
    "MAX_TEXT_BYTES",
    "TEXT_ARRAYS",
    "TEXT_EXTENSIONS",
    "TEXT_SETTINGS",
    "VECTORIZERS",
    "TextVectorizer",
    "check_text_setting",
    "decode_terms",
    "encode_terms",
    "make_spam_corpus",
    "read_text",
]

# --------------------------------------------------------------------------- reading


def read_text(path: str | os.PathLike) -> str:
    """One text file's content, checked.

    The file must be UTF-8 (a byte-order mark is dropped), hold some text, and no NUL
    bytes (a binary file); at most :data:`MAX_TEXT_BYTES`. UTF-16 and UTF-32 text (told
    by its byte-order mark) is refused as such, with the command that converts it.

    Raises
    ------
    DatasetError
        One line naming the file, what is wrong and what to do.
    """
    path = Path(path)
    if path.is_dir():
        raise DatasetError(f"{path}: is a folder, not a text file")
    from .datasets import _special_file  # here: datasets imports this module

    special = _special_file(path, "text")  # never opened: a named pipe waits for a writer
    if special:
        raise DatasetError(special)
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise DatasetError(
                f"{path}: is too large for a text message ({size:,} bytes; at most "
                f"{MAX_TEXT_BYTES:,} bytes, {MAX_TEXT_BYTES // 1024**2} MiB); split it or "
                "remove it")
        with open(path, "rb") as f:
            data = f.read(MAX_TEXT_BYTES + 1)
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") \
            from None
    if len(data) > MAX_TEXT_BYTES:
        raise DatasetError(f"{path}: is too large for a text message (more than "
                           f"{MAX_TEXT_BYTES // 1024**2} MiB); split it or remove it")
    for bom, encoding in ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                          (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if data.startswith(bom):  # Notepad's "Unicode": text, though it holds NUL bytes
            raise DatasetError(
                f"{path}: is {encoding} text (it starts with a {encoding} byte-order mark), "
                f"not UTF-8; convert it to UTF-8 (e.g. iconv -f {encoding.lower()} -t utf-8) "
                "or remove it")
    if b"\x00" in data:
        raise DatasetError(
            f"{path}: is a binary file (it holds NUL bytes), not text; remove it or "
            "replace it with its text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"{path}: is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8) or remove it") from None
    if not text.strip():
        raise DatasetError(
            f"{path}: is empty (it holds no text); remove it or put the message in it")
    return text


def read_texts(paths: Sequence[str | os.PathLike]) -> list[str]:
    """:func:`read_text` for every file; a bad one refuses them all.

    Raises
    ------
    DatasetError
        The first bad file's message, with the number of other bad files.
    """
    texts: list[str] = []
    errors: list[str] = []
    for p in paths:
        try:
            texts.append(read_text(p))
        except DatasetError as exc:
            errors.append(str(exc))
    if errors:
        more = f" (and {len(errors) - 1} more bad files)" if len(errors) > 1 else ""
        raise DatasetError(f"{errors[0]}{more}")
    return texts


# --------------------------------------------------------------------------- terms as arrays


def encode_terms(terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Terms as one UTF-8 blob and the offsets where each starts and ends.

    Returns
    -------
    blob : ndarray of shape (n_bytes,), uint8
    offsets : ndarray of shape (n_terms + 1,), int64
        Term ``i`` is ``blob[offsets[i]:offsets[i + 1]]``.
    """
    encoded = [t.encode("utf-8") for t in terms]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    blob = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
    return blob, offsets


def decode_terms(blob: Any, offsets: Any, n_terms: int) -> tuple[str, ...]:
    """The terms :func:`encode_terms` stored, every value checked first.

    Raises
    ------
    ValueError
        Wrong types or shapes, offsets that do not start at 0, decrease or leave the
        blob, an empty or overlong term, invalid UTF-8, a term given twice.
    """
    if not isinstance(blob, np.ndarray) or blob.dtype != np.uint8 or blob.ndim != 1:
        raise ValueError("the vocabulary must be UTF-8 bytes (a 1-D uint8 array)")
    if (not isinstance(offsets, np.ndarray) or offsets.dtype != np.int64
            or offsets.ndim != 1):
        raise ValueError("the vocabulary offsets must be a 1-D int64 array")
    if offsets.size != n_terms + 1:
        raise ValueError(f"the vocabulary offsets hold {offsets.size} values for "
                         f"{n_terms} terms (expected {n_terms + 1})")
    if offsets[0] != 0 or offsets[-1] != blob.size:
        raise ValueError(f"the vocabulary offsets must run from 0 to the vocabulary's "
                         f"{blob.size} bytes")
    lengths = np.diff(offsets)
    if lengths.size and lengths.min() <= 0:
        raise ValueError("the vocabulary offsets must increase (every term non-empty)")
    if lengths.size and lengths.max() > MAX_TERM_BYTES:
        raise ValueError(f"a vocabulary term is longer than {MAX_TERM_BYTES} bytes")
    data = blob.tobytes()
    # each term must be valid UTF-8 on its own (the offsets cut between characters)
    starts = offsets[:-1].tolist()
    ends = offsets[1:].tolist()
    try:
        terms = tuple(data[a:b].decode("utf-8") for a, b in zip(starts, ends))
    except UnicodeDecodeError:
        raise ValueError("the vocabulary is not valid UTF-8 (or its offsets cut a "
                         "character in two)") from None
    if len(set(terms)) != len(terms):
        seen: set[str] = set()
        twice = next(t for t in terms if t in seen or seen.add(t))
        raise ValueError(f"the vocabulary holds the term {twice[:40]!r} twice")
    return terms


# --------------------------------------------------------------------------- the vectorizer


def _refuse_one_text(texts: Any, what: str) -> None:
    """A plain string (or bytes) is one text, not a list of them: iterating it would
    give its characters.

    Raises
    ------
    ValueError
        One line saying to pass a list of texts (scikit-learn's vectorizers raise a
        ValueError too).
    """
    if isinstance(texts, (str, bytes)):
        raise ValueError(
            f"{what} takes a list of texts, not one {type(texts).__name__} (it would read "
            f"each character as a text): pass a list of texts, e.g. [text]"
        )
    # A dict iterates over its keys, and a set in no given order (the rows would not
    # match the labels): both would silently give other rows than the ones meant.
    if isinstance(texts, (Mapping, AbstractSet)):
        kind, why, example = (("dict", "it would read its keys", "list(texts.values())")
                              if isinstance(texts, Mapping)
                              else ("set", "a set has no order", "sorted(texts)"))
        raise ValueError(f"{what} takes a list of texts, not a {kind} ({why}): pass a "
                         f"list of texts, e.g. {example}")
    # A DataFrame iterates over its column names and a 2-D array over its rows: either
    # would silently give other texts than the ones meant.
    ndim = getattr(texts, "ndim", None)
    if isinstance(ndim, int) and ndim != 1:
        shape = getattr(texts, "shape", None)
        kind = type(texts).__name__
        hint = ("pass one column, e.g. df['text']" if ndim == 2
                else "pass a list of texts, e.g. [text]")
        raise ValueError(f"{what} takes a 1-D list of texts, not a {ndim}-D {kind}"
                         + (f" of shape {tuple(shape)}" if shape is not None else "")
                         + f": {hint}")


def _text_list(texts: Any, what: str) -> list[str]:
    """The texts as a list of str, every one checked (bytes are decoded as UTF-8).

    Raises
    ------
    ValueError
        One text given as a whole, or not a 1-D list (:func:`_refuse_one_text`).
    DatasetError
        A text that is not a str: a missing value (None, NaN), a number, a list, bytes
        that are not UTF-8; one line naming its position.
    """
    _refuse_one_text(texts, what)
    out = list(texts)
    for i, text in enumerate(out):
        if isinstance(text, str):
            continue
        if isinstance(text, (bytes, bytearray)):
            try:
                out[i] = bytes(text).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DatasetError(
                    f"{what}: text {i} is bytes that are not UTF-8 (byte "
                    f"0x{text[exc.start]:02x} at offset {exc.start}); decode it yourself "
                    "or pass str") from None
            continue
        missing = (text is None or type(text).__name__ in ("NAType", "NaTType")
                   or (isinstance(text, (float, np.floating)) and np.isnan(text)))
        raise DatasetError(
            f"{what}: text {i} is {text!r:.40} ({type(text).__name__}), not a str; "
            + ("fill in or drop the missing texts (e.g. series.fillna(''))" if missing
               else "every text must be a str"))
    return out


@dataclass(frozen=True)
class TextVectorizer:
    """A fitted scikit-learn vectorizer as plain data: its settings, terms and weights.

    Parameters
    ----------
    vectorizer : {"tfidf", "count", "binary"}
    ngram_range : tuple of int
        ``(min, max)`` words per term.
    max_features, min_df : int or None
        The training settings (kept to describe the model; they do not change
        :meth:`transform`).
    terms : tuple of str, length n_features
        The vocabulary, in column order.
    idf : tuple of float or None, length n_features
        The inverse document frequencies (``tfidf`` only).
    """

    vectorizer: str
    ngram_range: tuple[int, int]
    max_features: int | None
    min_df: int
    terms: tuple[str, ...] = field(repr=False)
    idf: tuple[float, ...] | None = field(default=None, repr=False)

    # ---- construction
    @classmethod
    def fit(cls, texts: Iterable[str], *, vectorizer: str = "tfidf",
            ngram_range: tuple[int, int] = (1, 1), max_features: int | None = None,
            min_df: int = 1, **unknown: Any) -> TextVectorizer:
        """Fit scikit-learn's vectorizer on the training texts.

        Raises
        ------
        InvalidParameterError
            A setting outside :data:`TEXT_SETTINGS`, or one it does not have (also a
            ``TypeError``).
        ValueError
            One text instead of a list of them, or a DataFrame or 2-D array.
        DatasetError
            A text that is not a str (None, NaN, a number); no term left (the texts
            hold no words, or ``min_df`` drops them all); more than :data:`MAX_TERMS`
            terms.

        Notes
        -----
        Terms longer than :data:`MAX_TERM_BYTES` in UTF-8 (an encoded attachment, not a
        word) are left out of the vocabulary, as a model file cannot hold them;
        ``max_features`` counts them before they are left out.
        """
        if unknown:
            name = sorted(unknown)[0]
            raise InvalidParameterError(
                f"{name!r} is not a text setting: they are {', '.join(TEXT_SETTINGS)} (no "
                "other scikit-learn option is kept in a model file)")
        vectorizer = check_text_setting("vectorizer", vectorizer)
        ngram_range = check_text_setting("ngram_range", ngram_range)
        max_features = check_text_setting("max_features", max_features)
        min_df = check_text_setting("min_df", min_df)
        texts = _text_list(texts, "TextVectorizer.fit")
        if not texts:
            raise DatasetError("no texts to learn from: the vectorizer needs at least one "
                               "training text")
        if min_df > len(texts):
            raise DatasetError(f"min_df={min_df} is more than the {len(texts)} training texts: "
                               "no term can be in that many; choose a smaller min_df (--min-df)")
        sk = _sklearn_vectorizer(vectorizer, ngram_range, max_features=max_features,
                                 min_df=min_df)
        try:
            sk.fit(texts)
        except ValueError as exc:  # "empty vocabulary", "max_df corresponds to < min_df"
            raise DatasetError(
                f"no terms to learn from ({' '.join(str(exc).split())}); the texts need "
                "words of two or more letters"
                + (f", and min_df={min_df} (--min-df) may be too high" if min_df > 1
                   else "")) from None
        terms = tuple(str(t) for t in sk.get_feature_names_out())
        idf = tuple(float(v) for v in sk.idf_) if vectorizer == "tfidf" else None
        # A model file holds terms of at most MAX_TERM_BYTES (a longer "word" is an
        # encoded attachment or a run of digits, not a word): they are left out here,
        # so that the model can be saved and the features are those it was trained on.
        keep = [i for i, t in enumerate(terms) if len(t.encode("utf-8")) <= MAX_TERM_BYTES]
        if len(keep) < len(terms):
            if not keep:
                raise DatasetError(
                    f"no terms to learn from: every word of the texts is longer than "
                    f"{MAX_TERM_BYTES} bytes; the texts need words of two or more letters")
            terms = tuple(terms[i] for i in keep)
            idf = None if idf is None else tuple(idf[i] for i in keep)
        if len(terms) > MAX_TERMS:
            raise DatasetError(
                f"the texts hold {len(terms)} terms, more than a model file holds "
                f"({MAX_TERMS}); keep the most frequent with max_features (--max-features) "
                "or raise min_df (--min-df)")
        return cls(vectorizer, ngram_range, max_features, min_df, terms, idf)

    @property
    def n_features(self) -> int:
        """Number of features (terms)."""
        return len(self.terms)

    @cached_property
    def _sklearn(self):
        sk = _sklearn_vectorizer(self.vectorizer, self.ngram_range,
                                 vocabulary={t: i for i, t in enumerate(self.terms)})
        if self.idf is not None:
            sk.idf_ = np.asarray(self.idf, dtype=np.float64)
        return sk

    def transform(self, texts: Iterable[str]):
        """The features of ``texts``.

        Returns
        -------
        X : scipy.sparse.csr_matrix of shape (n_texts, n_features), float64

        Raises
        ------
        ValueError
            One text instead of a list of them, or a DataFrame or 2-D array.
        DatasetError
            A text that is not a str (None, NaN, a number), in one line naming it.
        """
        texts = _text_list(texts, "transform")
        if not texts:  # TfidfVectorizer refuses no rows, CountVectorizer gives (0, n)
            import scipy.sparse as sp

            return sp.csr_matrix((0, self.n_features), dtype=np.float64)
        X = self._sklearn.transform(texts)
        return X.tocsr().astype(np.float64, copy=False)

    # ---- plain data
    def to_dict(self) -> dict[str, Any]:
        """The JSON settings (the arrays are :meth:`to_arrays`)."""
        return {"vectorizer": self.vectorizer, "ngram_range": list(self.ngram_range),
                "max_features": self.max_features, "min_df": self.min_df,
                "n_terms": self.n_features}

    def to_arrays(self) -> dict[str, np.ndarray]:
        """``vocabulary`` and ``vocabulary_offsets`` (:func:`encode_terms`), and ``idf``."""
        blob, offsets = encode_terms(self.terms)
        arrays = {"vocabulary": blob, "vocabulary_offsets": offsets}
        if self.idf is not None:
            arrays["idf"] = np.asarray(self.idf, dtype=np.float64)
        return arrays

    @classmethod
    def from_dict(cls, data: Any, arrays: dict[str, np.ndarray] | None) -> TextVectorizer:
        """Rebuild from :meth:`to_dict` and :meth:`to_arrays`, checking everything first.

        Raises
        ------
        DatasetError
            One line saying what is wrong.
        """
        keys = {"vectorizer", "ngram_range", "max_features", "min_df", "n_terms"}
        if not isinstance(data, dict) or set(data) != keys:
            found = sorted(data) if isinstance(data, dict) else type(data).__name__
            raise DatasetError(f"text preprocessing must have the keys {sorted(keys)}, "
                               f"found {found}")
        try:
            settings = {name: check_text_setting(name, data[name])
                        for name in ("vectorizer", "ngram_range", "max_features", "min_df")}
        except InvalidParameterError as exc:
            raise DatasetError(f"text preprocessing: {exc}") from None
        n_terms = data["n_terms"]
        if (not isinstance(n_terms, int) or isinstance(n_terms, bool)
                or not 1 <= n_terms <= MAX_TERMS):
            raise DatasetError(f"text preprocessing: n_terms must be an integer from 1 to "
                               f"{MAX_TERMS}, got {n_terms!r}")
        arrays = arrays or {}
        tfidf = settings["vectorizer"] == "tfidf"
        expected = {"vocabulary", "vocabulary_offsets"} | ({"idf"} if tfidf else set())
        missing = expected - set(arrays)
        if missing:
            raise DatasetError(f"text preprocessing: the model file lacks the entries "
                               f"{sorted(missing)}")
        extra = set(arrays) - expected
        if extra:
            raise DatasetError(f"text preprocessing: the entries {sorted(extra)} do not "
                               f"belong to a {settings['vectorizer']} vectorizer")
        try:
            terms = decode_terms(arrays["vocabulary"], arrays["vocabulary_offsets"], n_terms)
            _check_terms(terms, settings["ngram_range"])
        except ValueError as exc:
            raise DatasetError(f"text preprocessing: {exc}") from None
        idf = None
        if tfidf:
            values = arrays["idf"]
            if (not isinstance(values, np.ndarray) or values.dtype != np.float64
                    or values.ndim != 1):
                raise DatasetError("text preprocessing: idf must be a 1-D float64 array")
            if values.size != n_terms:
                raise DatasetError(f"text preprocessing: idf holds {values.size} values for "
                                   f"{n_terms} terms")
            if not np.all(np.isfinite(values)) or values.min() < 1.0:
                raise DatasetError("text preprocessing: idf must be finite numbers >= 1")
            highest = max_idf(settings["min_df"])
            if values.max() > highest:
                i = int(values.argmax())
                raise DatasetError(
                    f"text preprocessing: idf holds {values[i]:.6g} (term "
                    f"{_shown(terms[i])}), more than the weight's formula gives (1 + "
                    f"ln((1 + n_texts) / (1 + df)) with df >= min_df={settings['min_df']}: "
                    f"at most {highest:.2f} for any number of training texts)")
            idf = tuple(float(v) for v in values)
        return cls(settings["vectorizer"], settings["ngram_range"], settings["max_features"],
                   settings["min_df"], terms, idf)

    def describe(self) -> str:
        """One line: what the vectorizer does."""
        low, high = self.ngram_range
        words = ("words" if high == 1 else f"{high}-word n-grams" if low == high
                 else f"{low}- to {high}-word n-grams")
        how = {"tfidf": "TF-IDF (rows of unit length)", "count": "counts",
               "binary": "0/1 presence"}[self.vectorizer]
        return f"text: {how} of {self.n_features} {words}, lowercased"


#: What scikit-learn's default tokenizer gives (``token_pattern``, a word of two or more
#: letters or digits) once the text is lowercased; an n-gram is its words joined by one
#: space. A vocabulary term of a model file is checked against it.
_TOKEN = r"\w{2,}"


def _shown(term: str) -> str:
    """A term for a message: its repr, cut after 40 characters."""
    return repr(term) if len(term) <= 40 else repr(term[:40]) + "..."


def _check_terms(terms: Sequence[str], ngram_range: tuple[int, int]) -> None:
    """Refuse a vocabulary term that the tokenizer never gives: not lowercased, not
    words of two or more letters or digits joined by single spaces, or a number of
    words outside ``ngram_range`` (such a column is never filled: a model whose every
    term is one of them predicts its biases alone).

    Raises
    ------
    ValueError
        One line naming the first such term.
    """
    import re

    low, high = ngram_range
    joined = "\n".join(terms)
    if joined.lower() != joined:  # a lowercased text's characters stay as they are
        bad = next(t for t in terms if t.lower() != t)
        raise ValueError(f"the vocabulary holds the term {_shown(bad)}, which has upper-case "
                         "letters; the tokenizer lowercases every text, so it never gives "
                         "that term")
    term = re.compile(rf"{_TOKEN}(?: {_TOKEN}){{{low - 1},{high - 1}}}")
    bad = next((t for t in terms if not term.fullmatch(t)), None)
    if bad is None:
        return
    words = bad.split(" ")
    if all(re.fullmatch(_TOKEN, w) for w in words):
        raise ValueError(f"the vocabulary holds the term {_shown(bad)} of {len(words)} "
                         f"word{'s' * (len(words) != 1)}, but ngram_range is {low},{high} "
                         f"({low} to {high} words a term); the tokenizer never gives it")
    raise ValueError(f"the vocabulary holds the term {_shown(bad)}, which is not words of "
                     "two or more letters or digits joined by single spaces; the tokenizer "
                     "never gives it")


def max_idf(min_df: int = 1) -> float:
    """The largest inverse document frequency a model file may hold.

    scikit-learn's smoothed idf is ``1 + ln((1 + n) / (1 + df))`` for ``n`` training
    texts, of which ``df >= min_df`` hold the term. ``n`` is not stored in a model file;
    no corpus holds more than ``2**63`` texts (the counts are int64), so
    ``1 + ln((1 + 2**63) / (1 + min_df))`` (about 44 for ``min_df=1``) bounds every real
    file, and keeps a row's norm finite (a weight of ``1e300`` overflowed it, and every
    feature became 0).
    """
    import math

    return 1.0 + math.log((1 + 2**63) / (1 + min_df))


def _sklearn_vectorizer(vectorizer: str, ngram_range: tuple[int, int], **kwargs):
    """scikit-learn's vectorizer with the library's fixed analyzer settings."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    common = {"ngram_range": tuple(ngram_range), "lowercase": True, "analyzer": "word",
              "dtype": np.float64, **kwargs}
    if vectorizer == "tfidf":
        return TfidfVectorizer(**common)
    return CountVectorizer(binary=vectorizer == "binary", **common)


# --------------------------------------------------------------------------- the spam corpus


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_COMMON = _words(
    "the a to and of in for on is it this that with you your we our i me my be are was "
    "have has will can just about from at by as if so all any get know let us please "
    "here there today time day week new now good one two more some would could should "
    "been see like also back next make need want look take give email message note "
    "hi hello thanks regards best")
_SPAM = _words(
    "free winner win won prize cash money offer click buy cheap discount deal guaranteed "
    "credit loan bonus urgent limited exclusive act claim congratulations selected "
    "million dollars € investment profit income risk-free subscribe unsubscribe order "
    "pills pharmacy weight viagra casino lottery reward gift card password verify "
    "account suspended bank transfer wire crypto bitcoin earn home opportunity "
    "amazing incredible lowest price save percent trial instantly")
_HAM = _words(
    "meeting project report schedule lunch dinner family weekend attached review "
    "tomorrow agenda notes slides draft deadline team colleague office call conference "
    "budget plan minutes invoice quarterly analysis code release bug fix test deploy "
    "kids school birthday party trip holiday flight hotel café coffee garden football "
    "book movie photos mum dad sister brother friend thursday friday monday")
#: Words both kinds of message use (an offer of help, a bank holiday, a free afternoon).
_SHARED = _words("account offer free call money bank order save time deal card gift home "
                 "price test code")


def make_spam_corpus(folder: str | os.PathLike, n_messages: int = 200, *,
                     spam_fraction: float = 0.4, hard_fraction: float = 0.06,
                     random_state: int = 0) -> dict[str, int]:
    """Write a small corpus of generated e-mails: ``folder/spam/*.txt``, ``folder/ham/*.txt``.

    Each message is a subject line and a body of 15 to 60 words drawn from common
    words, words of its own kind, words both kinds use and, less often, words of the
    other kind. A fraction ``hard_fraction`` of the messages are written like the other
    kind (phishing that reads like a colleague's note, a friend's note full of offers),
    so that a good classifier is accurate but not perfect. Deterministic given
    ``random_state`` (its own generator; never the global state); no download.

    Parameters
    ----------
    folder : path-like
        Created if needed; its ``spam/`` and ``ham/`` sub-folders must not hold
        ``.txt`` files already.
    n_messages : int
        Number of messages, >= 4.
    spam_fraction : float
        Fraction of spam, in (0, 1).
    hard_fraction : float
        Fraction of messages written like the other kind, in [0, 0.5).
    random_state : int

    Returns
    -------
    dict
        ``{"spam": n_spam, "ham": n_ham}``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     make_spam_corpus(folder, 20, random_state=1)
    {'spam': 8, 'ham': 12}
    """
    if isinstance(n_messages, bool) or not isinstance(n_messages, (int, np.integer)) \
            or n_messages < 4:
        raise ValueError(f"n_messages must be an integer >= 4, got {n_messages!r}")
    for name, value, low, high, closed in (("spam_fraction", spam_fraction, 0, 1, "(0, 1)"),
                                           ("hard_fraction", hard_fraction, 0, 0.5,
                                            "[0, 0.5)")):
        if (isinstance(value, bool) or not isinstance(value, (int, float, np.integer,
                                                               np.floating))
                or not (low < value < high or (closed[0] == "[" and value == low))):
            raise ValueError(f"{name} must be a number in {closed}, got {value!r}")
    if (random_state is not None and not isinstance(random_state, np.random.Generator)
            and (isinstance(random_state, bool)
                 or not isinstance(random_state, (int, np.integer)) or random_state < 0)):
        raise ValueError(f"random_state must be an integer >= 0 (or None), got "
                         f"{random_state!r}")
    rng = np.random.default_rng(random_state)
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise ValueError(f"{root}: is a file, not a folder; give a folder for the corpus")
    n_spam = min(max(round(n_messages * spam_fraction), 2), n_messages - 2)
    counts = {"spam": n_spam, "ham": int(n_messages) - n_spam}
    for kind in counts:
        (root / kind).mkdir(parents=True, exist_ok=True)
        if any((root / kind).glob("*.txt")):
            raise ValueError(f"{root / kind}: already holds .txt files; give an empty folder")
    width = len(str(n_messages))
    for kind, n in counts.items():
        for i in range(n):
            hard = rng.random() < hard_fraction
            looks = kind if not hard else ("ham" if kind == "spam" else "spam")
            text = _message(rng, looks)
            (root / kind / f"{i:0{width}d}.txt").write_text(text, encoding="utf-8")
    return counts


def _message(rng: np.random.Generator, kind: str) -> str:
    own, other = (_SPAM, _HAM) if kind == "spam" else (_HAM, _SPAM)
    pools = (_COMMON, own, _SHARED, other)
    weights = np.array([0.55, 0.30, 0.11, 0.04])

    def words(n: int) -> list[str]:
        which = rng.choice(len(pools), size=n, p=weights)
        return [str(pools[k][rng.integers(len(pools[k]))]) for k in which]

    subject = " ".join(words(int(rng.integers(2, 7)))).capitalize()
    body = words(int(rng.integers(15, 61)))
    sentences, start = [], 0
    while start < len(body):
        stop = start + int(rng.integers(5, 13))
        sentences.append(" ".join(body[start:stop]).capitalize() + ".")
        start = stop
    if kind == "spam" and rng.random() < 0.5:
        sentences[-1] = sentences[-1][:-1] + "!!!"
    return f"Subject: {subject}\n\n" + " ".join(sentences) + "\n"
