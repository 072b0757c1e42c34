"""The playground: the course's networks, live in the browser, on the library's engine.

``nnscratch playground`` starts a local web server (:mod:`.server`, Starlette and
uvicorn, the ``playground`` extra) whose page trains a
:class:`~nnscratch.NeuralNetworkClassifier` in a background thread per tab
(:mod:`.sessions`) and streams its costs, decision boundary and hidden units. The data
(:mod:`.data`) and the settings' checks (:mod:`.config`) need no web library: the
Python snippet the page exports imports :func:`.data.playground_data`.
"""
