"""The search: --param specs, the checkpointed scikit-learn searches, the command.

The runs on a Dask cluster (and with a worker killed) are in tests/test_dask.py.
"""

import csv
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_moons
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

from nnscratch import NeuralNetworkClassifier, load
from nnscratch.cli import run
from nnscratch.search import (
    CheckpointedGridSearchCV,
    CheckpointedRandomizedSearchCV,
    SearchError,
    SearchFailed,
    SearchInterrupted,
    parse_param,
    parse_params,
    run_search,
)


def test_param_specs_parse_into_values():
    assert parse_params(["hidden=8;16,8", "learning-rate=0.1; 0.01", "batch_size=32;full",
                         "activation=relu;tanh", "class_weight=none;balanced"]) == {
        "hidden": [(8,), (16, 8)], "learning_rate": [0.1, 0.01], "batch_size": [32, None],
        "activation": ["relu", "tanh"], "class_weight": [None, "balanced"]}
    assert parse_param("iterations=100") == ("iterations", [100])


@pytest.mark.parametrize("text, message", [
    ("hidden", "has no '='"),
    ("layers=8", "unknown parameter 'layers'; choose from hidden"),
    ("hidden=8;;4", "an empty value"),
    ("hidden=8;0", "'0' is not valid for hidden"),
    ("learning_rate=0.1;-1", "'-1' is not valid for learning_rate; give a positive finite"),
    ("dropout=1", "'1' is not valid for dropout"),
    ("activation=softplus", "one of 'relu', 'leaky_relu', 'tanh'"),
    ("learning_rate=0.1;0.1", "given twice"),
    # values listed with commas, as hidden's layers are: the separator is named
    ("learning_rate=0.1,0.01", r"give a positive finite number \(values are separated by "
                               r"';': 'learning_rate=0\.1;0\.01'\)$"),
    ("activation=relu, tanh", r"\(values are separated by ';': 'activation=relu;tanh'\)$"),
    ("hidden=4,x", r"'4,x' is not valid for hidden; give a list of positive layer sizes "
                   r"\(at most 2147483647\), e\.g\. 16,8$"),
    ("alpha=0.1,", r"'0\.1,' is not valid for alpha; give [^(]*$"),
])
def test_bad_param_specs_are_refused_in_one_line(text, message):
    with pytest.raises(SearchError, match=message) as info:
        parse_param(text)
    assert "\n" not in str(info.value)


def test_a_parameter_given_twice_is_refused():
    with pytest.raises(SearchError, match="given twice"):
        parse_params(["alpha=0;1", "alpha=2"])


@pytest.fixture(scope="module")
def moons():
    return make_moons(120, noise=0.2, random_state=0)


def _estimator():
    return NeuralNetworkClassifier((4,), learning_rate=0.5, max_iter=15, random_state=1)


@pytest.mark.slow
def test_checkpointed_searches_equal_scikit_learns(moons):
    X, y = moons
    grid = {"hidden_layer_sizes": [(3,), (6,)], "learning_rate": [0.1, 0.5, 1.0]}
    seen = []
    ours = CheckpointedGridSearchCV(_estimator(), grid, cv=3)
    ours.group_size = 2
    ours.on_results = lambda results: seen.append(len(results["params"]))
    ours.fit(X, y)
    theirs = GridSearchCV(_estimator(), grid, cv=3).fit(X, y)
    assert seen == [2, 4, 6]  # reported as each group finished
    assert ours.cv_results_["params"] == theirs.cv_results_["params"]
    np.testing.assert_array_equal(ours.cv_results_["mean_test_score"],
                                  theirs.cv_results_["mean_test_score"])
    assert ours.best_params_ == theirs.best_params_
    rand = CheckpointedRandomizedSearchCV(_estimator(), grid, n_iter=4, cv=3, random_state=5)
    rand.group_size = 3
    rand.fit(X, y)
    ref = RandomizedSearchCV(_estimator(), grid, n_iter=4, cv=3, random_state=5).fit(X, y)
    assert rand.cv_results_["params"] == ref.cv_results_["params"]


def test_results_are_written_as_candidates_finish(moons, tmp_path):
    X, y = moons
    path = tmp_path / "results.csv"
    snapshots = []

    def progress(line):
        with open(path) as f:
            snapshots.append(len(list(csv.DictReader(f))))

    outcome = run_search(_estimator(), X, y, parse_params(["hidden=3;6", "alpha=0;0.1;1"]),
                         cv=3, n_jobs=1, results_path=path, progress=progress)
    assert snapshots == [1, 2, 3, 4, 5, 6]  # one job: one candidate per group
    assert outcome.where == "local (1 job)"  # it said "local (1 jobs)"
    with open(path) as f:
        rows = list(csv.DictReader(f))
    assert [r["hidden"] for r in rows] == ["3", "6", "3", "6", "3", "6"]  # sorted by name: alpha first
    assert float(rows[0]["mean_score"]) == pytest.approx(outcome.rows[0]["mean_score"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]  # no temporary


def test_a_lost_worker_keeps_the_finished_candidates(moons, tmp_path):
    """The path taken when Dask loses a worker for good (the cluster run is in test_dask)."""
    X, y = moons
    path = tmp_path / "results.csv"

    class KilledWorker(Exception):  # what distributed raises, by name
        pass

    def progress(line):
        if line.startswith("2/"):
            raise KilledWorker("attempted to run task on 2 different workers")

    with pytest.raises(SearchFailed) as info:
        run_search(_estimator(), X, y, parse_params(["hidden=3;6", "alpha=0;1"]), cv=2,
                   n_jobs=1, results_path=path, progress=progress)
    message = str(info.value)
    assert "\n" not in message
    assert "cannot finish" in message and f"2 finished candidates are in {path}" in message
    assert ("(KilledWorker: the worker running a batch of fits died, and the cluster's "
            "distributed.scheduler.allowed-failures allows no more retries)") in message
    with open(path) as f:
        assert len(list(csv.DictReader(f))) == 2


@pytest.mark.slow
def test_search_command_json_and_files(tmp_path, capsys):
    out = tmp_path / "best.npz"
    code = run(["search", "moons", "--param", "hidden=3;6", "--param",
                "learning_rate=0.5;1.0", "--iterations", "15", "--cv", "3", "--n-jobs", "1",
                "--output", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out)  # stdout holds only the JSON
    assert set(result) == {"best_params", "best_score", "candidates"}
    assert len(result["candidates"]) == 4
    assert set(result["candidates"][0]) == {"params", "mean_score", "std_score", "fit_time"}
    assert set(result["best_params"]) == {"hidden", "learning_rate"}
    assert isinstance(result["best_params"]["hidden"], list)
    best = max(result["candidates"], key=lambda c: c["mean_score"])
    assert result["best_score"] == best["mean_score"]
    model = load(out)
    assert model.get_params()["hidden_layer_sizes"] == tuple(result["best_params"]["hidden"])
    assert model.get_params()["max_iter"] == 15  # the fixed option
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.csv", "best.npz", "best.png"]
    with open(tmp_path / "best.csv") as f:
        assert len(list(csv.DictReader(f))) == 4


def test_search_command_prints_a_table(capsys):
    code = run(["search", "moons", "--param", "alpha=0;0.5", "--hidden", "3",
                "--iterations", "20", "--cv", "2", "--n-jobs", "1"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = captured.out.splitlines()
    assert lines[0].split() == ["rank", "alpha", "mean", "score", "std", "fit", "time"]
    assert lines[-1].startswith("best: alpha=")
    assert captured.err.startswith("searching 2 candidates x 2 folds of network (3)")


def test_one_candidate_is_said_in_the_singular(capsys):
    code = run(["search", "moons", "--param", "alpha=0", "--hidden", "3",
                "--iterations", "5", "--cv", "2", "--n-jobs", "1"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err.startswith("searching 1 candidate x 2 folds of "), captured.err


@pytest.mark.parametrize("argv, message", [
    (["--param", "layers=3"], "unknown parameter 'layers'"),
    (["--param", "dropout=0.1;0.2"], "dropout applies to a network, not to logistic regression"),
    (["--param", "alpha=0;1", "--output", "missing/best.npz"], "does not exist"),
    (["--param", "alpha=0;1", "--plot", "scores.jpg"], "ends in .png"),
])
def test_search_command_refuses_bad_input_in_one_line(argv, message, capsys):
    code = run(["search", "moons", *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("nnscratch: error:")
    assert message.replace("ends in", "ending in") in err or message in err


def test_scheduler_without_the_dask_packages_says_how_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    code = run(["search", "moons", "--param", "alpha=0;1", "--scheduler",
                "tcp://127.0.0.1:8786"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "pip install 'nnscratch[dask]'" in err


# --------------------------------------------------------------------------- folds


def _spam(tmp_path):
    from nnscratch.datasets import load_dataset, make_spam_corpus

    make_spam_corpus(tmp_path / "spam", 90, random_state=4)
    return load_dataset(tmp_path / "spam", text={"max_features": 40})


def _fold_scores(estimator, data, cv):
    """Each fold scored by hand: the preprocessing learnt from its training rows only."""
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    scores = []
    for train, test in StratifiedKFold(cv).split(data.raw, data.y):
        prep = data.preprocessor.refit(data.raw[train])
        model = clone(estimator).fit(prep.transform(data.raw[train]), data.y[train])
        scores.append(model.score(prep.transform(data.raw[test]), data.y[test]))
    return scores


def test_fold_preprocessing_learns_from_the_rows_it_is_fitted_on(tmp_path):
    from nnscratch.datasets import load_train_test
    from nnscratch.search import FoldPreprocessing

    spam = _spam(tmp_path)
    texts = np.array(["alpha beta", "beta gamma", "delta omega"], dtype=object)
    step = FoldPreprocessing(spam.preprocessor).fit(texts[:2])
    assert step.preprocessor_.vectorizer.terms == ("alpha", "beta", "gamma")
    assert step.transform(texts[2:]).nnz == 0  # the held-out row's words are unknown
    assert step.preprocessor_.vectorizer.max_features == 40  # the settings are kept
    table, _ = load_train_test("breast-cancer")
    rows = table.raw[:50]
    fitted = FoldPreprocessing(table.preprocessor).fit(rows).preprocessor_
    np.testing.assert_allclose(fitted.mean, rows.mean(axis=0))
    np.testing.assert_allclose(fitted.transform(rows).mean(axis=0), 0, atol=1e-12)
    moons, _ = load_train_test("moons")  # kept unscaled, as the course does: nothing learnt
    assert not moons.preprocessor.learns
    assert moons.preprocessor.refit(moons.raw[:5]) is moons.preprocessor
    with pytest.raises(TypeError, match="needs preprocessor=a Preprocessor"):
        FoldPreprocessing().fit(rows)


@pytest.mark.parametrize("data", ["text", "table"])
@pytest.mark.slow
def test_the_search_learns_the_preprocessing_on_each_fold(data, tmp_path):
    """A fold's score equals the one computed by hand with the preprocessing learnt from
    the fold's training rows (before, the vocabulary and the standardisation were learnt
    once from every row, the held-out ones included: the scores differed)."""
    from nnscratch.datasets import load_train_test

    dataset = _spam(tmp_path) if data == "text" else load_train_test("breast-cancer")[0]
    estimator = NeuralNetworkClassifier((3,), learning_rate=0.5, max_iter=30,
                                        random_state=2)
    outcome = run_search(estimator, dataset.raw, dataset.y, {"alpha": [0.0, 0.3]}, cv=3,
                         n_jobs=1, preprocessing=dataset.preprocessor)
    for row in outcome.rows:
        expected = _fold_scores(estimator.set_params(alpha=row["params"]["alpha"]),
                                dataset, 3)
        assert row["scores"] == pytest.approx(expected, abs=0)
    assert set(outcome.best_params) == {"alpha"}  # named as the option, not model__alpha
    if data == "text":  # the texts as a plain list: the same search
        again = run_search(estimator, list(dataset.raw), dataset.y, {"alpha": [0.0, 0.3]},
                           cv=3, n_jobs=1, preprocessing=dataset.preprocessor)
        assert [r["scores"] for r in again.rows] == [r["scores"] for r in outcome.rows]
    assert isinstance(outcome.model, NeuralNetworkClassifier)
    all_rows = dataset.preprocessor.transform(dataset.raw)  # the refit: every row
    np.testing.assert_array_equal(outcome.model.predict_proba(all_rows),
                                  outcome.search.best_estimator_.predict_proba(dataset.raw))


@pytest.mark.slow
def test_the_search_command_scores_text_without_the_held_out_words(tmp_path, capsys):
    dataset = _spam(tmp_path)
    out = tmp_path / "best.npz"
    code = run(["search", str(tmp_path / "spam"), "--param", "learning_rate=0.5;1",
                "--iterations", "30", "--cv", "3", "--n-jobs", "1", "--max-features", "40",
                "--output", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out)
    model = load(out)
    for candidate in result["candidates"]:
        estimator = model.__class__(**{**model.get_params(), **candidate["params"]})
        assert candidate["mean_score"] == pytest.approx(
            np.mean(_fold_scores(estimator, dataset, 3)), abs=1e-12)
    # the saved model: learnt from every row, through the vocabulary of every row
    np.testing.assert_array_equal(
        model.predict(dataset.X),
        model.__class__(**model.get_params()).fit(dataset.X, dataset.y).predict(dataset.X))


class _Refusing(NeuralNetworkClassifier):
    def fit(self, X, y, **kwargs):
        raise ValueError("this model refuses every fit\n(a second line)")


def test_every_fit_failing_names_the_fits_own_error(moons):
    X, y = moons
    with pytest.raises(SearchFailed) as caught:
        run_search(_Refusing((3,)), X, y, parse_params(["alpha=0;1"]), cv=2, n_jobs=1)
    message = str(caught.value)
    assert message.startswith("every fit failed (ValueError: this model refuses every fit")
    assert "\n" not in message and "It is very likely" not in message


def test_every_fit_failing_leaves_the_results_file_there_as_it_was(moons, tmp_path):
    """The results were written as candidates finished, scored or not: a search whose
    every fit failed replaced the user's earlier results with rows of no score."""
    X, y = moons
    results = tmp_path / "res.csv"
    results.write_text("precious\n")
    with pytest.raises(SearchFailed, match=rf"; {re.escape(str(results))} was not written$"):
        run_search(_Refusing((3,)), X, y, parse_params(["alpha=0;1"]), cv=2, n_jobs=1,
                   results_path=results)
    assert results.read_text() == "precious\n"


def test_folds_that_a_class_cannot_fill_are_refused_before_any_fit(tmp_path, capsys):
    for name, n in (("a", 3), ("b", 5)):  # every word in one text but "shared", in a's 3
        (tmp_path / "tiny" / name).mkdir(parents=True)
        for i in range(n):
            (tmp_path / "tiny" / name / f"{i}.txt").write_text(
                f"{name}x{'abcde'[i]} {'shared' if name == 'a' else 'only' + 'abcde'[i]}")
    code = run(["search", str(tmp_path / "tiny"), "--param", "learning_rate=1;2", "--cv", "4"])
    captured = capsys.readouterr()
    assert code == 2 and captured.err.count("\n") == 1
    assert captured.err == ("nnscratch: error: --cv 4: class 'a' has only 3 samples, and each "
                            "of the 4 stratified folds needs one; choose --cv 3 or fewer, or "
                            "add samples\n")
    code = run(["search", str(tmp_path / "tiny"), "--param", "learning_rate=1;2", "--cv", "3",
                "--min-df", "3"])
    err = capsys.readouterr().err  # all 8 texts hold "shared" 3 times; a fold's 5, twice
    assert code == 2 and err.endswith("\n") and err.splitlines()[-1].startswith(
        "nnscratch: error: the training rows of a fold (5 of 8; fold 1 of 3): no terms to "
        "learn from")
    assert "min_df=3 (--min-df) may be too high" in err


def test_ctrl_c_ends_the_search_not_only_its_fit(moons, tmp_path):
    # the fit kept its weights so far and returned: the search scored the cut-short
    # fit as finished, went on, and the command exited 0 with a best model
    from nnscratch.callbacks import LambdaCallback

    X, y = moons
    fits = []

    def on_begin(est, logs):
        fits.append(est.learning_rate)

    def on_iteration(est, iteration, logs):
        if len(fits) == 3 and iteration == 2:  # the first fold of the second candidate
            raise KeyboardInterrupt

    est = NeuralNetworkClassifier((4,), max_iter=5, random_state=1, callbacks=[
        LambdaCallback(on_train_begin=on_begin, on_iteration_end=on_iteration)])
    path = tmp_path / "results.csv"
    with pytest.raises(SearchInterrupted, match=r"^interrupted after 1 of 2 candidates; the "
                                                r"1 finished candidates are in .*results\.csv$"):
        run_search(est, X, y, {"learning_rate": [0.1, 0.5]}, cv=2, n_jobs=1,
                   results_path=path)
    assert len(fits) == 3  # nothing fitted after the interrupt
    assert isinstance(SearchInterrupted("x"), KeyboardInterrupt)
    with open(path) as f:
        assert len(list(csv.DictReader(f))) == 1
    # outside a search, Ctrl-C still keeps the weights so far
    fits.clear()
    fits.extend([None, None])
    with pytest.warns(UserWarning, match="training interrupted after 3 iterations"):
        single = clone(est).fit(X, y)
    assert single.interrupted_ and single.n_iter_ == 3


@pytest.mark.slow
def test_the_workers_fits_print_no_warnings(tmp_path):
    # a worker's ConvergenceWarning ("the cost rose from 1.551 ...") printed itself,
    # with joblib's source line, on the command's stderr
    from test_cli import nnscratch_program

    result = nnscratch_program("search", "flower", "--param", "learning_rate=5;50",
                               "--hidden", "4", "--iterations", "300", "--cv", "2",
                               "--n-jobs", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "joblib" not in result.stderr, result.stderr
    assert ("nnscratch: warning: 1 fits failed (the first: NonFiniteWeightsError: training "
            "diverged at iteration") in result.stderr


def test_the_command_says_what_an_interrupted_search_kept(tmp_path, monkeypatch, capsys):
    from nnscratch import search

    def interrupted(*args, **kwargs):
        raise SearchInterrupted("interrupted after 1 of 2 candidates; the 1 finished "
                                "candidates are in best.csv")

    monkeypatch.setattr(search, "run_search", interrupted)
    code = run(["search", "flower", "--param", "learning_rate=0.1;0.5", "--cv", "2",
                "-o", str(tmp_path / "best.npz")])
    assert code == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "nnscratch: error: interrupted after 1 of 2 candidates; the 1 finished candidates "
        "are in best.csv; no model was written")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["--results", "--plot"])
def test_an_unwritable_results_or_plot_folder_is_refused_before_the_search(
        tmp_path, monkeypatch, capsys, option):
    # found only once every candidate had run: "unexpected failure (OSError: [Errno 30]
    # Read-only file system: '.../.p.png.dwg6u329.tmp')"
    import errno
    import tempfile

    from nnscratch import search

    locked = tmp_path / "locked"
    locked.mkdir()
    real = tempfile.NamedTemporaryFile

    def probe(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == locked:
            raise OSError(errno.EROFS, "Read-only file system")
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", probe)
    monkeypatch.setattr(search, "run_search", lambda *a, **k: pytest.fail("searched"))
    name = "r.csv" if option == "--results" else "p.png"
    code = run(["search", "flower", "--param", "learning_rate=0.1;0.5", "--cv", "2",
                option, str(locked / name)])
    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"nnscratch: error: {option}: cannot write into the folder '{locked}' (Read-only "
        "file system); choose another folder or make it writable")


class _Wordy(NeuralNetworkClassifier):
    def fit(self, X, y, **kwargs):
        raise ValueError("refused " + "because of a long reason " * 30)


def test_a_long_fit_error_is_cut_at_a_words_end(moons):
    # it was cut mid-word after 200 characters ("The minimum number of groups f...")
    X, y = moons
    with pytest.raises(SearchFailed) as caught:
        run_search(_Wordy((3,)), X, y, parse_params(["alpha=0;1"]), cv=2, n_jobs=1)
    message = str(caught.value)
    assert message.endswith("long reason ...)"), message
    assert len(message) < 450


@pytest.mark.slow
def test_a_random_search_asking_for_more_than_the_grid_says_it_runs_the_grid(capsys):
    """--random 5 on a grid of 2 ran 2 candidates without a word."""
    assert run(["search", "flower", "--param", "learning_rate=1;2", "--random", "5", "--cv",
                "2", "--iterations", "3"]) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith("searching 2 candidates (the whole grid: --random 5 asks for more "
                            "than it holds) x 2 folds of logistic regression")


@pytest.mark.parametrize("grid, fragment", [
    ({"learning_rate": [0.1, -1]}, "the grid's learning_rate value -1 is not valid"),
    ({"hidden": [(4,), (0,)]}, "the grid's hidden value (0,) is not valid"),
    ({"foo": [1]}, "unknown parameter 'foo' in the grid; choose from hidden"),
    ({"max_iter": [1, 2]}, "unknown parameter 'max_iter' in the grid; choose from"),
    ({"learning_rate": 0.1}, "the grid's learning_rate must be a list of values"),
    ({"learning_rate": []}, "the grid's learning_rate has no values"),
], ids=["negative-rate", "zero-layer", "unknown", "estimator-name", "not-a-list", "empty"])
def test_run_search_refuses_a_bad_grid_before_any_fit(grid, fragment):
    """The command line's parse_param refused these; a grid given in Python ran, its
    bad candidates scored None, or raised a bare KeyError or TypeError."""
    from sklearn.datasets import make_classification

    from nnscratch import NeuralNetworkClassifier
    from nnscratch.search import SearchError, run_search

    X, y = make_classification(60, 5, n_informative=3, random_state=0)
    with pytest.raises(SearchError, match=re.escape(fragment)):
        run_search(NeuralNetworkClassifier((3,), max_iter=5), X, y, grid, cv=2)
