"""Text data (issue 11): text folders, svmlight files, the vectorizer in the model file.

The spam corpus is generated in ``tmp_path`` (:func:`nnscratch.datasets.make_spam_corpus`,
no download); the command line runs in this process (``nnscratch.cli.run``).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from hostile import (
    assert_refused,
    model_arrays,
    model_settings,
    run_cli,
    settings_array,
    snapshot,
    write_npz,
)
from nnscratch.datasets import (
    DatasetError,
    folder_kind,
    load_dataset,
    load_svmlight,
    load_text_folder,
    make_spam_corpus,
)
from nnscratch.exceptions import InvalidParameterError
from nnscratch.persistence import ModelFileError, load_bundle, save
from nnscratch.preprocessing import Preprocessor
from nnscratch.text import (
    MAX_TERM_BYTES,
    TextVectorizer,
    check_text_setting,
    decode_terms,
    encode_terms,
    read_text,
)

FAST = ["--learning-rate", "1", "--iterations", "150"]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A generated corpus: train/ (120 messages) and test/ (60), spam/ and ham/ each."""
    root = tmp_path_factory.mktemp("mail")
    make_spam_corpus(root / "train", 120, random_state=0)
    make_spam_corpus(root / "test", 60, random_state=1)
    return root


@pytest.fixture(scope="module")
def text_model(corpus) -> Path:
    """A logistic regression trained on the corpus by the command line (words and pairs)."""
    result = run_cli(["train", "train", "--ngrams", "1,2", *FAST, "--test", "test",
                      "-o", "spam.npz"], corpus)
    assert result.code == 0, result.stderr
    return corpus / "spam.npz"


def _texts(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/*.txt"))


# --------------------------------------------------------------------------- the corpus


def test_spam_corpus_is_deterministic_and_seeded(tmp_path):
    a = make_spam_corpus(tmp_path / "a", 30, random_state=3)
    make_spam_corpus(tmp_path / "b", 30, random_state=3)
    make_spam_corpus(tmp_path / "c", 30, random_state=4)
    assert a == {"spam": 12, "ham": 18}
    read = [{p.relative_to(tmp_path / k): p.read_bytes() for p in _texts(tmp_path / k)}
            for k in "abc"]
    assert read[0] == read[1]
    assert read[0] != read[2]
    assert len(read[0]) == 30


def test_spam_corpus_refuses_a_folder_that_holds_messages_and_bad_sizes(tmp_path):
    make_spam_corpus(tmp_path, 10)
    with pytest.raises(ValueError, match="already holds"):
        make_spam_corpus(tmp_path, 10)
    with pytest.raises(ValueError, match="n_messages"):
        make_spam_corpus(tmp_path / "x", 2)


@pytest.mark.slow
def test_the_corpus_is_learnable_but_not_trivially(corpus, tmp_path):
    """A linear model on TF-IDF words: well above the majority class, below 100 %."""
    from sklearn.linear_model import LogisticRegression

    make_spam_corpus(tmp_path / "big", 400, random_state=0)
    make_spam_corpus(tmp_path / "bigtest", 200, random_state=1)
    train = load_dataset(tmp_path / "big")
    test = load_dataset(tmp_path / "bigtest", preprocessor=train.preprocessor,
                        class_names=train.class_names)
    score = LogisticRegression().fit(train.X, train.y).score(test.X, test.y)
    assert 0.85 <= score < 1.0


# --------------------------------------------------------------------------- reading text


@pytest.mark.parametrize("data, fragment", [
    (b"", "is empty"),
    (b"  \n\t\n", "is empty"),
    (b"hello\x00world", "binary file"),
    ("caf\xe9 au lait".encode("latin-1"), "not UTF-8 text (byte 0xe9 at offset 3)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
])
def test_read_text_refuses_bad_files_naming_them(tmp_path, data, fragment):
    path = tmp_path / "m.txt"
    path.write_bytes(data)
    with pytest.raises(DatasetError, match="m.txt") as info:
        read_text(path)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_read_text_drops_a_byte_order_mark_and_keeps_unicode(tmp_path):
    path = tmp_path / "m.txt"
    path.write_bytes("\ufeffcafé €5".encode())
    assert read_text(path) == "café €5"


# --------------------------------------------------------------------------- the vectorizer


DOCS = ["Free money now, click here", "Lunch meeting at noon?", "free lunch: café at noon",
        "naïve résumé attached for the meeting"]


@pytest.mark.parametrize("vectorizer", ["tfidf", "count", "binary"])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 3)])
def test_rebuilt_vectorizer_equals_scikit_learns(vectorizer, ngram_range):
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    vec = TextVectorizer.fit(DOCS, vectorizer=vectorizer, ngram_range=ngram_range)
    ref = (TfidfVectorizer(ngram_range=ngram_range) if vectorizer == "tfidf"
           else CountVectorizer(ngram_range=ngram_range, binary=vectorizer == "binary"))
    expected = ref.fit_transform(DOCS)
    again = TextVectorizer.from_dict(vec.to_dict(), vec.to_arrays())
    assert again == vec
    for v in (vec, again):
        X = v.transform(DOCS)
        assert sp.issparse(X) and X.format == "csr" and X.dtype == np.float64
        assert abs(X - expected).max() < 1e-15
    assert list(vec.terms) == list(ref.get_feature_names_out())


def test_max_features_and_min_df_shrink_the_vocabulary():
    full = TextVectorizer.fit(DOCS)
    assert TextVectorizer.fit(DOCS, max_features=3).n_features == 3
    assert TextVectorizer.fit(DOCS, min_df=2).terms == ("at", "free", "lunch", "meeting", "noon")
    assert full.n_features > 5


@pytest.mark.parametrize("name, value", [
    ("vectorizer", "bm25"), ("vectorizer", None), ("ngram_range", (0, 1)),
    ("ngram_range", (2, 1)), ("ngram_range", (1, 6)), ("ngram_range", (1.0, 2)),
    ("ngram_range", [1]), ("ngram_range", "1,2"), ("max_features", 0),
    ("max_features", 1.5), ("min_df", 0), ("min_df", True),
])
def test_text_settings_are_checked_by_their_table(name, value):
    with pytest.raises(InvalidParameterError, match=name):
        check_text_setting(name, value)


def test_fit_refuses_texts_without_words_and_too_high_min_df():
    with pytest.raises(DatasetError, match="no terms"):
        TextVectorizer.fit(["!!", "? ?"])
    with pytest.raises(DatasetError, match=r"smaller min_df \(--min-df\)"):
        TextVectorizer.fit(DOCS, min_df=5)


def test_terms_round_trip_as_a_blob_and_offsets():
    terms = ("a", "café", "naïve résumé", "€", "x" * 50)
    blob, offsets = encode_terms(terms)
    assert blob.dtype == np.uint8 and offsets.dtype == np.int64
    assert decode_terms(blob, offsets, len(terms)) == terms


def _bad_terms():
    blob, offsets = encode_terms(("ab", "café", "cd"))
    cut = offsets.copy()
    cut[2] -= 1  # inside the two bytes of 'é'
    dup_blob, dup_offsets = encode_terms(("ab", "ab"))
    long_blob, long_offsets = encode_terms(("a" * (MAX_TERM_BYTES + 1),))
    return {
        "blob-int32": (blob.astype(np.int32), offsets, 3, "UTF-8 bytes"),
        "blob-2d": (blob[None], offsets, 3, "UTF-8 bytes"),
        "offsets-float": (blob, offsets.astype(np.float64), 3, "int64"),
        "offsets-int32": (blob, offsets.astype(np.int32), 3, "int64"),
        "too-few-offsets": (blob, offsets[:-1], 3, "expected 4"),
        "n-terms-larger": (blob, offsets, 4, "expected 5"),
        "offsets-not-from-0": (blob, offsets + 1, 3, "from 0"),
        "offsets-beyond-the-blob": (blob[:-1], offsets, 3, "from 0"),
        "offsets-decrease": (blob, np.array([0, 5, 2, 9]), 3, "increase"),
        "empty-term": (blob, np.array([0, 2, 2, 9]), 3, "increase"),
        "cut-character": (blob, cut, 3, "UTF-8"),
        "invalid-utf8": (np.frombuffer(b"ab\xff\xfecd", np.uint8), np.array([0, 2, 4, 6]),
                         3, "UTF-8"),
        "duplicate": (dup_blob, dup_offsets, 2, "twice"),
        "overlong-term": (long_blob, long_offsets, 1, "longer than"),
    }


@pytest.mark.parametrize("case", list(_bad_terms()))
def test_decode_terms_refuses_hostile_arrays(case):
    blob, offsets, n, fragment = _bad_terms()[case]
    with pytest.raises(ValueError, match=fragment):
        decode_terms(blob, offsets, n)


# --------------------------------------------------------------------------- folders


def test_a_text_folder_loads_sparse_with_names(corpus):
    data = load_dataset(corpus / "train")
    assert data.kind == "text" and sp.issparse(data.X) and data.X.format == "csr"
    assert data.class_names == ["ham", "spam"]
    assert data.n_samples == 120 and data.names[0] == "ham/000.txt"
    assert data.preprocessor.n_features == data.n_features
    assert folder_kind(corpus / "train") == "text"


def test_files_of_other_endings_are_ignored_and_eml_is_text(tmp_path):
    make_spam_corpus(tmp_path, 8)
    (tmp_path / "spam" / "notes.md").write_text("ignored")
    (tmp_path / "ham" / "x.eml").write_text("Subject: lunch\n\nSee you at noon")
    data = load_text_folder(tmp_path)
    assert data.n_samples == 9
    assert "ham/x.eml" in data.names


# --------------------------------------------------------------------------- the command line


def test_train_predict_evaluate_on_generated_spam(corpus, text_model):
    bundle = load_bundle(text_model)
    assert bundle.preprocessor.kind == "text"
    assert bundle.preprocessor.vectorizer.ngram_range == (1, 2)
    assert bundle.class_names == ["ham", "spam"]
    assert bundle.training["test_accuracy"] >= 0.8
    files = [str(p.relative_to(corpus)) for p in _texts(corpus / "test")][::7]
    result = run_cli(["predict", "spam.npz", *files, "--json"], corpus)
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["input"] for r in rows] == files
    correct = [r["label"] == Path(r["input"]).parent.name for r in rows]
    assert np.mean(correct) >= 0.7
    assert all(0.5 <= r["probability"] <= 1 for r in rows)
    result = run_cli(["evaluate", "spam.npz", "test", "--json"], corpus)
    assert result.code == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["n_samples"] == 60 and scores["classes"] == ["ham", "spam"]
    assert scores["accuracy"] == pytest.approx(bundle.training["test_accuracy"])


def test_predict_takes_a_folder_of_messages_and_a_labelled_folder(corpus, text_model):
    one = run_cli(["predict", "spam.npz", "test/spam", "--json"], corpus)
    both = run_cli(["predict", "spam.npz", "test", "--json"], corpus)
    assert one.code == both.code == 0
    assert len(json.loads(one.stdout)) == len(list((corpus / "test/spam").glob("*.txt")))
    assert len(json.loads(both.stdout)) == 60


def test_the_model_file_round_trips_with_identical_predictions(corpus, text_model, tmp_path):
    bundle = load_bundle(text_model)
    texts = [p.read_text() for p in _texts(corpus / "test")]
    X = bundle.preprocessor.transform(texts)
    save(bundle.estimator, tmp_path / "again.npz", preprocessor=bundle.preprocessor,
         class_names=bundle.class_names, training=bundle.training)
    again = load_bundle(tmp_path / "again.npz")
    assert again.preprocessor == bundle.preprocessor
    X2 = again.preprocessor.transform(texts)
    assert (X != X2).nnz == 0
    np.testing.assert_array_equal(again.estimator.predict_proba(X2),
                                  bundle.estimator.predict_proba(X))
    # the command line's predictions from either file are the same
    shutil.copyfile(tmp_path / "again.npz", corpus / "again.npz")
    first = run_cli(["predict", "spam.npz", "test", "--json"], corpus)
    second = run_cli(["predict", "again.npz", "test", "--json"], corpus)
    assert first.stdout == second.stdout


def test_a_network_trains_on_text_with_count_vectors(corpus, tmp_path):
    shutil.copytree(corpus / "train", tmp_path / "train")
    result = run_cli(["train", "train", "--hidden", "4", "--vectorizer", "binary",
                      "--max-features", "50", "--solver", "adam", "--learning-rate", "0.01",
                      "--iterations", "100", "-o", "net.npz", "--json"], tmp_path)
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["train_accuracy"] >= 0.8
    bundle = load_bundle(tmp_path / "net.npz")
    assert bundle.preprocessor.vectorizer.vectorizer == "binary"
    assert bundle.estimator.n_features_in_ == 50
    result = run_cli(["summary", "net.npz", "--json"], tmp_path)
    assert result.code == 0
    assert json.loads(result.stdout)["preprocessing"]["max_features"] == 50


@pytest.mark.parametrize("bad, fragment", [
    (b"", "is empty"),
    (b"GIF89a\x00\x01binary", "binary file"),
    ("Gr\xfc\xdfe aus M\xfcnchen".encode("latin-1"), "not UTF-8"),
])
def test_training_refuses_a_bad_text_file_by_name_and_writes_nothing(corpus, tmp_path, bad,
                                                                     fragment):
    shutil.copytree(corpus / "train", tmp_path / "train")
    (tmp_path / "train" / "ham" / "bad.txt").write_bytes(bad)
    before = snapshot(tmp_path)
    result = run_cli(["train", "train", *FAST, "-o", "m.npz"], tmp_path)
    line = assert_refused(result, 2, fragment)
    assert "train/ham/bad.txt" in line
    assert "training" not in result.stderr.replace(line, "")
    assert snapshot(tmp_path) == before


def test_training_counts_the_other_bad_files(corpus, tmp_path):
    shutil.copytree(corpus / "train", tmp_path / "train")
    for name in ("a", "b", "c"):
        (tmp_path / "train" / "spam" / f"{name}.txt").write_bytes(b"")
    line = assert_refused(run_cli(["train", "train", "-o", "m.npz"], tmp_path), 2,
                          "(and 2 more bad files)")
    assert "spam/a.txt" in line


@pytest.mark.parametrize("setup, fragment", [
    ("mixed", "mixes pictures"),
    ("no-text", "holds no text files"),
])
def test_training_refuses_mixed_folders_and_empty_classes(corpus, tmp_path, setup, fragment):
    from hostile import png_bytes

    shutil.copytree(corpus / "train", tmp_path / "train")
    if setup == "mixed":
        (tmp_path / "train" / "ham" / "cat.png").write_bytes(png_bytes())
    else:
        (tmp_path / "train" / "other").mkdir()
        (tmp_path / "train" / "other" / "readme.md").write_text("nothing")
    assert_refused(run_cli(["train", "train", "-o", "m.npz"], tmp_path), 2, fragment)
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.parametrize("args, fragment", [
    (["--ngrams", "2"], "--ngrams"),
    (["--ngrams", "2,1"], "--ngrams"),
    (["--ngrams", "1,9"], "--ngrams"),
    (["--ngrams", "a,b"], "--ngrams"),
    (["--max-features", "0"], "--max-features"),
    (["--max-features", "many"], "--max-features"),
    (["--min-df", "-1"], "--min-df"),
    (["--vectorizer", "word2vec"], "--vectorizer"),
])
def test_bad_text_options_are_refused_in_one_line(corpus, args, fragment):
    assert_refused(run_cli(["train", "train", *args, "-o", "x.npz"], corpus), 2, fragment)
    assert not (corpus / "x.npz").exists()


def test_text_options_on_other_data_are_refused(tmp_path):
    line = assert_refused(run_cli(["train", "flower", "--ngrams", "1,2", "-o", "x.npz"],
                                  tmp_path), 2, "--ngrams applies to text data")
    assert "flower" in line


def test_predict_gives_a_line_per_bad_message_and_predicts_the_others(corpus, text_model,
                                                                      tmp_path):
    shutil.copyfile(text_model, tmp_path / "spam.npz")
    (tmp_path / "good.txt").write_text("Free cash prize, click now to claim your bonus")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin.txt").write_bytes("d\xe9j\xe0 vu".encode("latin-1"))
    (tmp_path / "pic.png").write_bytes(b"\x89PNG")
    result = run_cli(["predict", "spam.npz", "good.txt", "empty.txt", "latin.txt", "pic.png",
                      "--json"], tmp_path)
    assert result.code == 2
    rows = json.loads(result.stdout)
    assert rows[0]["label"] == "spam"
    assert "is empty" in rows[1]["error"]
    assert "not UTF-8" in rows[2]["error"]
    assert "is a picture, but the model takes text files" in rows[3]["error"]
    assert len(result.lines) == 3 and all(x.startswith("nnscratch: error: ")
                                          for x in result.lines)


def test_a_message_of_words_the_model_never_saw_is_predicted_with_a_note(text_model,
                                                                         tmp_path):
    # it was predicted from the biases alone (about the classes' shares) without a word
    shutil.copyfile(text_model, tmp_path / "spam.npz")
    (tmp_path / "good.txt").write_text("Free cash prize, click now to claim your bonus")
    (tmp_path / "unknown.txt").write_text("zzqx wvvyk qqjr")
    result = run_cli(["predict", "spam.npz", "good.txt", "unknown.txt", "--json"], tmp_path)
    assert result.code == 0
    assert [row["input"] for row in json.loads(result.stdout)] == ["good.txt", "unknown.txt"]
    assert result.lines == ["nnscratch: note: unknown.txt: none of its words is in the "
                            "model's vocabulary, so its prediction is the model's biases "
                            "alone"]


def test_a_text_model_refuses_pictures_and_tables_and_vice_versa(corpus, text_model, tmp_path):
    shutil.copyfile(text_model, tmp_path / "spam.npz")
    from hostile import GOOD_CSV, picture_folder

    picture_folder(tmp_path / "pics")
    (tmp_path / "t.csv").write_text(GOOD_CSV)
    assert_refused(run_cli(["evaluate", "spam.npz", "pics"], tmp_path), 2, "")
    assert_refused(run_cli(["evaluate", "spam.npz", "t.csv"], tmp_path), 2, "trained on text")
    assert_refused(run_cli(["plot", "spam.npz", "--kind", "mislabeled", "--data", "pics",
                            "-o", "p.png"], tmp_path), 2, "trained on text files")
    assert run_cli(["train", "pics", "--image-size", "8", "--iterations", "2", "-o",
                    "img.npz"], tmp_path).code == 0
    assert_refused(run_cli(["evaluate", "img.npz", str(corpus / "test")], tmp_path), 2,
                   "trained on pictures")


# --------------------------------------------------------------------------- the demo

DEMO_TITLES = ["logistic regression", "one hidden layer (4, tanh)", "deep (20, 7, 5, tanh)"]
DEMO_ROW = re.compile(r"(\S.*?)\s+(\d+\.\d\d)%\s+(\d+\.\d\d)%\s+(\d+\.\d\d)s")


def _small_mail(root: Path) -> Path:
    """mail/train (24 messages) and mail/test (12): the demo trains 10000 iterations."""
    make_spam_corpus(root / "mail" / "train", 24, random_state=0)
    make_spam_corpus(root / "mail" / "test", 12, random_state=1)
    return root / "mail"


@pytest.mark.slow
def test_demo_on_text_folders_trains_three_models_that_read_raw_text(tmp_path):
    _small_mail(tmp_path)
    result = run_cli(["demo", "--data", "mail", "--output-dir", "out"], tmp_path)
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    # stdout: the table, one row per model, accuracies in percent
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["model", "train", "acc", "test", "acc", "time"]
    rows = [DEMO_ROW.fullmatch(line) for line in lines[1:]]
    assert len(rows) == 3 and all(rows), lines
    assert [r[1] for r in rows] == DEMO_TITLES
    train_acc = [float(r[2]) for r in rows]
    test_acc = [float(r[3]) for r in rows]
    assert min(train_acc) >= 90 and min(test_acc) >= 75, lines  # 12 test messages
    # stderr: what was read, each model's accuracies as in the table, what was written
    err = result.lines
    assert re.fullmatch(r"demo on mail: 24 training and 12 test samples, \d+ features",
                        err[0]), err
    for title, train, test in zip(DEMO_TITLES, train_acc, test_acc):
        assert f"training {title}" in err
        assert any(line.startswith(f"  {title}: train {train:.2f} %, test {test:.2f} %, ")
                   for line in err), err
    assert err[-1] == f"wrote {Path('out', 'costs.png')} and the model files in out"
    # the files: the cost curves (no boundary or mislabeled picture for text), three models
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "costs.png", "deep.npz", "logistic.npz", "one-hidden-layer.npz"]
    assert (out / "costs.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # each model file keeps the vectorizer: it scores raw text folders and files
    for stem, test in zip(["logistic", "one-hidden-layer", "deep"], test_acc):
        bundle = load_bundle(out / f"{stem}.npz")
        assert bundle.preprocessor.kind == "text"
        assert bundle.class_names == ["ham", "spam"]
        scores = run_cli(["evaluate", f"out/{stem}.npz", "mail/test", "--json"], tmp_path)
        assert scores.code == 0, scores.stderr
        assert 100 * json.loads(scores.stdout)["accuracy"] == pytest.approx(test, abs=0.005)
    (tmp_path / "note.txt").write_text("Hi Anna, the slides are attached. Thanks, Tom\n")
    predicted = run_cli(["predict", "out/deep.npz", "note.txt", "--json"], tmp_path)
    assert predicted.code == 0, predicted.stderr
    assert json.loads(predicted.stdout)[0]["label"] in ("ham", "spam")


@pytest.mark.parametrize("setup, fragment", [
    ("one-class", "only one class ('spam')"),
    ("empty-file", "is empty"),
    ("binary-file", "binary file"),
    ("no-split", "neither one train*.h5 and one test*.h5 file nor train/ and test/ folders"),
])
def test_demo_refuses_a_bad_text_folder_in_one_line_and_writes_nothing(tmp_path, setup,
                                                                        fragment):
    mail = _small_mail(tmp_path)
    data = "mail"
    if setup == "one-class":
        for split in ("train", "test"):
            shutil.rmtree(mail / split / "ham")
    elif setup == "empty-file":
        (mail / "train" / "ham" / "empty.txt").write_bytes(b"")
    elif setup == "binary-file":
        (mail / "test" / "spam" / "x.txt").write_bytes(b"GIF89a\x00\x01binary")
    else:  # one labelled folder, as `nnscratch train` takes, but no train/ and test/
        data = "mail/train"
    before = snapshot(tmp_path)
    result = run_cli(["demo", "--data", data, "--output-dir", "out"], tmp_path)
    line = assert_refused(result, 2, fragment)
    if setup == "empty-file":
        assert str(Path("mail", "train", "ham", "empty.txt")) in line
    if setup == "binary-file":
        assert str(Path("mail", "test", "spam", "x.txt")) in line
    assert result.stdout == ""  # and stderr is that line alone: refused before any training
    assert snapshot(tmp_path) == before  # not even the output folder


# --------------------------------------------------------------------------- svmlight


def _svm(path: Path, rows: list[str]) -> Path:
    path.write_text("".join(r + "\n" for r in rows))
    return path


SVM_ROWS = [f"{1 if i % 2 else -1} {1 + i % 3}:{0.5 + i % 2} {4 + i % 5}:1.0" for i in range(24)]


def test_svmlight_trains_sparse_and_remembers_its_features(tmp_path):
    _svm(tmp_path / "train.svm", SVM_ROWS)
    data = load_svmlight(tmp_path / "train.svm")
    assert sp.issparse(data.X) and data.X.shape == (24, 8)  # indices 1..8, one-based
    assert data.class_names == ["-1", "1"]
    assert data.preprocessor.to_dict() == {"kind": "svmlight", "n_features": 8,
                                           "zero_based": False}
    result = run_cli(["train", "train.svm", *FAST, "-o", "s.npz"], tmp_path)
    assert result.code == 0, result.stderr
    _svm(tmp_path / "new.svm", ["0 2:1.5 5:1", "0 1:0.5"])  # fewer features: aligned
    result = run_cli(["predict", "s.npz", "new.svm", "--json"], tmp_path)
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["input"] for r in rows] == ["new.svm:row 1", "new.svm:row 2"]
    bundle = load_bundle(tmp_path / "s.npz")
    X = load_svmlight(tmp_path / "new.svm", preprocessor=bundle.preprocessor,
                      class_names=None).X
    assert X.shape == (2, 8) and X[0, 1] == 1.5  # feature 2 of a one-based file
    assert rows[0]["label"] == bundle.class_names[int(
        np.argmax(bundle.estimator.predict_proba(X)[0]))]
    result = run_cli(["evaluate", "s.npz", "train.svm", "--json"], tmp_path)
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["accuracy"] == pytest.approx(
        bundle.training["train_accuracy"])


def test_a_zero_based_svmlight_file_keeps_its_base(tmp_path):
    _svm(tmp_path / "z.svm", ["1 0:1 2:1", "-1 1:1", "1 0:2", "-1 1:2 2:1"])
    data = load_svmlight(tmp_path / "z.svm")
    assert data.preprocessor.zero_based is True and data.X.shape == (4, 3)
    assert data.X[0, 0] == 1


@pytest.mark.parametrize("rows, fragment", [
    ([], "is empty"),
    (["1 1:nan"] * 2, "NaN or infinite"),
    (["1 1:1e400", "-1 2:1"], "NaN or infinite"),
    (["x 1:1", "1 2:1"], "not a readable svmlight"),
    (["1 3:1 2:1", "-1 1:1"], "not a readable svmlight"),
    (["1 1:1", "1 2:1"], "only one class"),
    (["1 1:1e200", "-1 2:1"], "beyond"),
])
def test_bad_svmlight_files_are_refused_in_one_line(tmp_path, rows, fragment):
    _svm(tmp_path / "d.svm", rows)
    assert_refused(run_cli(["train", "d.svm", "-o", "m.npz"], tmp_path), 2, fragment)
    assert not (tmp_path / "m.npz").exists()


def test_prediction_rows_beyond_the_models_features_are_refused(tmp_path):
    _svm(tmp_path / "train.svm", SVM_ROWS)
    assert run_cli(["train", "train.svm", "--iterations", "5", "-o", "s.npz"], tmp_path).code == 0
    _svm(tmp_path / "wide.svm", ["1 1:1 20:1"])
    _svm(tmp_path / "zero.svm", ["1 0:1"])
    (tmp_path / "bin.svm").write_bytes(b"1 1:1\x00\x00")
    result = run_cli(["predict", "s.npz", "wide.svm", "zero.svm", "bin.svm"], tmp_path)
    assert result.code == 2
    assert "beyond the model's 8" in result.lines[0]
    assert "zero.svm" in result.lines[1] and "binary file" in result.lines[2]


# --------------------------------------------------------------------------- hostile model files


def _hostile_model(text_model: Path, tmp_path: Path, change) -> Path:
    arrays = model_arrays(text_model)
    change(arrays)
    return write_npz(tmp_path / "m.npz", arrays)


def _set_prep(key, value):
    def change(arrays):
        settings = model_settings(arrays)
        settings["preprocessing"][key] = value
        arrays["settings"] = settings_array(settings)
    return change


def _hostile_cases():
    def put(key, value):
        return lambda a: a.__setitem__(key, value(a) if callable(value) else value)

    def drop(key):
        return lambda a: a.pop(key)

    def no_prep(a):
        settings = model_settings(a)
        settings["preprocessing"] = None
        a["settings"] = settings_array(settings)

    def image_prep(a):
        settings = model_settings(a)
        settings["preprocessing"] = {"kind": "image", "size": 8}
        a["settings"] = settings_array(settings)

    return {
        "vocabulary-int64": (put("vocabulary", lambda a: a["vocabulary"].astype(np.int64)),
                             "UTF-8 bytes"),
        "vocabulary-text-array": (put("vocabulary", lambda a: np.array(["free", "money"])),
                                  "UTF-8 bytes"),
        "vocabulary-truncated": (put("vocabulary", lambda a: a["vocabulary"][:-3]), "from 0"),
        "offsets-float": (put("vocabulary_offsets",
                              lambda a: a["vocabulary_offsets"].astype(np.float64)), "int64"),
        "offsets-one-short": (put("vocabulary_offsets", lambda a: a["vocabulary_offsets"][:-1]),
                              "offsets hold"),
        "offsets-reversed": (put("vocabulary_offsets",
                                 lambda a: a["vocabulary_offsets"][::-1].copy()), "from 0"),
        "idf-short": (put("idf", lambda a: a["idf"][:-1]), "idf holds"),
        "idf-float32": (put("idf", lambda a: a["idf"].astype(np.float32)), "float64"),
        "idf-nan": (put("idf", lambda a: np.where(np.arange(a["idf"].size) == 3, np.nan,
                                                  a["idf"])), "finite"),
        "idf-zero": (put("idf", lambda a: np.zeros_like(a["idf"])), ">= 1"),
        "idf-2d": (put("idf", lambda a: a["idf"][None]), "1-D"),
        "idf-missing": (drop("idf"), "lacks the entries ['idf']"),
        "vocabulary-missing": (drop("vocabulary"), "lacks the entries"),
        "n-terms-wrong": (_set_prep("n_terms", 7), "offsets hold"),
        "n-terms-text": (_set_prep("n_terms", "12"), "n_terms"),
        "n-terms-huge": (_set_prep("n_terms", 10**12), "n_terms"),
        "vectorizer-unknown": (_set_prep("vectorizer", "pickle"), "vectorizer"),
        "vectorizer-count-with-idf": (_set_prep("vectorizer", "count"), "do not belong"),
        "ngram-range-huge": (_set_prep("ngram_range", [1, 10**6]), "ngram_range"),
        "ngram-range-scalar": (_set_prep("ngram_range", 2), "ngram_range"),
        "token-pattern-added": (_set_prep("token_pattern", "(?u)\\b\\w+\\b"), "keys"),
        "vocabulary-without-text-preprocessing": (no_prep, "belong to a text model"),
        "vocabulary-with-image-preprocessing": (image_prep, "belong to a text model"),
    }


@pytest.mark.parametrize("case", list(_hostile_cases()))
@pytest.mark.parametrize("command", ["summary", "predict"])
def test_a_hostile_text_model_is_refused_in_one_line(text_model, corpus, tmp_path, case,
                                                     command):
    change, fragment = _hostile_cases()[case]
    _hostile_model(text_model, tmp_path, change)
    (tmp_path / "msg.txt").write_text("free money")
    args = ["summary", "m.npz"] if command == "summary" else ["predict", "m.npz", "msg.txt"]
    before = snapshot(tmp_path)
    line = assert_refused(run_cli(args, tmp_path), 2, fragment)
    assert "m.npz" in line
    assert snapshot(tmp_path) == before
    with pytest.raises(ModelFileError):
        load_bundle(tmp_path / "m.npz")


def test_a_vocabulary_of_another_size_than_the_weights_is_refused(text_model, tmp_path):
    """A consistent vocabulary (offsets, idf, n_terms agree) one term short of W1."""
    bundle = load_bundle(text_model)
    vec = bundle.preprocessor.vectorizer
    short = TextVectorizer(vec.vectorizer, vec.ngram_range, vec.max_features, vec.min_df,
                           vec.terms[:-1], vec.idf[:-1])
    arrays = model_arrays(text_model)
    arrays.update(short.to_arrays())
    settings = model_settings(arrays)
    settings["preprocessing"] = {"kind": "text", **short.to_dict()}
    arrays["settings"] = settings_array(settings)
    write_npz(tmp_path / "m.npz", arrays)
    assert_refused(run_cli(["summary", "m.npz"], tmp_path), 2,
                   f"makes {vec.n_features - 1} features but the model takes {vec.n_features}")
    with pytest.raises(ValueError, match="features"):
        save(bundle.estimator, tmp_path / "x.npz",
             preprocessor=Preprocessor(kind="text", vectorizer=short))
    assert not (tmp_path / "x.npz").exists()


def test_trace_summary_and_the_cost_plot_work_on_a_text_model(corpus, text_model, tmp_path):
    shutil.copyfile(text_model, tmp_path / "spam.npz")
    shutil.copytree(corpus / "test", tmp_path / "test")
    result = run_cli(["trace", "spam.npz", "test", "--json"], tmp_path)
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)
    assert run_cli(["plot", "spam.npz", "-o", "c.png"], tmp_path).code == 0
    summary = run_cli(["summary", "spam.npz"], tmp_path)
    assert "TF-IDF (rows of unit length)" in summary.stdout
    assert "1- to 2-word n-grams" in summary.stdout


def test_search_takes_the_text_options(corpus, tmp_path):
    shutil.copytree(corpus / "train", tmp_path / "train")
    result = run_cli(["search", "train", "--param", "learning_rate=0.5;1", "--iterations",
                      "20", "--cv", "2", "--n-jobs", "1", "--max-features", "30", "-o",
                      "best.npz", "--json"], tmp_path)
    assert result.code == 0, result.stderr
    assert load_bundle(tmp_path / "best.npz").estimator.n_features_in_ == 30
    assert_refused(run_cli(["search", "flower", "--param", "learning_rate=0.5;1",
                            "--min-df", "2"], tmp_path), 2, "--min-df applies to text")


def test_predict_names_a_folder_without_text_files(text_model, tmp_path):
    shutil.copyfile(text_model, tmp_path / "spam.npz")
    (tmp_path / "inbox" / "sub").mkdir(parents=True)
    assert_refused(run_cli(["predict", "spam.npz", "inbox"], tmp_path), 2,
                   "inbox: is a folder that holds no text files")


def test_a_table_model_refuses_a_text_file_by_its_kind(tmp_path, capsys):
    from nnscratch.cli import run

    (tmp_path / "t.csv").write_text("a,b,label\n1,2,x\n2,1,y\n3,3,x\n0,1,y\n")
    (tmp_path / "note.txt").write_text("Hi Anna, the slides are attached.\n")
    model = tmp_path / "t.npz"
    assert run(["train", str(tmp_path / "t.csv"), "--iterations", "5", "-o", str(model)]) == 0
    capsys.readouterr()
    assert run(["predict", str(model), str(tmp_path / "note.txt")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [(f"nnscratch: error: {tmp_path / 'note.txt'}: is a text file, but the "
                    "model takes CSV rows")]
