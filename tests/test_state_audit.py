"""The state the library shares with the user's program (found by an audit of state and
concurrency): the BLAS threads a limit set during a run allows, the machine's load read
once for many predictions, a Ctrl-C before the first epoch, a fit of an estimator from
its own callback, what callbacks return and see (fit_streaming's, NumPy's error
handling), and the warnings filters of a search and of a stream."""

import copy
import pickle
import threading
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_moons
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_info, threadpool_limits

from nnscratch import LogisticRegression, NeuralNetworkClassifier, _threads
from nnscratch import estimators as estimators_module
from nnscratch import training as training_module
from nnscratch.callbacks import Callback, LambdaCallback


def blas_threads_now() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


needs_blas = pytest.mark.skipif(not blas_threads_now(),
                                reason="threadpoolctl sees no BLAS library in this NumPy")


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=200, noise=0.2, random_state=0)


@pytest.fixture
def idle_two_cpus(monkeypatch):
    """A quiet machine of two CPUs: a big product runs on both."""
    monkeypatch.delenv("NNSCRATCH_BLAS_THREADS", raising=False)
    monkeypatch.setattr(_threads, "n_cpus", lambda: 2)
    monkeypatch.setattr(_threads, "other_threads", lambda: 0.0)


def big_model():
    """A model whose prediction of 600 rows is big (W1 X: 256 x 300 x 600)."""
    rng = np.random.RandomState(0)
    X = rng.randn(600, 300)
    return NeuralNetworkClassifier((256,), max_iter=1, random_state=0).fit(
        X, (X[:, 0] > 0).astype(int)), X


def learnt(est) -> dict:
    """The estimator's learnt attributes, copied."""
    return copy.deepcopy({k: v for k, v in vars(est).items()
                          if k.endswith("_") and not k.startswith("__")})


def assert_same_learnt(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        if key == "params_":
            assert a[key].keys() == b[key].keys()
            for name in a[key]:
                np.testing.assert_array_equal(a[key][name], b[key][name])
        elif key != "optimizer_":
            assert repr(a[key]) == repr(b[key]), key


# ---------------------------------------------------------------- BLAS threads (D1, D2)


@needs_blas
def test_a_limit_set_in_a_callback_bounds_a_prediction_made_there(idle_two_cpus):
    big, Xb = big_model()
    seen = []
    real = estimators_module.forward_logits

    def probe(*args, **kwargs):
        seen.append(blas_threads_now())
        return real(*args, **kwargs)

    def predict_under_one_thread(est, i, logs):
        with threadpool_limits(limits=1, user_api="blas"):
            big.predict(Xb)

    X, y = make_moons(50, random_state=0)
    with threadpool_limits(limits=2, user_api="blas"):
        estimators_module.forward_logits = probe
        try:
            big.predict(Xb)  # no limit of one: both CPUs
            LogisticRegression(max_iter=1, callbacks=[LambdaCallback(
                on_iteration_end=predict_under_one_thread)]).fit(X, y)
        finally:
            estimators_module.forward_logits = real
        assert set(blas_threads_now()) == {2}
    assert set(seen[0]) == {2}
    assert set(seen[1]) == {1}  # was 2: the fit's numbers, found before the limit


@needs_blas
def test_a_limit_set_while_runs_are_under_way_is_never_overwritten(idle_two_cpus,
                                                                  monkeypatch):
    monkeypatch.setattr(_threads, "RECHECK_S", 0.0)  # refresh() looks at once
    with threadpool_limits(limits=2, user_api="blas"):
        fit = _threads.blas_threads([(4096, 784, 256)])  # big: both CPUs
        with fit:
            assert set(blas_threads_now()) == {2}
            limit = threadpool_limits(limits=1, user_api="blas")  # the user's, meanwhile
            with _threads.blas_threads([(64, 64, 64)]):  # a small run starts and ends
                assert set(blas_threads_now()) == {1}
            assert set(blas_threads_now()) == {1}  # was 2: the enclosing run's threads
            fit.refresh()
            assert fit.threads == 1 and set(blas_threads_now()) == {1}
        assert set(blas_threads_now()) == {1}  # the last run leaves the user's number
        limit.restore_original_limits()
        assert set(blas_threads_now()) == {2}


@needs_blas
def test_a_limit_set_by_another_thread_during_a_fit_is_kept(idle_two_cpus, monkeypatch):
    monkeypatch.setattr(_threads, "RECHECK_S", 0.0)  # the fit looks at every step
    rng = np.random.RandomState(0)
    Xb = rng.randn(600, 300)  # a big fit: W1 X is 256 x 300 x 600
    X, y = make_moons(200, noise=0.2, random_state=0)
    paused, go = threading.Event(), threading.Event()

    def pause(est, i, logs):
        if i == 1:
            paused.set()
            assert go.wait(30)

    fit = threading.Thread(target=lambda: NeuralNetworkClassifier(
        (256,), max_iter=4, random_state=0,
        callbacks=[LambdaCallback(on_iteration_end=pause)]).fit(Xb, Xb[:, 0] > 0))
    with threadpool_limits(limits=2, user_api="blas"):
        fit.start()
        try:
            assert paused.wait(30)
            assert set(blas_threads_now()) == {2}
            with threadpool_limits(limits=1, user_api="blas"):
                LogisticRegression(max_iter=1).fit(X, y)  # a small fit of this thread
                assert set(blas_threads_now()) == {1}  # was 2: the other fit's threads
                go.set()
                fit.join(30)
                assert set(blas_threads_now()) == {1}
            assert set(blas_threads_now()) == {2}
        finally:
            go.set()
            fit.join(30)
    assert not fit.is_alive()


def test_many_predictions_read_the_machines_load_once(monkeypatch):
    big, Xb = big_model()
    monkeypatch.delenv("NNSCRATCH_BLAS_THREADS", raising=False)
    monkeypatch.setattr(_threads, "RECHECK_S", 3600.0)
    monkeypatch.setattr(_threads, "_LAST_READING", None)
    reads = []
    real = _threads._own_running
    monkeypatch.setattr(_threads, "_own_running", lambda: reads.append(1) or real())
    first = big.predict_proba(Xb)
    looks = len(reads)
    for _ in range(20):
        np.testing.assert_array_equal(big.predict_proba(Xb), first)
    assert len(reads) == looks <= 2 * _threads.SAMPLES  # was 6 more per prediction


# ---------------------------------------------------------------- Ctrl-C before the first epoch (D3)


class Recorder(Callback):
    def __init__(self):
        self.ends = []

    def on_train_end(self, estimator, logs):
        self.ends.append(dict(logs))


def ctrl_c(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("where, how", [
    ("on_train_begin", "fit"), ("on_train_begin", "warm_start"),
    ("on_train_begin", "partial_fit"), ("set-up", "fit")])
def test_a_ctrl_c_before_the_first_epoch_leaves_the_model_it_had(moons, monkeypatch, where,
                                                                 how):
    X, y = moons
    clf = NeuralNetworkClassifier((6,), max_iter=30, random_state=1).fit(X, y)
    before = learnt(clf)
    score = clf.score(X, y)
    recorder = Recorder()
    if where == "on_train_begin":
        clf.set_params(callbacks=[recorder, LambdaCallback(on_train_begin=ctrl_c)])
    else:  # the first layer's set-up (a rowspace Gram matrix: most of a big fit)
        clf.set_params(callbacks=[recorder])
        monkeypatch.setattr(training_module._engine, "first_layer", ctrl_c)
    clf.set_params(random_state=2, warm_start=how == "warm_start")
    with pytest.raises(KeyboardInterrupt):
        if how == "partial_fit":
            clf.partial_fit(X, y)
        else:
            clf.fit(X, y)
    # was: the random initial weights of the new fit, n_iter_ 0, and score 0.46
    assert_same_learnt(learnt(clf), before)
    assert clf.interrupted_ is False and clf.score(X, y) == score
    # the callbacks that began are ended as after an interrupted run (a bar closed)
    assert recorder.ends == ([{"n_iter": 0, "stopped_early": False, "interrupted": True}]
                             if where == "on_train_begin" else [])


def test_a_ctrl_c_before_the_first_epoch_of_a_first_fit_leaves_it_unfitted(moons):
    X, y = moons
    clf = NeuralNetworkClassifier((6,), max_iter=30, random_state=1,
                                  callbacks=[LambdaCallback(on_train_begin=ctrl_c)])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(clf)
    assert not hasattr(clf, "params_") and not hasattr(clf, "n_iter_")


# ---------------------------------------------------------------- a fit from its own callback (D7)


def test_a_fit_of_the_estimator_from_its_own_callback_is_refused(moons):
    X, y = moons
    clf = NeuralNetworkClassifier((8,), max_iter=10, random_state=0).fit(X, y)
    before = learnt(clf)
    clones = []

    def refit(est, i, logs):
        clones.append(clone(est).set_params(callbacks=None).fit(X[:50], y[:50]))  # allowed
        est.fit(X[:, :1], y)

    clf.set_params(callbacks=[LambdaCallback(on_iteration_end=refit)])
    with pytest.raises(RuntimeError) as caught:
        clf.fit(X, y)
    assert str(caught.value) == (
        "fit() was called on this NeuralNetworkClassifier while it trains, from one of its "
        "own callbacks: it would replace the model being trained; train a copy instead "
        "(sklearn.base.clone(estimator) for a new model, copy.deepcopy(estimator) to go on "
        "from its weights)")
    assert_same_learnt(learnt(clf), before)  # was n_features_in_ 1 on weights for 2
    assert clones and clones[0].n_iter_ == 10
    clf.set_params(callbacks=[LambdaCallback(
        on_iteration_end=lambda est, i, logs: est.partial_fit(X, y))])
    with pytest.raises(RuntimeError, match=r"^partial_fit\(\) was called on this "
                                           r"NeuralNetworkClassifier while it trains"):
        clf.partial_fit(X, y)
    assert_same_learnt(learnt(clf), before)
    clf.set_params(callbacks=None).fit(X, y)  # nothing is left marked
    assert clf.n_iter_ == 10


def test_a_fit_of_an_estimator_another_thread_fits_is_refused(moons):
    X, y = moons
    paused, go = threading.Event(), threading.Event()

    def pause(est, i, logs):
        if i == 0:
            paused.set()
            assert go.wait(30)

    clf = NeuralNetworkClassifier((4,), max_iter=3, random_state=0,
                                  callbacks=[LambdaCallback(on_iteration_end=pause)])
    fit = threading.Thread(target=clf.fit, args=(X, y))
    fit.start()
    try:
        assert paused.wait(30)
        with pytest.raises(RuntimeError, match=r"^fit\(\) was called on this "
                                               r"NeuralNetworkClassifier while it trains, "
                                               r"by another thread meanwhile"):
            clf.fit(X, y)
    finally:
        go.set()
        fit.join(30)
    assert clf.n_iter_ == 3 and clf.n_features_in_ == 2


def test_a_fit_from_a_callback_of_fit_streaming_is_refused():
    from nnscratch.streaming import ChunkFeeder, fit_streaming

    X, y = make_moons(200, noise=0.2, random_state=0)
    est = NeuralNetworkClassifier((4,), random_state=0, callbacks=[LambdaCallback(
        on_iteration_end=lambda e, i, logs: e.fit(X, y))])
    with pytest.raises(RuntimeError, match=r"^fit\(\) was called on this "
                                           r"NeuralNetworkClassifier while it trains, from "
                                           r"one of its own callbacks"):
        fit_streaming(est, ChunkFeeder(X, y, chunk_rows=50), epochs=2)
    assert not hasattr(est, "params_")


# ---------------------------------------------------------------- what a callback returns (D8)


class Says(Callback):
    def __init__(self, answer):
        self.answer = answer

    def on_iteration_end(self, estimator, iteration, logs):
        return self.answer


def test_a_callback_returning_what_is_not_a_yes_or_no_is_named(moons):
    X, y = moons
    Xv, yv = X[:50], y[:50]
    cb = LambdaCallback(on_iteration_end=lambda est, i, logs: est.predict(Xv) == yv)
    clf = NeuralNetworkClassifier((8,), max_iter=5, random_state=0, callbacks=[cb])
    with pytest.raises(TypeError) as caught:
        clf.fit(X, y)  # was NumPy's "The truth value of an array ... is ambiguous"
    assert str(caught.value) == (
        "LambdaCallback(on_iteration_end=test_a_callback_returning_what_is_not_a_yes_or_no_"
        "is_named.<locals>.<lambda>).on_iteration_end returned an array of shape (50,); "
        "return True to stop training, or None or False to go on")
    assert not hasattr(clf, "params_")
    with pytest.raises(TypeError, match=r"^Says\.on_iteration_end returned a str \('stop'\); "
                                        "return True to stop training"):
        clf.set_params(callbacks=[Says("stop")]).fit(X, y)  # was: stopped, silently
    for answer, n_iter in ((np.True_, 1), (1, 1), (np.int64(0), 5), (False, 5), (None, 5)):
        assert clf.set_params(callbacks=[Says(answer)]).fit(X, y).n_iter_ == n_iter


# ---------------------------------------------------------------- fit_streaming's callbacks (D9)


SETTINGS = {"learning_rate": 0.1, "learning_rate_schedule": "inverse_time",
            "decay_rate": 1.0, "class_weight": "balanced", "random_state": 0}
CHECKPOINTS: list = []
SEEN: list = []


def checkpoint(est, iteration, logs):  # module-level functions: the estimator pickles
    CHECKPOINTS.append(pickle.dumps(est))


def look(est, iteration, logs):
    SEEN.append(({k: est.get_params()[k] for k in SETTINGS},
                 getattr(est, "n_iter_", None), len(getattr(est, "loss_curve_", []))))


def look_at_the_start(est, logs):
    look(est, None, logs)


def test_fit_streamings_callbacks_see_the_users_settings_and_the_epochs():
    from nnscratch.streaming import ChunkFeeder, fit_streaming

    rng = np.random.RandomState(0)
    X = rng.randn(1000, 5)
    y = rng.choice(["a", "b"], 1000, p=[0.8, 0.2])
    settings = SETTINGS
    CHECKPOINTS.clear()
    SEEN.clear()
    callbacks = [LambdaCallback(on_iteration_end=checkpoint),
                 LambdaCallback(on_train_begin=look_at_the_start, on_iteration_end=look)]
    est = NeuralNetworkClassifier((8,), callbacks=callbacks, **settings)
    fit_streaming(est, ChunkFeeder(X, y, chunk_rows=250), epochs=3)
    # was learning_rate 0.033, "constant", a dict of class weights; n_iter_ 12 (chunks)
    assert SEEN == [(settings, None, 0)] + [(settings, n, n) for n in (1, 2, 3)]
    resumed = pickle.loads(CHECKPOINTS[0])
    assert {k: resumed.get_params()[k] for k in settings} == settings
    assert resumed.n_iter_ == 1 and len(resumed.loss_curve_) == 1
    assert resumed.loss_curve_ == est.loss_curve_[:1]
    # the chunks trained as without the callbacks
    plain = NeuralNetworkClassifier((8,), **settings)
    fit_streaming(plain, ChunkFeeder(X, y, chunk_rows=250), epochs=3)
    for key in plain.params_:
        np.testing.assert_array_equal(est.params_[key], plain.params_[key])
    assert est.loss_curve_ == plain.loss_curve_ and est.n_iter_ == plain.n_iter_ == 3


# ---------------------------------------------------------------- NumPy's error handling (D10)


def test_callbacks_run_under_the_callers_floating_point_error_handling(moons):
    X, y = moons
    seen = []

    def metric(est, i, logs):
        seen.append(np.geterr()["divide"])
        try:
            np.log(np.zeros(1))
        except FloatingPointError:
            seen.append("raised")

    clf = NeuralNetworkClassifier((4,), max_iter=2, random_state=0,
                                  callbacks=[LambdaCallback(on_iteration_end=metric)])
    with np.errstate(all="raise"):
        clf.fit(X, y)
        assert np.geterr()["divide"] == "raise"
    assert seen == ["raise", "raised"] * 2  # was "ignore": log(0) passed silently
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # the loop's own
        # overflow is still its own to report, as before
        with pytest.raises(Exception, match="training diverged"):
            NeuralNetworkClassifier((4,), learning_rate=1e9, max_iter=50,
                                    random_state=0).fit(X * 1e3, y)


# ---------------------------------------------------------------- warnings filters (D11)


def test_a_search_leaves_other_warnings_and_the_filters_set_meanwhile(moons, monkeypatch):
    from nnscratch import search

    X, y = moons
    real_fit = search.CheckpointedGridSearchCV.fit
    during = {}

    def fit(self, *args, **kwargs):
        # what another thread does while the search runs: warn, and set a filter
        with warnings.catch_warnings(record=True) as got:
            warnings.warn("the user's own warning", UserWarning)
        during["recorded"] = [str(w.message) for w in got]
        warnings.filterwarnings("error", category=DeprecationWarning, module="set_meanwhile")
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(search.CheckpointedGridSearchCV, "fit", fit)
    before = list(warnings.filters)  # (pytest puts back the test's filters after it)
    search.run_search(NeuralNetworkClassifier((4,), max_iter=5, random_state=0), X, y,
                      {"learning_rate": [0.1, 0.5]}, cv=2, n_jobs=1)
    # was [] (every warning of the process ignored), and the filter dropped after
    assert during["recorded"] == ["the user's own warning"]
    added = [f for f in warnings.filters if f not in before]
    assert len(added) == 1 and added[0][0] == "error" and added[0][2] is DeprecationWarning
    assert len(warnings.filters) == len(before) + 1  # the search's own entry is gone


def test_a_stream_leaves_the_filters_set_meanwhile():
    from nnscratch.streaming import ChunkFeeder, fit_streaming

    X, y = make_moons(200, noise=0.2, random_state=0)
    before = list(warnings.filters)

    def set_filter(est, i, logs):
        if i == 0:
            warnings.filterwarnings("error", category=DeprecationWarning,
                                    module="set_meanwhile")

    est = NeuralNetworkClassifier((4,), random_state=0,
                                  callbacks=[LambdaCallback(on_iteration_end=set_filter)])
    fit_streaming(est, ChunkFeeder(X, y, chunk_rows=50), epochs=2)
    added = [f for f in warnings.filters if f not in before]
    assert len(added) == 1 and added[0][2] is DeprecationWarning  # was dropped
