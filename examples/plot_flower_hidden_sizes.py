"""
The flower's decision boundaries for hidden sizes 1 to 50
==========================================================

The course's planar "flower" (400 points, two classes no straight line separates)
with a shallow network, ``LINEAR → TANH → LINEAR → SIGMOID``, for the hidden-layer
sizes of the course's table: 1, 2, 3, 4, 5, 20 and 50 units, 5000 iterations of
gradient descent with learning rate 1.2 each.

The course's table reads 67.5, 67.25, 90.75, 90.5, 91.25, 90 and 90.75 %: one or two
units cannot bend the boundary enough, three to five fit the petals, and more units
fit the noise without helping (the course: "the larger models ... overfit"). The
first five agree here to the digit; the two largest land within half a point of
the course's figures.
"""


import matplotlib.pyplot as plt

from nnscratch import NeuralNetworkClassifier
from nnscratch.datasets import load_flower
from nnscratch.plotting import plot_decision_boundary

X, y = load_flower()  # the course's load_planar_dataset(), exactly: (400, 2), (400,)
COURSE = {1: 67.5, 2: 67.25, 3: 90.75, 4: 90.5, 5: 91.25, 20: 90.0, 50: 90.75}  # its table

fig, axes = plt.subplots(2, 4, figsize=(16, 8.5), layout="constrained")
rows = []
for ax, n_h in zip(axes.flat, COURSE):
    # init="small" is the course's randn * 0.01 for the shallow network.
    clf = NeuralNetworkClassifier(hidden_layer_sizes=(n_h,), activation="tanh",
                                  init="small", learning_rate=1.2, max_iter=5000,
                                  random_state=2).fit(X, y)
    accuracy = clf.score(X, y)
    print(f"{n_h:2d} hidden units: accuracy {accuracy:.2%} (the course: {COURSE[n_h]} %)")
    rows.append([str(n_h), f"{100 * accuracy:.2f} %", f"{COURSE[n_h]:.2f} %"])
    plot_decision_boundary(clf.predict, X, y, ["red", "blue"], ax=ax,
                           title=f"{n_h} hidden unit{'s' if n_h > 1 else ''}: {accuracy:.2%}")

# The last panel: the accuracies beside the course's table.
axes.flat[-1].axis("off")
table = axes.flat[-1].table(cellText=rows, colLabels=["hidden units", "here", "the course"],
                            loc="center", cellLoc="center")
table.scale(1, 1.6)
fig.suptitle("The flower, one hidden layer of 1 to 50 tanh units, 5000 iterations",
             fontsize=14)
plt.show()
