"""Edge cases of text and sparse input met by practitioners (QA round).

DataFrames and 2-D arrays of texts, missing values among the texts, no texts at all,
terms too long for a model file, and the sparse first layer on unusual batches.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nnscratch import LogisticRegression
from nnscratch.exceptions import DatasetError, InvalidParameterError
from nnscratch.persistence import load_bundle, save
from nnscratch.preprocessing import Preprocessor
from nnscratch.text import (
    MAX_NGRAM,
    TextVectorizer,
    check_text_setting,
    make_spam_corpus,
    read_text,
)

TEXTS = ["free money now", "lunch meeting at noon", "free lunch"]


# --------------------------------------------------------------------------- shapes of input


@pytest.mark.parametrize("make", [
    lambda: pd.DataFrame({"text": TEXTS})[["text"]],
    lambda: np.array(TEXTS).reshape(-1, 1),
    lambda: np.array("free money"),
], ids=["dataframe", "2-D array", "0-D array"])
def test_fit_and_transform_refuse_input_that_is_not_one_dimensional(make):
    # a DataFrame iterates over its column names: fitting it learnt the one term "text"
    with pytest.raises(ValueError, match=r"1-D list of texts") as info:
        TextVectorizer.fit(make())
    assert "\n" not in str(info.value)
    vec = TextVectorizer.fit(TEXTS)
    with pytest.raises(ValueError, match=r"1-D list of texts"):
        vec.transform(make())
    with pytest.raises(ValueError, match=r"1-D list of texts"):
        Preprocessor.fit_text(make())


def test_a_dataframe_is_told_to_pass_one_column():
    df = pd.DataFrame({"text": TEXTS})
    with pytest.raises(ValueError, match=r"2-D DataFrame of shape \(3, 1\).*df\['text'\]"):
        TextVectorizer.fit(df[["text"]])
    # one column (a Series) is a list of texts
    vec = TextVectorizer.fit(df["text"])
    assert vec.terms == TextVectorizer.fit(TEXTS).terms
    assert vec.transform(df["text"]).shape == (3, vec.n_features)


# --------------------------------------------------------------------------- what a text is


@pytest.mark.parametrize("bad, fragment", [
    (None, r"text 1 is None \(NoneType\), not a str; fill in or drop the missing texts"),
    (float("nan"), r"text 1 is nan \(float\), not a str; fill in or drop"),
    (3, r"text 1 is 3 \(int\), not a str; every text must be a str"),
    (["free", "lunch"], r"text 1 is \['free', 'lunch'\] \(list\), not a str"),
    (b"caf\xe9", r"text 1 is bytes that are not UTF-8 \(byte 0xe9 at offset 3\)"),
], ids=["None", "nan", "int", "list", "latin-1 bytes"])
def test_a_text_that_is_not_a_str_is_refused_by_position(bad, fragment):
    # they ended in scikit-learn's "'NoneType' object has no attribute 'lower'"
    with pytest.raises(DatasetError, match=fragment) as info:
        TextVectorizer.fit(["free money", bad, "lunch"])
    assert "\n" not in str(info.value)
    vec = TextVectorizer.fit(TEXTS)
    with pytest.raises(DatasetError, match=fragment):
        vec.transform(["free money", bad])


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_missing_values_of_a_series_are_named(missing):
    series = pd.Series(["free money", missing, "free lunch"], dtype=object)
    with pytest.raises(DatasetError, match=r"text 1 is (None|nan|<NA>) .*fillna"):
        TextVectorizer.fit(series)
    vec = TextVectorizer.fit(series.fillna(""))
    assert vec.terms == ("free", "lunch", "money")


@pytest.mark.parametrize("missing", [None, np.nan])
def test_a_text_models_preprocessor_refuses_missing_texts_instead_of_reading_a_word(missing):
    # str(None) is "none" and str(nan) is "nan": a preprocessor whose vocabulary holds
    # those words once scored a missing text as if it were the word.
    pre = Preprocessor.fit_text(["none of it", "nan bread", "free lunch"])
    with pytest.raises(DatasetError, match=r"transform: text 1 is (None|nan) .*fillna"):
        pre.transform_texts(["free lunch", missing])
    assert pre.transform_texts(["none"]).nnz == 1


def test_utf8_bytes_are_texts_like_their_str():
    vec = TextVectorizer.fit(["café crème", "free lunch"])
    from_bytes = vec.transform(["café lunch".encode(), bytearray(b"free")]).toarray()
    np.testing.assert_array_equal(from_bytes, vec.transform(["café lunch", "free"]).toarray())


# --------------------------------------------------------------------------- no texts


def test_fitting_no_texts_says_so_not_min_df():
    # it said "min_df=1 is more than the 0 training texts ... choose a smaller --min-df"
    with pytest.raises(DatasetError, match=r"^no texts to learn from") as info:
        TextVectorizer.fit([])
    assert "min_df" not in str(info.value)


@pytest.mark.parametrize("vectorizer", ["tfidf", "count", "binary"])
def test_transforming_no_texts_gives_no_rows_for_every_vectorizer(vectorizer):
    # TF-IDF raised scikit-learn's "Found array with 0 sample(s)", counts gave (0, n)
    vec = TextVectorizer.fit(TEXTS, vectorizer=vectorizer)
    X = vec.transform([])
    assert X.format == "csr" and X.dtype == np.float64
    assert X.shape == (0, vec.n_features) and X.nnz == 0


# --------------------------------------------------------------------------- what a model file holds


def test_a_term_too_long_for_a_model_file_is_left_out_so_the_model_saves(tmp_path):
    # an e-mail with a 6000-letter "word" (an encoded attachment) trained, then the
    # model file was refused at save: "a vocabulary term is longer than 4096 bytes"
    blob = "ab" * 3000
    texts = ["free money now", f"lunch meeting {blob}", "free lunch", "cash prize now"]
    y = [1, 0, 0, 1]
    for vectorizer in ("tfidf", "count"):
        prep = Preprocessor.fit_text(texts, vectorizer=vectorizer)
        assert blob not in prep.vectorizer.terms
        assert prep.vectorizer.terms == TextVectorizer.fit(
            [t.replace(blob, "") for t in texts], vectorizer=vectorizer).terms
        X = prep.transform(texts)
        clf = LogisticRegression(learning_rate=1, max_iter=20).fit(X, y)
        path = tmp_path / f"{vectorizer}.npz"
        save(clf, path, preprocessor=prep)
        bundle = load_bundle(path)
        new = [f"free {blob}", "lunch"]
        np.testing.assert_array_equal(bundle.preprocessor.transform(new).toarray(),
                                      prep.transform(new).toarray())


def test_a_vectorizer_given_as_the_preprocessor_is_saved_as_one(tmp_path):
    # save(preprocessor=vec) once said "preprocessing must be a JSON object"
    texts = ["free money now", "lunch meeting", "free lunch", "cash prize now"]
    vec = TextVectorizer.fit(texts)
    clf = LogisticRegression(learning_rate=1, max_iter=20).fit(vec.transform(texts),
                                                              [1, 0, 0, 1])
    save(clf, tmp_path / "m.npz", preprocessor=vec)
    bundle = load_bundle(tmp_path / "m.npz")
    assert bundle.preprocessor.kind == "text"
    assert bundle.preprocessor.vectorizer.terms == vec.terms
    new = bundle.preprocessor.transform(["free cash", "lunch"])
    np.testing.assert_array_equal(bundle.estimator.predict(new),
                                  clf.predict(vec.transform(["free cash", "lunch"])))
    with pytest.raises(TypeError, match=r"^preprocessor must be a Preprocessor, a "
                                        r"TextVectorizer or None, not list$"):
        save(clf, tmp_path / "other.npz", preprocessor=["free"])
    assert not (tmp_path / "other.npz").exists()


def test_texts_of_only_overlong_words_have_no_terms():
    with pytest.raises(DatasetError, match=r"^no terms to learn from: every word .* 4096"):
        TextVectorizer.fit(["x" * 5000, "y" * 5000])


def test_a_vocabulary_larger_than_a_model_file_holds_is_refused_at_fit(monkeypatch):
    import nnscratch.text

    monkeypatch.setattr(nnscratch.text, "MAX_TERMS", 5)
    with pytest.raises(DatasetError, match=r"hold 7 terms, more than a model file holds "
                                           r"\(5\); .*max_features"):
        TextVectorizer.fit(TEXTS)
    assert TextVectorizer.fit(TEXTS, max_features=5).n_features == 5


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize("value", [(1, 6), (0, 1), [0, 9]])
def test_an_ngram_length_out_of_range_names_the_whole_range(value):
    # it said "ngram_range=6 is not valid: it must be in [1, 5]."
    with pytest.raises(InvalidParameterError) as info:
        check_text_setting("ngram_range", value)
    assert str(info.value) == (f"ngram_range={tuple(value)!r} is not valid: min and max "
                               f"must each be in [1, {MAX_NGRAM}]")


def test_a_numpy_pair_is_an_ngram_range():
    assert check_text_setting("ngram_range", np.array([1, 2])) == (1, 2)
    assert check_text_setting("ngram_range", (np.int64(2), np.int32(3))) == (2, 3)
    assert TextVectorizer.fit(TEXTS, ngram_range=np.array([1, 2])).ngram_range == (1, 2)
    for bad in (np.array([[1, 2]]), np.array([1.0, 2.0]), np.array([1, 2, 3])):
        with pytest.raises(InvalidParameterError, match="must be two integers"):
            check_text_setting("ngram_range", bad)


# --------------------------------------------------------------------------- reading files


@pytest.mark.parametrize("encoding, name", [
    ("utf-16", "UTF-16"), ("utf-16-le", None), ("utf-32", "UTF-32")])
def test_utf16_text_is_named_as_such_not_as_a_binary_file(tmp_path, encoding, name):
    # Notepad's "Unicode" (UTF-16 with a byte-order mark) was "a binary file (it holds
    # NUL bytes), not text"
    path = tmp_path / "note.txt"
    data = "Hi Anna, café at noon?".encode(encoding)
    path.write_bytes(b"\xff\xfe" + data if encoding == "utf-16-le" else data)
    name = name or "UTF-16"
    with pytest.raises(DatasetError) as info:
        read_text(path)
    assert str(info.value) == (
        f"{path}: is {name} text (it starts with a {name} byte-order mark), not UTF-8; "
        f"convert it to UTF-8 (e.g. iconv -f {name.lower()} -t utf-8) or remove it")


def test_a_binary_file_with_nul_bytes_is_still_binary(tmp_path):
    path = tmp_path / "logo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DatasetError, match=r"is a binary file \(it holds NUL bytes\)"):
        read_text(path)


# --------------------------------------------------------------------------- the spam corpus


@pytest.mark.parametrize("kwargs, message", [
    ({"spam_fraction": "0.4"}, "spam_fraction must be a number in (0, 1), got '0.4'"),
    ({"spam_fraction": 1.0}, "spam_fraction must be a number in (0, 1), got 1.0"),
    ({"hard_fraction": None}, "hard_fraction must be a number in [0, 0.5), got None"),
    ({"hard_fraction": float("nan")}, "hard_fraction must be a number in [0, 0.5), got nan"),
    ({"random_state": -1}, "random_state must be an integer >= 0 (or None), got -1"),
    ({"random_state": "0"}, "random_state must be an integer >= 0 (or None), got '0'"),
])
def test_spam_corpus_settings_are_refused_in_one_line_naming_them(tmp_path, kwargs, message):
    # a string fraction ended in "'<' not supported between instances of 'int' and
    # 'str'", a negative seed in NumPy's "expected non-negative integer"
    with pytest.raises(ValueError) as info:
        make_spam_corpus(tmp_path / "mail", 10, **kwargs)
    assert str(info.value) == message
    assert not (tmp_path / "mail").exists()


def test_spam_corpus_refuses_a_file_as_its_folder(tmp_path):
    # it raised NotADirectoryError "[Errno 20] Not a directory: '.../spam'"
    path = tmp_path / "mail"
    path.write_text("not a folder")
    with pytest.raises(ValueError, match=r"mail: is a file, not a folder; give a folder"):
        make_spam_corpus(path, 10)
    assert path.read_text() == "not a folder"


def test_spam_corpus_takes_a_generator_and_hard_fraction_zero(tmp_path):
    counts = make_spam_corpus(tmp_path / "a", 10, hard_fraction=0,
                              random_state=np.random.default_rng(3))
    assert counts == {"spam": 4, "ham": 6}
    assert len(list((tmp_path / "a").glob("*/*.txt"))) == 10


@pytest.mark.parametrize("ngram_range, words", [
    ((1, 1), "8 words"), ((1, 2), "14 1- to 2-word n-grams"), ((2, 2), "6 2-word n-grams"),
    ((3, 3), "4 3-word n-grams")])
def test_describe_names_the_ngrams_plainly(ngram_range, words):
    # (2, 2) was described as "2- to 2-word n-grams"
    vec = TextVectorizer.fit(["aa bb cc dd", "ee ff gg hh"], ngram_range=ngram_range,
                             vectorizer="binary")
    assert vec.describe() == f"text: 0/1 presence of {words}, lowercased"


def test_a_file_just_over_the_limit_says_by_how_much(tmp_path):
    # it said "(16 MiB; at most 16 MiB)"
    from nnscratch.text import MAX_TEXT_BYTES

    path = tmp_path / "long.txt"
    with open(path, "wb") as f:
        f.truncate(MAX_TEXT_BYTES + 1)  # a sparse file: no 16 MiB written
    with pytest.raises(DatasetError) as info:
        read_text(path)
    assert str(info.value) == (
        f"{path}: is too large for a text message ({MAX_TEXT_BYTES + 1:,} bytes; at most "
        f"{MAX_TEXT_BYTES:,} bytes, 16 MiB); split it or remove it")


@pytest.mark.parametrize("settings", [{"stop_words": "english"}, {"ngrams": (1, 2)}])
def test_a_setting_the_vectorizer_does_not_have_is_named_with_the_ones_it_has(settings):
    # it was Python's "TextVectorizer.fit() got an unexpected keyword argument ..."
    (name,) = settings
    for fit in (TextVectorizer.fit, Preprocessor.fit_text):
        with pytest.raises(InvalidParameterError) as info:
            fit(TEXTS, **settings)
        assert str(info.value) == (
            f"{name!r} is not a text setting: they are vectorizer, ngram_range, "
            "max_features, min_df (no other scikit-learn option is kept in a model file)")
        assert isinstance(info.value, TypeError)


def test_load_train_test_names_an_unknown_text_setting(tmp_path):
    from nnscratch.datasets import load_train_test

    make_spam_corpus(tmp_path / "train", 8)
    make_spam_corpus(tmp_path / "test", 4, random_state=1)
    with pytest.raises(InvalidParameterError, match=r"^'ngrams' is not a text setting"):
        load_train_test(tmp_path / "train", tmp_path / "test", text={"ngrams": (1, 2)})


@pytest.mark.parametrize("texts, fragment", [
    ({"spam": "free money", "ham": "lunch"}, r"not a dict \(it would read its keys\): "
                                             r"pass a list of texts, e\.g\. list"),
    ({"free money", "lunch at noon"}, r"not a set \(a set has no order\): pass a list of "
                                      r"texts, e\.g\. sorted\(texts\)"),
    (frozenset({"free money"}), r"not a set"),
], ids=["dict", "set", "frozenset"])
def test_a_dict_or_a_set_of_texts_is_refused(texts, fragment):
    # a dict was fitted on its keys; a set's rows came in no given order
    with pytest.raises(ValueError, match=fragment):
        TextVectorizer.fit(texts)
    with pytest.raises(ValueError, match=fragment):
        TextVectorizer.fit(TEXTS).transform(texts)
