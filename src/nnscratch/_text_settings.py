"""The text vectorizer's settings and limits, without NumPy or scikit-learn.

The command line builds its text options (and ``--help``) from these before any heavy
import; :mod:`nnscratch.text` re-exports them and does the work.
"""

from __future__ import annotations

import numbers
from typing import Any

from ._params import Param, check, requirement
from .exceptions import InvalidParameterError

#: File name endings read as text (a folder of class sub-folders holding them is text data).
TEXT_EXTENSIONS = (".txt", ".text", ".eml")

#: The vectorizers: TF-IDF (scikit-learn's ``TfidfVectorizer``: counts weighted by the
#: smoothed inverse document frequency, each row scaled to unit length), raw counts and
#: 0/1 presence (``CountVectorizer``, ``binary=True``).
VECTORIZERS = ("tfidf", "count", "binary")

#: Largest text file read (a message, not a book).
MAX_TEXT_BYTES = 16 * 1024**2
#: Longest n-grams.
MAX_NGRAM = 5
#: Most terms a vocabulary may hold.
MAX_TERMS = 5_000_000
#: Longest term, in UTF-8 bytes (an n-gram of long words).
MAX_TERM_BYTES = 4096

#: The arrays a text model file holds beside its parameters.
TEXT_ARRAYS = ("vocabulary", "vocabulary_offsets", "idf")

#: The settings of the vectorizer, each declared once (as :data:`nnscratch._params.PARAMETERS`
#: declares the estimators'); :func:`check_text_setting` tests a value against it, for the
#: command line and for model files alike.
TEXT_SETTINGS: dict[str, Param] = {
    "vectorizer": Param(
        "choice", options=lambda: VECTORIZERS,
        help="How words become features: tfidf (counts weighted by rarity, rows of unit "
             "length), count (raw counts) or binary (0/1 presence)."),
    "ngram_range": Param(
        "int", low=1, high=MAX_NGRAM,
        help=f"Word n-grams from MIN to MAX words, e.g. 1,2 for words and pairs of words "
             f"(at most {MAX_NGRAM})."),
    "max_features": Param(
        "int", low=1, high=MAX_TERMS, none=True,
        help=f"Keep only the N most frequent terms, at most {MAX_TERMS:,} (default: every "
             "term)."),
    "min_df": Param(
        "int", low=1, high=2**31 - 1,
        help="Drop terms found in fewer than N training files."),
}

#: The defaults of :data:`TEXT_SETTINGS`.
TEXT_DEFAULTS: dict[str, Any] = {"vectorizer": "tfidf", "ngram_range": (1, 1),
                                 "max_features": None, "min_df": 1}


def check_text_setting(name: str, value: Any) -> Any:
    """Check one vectorizer setting against :data:`TEXT_SETTINGS`; returns it.

    ``ngram_range`` is a pair ``(min, max)`` of integers with
    ``1 <= min <= max <= MAX_NGRAM``.

    Raises
    ------
    InvalidParameterError
        A ``ValueError`` naming the setting and what it accepts.
    """
    if name == "ngram_range":
        # a pair: a tuple, a list or a 1-D array (NumPy's, told by its ndim: no import)
        pair = (isinstance(value, (tuple, list))
                or (type(value).__name__ == "ndarray" and getattr(value, "ndim", 0) == 1))
        if (not pair or len(value) != 2
                or any(isinstance(v, bool) or not isinstance(v, numbers.Integral)
                       for v in value)):
            raise InvalidParameterError(
                f"ngram_range={value!r} is not valid: it must be two integers (min, max)")
        low, high = (int(v) for v in value)
        try:
            for v in (low, high):
                check(name, v, table=TEXT_SETTINGS)
        except InvalidParameterError:
            raise InvalidParameterError(
                f"ngram_range={(low, high)!r} is not valid: min and max must each be in "
                f"[1, {MAX_NGRAM}]") from None
        if low > high:
            raise InvalidParameterError(
                f"ngram_range={(low, high)!r} is not valid: min must not exceed max")
        return (low, high)
    return check(name, value, table=TEXT_SETTINGS)


def text_requirement(name: str) -> str:
    """What the setting ``name`` accepts, in words."""
    if name == "ngram_range":
        return f"MIN,MAX with 1 <= MIN <= MAX <= {MAX_NGRAM}"
    return requirement(name, table=TEXT_SETTINGS)
