"""
Is this e-mail spam? Text to TF-IDF to a model file
===================================================

The seeds' own example of a classifier. :func:`nnscratch.datasets.make_spam_corpus`
writes a small corpus of generated e-mails (``spam/*.txt``, ``ham/*.txt``; no
download), :func:`~nnscratch.datasets.load_train_test` reads the folders and turns the
texts into TF-IDF weights of their words with scikit-learn's vectorizer — a sparse
CSR matrix that the estimators train on as it is — and logistic regression learns one
weight per word. The largest weights show which words the model takes as signs of
spam, the most negative ones as signs of a colleague's note. The fitted vocabulary goes
into the model file as arrays, so the reloaded model classifies raw text exactly as
before.
"""

import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from nnscratch import LogisticRegression
from nnscratch.datasets import load_train_test, make_spam_corpus
from nnscratch.persistence import load_bundle, save

folder = Path(tempfile.mkdtemp())
make_spam_corpus(folder / "train", 400, random_state=0)
make_spam_corpus(folder / "test", 200, random_state=1)
train, test = load_train_test(folder / "train", folder / "test")
print(f"{train.n_samples} training messages, {train.n_features} words, "
      f"{train.X.nnz} non-zeros ({train.X.nnz / np.prod(train.X.shape):.1%} of the matrix)")

clf = LogisticRegression(learning_rate=1, max_iter=300).fit(train.X, train.y)
print(f"train accuracy {clf.score(train.X, train.y):.2%}, "
      f"test accuracy {clf.score(test.X, test.y):.2%}")

# the model file keeps the vocabulary and the idf weights as arrays, never pickle
save(clf, folder / "spam.npz", preprocessor=train.preprocessor,
     class_names=train.class_names)
bundle = load_bundle(folder / "spam.npz")
messages = ["Congratulations, you won a cash prize! Click to claim your bonus now",
            "The slides for Thursday's project meeting are attached, see you at lunch"]
proba = bundle.estimator.predict_proba(bundle.preprocessor.transform(messages))[:, 1]
for text, p in zip(messages, proba):
    print(f"P(spam) = {p:.3f}  {text}")
shutil.rmtree(folder)  # the generated e-mails and the model file

terms = np.array(train.preprocessor.vectorizer.terms)
w = clf.params_["W1"].ravel()
order = np.argsort(w)
shown = np.r_[order[:12], order[-12:]]
fig, ax = plt.subplots(figsize=(7, 6), layout="constrained")
ax.barh(np.arange(shown.size), w[shown],
        color=np.where(w[shown] > 0, "tab:red", "tab:blue"))
ax.set_yticks(np.arange(shown.size), terms[shown])
ax.axvline(0, color="black", linewidth=0.8)
ax.set_xlabel("weight of the word's TF-IDF feature (W1)")
ax.set_title(f"Logistic regression on generated e-mails: test accuracy "
             f"{clf.score(test.X, test.y):.0%}\nred: signs of spam, blue: signs of ham")
plt.show()
