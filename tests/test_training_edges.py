"""Edges of training options, callbacks, streaming and model files: each test here
failed before the fix it names."""

import re
import warnings

import numpy as np
import pytest

from nnscratch import NeuralNetworkClassifier
from nnscratch.callbacks import Callback, History, LambdaCallback
from nnscratch.exceptions import InvalidParameterError


def _xy(n=60, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


class _Count(Callback):
    def __init__(self):
        self.n = 0

    def on_iteration_end(self, estimator, iteration, logs):
        self.n += 1


# ----------------------------------------------------------------------- callbacks


def test_a_single_callback_is_taken_as_a_list_of_one():
    X, y = _xy()
    history = History(cost_every=1)
    clf = NeuralNetworkClassifier((3,), max_iter=4, callbacks=history, random_state=0).fit(X, y)
    assert history.loss_curve == pytest.approx(clf.loss_curve_)
    assert len(history.loss_curve) == 4


def test_a_generator_of_callbacks_is_refused_not_used_up_silently():
    X, y = _xy()
    count = _Count()
    clf = NeuralNetworkClassifier((3,), max_iter=3, callbacks=(c for c in [count]))
    with pytest.raises(InvalidParameterError, match=r"callbacks=.*generator.*give a list"):
        clf.fit(X, y)
    assert count.n == 0


# ----------------------------------------------------------------------- streaming


def _feeder(X, y=None):
    from nnscratch.streaming import ChunkFeeder

    return ChunkFeeder(X, y, chunk_rows=16)


@pytest.mark.parametrize("progress", ["bar", 1, "yes", None])
def test_streaming_refuses_a_progress_that_is_not_true_false_auto_or_lines(progress):
    import io

    from nnscratch.streaming import (
        evaluate_streaming,
        fit_streaming,
        predict_streaming,
        write_predictions,
    )

    X, y = _xy()
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0)
    with pytest.raises(ValueError, match=r"^progress=.* is not valid: give True, False"):
        fit_streaming(est, _feeder(X, y), progress=progress)
    assert not hasattr(est, "params_")
    est.fit(X, y)
    with pytest.raises(ValueError, match=r"^progress="):
        predict_streaming(est, _feeder(X), progress=progress)
    with pytest.raises(ValueError, match=r"^progress="):
        evaluate_streaming(est, _feeder(X, y), progress=progress)
    out = io.StringIO()
    with pytest.raises(ValueError, match=r"^progress="):
        write_predictions(est, _feeder(X), out, progress=progress)
    assert out.getvalue() == ""  # refused before the header


def test_predict_streaming_checks_at_the_call_and_works_as_it_is_pulled():
    from sklearn.exceptions import NotFittedError

    from nnscratch.streaming import predict_streaming

    X, y = _xy()
    with pytest.raises(NotFittedError):
        predict_streaming(NeuralNetworkClassifier((3,)), _feeder(X))  # not iterated
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=r"5 features per row, but the model was trained "
                                         r"on 4"):
        predict_streaming(est, _feeder(np.ones((20, 5))))
    chunks = list(predict_streaming(est, _feeder(X)))
    assert [start for start, _, _ in chunks] == [0, 16, 32, 48]
    assert np.array_equal(np.concatenate([labels for _, labels, _ in chunks]), est.predict(X))


def test_write_predictions_refuses_other_columns_before_writing_anything():
    import io

    from nnscratch.streaming import write_predictions

    X, y = _xy()
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    out = io.StringIO()
    with pytest.raises(ValueError, match=r"^array: 3 features per row, but the model was "):
        write_predictions(est, _feeder(X[:, :3]), out, fmt="json")
    assert out.getvalue() == ""


def test_fit_streaming_says_what_it_takes_in_one_line():
    from sklearn.linear_model import SGDClassifier

    from nnscratch.streaming import fit_streaming

    X, y = _xy()
    est = NeuralNetworkClassifier((3,), max_iter=2, random_state=0)
    with pytest.raises(TypeError, match=r"^fit_streaming takes a LogisticRegression or "
                                        r"NeuralNetworkClassifier of nnscratch, got "
                                        r"SGDClassifier$"):
        fit_streaming(SGDClassifier(), _feeder(X, y))
    with pytest.raises(TypeError, match=r"^feeder must be a ChunkFeeder, got ndarray; wrap"):
        fit_streaming(est, X)
    with pytest.raises(ValueError, match=r"^shuffle_chunks='no' is not valid: give True or"):
        fit_streaming(est, _feeder(X, y), shuffle_chunks="no")
    with pytest.raises(ValueError, match=r"^classes must be a flat list of labels"):
        fit_streaming(est, _feeder(X, y), classes=1)
    assert not hasattr(est, "params_")


def test_ctrl_c_inside_a_chunk_stops_fit_streaming_not_just_that_chunk(monkeypatch):
    from nnscratch import _engine
    from nnscratch.streaming import fit_streaming

    steps = []
    cost = _engine.cost

    def ctrl_c(*args, **kwargs):  # Ctrl-C while partial_fit trains a chunk
        steps.append(1)
        if len(steps) == 1:
            raise KeyboardInterrupt
        return cost(*args, **kwargs)

    X, y = _xy()
    est = NeuralNetworkClassifier((3,), max_iter=3, random_state=0)
    monkeypatch.setattr(_engine, "cost", ctrl_c)
    with pytest.warns(UserWarning, match="interrupted"):
        result = fit_streaming(est, _feeder(X, y))
    assert result.interrupted
    assert len(steps) == 1  # the other chunks and epochs were not trained
    assert result.epoch_losses == [] and est.n_iter_ == 0
    assert hasattr(est, "params_")  # the weights so far are kept


def test_ctrl_c_in_a_callback_between_a_streams_epochs_keeps_the_epochs_done():
    from nnscratch.streaming import fit_streaming

    class CtrlC(Callback):
        def __init__(self):
            self.calls, self.end = 0, None

        def on_iteration_end(self, estimator, iteration, logs):
            self.calls += 1
            if self.calls == 2:
                raise KeyboardInterrupt

        def on_train_end(self, estimator, logs):
            self.end = logs

    X, y = _xy()
    ctrl_c = CtrlC()
    est = NeuralNetworkClassifier((3,), max_iter=5, callbacks=[ctrl_c], random_state=0)
    with pytest.warns(UserWarning, match="training interrupted after 2 epochs"):
        result = fit_streaming(est, _feeder(X, y))
    assert result.interrupted and ctrl_c.calls == 2
    assert len(result.epoch_losses) == est.n_iter_ == 2  # the epoch it ended is done
    assert ctrl_c.end == {"n_iter": 2, "stopped_early": False, "interrupted": True}


# -------------------------------------------------------------------- class weights


@pytest.mark.parametrize("weight", [-0.5, np.nan, np.inf, "2", True])
def test_a_class_weight_that_is_not_a_finite_number_at_least_zero_is_refused(weight):
    X, y = _xy()
    clf = NeuralNetworkClassifier((3,), max_iter=3, class_weight={0: weight, 1: 1.0})
    with pytest.raises(InvalidParameterError,
                       match=r"^class_weight=.* the weight of class 0 is .*; give each class "
                             r"a finite number >= 0\.$"):
        clf.fit(X, y)
    assert not hasattr(clf, "params_")


def test_a_class_weight_for_a_label_y_lacks_names_that_label():
    X, y = _xy()
    labels = np.array(["cat", "dog"])[y]
    clf = NeuralNetworkClassifier((3,), max_iter=3, class_weight={"cat": 2.0, "cow": 1.0})
    with pytest.raises(InvalidParameterError, match=r"its labels \['cow'\] are not classes "
                                                    r"of y \['cat', 'dog'\]"):
        clf.fit(X, labels)
    # weights for some of the classes (the others weigh 1), NumPy keys and values: fine
    clf.set_params(class_weight={np.str_("cat"): np.float32(2.0)}).fit(X, labels)
    assert clf.n_iter_ == 3


# ----------------------------------------------------- warm_start and partial_fit


def test_warm_start_uses_optimizer_settings_changed_since_and_keeps_the_state():
    from nnscratch.optimizers import Adam, Momentum

    X, y = _xy()
    clf = NeuralNetworkClassifier((3,), solver="adam", max_iter=4, warm_start=True,
                                  random_state=0).fit(X, y)
    first = clf.optimizer_
    clf.set_params(beta_1=0.5, beta_2=0.9, epsilon=1e-6).fit(X, y)
    assert clf.optimizer_ is first and isinstance(first, Adam)
    assert (first.beta_1, first.beta_2, first.epsilon) == (0.5, 0.9, 1e-6)
    assert first.t == 8  # its moments and step count continued
    clf.set_params(beta_1=0.6).partial_fit(X, y)
    assert clf.optimizer_.beta_1 == 0.6
    clf.set_params(solver="momentum", momentum=0.3).fit(X, y)  # another rule: its own state
    assert isinstance(clf.optimizer_, Momentum) and clf.optimizer_.beta == 0.3
    assert clf.n_iter_ == 13



# ---------------------------------------------------------------------- model files


def test_saving_onto_a_folder_names_the_folder_not_a_temporary_file(tmp_path):
    from nnscratch import save

    X, y = _xy()
    clf = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(IsADirectoryError, match=r"^\S+: is a folder; give the model file's "
                                                r"name, e.g. \S+model\.npz$") as info:
        save(clf, tmp_path)
    assert str(tmp_path) in str(info.value) and ".tmp" not in str(info.value)
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


@pytest.mark.parametrize("name", ["NeuralNetworkClassifier", "LogisticRegression"])
def test_each_fitted_attribute_is_documented_once(name):
    import re

    import nnscratch

    doc = getattr(nnscratch, name).__doc__
    attributes = doc[doc.index("Attributes\n"):doc.index("Examples\n")]
    names = re.findall(r"^    (\w+_)(?: :|,)", attributes, flags=re.MULTILINE)
    assert "interrupted_" in names and "optimizer_" in names
    assert sorted(names) == sorted(set(names))


def test_early_stopping_refuses_a_monitor_that_is_not_a_name():
    from nnscratch.callbacks import EarlyStopping

    with pytest.raises(TypeError, match=r"^EarlyStopping: monitor must be the name of a "
                                        r"logged value \(val_score, .*\), got 3$"):
        EarlyStopping(3, mode="min")


@pytest.mark.parametrize("kwargs, error, match", [
    ({"force": "no"}, TypeError, r"^ProgressBar: force must be True or False, got 'no'$"),
    ({"stream": 3}, TypeError, r"^ProgressBar: stream must be a file-like object"),
    ({"mininterval": -1}, ValueError, r"^ProgressBar: mininterval must be a number of "),
    ({"mininterval": "1"}, ValueError, r"^ProgressBar: mininterval must be a number of "),
])
def test_progress_bar_refuses_bad_arguments_when_made(kwargs, error, match):
    from nnscratch.callbacks import ProgressBar

    with pytest.raises(error, match=match):
        ProgressBar(**kwargs)


def test_progress_bar_still_draws_on_a_given_stream():
    import io

    from nnscratch.callbacks import ProgressBar

    X, y = _xy()
    out = io.StringIO()
    NeuralNetworkClassifier((3,), max_iter=3, random_state=0,
                            callbacks=ProgressBar(out, force=True, mininterval=0)).fit(X, y)
    assert "3/3" in out.getvalue()


@pytest.mark.parametrize("y_val", [1, [[0, 1], [1, 0]]])
def test_y_val_of_the_wrong_shape_is_named_y_val(y_val):
    X, y = _xy()
    clf = NeuralNetworkClassifier((3,), max_iter=2)
    with pytest.raises(ValueError, match=r"^y_val must hold one label per validation "
                                         r"example, shape \(n_val,\); got shape \("):
        clf.fit(X, y, X_val=X[:2], y_val=y_val)


def test_a_model_trained_on_a_dataframe_keeps_its_column_names_in_the_file(tmp_path):
    pd = pytest.importorskip("pandas")
    from nnscratch import load, save

    X, y = _xy()
    frame = pd.DataFrame(X, columns=["age", "height", "weight", "income"])
    clf = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(frame, y)
    save(clf, tmp_path / "m.npz")
    again = load(tmp_path / "m.npz")
    assert list(again.feature_names_in_) == ["age", "height", "weight", "income"]
    assert np.array_equal(again.predict(frame), clf.predict(frame))
    with pytest.raises(ValueError, match="feature names"):  # columns in another order
        again.predict(frame[frame.columns[::-1]])
    plain = NeuralNetworkClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    save(plain, tmp_path / "plain.npz")
    assert not hasattr(load(tmp_path / "plain.npz"), "feature_names_in_")


def test_a_model_file_with_bad_column_names_is_refused_in_one_line(tmp_path):
    import json

    from nnscratch import load, save
    from nnscratch.persistence import ModelFileError

    X, y = _xy()
    save(NeuralNetworkClassifier((3,), max_iter=2).fit(X, y), tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as npz:
        arrays = dict(npz)
    settings = json.loads(arrays["settings"].tobytes())
    settings["feature_names_in"] = ["a", "b"]  # 4 features
    arrays["settings"] = np.frombuffer(json.dumps(settings).encode(), dtype=np.uint8)
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ModelFileError, match=r"feature_names_in must be one string per "
                                             r"feature"):
        load(tmp_path / "bad.npz")


@pytest.mark.parametrize("training, error, match", [
    ([1, 2], TypeError, r"^training must be a dict of JSON values, got list$"),
    ({"note": object()}, TypeError, r"^training cannot be saved as JSON \("),
    ({"loss": float("nan")}, ValueError, r"^training cannot be saved as JSON \("),
])
def test_save_refuses_training_information_load_would_refuse(tmp_path, training, error,
                                                               match):
    from nnscratch import save

    X, y = _xy()
    clf = NeuralNetworkClassifier((3,), max_iter=2).fit(X, y)
    with pytest.raises(error, match=match):
        save(clf, tmp_path / "m.npz", training=training)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ sample weights


@pytest.mark.parametrize("solver", ["gd", "adam"])
def test_a_mini_batch_of_zero_weights_is_skipped_not_reported_as_divergence(solver):
    X, y = _xy()
    weights = np.ones(60)
    weights[:10] = 0.0  # the whole first mini-batch
    settings = dict(hidden_layer_sizes=(3,), solver=solver, batch_size=10, shuffle=False,
                    max_iter=3, random_state=0)
    weighted = NeuralNetworkClassifier(**settings).fit(X, y, sample_weight=weights)
    without = NeuralNetworkClassifier(**settings).fit(X[10:], y[10:])
    np.testing.assert_allclose(weighted.loss_curve_, without.loss_curve_, rtol=1e-12)
    for key in without.params_:
        np.testing.assert_allclose(weighted.params_[key], without.params_[key], rtol=1e-12)
    if solver == "adam":
        assert weighted.optimizer_.t == without.optimizer_.t == 15


def test_a_class_weight_of_zero_with_mini_batches_of_that_class_trains():
    X, y = _xy()
    order = np.argsort(y, kind="stable")  # class 0 first: whole batches of it
    clf = NeuralNetworkClassifier((3,), batch_size=5, shuffle=False, max_iter=2,
                                  class_weight={0: 0.0, 1: 1.0}, random_state=0)
    clf.fit(X[order], y[order])
    assert np.all(np.isfinite(clf.loss_curve_))


def test_fit_streaming_passes_over_a_chunk_whose_class_weighs_zero():
    from nnscratch.streaming import fit_streaming

    X, y = _xy()
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]
    n0 = int(np.sum(y == 0))
    settings = dict(hidden_layer_sizes=(3,), max_iter=2, class_weight={0: 0.0, 1: 1.0},
                    random_state=0)
    est = NeuralNetworkClassifier(**settings)
    result = fit_streaming(est, _feeder(X, y), shuffle_chunks=False)
    assert est.n_iter_ == 2 and np.all(np.isfinite(result.epoch_losses))
    with pytest.raises(ValueError, match=r"^the sample weights sum to zero: class_weight "
                                         r"gives every class of the data weight 0"):
        fit_streaming(NeuralNetworkClassifier(**settings), _feeder(X[:n0], y[:n0]),
                      classes=[0, 1])


# ------------------------------------------------------ scikit-learn's callbacks


class _Lifecycle:
    """A scikit-learn FitCallback recording its setup and teardown."""

    def __init__(self):
        self.events = []

    def setup(self, estimator, context):
        self.events.append("setup")

    def teardown(self, estimator, context):
        self.events.append("teardown")

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        return False


@pytest.mark.parametrize("failure", ["diverges", "callback raises"])
def test_a_failed_fit_still_tears_down_scikit_learn_callbacks(failure):
    pytest.importorskip("sklearn.callback")
    from nnscratch.exceptions import NonFiniteWeightsError

    X, y = _xy()
    lifecycle = _Lifecycle()

    class Boom(Callback):
        def on_iteration_end(self, estimator, iteration, logs):
            raise RuntimeError("boom")

    if failure == "diverges":  # features of 1e150 overflow on the first step, whatever the seed
        X = X * 1e150
        clf, error = NeuralNetworkClassifier((3,), max_iter=30, learning_rate=10.0,
                                             random_state=0), NonFiniteWeightsError
    else:
        clf, error = NeuralNetworkClassifier((3,), max_iter=3, callbacks=Boom()), RuntimeError
    clf.set_callbacks(lifecycle)
    with pytest.raises(error):
        clf.fit(X, y)
    assert lifecycle.events == ["setup", "teardown"]  # a ProgressBar's threads end there
    assert not hasattr(clf, "params_") and not hasattr(clf, "_callback_fit_ctx")


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_sample_weight_of_another_length_says_so_in_words(method):
    X, y = _xy()
    clf = NeuralNetworkClassifier((3,), max_iter=2)
    kwargs = {"classes": [0, 1]} if method == "partial_fit" else {}
    with pytest.raises(ValueError, match=r"^sample_weight has 5 weights but X has 60 rows; "
                                         r"give one weight per example\.$"):
        getattr(clf, method)(X, y, sample_weight=np.ones(5), **kwargs)


# -------------------------------------------------------------------- a climbing cost

# the start is the cost of the initial weights; where the climb ends depends on how the
# machine's BLAS and NumPy round (2.281 on one CPU, 2.172 on another): matched apart
CLIMBS = r"NeuralNetworkClassifier: the cost rose from 0\.8203 at the start to (\d+\.\d+) at " \
         r"the end: training diverged; lower learning_rate \(it is 60\)"


def _climbed_to(record) -> float:
    """The end cost a CLIMBS warning names (the one warning of ``record``)."""
    assert len(record) == 1, [str(w.message) for w in record]
    return float(re.match(CLIMBS, str(record[0].message)).group(1))


def _flower():
    from nnscratch.datasets import load_flower

    X, y = load_flower()
    return np.ascontiguousarray(X, dtype=np.float64), np.asarray(y).ravel()


def _climbing(**kwargs):  # the course's flower network at 50 times its learning rate
    return NeuralNetworkClassifier((4,), activation="tanh", learning_rate=60, max_iter=100,
                                   random_state=1, **kwargs)


def test_ctrl_c_during_fit_warns_on_the_callers_line():
    # it named a line of the library (training.py, then estimators.py: a fixed
    # stacklevel that the wrappers of fit outgrew): filters keyed on the user's module
    # missed it
    class CtrlC(Callback):
        def on_iteration_end(self, estimator, iteration, logs):
            if iteration == 2:
                raise KeyboardInterrupt

    X, y = _xy()
    with pytest.warns(UserWarning, match="training interrupted after 3 iterations") as record:
        NeuralNetworkClassifier((3,), max_iter=10, callbacks=[CtrlC()], random_state=0).fit(X, y)
    assert len(record) == 1 and record[0].filename == __file__


def test_a_fit_whose_cost_climbs_warns_on_the_callers_line():
    """Finite weights, a cost from 0.82 to 2.28: the fit ends, and says it diverged."""
    from nnscratch import ConvergenceWarning

    X, y = _flower()
    with pytest.warns(ConvergenceWarning, match=f"^{CLIMBS}$") as record:
        clf = _climbing().fit(X, y)
    assert len(record) == 1 and record[0].filename == __file__
    assert clf.loss_curve_[-1] > 2 * clf.loss_curve_[0]
    assert _climbed_to(record) == float(f"{clf.loss_curve_[-1]:.4g}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _climbing().set_params(learning_rate=1.2).fit(X, y)  # the course's rate: silent
        # stopped by a callback (the playground's pause, a user's rule): not the run's end
        _climbing(callbacks=[LambdaCallback(on_iteration_end=lambda e, i, logs: i == 98)]
                  ).fit(X, y)


@pytest.mark.slow
def test_a_stream_whose_cost_climbs_warns_as_fit_does(tmp_path):
    import h5py

    from nnscratch import ConvergenceWarning
    from nnscratch.streaming import fit_streaming, open_chunks

    X, y = _flower()
    with h5py.File(tmp_path / "flower.h5", "w") as f:
        f["X"], f["y"] = X, y
    with open_chunks(tmp_path / "flower.h5") as feeder, \
            pytest.warns(ConvergenceWarning, match=f"^{CLIMBS}$") as record:
        result = fit_streaming(_climbing(), feeder, shuffle_chunks=False)
    assert len(result.epoch_losses) == 100
    # the same climb as fit's on this machine, to the digits the message gives
    with pytest.warns(ConvergenceWarning, match=f"^{CLIMBS}$") as fitted:
        _climbing().fit(X, y)
    assert _climbed_to(record) == float(f"{result.epoch_losses[-1]:.4g}") \
        == _climbed_to(fitted) > 2 * 0.8203
    with open_chunks(tmp_path / "flower.h5") as feeder, warnings.catch_warnings():
        warnings.simplefilter("error")
        stopper = LambdaCallback(on_iteration_end=lambda e, i, logs: i == 98)
        fit_streaming(_climbing(callbacks=[stopper]), feeder, shuffle_chunks=False)


def test_weights_summing_to_zero_name_what_gave_them():
    # it said "give some examples weight" to a user who had given class_weight only
    X, y = _xy()
    with pytest.raises(ValueError, match=r"^the sample weights sum to zero: class_weight "
                                         r"gives every class of the data weight 0"):
        NeuralNetworkClassifier((3,), class_weight={0: 0, 1: 0}).fit(X, y)
    with pytest.raises(ValueError, match=r"give some examples weight \(sample_weight "
                                         r"times class_weight\)\.$"):
        NeuralNetworkClassifier((3,), class_weight={0: 0, 1: 1}).fit(
            X, y, sample_weight=(y == 0).astype(float))
    with pytest.raises(ValueError, match="non-zero"):  # scikit-learn's check says so
        NeuralNetworkClassifier((3,)).fit(X, y, sample_weight=np.zeros(len(y)))


def test_early_stopping_names_a_class_too_small_to_split():
    # it said "use more data or a larger validation_fraction": no fraction splits a
    # class of one example
    X, y = _xy()
    labels = np.where(y == 0, "ham", "spam").astype(object)
    labels[0] = "rare"
    with pytest.raises(ValueError, match=r"\(class 'rare' has 1 example; a stratified "
                                         r"split needs 2 of each class\); add examples of "
                                         r"that class, or turn early_stopping off\.$"):
        NeuralNetworkClassifier((3,), early_stopping=True).fit(X, labels)


def test_weights_beyond_memory_are_refused_before_any_is_drawn(monkeypatch):
    # NumPy's "Unable to allocate 37.3 GiB for an array with shape (1000000000, 5)"
    # named neither the parameter nor what to do
    from nnscratch import estimators

    X, y = _xy()
    est = NeuralNetworkClassifier((10**9, 3))
    monkeypatch.setattr(estimators, "_physical_memory", lambda: 16 * 2**30)
    monkeypatch.setattr(estimators, "initialize_parameters",
                        lambda *args: pytest.fail("weights drawn"))
    with pytest.raises(MemoryError, match=r"^hidden_layer_sizes=\(1000000000, 3\) makes "
                                          r"8,000,000,007 weights for 4 features \(119\.2 GiB "
                                          r"with their gradients\), more than this machine's "
                                          r"16\.0 GiB of memory; use fewer units$") as caught:
        est.fit(X, y)
    assert isinstance(caught.value, ValueError) and not hasattr(est, "params_")

    def no_memory(*args):
        raise MemoryError("Unable to allocate 37.3 GiB for an array")

    # where the system does not tell its memory, or less is free than it has
    monkeypatch.setattr(estimators, "_physical_memory", lambda: None)
    monkeypatch.setattr(estimators, "initialize_parameters", no_memory)
    with pytest.raises(MemoryError, match=r"\), more than this machine could allocate now; "
                                          r"use fewer units$"):
        est.fit(X, y)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_weights_beyond_memory_are_refused_whatever_integers_give_the_sizes(monkeypatch, dtype):
    # an int32 (40000, 50000) wrapped around in the count (with a RuntimeWarning) and was
    # accepted
    from nnscratch import estimators

    X = np.zeros((2, 50_000), dtype=np.float32)
    monkeypatch.setattr(estimators, "_physical_memory", lambda: 16 * 2**30)
    monkeypatch.setattr(estimators, "initialize_parameters",
                        lambda *args: pytest.fail("weights drawn"))
    est = NeuralNetworkClassifier(np.array([40_000, 50_000], dtype=dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(MemoryError, match=r"^hidden_layer_sizes=\(40000, 50000\) makes "
                                              r"4,000,140,001 weights for 50,000 features"):
            est.fit(X, [0, 1])


def test_small_integer_sizes_train_without_a_warning():
    X, y = _xy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "overflow encountered in scalar multiply"
        est = NeuralNetworkClassifier((np.int8(4),), max_iter=3).fit(X, y)
    assert est.params_["W1"].shape == (4, X.shape[1])


def test_early_stopping_on_too_few_examples_says_so_in_words(tmp_path):
    """scikit-learn's "The test_size = 1 should be greater or equal to the number of
    classes = 2" passed through the message."""
    from hostile import assert_refused, run_cli

    (tmp_path / "ok.csv").write_text("a,b,y\n1,2,0\n2,3,1\n3,4,0\n4,5,1\n")
    result = run_cli(["train", "ok.csv", "--early-stopping", "-o", "m.npz"], tmp_path)
    line = assert_refused(result, 2, allow_info=True)
    assert line == (
        "nnscratch: error: cannot train on this data: --early-stopping holds out 10 % of the "
        "training examples for validation, too few to hold every class (it leaves 1 "
        "validation example for 2 classes, which need one each); use more data, or drop "
        "--early-stopping")
    assert not (tmp_path / "m.npz").exists()


def test_early_stopping_leaving_too_few_training_examples_names_the_fraction():
    import numpy as np
    import pytest

    from nnscratch import NeuralNetworkClassifier

    X, y = np.arange(40.0).reshape(20, 2), np.arange(20) % 2
    est = NeuralNetworkClassifier((3,), early_stopping=True, validation_fraction=0.95)
    with pytest.raises(ValueError, match=r"\(it leaves 1 training example for 2 classes, which "
                                         r"need one each\); use more data or a smaller "
                                         r"validation_fraction, or turn early_stopping off\.$"):
        est.fit(X, y)


def test_a_fraction_trains_as_the_float_it_equals():
    # the checks took Fraction(1, 10) as a learning rate, then the schedule refused it
    # as "learning_rate_init must be a number", a parameter the user never set
    from fractions import Fraction

    X, y = _xy()
    for settings in ({"learning_rate": Fraction(1, 10)},
                     {"solver": "adam", "beta_1": Fraction(9, 10)},
                     {"solver": "momentum", "momentum": Fraction(1, 2)},
                     {"learning_rate_schedule": "inverse_time", "decay_rate": Fraction(1, 2)}):
        as_float = {k: float(v) if isinstance(v, Fraction) else v for k, v in settings.items()}
        fraction = NeuralNetworkClassifier((3,), max_iter=5, random_state=0, **settings)
        plain = NeuralNetworkClassifier((3,), max_iter=5, random_state=0, **as_float)
        assert fraction.fit(X, y).loss_curve_ == plain.fit(X, y).loss_curve_, settings


@pytest.mark.parametrize("how", ["fit", "partial_fit", "float32", "network"])
def test_a_last_step_to_non_finite_weights_is_a_divergence_not_a_model(how):
    # the cost is checked before each step: a last step to infinite weights returned a
    # model whose every prediction failed with "scale the features as the training data
    # were scaled"
    from nnscratch import LogisticRegression
    from nnscratch.exceptions import NonFiniteWeightsError

    X = np.random.RandomState(0).randn(60, 3) * 1000
    y = (X[:, 0] > 0).astype(int)
    est = (NeuralNetworkClassifier((4,), learning_rate=1e200, max_iter=1) if how == "network"
           else LogisticRegression(learning_rate=1e308, max_iter=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NonFiniteWeightsError, match=r"^training diverged at iteration 0: "
                                                        r"the weights grew until the network's "
                                                        r"outputs overflow float64\. Lower "):
            if how == "partial_fit":
                est.partial_fit(X, y, classes=[0, 1])
            else:
                est.fit(X.astype(np.float32) if how == "float32" else X, y)
    assert not hasattr(est, "params_")  # nothing half-trained is left
