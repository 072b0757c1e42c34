"""The text audit's findings: a search whose folds cannot all learn the vocabulary, model
files larger than load() reads back, tampered text settings, train/ and test/ folders,
files a training folder would lose, class names (NaN, non-UTF-8, checked before any
file is read), and a text preprocessing given to save() as a dict."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nnscratch
from hostile import assert_refused, run_cli, snapshot
from nnscratch import LogisticRegression, persistence
from nnscratch import datasets as datasets_module
from nnscratch.datasets import _natural_key, load_dataset
from nnscratch.exceptions import DatasetError
from nnscratch.persistence import ModelFileError, load_bundle, save
from nnscratch.preprocessing import Preprocessor
from nnscratch.search import SearchFailed, run_search
from nnscratch.text import TextVectorizer, decode_terms, encode_terms, make_spam_corpus


def _fold_corpus(root: Path) -> Path:
    """10 texts, two unique words each; all but 0 and 5 also hold 'alpha': only the
    first fold's 8 training texts (1-4, 6-9) all hold it, the others' 6 of 8."""
    for i in range(10):
        folder = root / "fold" / ("ham" if i < 5 else "spam")
        folder.mkdir(parents=True, exist_ok=True)
        extra = "" if i in (0, 5) else " alpha"
        (folder / f"{i}.txt").write_text(f"uniq{i}a uniq{i}b{extra}\n")
    return root / "fold"


def _mail(root: Path) -> Path:
    make_spam_corpus(root / "mail" / "train", 24, random_state=0)
    make_spam_corpus(root / "mail" / "test", 12, random_state=1)
    return root / "mail"


# --------------------------------------------------------------------------- 1. search


def test_search_learns_min_df_on_every_fold_before_any_fit(tmp_path):
    _fold_corpus(tmp_path)
    before = snapshot(tmp_path)
    result = run_cli(["search", "fold", "--param", "learning_rate=1;3", "--min-df", "7",
                      "-o", "f.npz"], tmp_path)
    line = assert_refused(result, 2, "fold 2 of 5", allow_info=True)
    assert "min_df=7 (--min-df) may be too high" in line
    assert "fits failed" not in result.stderr and "nan" not in result.stderr
    assert snapshot(tmp_path) == before  # no model file


def _eleven_rows():
    rng = np.random.default_rng(0)
    return rng.normal(size=(11, 2)), np.array([0] * 6 + [1] * 5)


def test_a_search_in_which_no_candidate_has_a_score_is_refused_with_the_fits_error(
        monkeypatch):
    # 11 rows in 5 folds: training rows 8, 9, 9, 9, 9; the fits on 9 rows fail, so every
    # candidate has a failed fit, and a NaN mean score (it was the "best", NaN)
    X, y = _eleven_rows()
    fit = LogisticRegression.fit

    def failing(self, X, y, *args, **kwargs):
        if len(X) == 9:
            raise ValueError("boom on nine rows")
        return fit(self, X, y, *args, **kwargs)

    monkeypatch.setattr(LogisticRegression, "fit", failing)
    with pytest.raises(SearchFailed) as info:
        run_search(LogisticRegression(), X, y, {"learning_rate": [1.0, 3.0]}, cv=5, n_jobs=1)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("no candidate has a score: 8 of the 10 fits failed")
    assert "ValueError: boom on nine rows" in message


def test_the_command_names_the_first_failed_fits_own_error(tmp_path, monkeypatch):
    X, y = _eleven_rows()
    rows = "".join(f"{a},{b},{c}\n" for (a, b), c in zip(X, y))
    (tmp_path / "t.csv").write_text("a,b,label\n" + rows)
    fit = LogisticRegression.fit

    def failing(self, X, y, *args, **kwargs):
        if self.learning_rate == 3.0:
            raise ValueError("boom at learning rate 3")
        return fit(self, X, y, *args, **kwargs)

    monkeypatch.setattr(LogisticRegression, "fit", failing)
    some = run_cli(["search", "t.csv", "--param", "learning_rate=1;3", "--n-jobs", "1"],
                   tmp_path)
    assert some.code == 0, some.stderr
    assert ("nnscratch: warning: 5 fits failed (the first: ValueError: boom at learning "
            "rate 3)") in some.stderr
    assert "diverged" not in some.stderr

    def all_fail(self, X, y, *args, **kwargs):
        if len(X) == 9:
            raise ValueError("boom on nine rows")
        return fit(self, X, y, *args, **kwargs)

    monkeypatch.setattr(LogisticRegression, "fit", all_fail)
    before = snapshot(tmp_path)
    none = run_cli(["search", "t.csv", "--param", "learning_rate=1;3", "--n-jobs", "1",
                    "--json", "-o", "f.npz"], tmp_path)
    line = assert_refused(none, 1, "no candidate has a score", allow_info=True)
    assert "ValueError: boom on nine rows" in line
    assert json.loads(none.stdout)["exit_code"] == 1  # the error alone, as JSON
    assert "nan" not in none.stderr.lower().replace("nnscratch", "")
    assert snapshot(tmp_path) == before


# --------------------------------------------------------------------------- 2. size


def _text_model(tmp_path: Path, hidden=None):
    from nnscratch import NeuralNetworkClassifier

    texts = ["free cash now", "win free money", "lunch meeting today", "project notes"] * 3
    labels = [1, 1, 0, 0] * 3
    vec = TextVectorizer.fit(texts)
    est = (LogisticRegression(max_iter=20) if hidden is None
           else NeuralNetworkClassifier(hidden_layer_sizes=hidden, max_iter=20))
    est.fit(vec.transform(texts), labels)
    return est, vec


def test_save_refuses_arrays_larger_than_load_reads_back_and_writes_nothing(tmp_path,
                                                                          monkeypatch):
    est, vec = _text_model(tmp_path, hidden=(50,))
    monkeypatch.setattr(persistence, "_MAX_TOTAL_BYTES", 4000)
    with pytest.raises(ValueError) as info:
        save(est, tmp_path / "m.npz", preprocessor=vec)
    message = str(info.value)
    assert "\n" not in message and "more than load() reads back (4,000 bytes)" in message
    assert "the largest, W1, is 50 x 10 float64 values" in message
    assert "fewer hidden units" in message and "--max-features" in message
    assert list(tmp_path.iterdir()) == []


def test_load_says_what_to_do_with_a_file_too_large(tmp_path, monkeypatch):
    est, vec = _text_model(tmp_path, hidden=(50,))
    save(est, tmp_path / "m.npz", preprocessor=vec)
    monkeypatch.setattr(persistence, "_MAX_TOTAL_BYTES", 4000)
    with pytest.raises(ModelFileError) as info:
        load_bundle(tmp_path / "m.npz")
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'm.npz'}: too large to be an nnscratch model "
                              "file (")
    assert "train the model again smaller: fewer hidden units" in message


def test_train_refuses_before_training_a_model_too_large_for_a_model_file(tmp_path,
                                                                         monkeypatch):
    make_spam_corpus(tmp_path / "mail", 24, random_state=0)
    fitted = []
    monkeypatch.setattr("nnscratch._commands.fit",
                        lambda *args: fitted.append(args) or 0.0)  # never reached
    monkeypatch.setattr(persistence, "_MAX_TOTAL_BYTES", 100_000)
    before = snapshot(tmp_path)
    result = run_cli(["train", "mail", "--hidden", "100", "-o", "m.npz"], tmp_path)
    line = assert_refused(result, 2, "more than load() reads back (100,000 bytes)")
    assert "the largest, W1, is 100 x " in line and "nothing was trained" in line
    assert "--max-features" in line and "fewer hidden units" in line
    assert fitted == [] and "training" not in result.stderr.replace(line, "")
    assert snapshot(tmp_path) == before


# --------------------------------------------------------------------------- 3. tampered


def _tampered(tmp_path: Path, *, settings=None, terms=None, idf=None) -> Path:
    """A saved text model with its settings' text preprocessing updated by ``settings``,
    a term replaced (``terms``: {index: term}) or idf values replaced."""
    est, vec = _text_model(tmp_path)
    path = tmp_path / "m.npz"
    save(est, path, preprocessor=vec)
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz}
    blob = json.loads(arrays["settings"].tobytes().decode("utf-8"))
    blob["preprocessing"].update(settings or {})
    arrays["settings"] = np.frombuffer(json.dumps(blob).encode("utf-8"), dtype=np.uint8)
    if terms:
        words = list(decode_terms(arrays["vocabulary"], arrays["vocabulary_offsets"],
                                  vec.n_features))
        for i, term in terms.items():
            words[i] = term
        arrays["vocabulary"], arrays["vocabulary_offsets"] = encode_terms(words)
    if idf:
        for i, value in idf.items():
            arrays["idf"][i] = value
    bad = tmp_path / "bad.npz"
    np.savez(bad, **arrays)
    return bad


def test_an_ngram_range_its_vocabulary_cannot_fill_is_refused(tmp_path):
    with pytest.raises(ModelFileError) as info:
        load_bundle(_tampered(tmp_path, settings={"ngram_range": [2, 2]}))
    message = str(info.value)
    assert "\n" not in message and "bad.npz: bad preprocessing: text preprocessing:" in message
    assert "of 1 word, but ngram_range is 2,2" in message


@pytest.mark.parametrize("term, fragment", [
    (" ", "which is not words of two or more letters or digits"),
    ("\x00", "which is not words of two or more letters or digits"),
    ("x", "which is not words of two or more letters or digits"),
    ("free  cash", "which is not words of two or more letters or digits"),
    ("FREE", "which has upper-case letters"),
    ("free cash", "of 2 words, but ngram_range is 1,1"),
])
def test_a_vocabulary_term_the_tokenizer_never_gives_is_refused(tmp_path, term, fragment):
    with pytest.raises(ModelFileError) as info:
        load_bundle(_tampered(tmp_path, terms={0: term}))
    message = str(info.value)
    assert "\n" not in message and f"the vocabulary holds the term {term!r}" in message
    assert fragment in message


def test_an_idf_beyond_what_its_formula_gives_is_refused(tmp_path):
    with pytest.raises(ModelFileError) as info:
        load_bundle(_tampered(tmp_path, idf={3: 1e300}))
    message = str(info.value)
    assert "\n" not in message and "idf holds 1e+300" in message
    assert "more than the weight's formula gives" in message


def test_what_the_tokenizer_gives_loads(tmp_path):
    # lowercased Unicode words, digits, underscores, final sigma; pairs with (1, 2)
    texts = ["Café ΟΔΟΣ 2024 foo_bar Straße", "naïve ĲSSEL résumé", "CAFÉ costs 2024"]
    for ngram_range in ((1, 1), (1, 2), (2, 3)):
        vec = TextVectorizer.fit(texts, ngram_range=ngram_range)
        est = LogisticRegression(max_iter=5).fit(vec.transform(texts), [0, 1, 0])
        save(est, tmp_path / "m.npz", preprocessor=vec)
        assert load_bundle(tmp_path / "m.npz").preprocessor.vectorizer == vec


def test_predict_notes_a_text_whose_features_are_all_stored_zeros(tmp_path, monkeypatch):
    import scipy.sparse as sp

    est, vec = _text_model(tmp_path)
    save(est, tmp_path / "m.npz", preprocessor=vec)
    (tmp_path / "a.txt").write_text("free cash now\n")

    def zeros(self, texts):  # what an overflowing row norm gave: every value a stored 0
        X = vec.transform(list(texts))
        return sp.csr_matrix((np.zeros(X.nnz), X.indices, X.indptr), shape=X.shape)

    monkeypatch.setattr(Preprocessor, "transform", zeros)
    result = run_cli(["predict", "m.npz", "a.txt"], tmp_path)
    assert result.code == 0, result.stderr
    assert "a.txt: none of its words is in the model's vocabulary" in result.stderr


# --------------------------------------------------------------------------- 4. train/test


def test_evaluate_on_a_folder_of_train_and_test_folders_says_where_to_point(tmp_path):
    _mail(tmp_path)
    assert run_cli(["train", "mail/train", "-o", "spam.npz"], tmp_path).code == 0
    expected = ("holds train/ and test/ folders of class sub-folders (the layout of "
                "'nnscratch demo --data'), not classes")
    for args in (["evaluate", "spam.npz", "mail"],
                 ["train", "mail/train", "--test", "mail", "-o", "x.npz"]):
        line = assert_refused(run_cli(args, tmp_path), 2, expected)
        assert "remove the folder" not in line
    assert not (tmp_path / "x.npz").exists()


# --------------------------------------------------------------------------- 5. lost files


def test_a_link_to_nothing_in_a_text_class_folder_is_refused(tmp_path):
    make_spam_corpus(tmp_path / "mail", 24, random_state=0)
    (tmp_path / "mail" / "ham" / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    line = assert_refused(run_cli(["train", "mail", "-o", "m.npz"], tmp_path), 2)
    assert line == (f"nnscratch: error: {Path('mail', 'ham', 'dangling.txt')}: is a link to "
                    f"{tmp_path / 'nowhere.txt'}, which does not exist (a file of the data "
                    "would be lost); restore the file it points to or remove the link")
    assert not (tmp_path / "m.npz").exists()


def test_a_folder_of_text_files_inside_a_class_folder_is_refused(tmp_path):
    make_spam_corpus(tmp_path / "mail", 24, random_state=0)
    inner = tmp_path / "mail" / "spam" / "2019" / "march"
    inner.mkdir(parents=True)
    (inner / "old.txt").write_text("win a free prize\n")
    (tmp_path / "mail" / "ham" / "attachments").mkdir()  # no text files: nothing lost
    (tmp_path / "mail" / "ham" / "attachments" / "a.pdf").write_bytes(b"%PDF")
    line = assert_refused(run_cli(["train", "mail", "-o", "m.npz"], tmp_path), 2)
    assert line.startswith(f"nnscratch: error: {Path('mail', 'spam', '2019')}: a folder "
                           "inside the class folder spam/ holds text files "
                           f"({Path('2019', 'march', 'old.txt')}), which are not read")
    assert not (tmp_path / "m.npz").exists()


def test_image_class_folders_lose_no_picture_either(tmp_path):
    from PIL import Image

    for name in ("cat", "dog"):
        (tmp_path / "pics" / name).mkdir(parents=True)
        for i in range(3):
            Image.new("RGB", (4, 4), (i * 40, 0, 0)).save(tmp_path / "pics" / name / f"{i}.png")
    (tmp_path / "pics" / "cat" / "gone.png").symlink_to(tmp_path / "nowhere.png")
    with pytest.raises(DatasetError, match=r"gone\.png: is a link to .*, which does not exist"):
        load_dataset(tmp_path / "pics", image_size=4)
    (tmp_path / "pics" / "cat" / "gone.png").unlink()
    (tmp_path / "pics" / "dog" / "more").mkdir()
    Image.new("RGB", (4, 4)).save(tmp_path / "pics" / "dog" / "more" / "x.png")
    with pytest.raises(DatasetError, match=r"dog/more: a folder inside the class folder dog/ "
                                           r"holds pictures \(more/x\.png\), which are not read"):
        load_dataset(tmp_path / "pics", image_size=4)


# --------------------------------------------------------------------------- 6. nan


def test_a_class_named_nan_sorts_the_same_whatever_the_order_given():
    names = ["nan", "1", "inf", "10", "2", "-inf", "ham", "NaN"]
    expected = ["1", "2", "10", "-inf", "NaN", "ham", "inf", "nan"]
    for shift in range(len(names)):
        for order in (names[shift:] + names[:shift], (names[shift:] + names[:shift])[::-1]):
            assert sorted(order, key=_natural_key) == expected, order


@pytest.mark.slow
def test_the_class_order_of_a_nan_folder_does_not_depend_on_the_hash_seed(tmp_path):
    for name in ("nan", "1"):
        (tmp_path / "d" / name).mkdir(parents=True)
        for i in range(2):
            (tmp_path / "d" / name / f"{i}.txt").write_text(f"word{name}{i} common\n")
    code = ("import sys; from nnscratch.datasets import load_dataset; "
            "print(load_dataset(sys.argv[1]).class_names)")
    src = str(Path(nnscratch.__file__).parents[1])  # this nnscratch, old or new
    seen = set()
    for seed in range(6):
        env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": src}
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "d")], env=env,
                             capture_output=True, text=True, check=True, timeout=120)
        seen.add(out.stdout.strip())
    assert seen == {"['1', 'nan']"}


# --------------------------------------------------------------------------- 7. class names


def test_a_folder_name_that_is_not_utf8_is_named_as_such(tmp_path):
    make_spam_corpus(tmp_path / "mail", 24, random_state=0)
    os.rename(tmp_path / "mail" / "ham", os.fsencode(tmp_path / "mail") + b"/caf\xe9")
    line = assert_refused(run_cli(["train", "mail", "-o", "m.npz"], tmp_path), 2)
    assert line == ("nnscratch: error: mail: the class name 'caf\\udce9' is not valid UTF-8 "
                    "(its bytes are b'caf\\xe9'), e.g. a folder name written in another "
                    "encoding; rename it with UTF-8 characters")
    assert "control character" not in line


def _never_read(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("a file was read before the class names were checked")

    monkeypatch.setattr(datasets_module, "read_texts", fail)
    monkeypatch.setattr(datasets_module, "read_image", fail)


@pytest.mark.parametrize("kind", ["text", "image"])
def test_class_names_and_one_class_are_checked_before_any_file_is_read(tmp_path,
                                                                       monkeypatch, kind):
    from PIL import Image

    def fill(folder: Path) -> None:
        folder.mkdir(parents=True)
        for i in range(2):
            if kind == "text":
                (folder / f"{i}.txt").write_text("some words\n")
            else:
                Image.new("RGB", (4, 4)).save(folder / f"{i}.png")

    fill(tmp_path / "bad" / "a\tb")
    fill(tmp_path / "bad" / "other")
    fill(tmp_path / "one" / "spam")
    _never_read(monkeypatch)
    with pytest.raises(DatasetError, match="holds a control character"):
        load_dataset(tmp_path / "bad", image_size=4)
    with pytest.raises(DatasetError, match=r"one: the training data has only one class "
                                           r"\('spam'\)"):
        load_dataset(tmp_path / "one", image_size=4)


# --------------------------------------------------------------------------- 8. save(dict)


def test_save_refuses_a_text_preprocessing_given_as_a_dict_saying_what_to_pass(tmp_path):
    est, vec = _text_model(tmp_path)
    prep = Preprocessor(kind="text", vectorizer=vec)
    with pytest.raises(TypeError) as info:
        save(est, tmp_path / "m.npz", preprocessor=prep.to_dict())
    assert str(info.value) == ("preprocessor: a text preprocessing's dict (to_dict()) lacks "
                               "its vocabulary, which is arrays; pass the Preprocessor or the "
                               "TextVectorizer itself")
    assert list(tmp_path.iterdir()) == []
    # the other kinds' dicts are whole
    tab = Preprocessor.fit_tabular(np.array([[0.0, 1.0], [2.0, 3.0]]), ["a", "b"])
    est2 = LogisticRegression(max_iter=5).fit(np.array([[0.0, 1.0], [2.0, 3.0]]), [0, 1])
    save(est2, tmp_path / "t.npz", preprocessor=tab.to_dict())
    assert load_bundle(tmp_path / "t.npz").preprocessor == tab
