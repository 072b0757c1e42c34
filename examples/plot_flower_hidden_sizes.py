"""
The flower's decision boundaries for hidden sizes 1 to 50
==========================================================

The course's planar "flower" (400 points, two classes no straight line separates)
with a shallow network, ``LINEAR → TANH → LINEAR → SIGMOID``, for the hidden-layer
sizes of the course's table: 1, 2, 3, 4, 5, 20 and 50 units, 5000 iterations of
gradient descent with learning rate 1.2 each.

The course's table reads 67.5, 67.25, 90.75, 90.5, 91.25, 90 and 90.75 %: one or two
units cannot bend the boundary enough, three to five fit the petals, and more units
fit the noise without helping (the course: "the larger models ... overfit").
"""


from nnscratch import NeuralNetworkClassifier
from nnscratch.datasets import load_flower
from nnscratch.plotting import plot_decision_boundaries

X, y = load_flower()  # the course's load_planar_dataset(), exactly: (400, 2), (400,)

panels = {}
for n_h in (1, 2, 3, 4, 5, 20, 50):
    # init="small" is the course's randn * 0.01 for the shallow network.
    clf = NeuralNetworkClassifier(hidden_layer_sizes=(n_h,), activation="tanh",
                                  init="small", learning_rate=1.2, max_iter=5000,
                                  random_state=2).fit(X, y)
    accuracy = clf.score(X, y)
    print(f"{n_h:2d} hidden units: accuracy {accuracy:.2%}")
    panels[f"{n_h} hidden unit{'s' if n_h > 1 else ''}: {accuracy:.2%}"] = clf.predict

fig = plot_decision_boundaries(panels, X, y, ["red", "blue"],
                               title="The flower, one hidden layer of 1 to 50 tanh units")
