"""
Training from a file chunk by chunk, with callbacks
===================================================

:func:`nnscratch.streaming.fit_streaming` trains from an HDF5 file, a Zarr store or a
Dask array without loading it: :func:`~nnscratch.streaming.open_chunks` reads one
chunk of rows at a time, each epoch visits the chunks in a fresh shuffled order, and
the estimator runs its mini-batches over each chunk through ``partial_fit``. Memory
stays within a chunk, its converted copy and the model, whatever the size of the file.

The estimator's ``callbacks`` see the stream's epochs as ``fit`` shows them its own:
here a :class:`~nnscratch.callbacks.History` records the cost of every epoch and an
:class:`~nnscratch.callbacks.EarlyStopping` on that cost ends the stream once it
hardly falls any more.

The file here is small (20000 rows of 40 features, 3.4 MB), so that this page builds
in seconds; the code is the same for a file of any size. The last part checks the
claim that makes streaming safe to use: with the chunks in storage order and no
shuffling, a streamed fit *is* the in-memory fit, weight for weight.
"""

import tempfile
import tracemalloc
from pathlib import Path

import h5py
import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification

from nnscratch import NeuralNetworkClassifier
from nnscratch.callbacks import EarlyStopping, History
from nnscratch.streaming import evaluate_streaming, fit_streaming, open_chunks

workdir = tempfile.TemporaryDirectory()  # removed at the end
folder = Path(workdir.name)
X, y = make_classification(n_samples=25000, n_features=40, n_informative=12,
                           flip_y=0.05, random_state=0)
X = X.astype(np.float32)
for name, rows in (("train", slice(0, 20000)), ("test", slice(20000, None))):
    with h5py.File(folder / f"{name}.h5", "w") as f:  # the X / y layout, in chunks
        f.create_dataset("X", data=X[rows], chunks=(1024, X.shape[1]))
        f["y"] = y[rows]
print(f"train.h5: {(folder / 'train.h5').stat().st_size / 1e6:.1f} MB")

# %%
# Train with Adam, chunks of 4096 rows (16 mini-batches of 256 each), for at most 40
# epochs: the early stopping ends the stream once 3 epochs in a row have not brought
# the cost 5e-3 below its best. On the training cost the last weights are as good as
# any, so it keeps them (``restore_best_weights=False``).
history = History(cost_every=1)
stopper = EarlyStopping(monitor="cost", n_iter_no_change=3, tol=5e-3,
                        restore_best_weights=False)
clf = NeuralNetworkClassifier(hidden_layer_sizes=(32, 16), solver="adam",
                              learning_rate=1e-3, batch_size=256, max_iter=40,
                              random_state=0, callbacks=[history, stopper])
tracemalloc.start()
with open_chunks(folder / "train.h5", chunk_rows=4096, batch_size=256) as feeder:
    result = fit_streaming(clf, feeder)
    n_chunks = feeder.n_chunks
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(f"{len(result.epoch_losses)} epochs of {n_chunks} chunks, "
      f"{result.rows_per_second:,.0f} rows per second")
stopped = stopper.stopped_iteration_ + 1  # 0-based there; epochs counted from 1 here
print(f"the callback stopped the stream after epoch {stopped}; "
      f"final cost {result.epoch_losses[-1]:.4f}")
print(f"peak memory traced while training: {peak / 1e6:.1f} MB")

with open_chunks(folder / "test.h5") as feeder:
    scores = evaluate_streaming(clf, feeder)
print(f"test accuracy {scores['accuracy']:.2%}, log-loss {scores['log_loss']:.4f}")

# %%
# The same network trained in memory, with plain gradient descent and no shuffling,
# against the stream over the chunks in storage order: the same weights, bit for bit,
# and the same cost at every epoch.
plain = NeuralNetworkClassifier(hidden_layer_sizes=(32, 16), solver="gd",
                                learning_rate=0.1, batch_size=256, shuffle=False,
                                max_iter=6, random_state=0)
streamed = clone(plain)
with open_chunks(folder / "train.h5", chunk_rows=4096, batch_size=256) as feeder:
    fit_streaming(streamed, feeder, shuffle_chunks=False)
in_memory = clone(plain).fit(X[:20000], y[:20000])
same = all(np.array_equal(streamed.params_[k], in_memory.params_[k]) for k in in_memory.params_)
print(f"streamed and in-memory weights equal: {same}")

# %%
# The cost of each epoch, as the History callback saw the stream (left), and the
# streamed gradient descent on top of the in-memory one (right), epochs counted from 1.
fig, (ax_adam, ax_gd) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
ax_adam.plot(np.arange(1, len(history.loss_curve) + 1), history.loss_curve, marker="o",
             label="streamed, Adam (History)")
ax_adam.axvline(stopped, color="black", linestyle="--", label=f"stopped after epoch {stopped}")
ax_adam.set_title("Early stopping on the stream's cost")
epochs = np.arange(1, len(in_memory.loss_curve_) + 1)
ax_gd.plot(epochs, in_memory.loss_curve_, linewidth=4, alpha=0.4, label="in memory")
ax_gd.plot(epochs, streamed.loss_curve_, marker=".", label="streamed, chunks in order")
ax_gd.set_title("Gradient descent: the same curve")
for ax in (ax_adam, ax_gd):
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost (cross-entropy)")
    ax.legend()
plt.show()
workdir.cleanup()
