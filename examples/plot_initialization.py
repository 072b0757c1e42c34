"""
Initialisations compared: zeros, small random, He
=================================================

The second course's first lesson: with every weight zero, every unit of a layer
computes the same function and receives the same gradient, so the layer never
stops being one unit, and the network stays a straight-line classifier (50 %).
Small random weights (``randn · 0.01``) break the symmetry, but in a deeper ReLU
network the signal shrinks layer after layer and learning barely starts. He
initialisation (``randn · sqrt(2 / n_{l-1})``) keeps the signal's scale through the
ReLU layers, and the network learns the circles.

The course trains (10, 5) networks with learning rate 0.01 for 15000 iterations
(``tests/test_course2.py`` checks its He results: 99.3 % and 96 %); here the
learning rate is 0.1 for 2000 iterations, which tells the same story in a tenth of
the time.
"""

import numpy as np
from sklearn.datasets import make_circles

from nnscratch import NeuralNetworkClassifier
from nnscratch.plotting import plot_costs, plot_decision_boundaries

X_train, y_train = make_circles(n_samples=300, noise=0.05, random_state=np.random.RandomState(1))
X_test, y_test = make_circles(n_samples=100, noise=0.05, random_state=np.random.RandomState(2))

models = {}
for init in ("zeros", "small", "he"):
    clf = NeuralNetworkClassifier(hidden_layer_sizes=(10, 5), init=init, learning_rate=0.1,
                                  max_iter=2000, random_state=3).fit(X_train, y_train)
    models[init] = clf
    print(f"{init:>5}: train {clf.score(X_train, y_train):.1%}, "
          f"test {clf.score(X_test, y_test):.1%}, final cost {clf.loss_curve_[-1]:.4f}")

# %%
# The zeros stay at the cost of a coin toss, log 2 ≈ 0.693; small weights hardly
# move from it; He falls quickly.
fig = None
for init, clf in models.items():
    fig = plot_costs(clf.costs_, clf.cost_every, label=f"init={init!r}",
                     ax=fig.axes[0] if fig else None,
                     title="Cost with three initialisations, (10, 5) ReLU network")
# "zeros" and "small" lie on the same line, log 2: the first is drawn wide to show both.
fig.axes[0].lines[0].set(linewidth=6, alpha=0.4)
_ = fig.axes[0].legend()  # (its return value would be printed on the page)

# %%
# The boundaries on the test circles.
fig = plot_decision_boundaries(
    {f"{init}: test {clf.score(X_test, y_test):.0%}": clf.predict
     for init, clf in models.items()},
    X_test, y_test, ["outer", "inner"], title="Decision boundaries on the test circles")
