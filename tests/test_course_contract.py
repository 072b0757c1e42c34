"""nnscratch.course: the course's published small cases come out of the reference
functions to the printed digits (each number is printed in the course's notebooks:
"Logistic Regression with a Neural Network mindset", "Planar data classification with
one hidden layer", "Building your Deep Neural Network: Step by Step")."""

import numpy as np
import pytest

from nnscratch.course import deep, logistic, shallow
from nnscratch.datasets import load_flower

W1_SHALLOW = np.array([[-0.00416758, -0.00056267], [-0.02136196, 0.01640271],
                       [-0.01793436, -0.00841747], [0.00502881, -0.01245288]])
W2_SHALLOW = np.array([[-0.01057952, -0.00909008, 0.00551454, 0.02292208]])


def close(a, b, digits=8):
    np.testing.assert_allclose(a, b, rtol=0, atol=0.5 * 10.0 ** -digits)


def randn(seed, *shapes):
    rs = np.random.RandomState(seed)
    return [rs.randn(*s) for s in shapes]


def test_logistic_published_cases():
    close(logistic.sigmoid(np.array([0, 2])), [0.5, 0.88079708])
    w, b = logistic.initialize_with_zeros(2)
    assert w.shape == (2, 1) and not w.any() and b == 0
    w, b = np.array([[1.0], [2.0]]), 2.0
    X, Y = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]), np.array([[1, 0, 1]])
    grads, cost = logistic.propagate(w, b, X, Y)
    close(grads["dw"], [[0.99845601], [2.39507239]])
    close(grads["db"], 0.00145557813678, 14)
    assert cost == 5.801545319394553
    params, grads, costs = logistic.optimize(w, b, X, Y, num_iterations=100,
                                             learning_rate=0.009)
    close(params["w"], [[0.19033591], [0.12259159]])
    close(params["b"], 1.92535983008, 11)
    close(grads["dw"], [[0.67752042], [1.41625495]])
    close(grads["db"], 0.219194504541, 12)
    assert len(costs) == 1
    pred = logistic.predict(np.array([[0.1124579], [0.23106775]]), -0.3,
                            np.array([[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]]))
    assert pred.tolist() == [[1.0, 1.0, 0.0]]


def test_propagate_is_finite_at_saturation():
    grads, cost = logistic.propagate(np.array([[1000.0]]), 0.0, np.array([[1.0, -1.0]]),
                                     np.array([[0, 1]]))
    assert cost == pytest.approx(1000.0) and np.isfinite(grads["dw"]).all()


def test_shallow_published_cases():
    X, Y = randn(1, (5, 3), (2, 3))
    assert shallow.layer_sizes(X, Y) == (5, 4, 2)
    p = shallow.initialize_parameters(2, 4, 1)
    close(p["W1"], W1_SHALLOW)
    close(p["W2"], W2_SHALLOW)
    X, b1 = randn(1, (2, 3), (4, 1))
    _A2, cache = shallow.forward_propagation(
        X, {"W1": W1_SHALLOW, "b1": b1, "W2": W2_SHALLOW, "b2": np.array([[-1.3]])})
    close([np.mean(cache[k]) for k in ("Z1", "A1", "Z2", "A2")],
          [0.262818640198, 0.091999045227, -1.30766601287, 0.212877681719], 11)
    Y = (np.random.RandomState(1).randn(1, 3) > 0)
    close(shallow.compute_cost(np.array([[0.5002307, 0.49985831, 0.50023963]]), Y),
          0.693058761039, 12)


def test_shallow_backward_and_update_published_cases():
    from nnscratch._course_cases import specs

    by_name = {s.name: s for s in specs("shallow")}
    grads = shallow.backward_propagation(*by_name["backward_propagation"].cases[0].args)
    close(grads["dW1"], [[0.00301023, -0.00747267], [0.00257968, -0.00641288],
                         [-0.00156892, 0.003893], [-0.00652037, 0.01618243]])
    close(grads["db1"], [[0.00176201], [0.00150995], [-0.00091736], [-0.00381422]])
    close(grads["dW2"], [[0.00078841, 0.01765429, -0.00084166, -0.01022527]])
    close(grads["db2"], [[-0.16655712]])
    p = shallow.update_parameters(*by_name["update_parameters"].cases[0].args)
    close(p["W1"], [[-0.00643025, 0.01936718], [-0.02410458, 0.03978052],
                    [-0.01653973, -0.02096177], [0.01046864, -0.05990141]])
    np.testing.assert_allclose(  # printed with 9 significant digits
        p["b1"], [[-1.02420756e-06], [1.27373948e-05], [8.32996807e-07], [-3.20136836e-06]],
        rtol=5e-9)
    close(p["W2"], [[-0.01041081, -0.04463285, 0.01758031, 0.04747113]])
    close(p["b2"], [[0.00010457]])


@pytest.mark.slow
def test_flower_model_accuracy():
    X, y = load_flower()
    params = shallow.nn_model(X.T, y[None, :], 4, num_iterations=10000)
    accuracy = np.mean(shallow.predict(params, X.T) == y)
    assert accuracy >= 0.90  # the course prints 90 %


def test_deep_published_cases():
    p = deep.initialize_parameters(3, 2, 1)
    close(p["W1"], [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408,
                                                            -0.02301539]])
    close(p["W2"], [[0.01744812, -0.00761207]])
    p = deep.initialize_parameters_deep([5, 4, 3])
    close(p["W1"][0], [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388])
    close(p["W2"][2], [-0.00768836, -0.00230031, 0.00745056, 0.01976111])
    assert p["b1"].shape == (4, 1) and p["b2"].shape == (3, 1)
    Z, cache = deep.linear_forward(*randn(1, (3, 2), (1, 3), (1, 1)))
    close(Z, [[3.26295337, -1.23429987]])
    assert len(cache) == 3
    A_prev, W, b = randn(2, (3, 2), (1, 3), (1, 1))
    A, cache = deep.linear_activation_forward(A_prev, W, b, "sigmoid")
    close(A, [[0.96890023, 0.11013289]])
    assert cache[0][0] is A_prev and cache[1].shape == (1, 2)  # ((A_prev, W, b), Z)
    close(deep.linear_activation_forward(A_prev, W, b, "relu")[0], [[3.43896131, 0.0]])
    X, W1, b1, W2, b2 = randn(1, (4, 2), (3, 4), (3, 1), (1, 3), (1, 1))
    AL, caches = deep.L_model_forward(X, {"W1": W1, "b1": b1, "W2": W2, "b2": b2})
    close(AL, [[0.17007265, 0.2524272]])
    assert len(caches) == 2
    X, *ps = randn(6, (5, 4), (4, 5), (4, 1), (3, 4), (3, 1), (1, 3), (1, 1))
    AL, caches = deep.L_model_forward(X, dict(zip(["W1", "b1", "W2", "b2", "W3", "b3"], ps)))
    close(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]])
    # the published digits exactly (the sum divided by m gave ...397 and ...423)
    assert deep.compute_cost(np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 1]])) == \
        0.41493159961539694
    assert deep.compute_cost(np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 0]])) == \
        0.2797765635793422


def test_deep_backward_published_cases():
    dZ, A, W, b = randn(1, (1, 2), (3, 2), (1, 3), (1, 1))
    dA_prev, dW, db = deep.linear_backward(dZ, (A, W, b))
    close(dA_prev, [[0.51822968, -0.19517421], [-0.40506361, 0.15255393],
                    [2.37496825, -0.89445391]])
    close(dW, [[-0.10076895, 1.40685096, 1.64992505]])
    close(db, [[0.50629448]])
    dA, A, W, b, Z = randn(2, (1, 2), (3, 2), (1, 3), (1, 1), (1, 2))
    dA_prev, dW, db = deep.linear_activation_backward(dA, ((A, W, b), Z), "sigmoid")
    close(dA_prev, [[0.11017994, 0.01105339], [0.09466817, 0.00949723],
                    [-0.05743092, -0.00576154]])
    close(dW, [[0.10266786, 0.09778551, -0.01968084]])
    close(db, [[-0.05729622]])
    dA_prev, dW, db = deep.linear_activation_backward(dA, ((A, W, b), Z), "relu")
    close(dA_prev, [[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]])
    close(dW, [[0.44513824, 0.37371418, -0.10478989]])
    close(db, [[-0.20837892]])
    rs = np.random.RandomState(3)
    AL = rs.randn(1, 2)
    A1, W1, b1, Z1, A2, W2, b2, Z2 = (rs.randn(*s) for s in [(4, 2), (3, 4), (3, 1), (3, 2),
                                                             (3, 2), (1, 3), (1, 1), (1, 2)])
    grads = deep.L_model_backward(AL, np.array([[1, 0]]),
                                  [((A1, W1, b1), Z1), ((A2, W2, b2), Z2)])
    close(grads["dW1"], [[0.41010002, 0.07807203, 0.13798444, 0.10502167], [0, 0, 0, 0],
                         [0.05283652, 0.01005865, 0.01777766, 0.0135308]])
    close(grads["db1"], [[-0.22007063], [0], [-0.02835349]])
    close(grads["dA0"], [[0, 0.52257901], [0, -0.3269206], [0, -0.32070404],
                         [0, -0.74079187]])
    W1, b1, W2, b2 = randn(2, (3, 4), (3, 1), (1, 3), (1, 1))
    dW1, db1, dW2, db2 = randn(3, (3, 4), (3, 1), (1, 3), (1, 1))
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    new = deep.update_parameters(params, {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}, 0.1)
    close(new["W1"][0], [-0.59562069, -0.09991781, -2.14584584, 1.82662008])
    close(new["b1"], [[-0.04659241], [-1.28888275], [0.53405496]])
    close(new["W2"], [[-0.55569196, 0.0354055, 1.32964895]])
    close(new["b2"], [[-0.84610769]])
    assert new["W1"] is not W1 and np.array_equal(params["W1"], W1)  # inputs unchanged


def test_deep_gradients_match_finite_differences():
    from nnscratch.gradcheck import numerical_gradients

    rs = np.random.RandomState(0)
    X, Y = rs.randn(4, 6), (rs.rand(1, 6) > 0.5).astype(float)
    params = {"W1": rs.randn(3, 4), "b1": rs.randn(3, 1), "W2": rs.randn(1, 3),
              "b2": rs.randn(1, 1)}
    AL, caches = deep.L_model_forward(X, params)
    grads = deep.L_model_backward(AL, Y, caches)
    approx = numerical_gradients(params, X, Y, "relu")
    for key in ("dW1", "db1", "dW2", "db2"):
        np.testing.assert_allclose(grads[key], approx[key], rtol=1e-5, atol=1e-8)


def test_deep_predict_prints_the_accuracy_as_the_course_computes_it(capsys):
    # np.mean printed "Accuracy: 1.0" where the course's sum of (p == y) / m prints
    # 0.9999999999999998 (the Application notebook's two-layer model on its 209 pictures)
    params = {"W1": np.zeros((1, 3)), "b1": np.ones((1, 1))}  # every AL = σ(1) > 0.5
    p = deep.predict(np.zeros((3, 209)), np.ones((1, 209)), params)
    assert p.shape == (1, 209) and np.all(p == 1)
    assert capsys.readouterr().out == "Accuracy: 0.9999999999999998\n"


def test_the_shallow_model_names_its_own_arguments():
    # nn_model(X, Y, 0) said "layer_dims must hold positive whole numbers", an argument
    # it does not have
    X, Y = np.zeros((2, 4)), np.array([[0.0, 1.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match=r"^n_h must be a positive whole number \(units\); "
                                         r"got 0$"):
        shallow.nn_model(X, Y, 0)


@pytest.mark.parametrize("run", ["L_layer_model", "two_layer_model", "logistic_model",
                                 "propagate"])
def test_a_course_loop_that_diverges_says_so(run):
    # the loops went on with NaN weights and returned NaN costs, with RuntimeWarnings only
    from nnscratch.exceptions import NonFiniteWeightsError

    X = np.array([[1.0, -1, 2, 0.5, -3], [0.3, 2, -1, 1, 0]])
    Y = np.array([[1, 0, 1, 0, 1]])
    calls = {
        "L_layer_model": lambda: deep.L_layer_model(X, Y, [2, 3, 1], learning_rate=1e300,
                                                    num_iterations=201),
        "two_layer_model": lambda: deep.two_layer_model(X, Y, (2, 3, 1), learning_rate=1e300,
                                                        num_iterations=201),
        "logistic_model": lambda: logistic.model(X * 1e5, Y, X, Y, num_iterations=300,
                                                 learning_rate=1e300),
        "propagate": lambda: logistic.propagate(np.array([[5e303], [-1.1e304]]), 0.0,
                                                X * 1e5, Y),
    }
    with np.errstate(all="ignore"), pytest.raises(
            NonFiniteWeightsError, match=r"^the cost J is nan: the weights are no longer "
                                         r"finite .*; lower the learning rate, or scale X"):
        calls[run]()
