"""The checker's cases: for each course function, its inputs (the course's own small
test inputs first, then seeded random ones, small and large), the names of what it
returns, and the course functions it usually calls.

Private to :mod:`nnscratch._checker`. Inputs are drawn from ``RandomState`` objects,
never NumPy's global state; a case's ``seed`` is what the checker's child process
gives ``np.random.seed`` just before calling an initialising or training function
(the course seeds the global generator, so a learner's function may rely on it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Case:
    """One call: ``fn(*args, **kwargs)`` after ``np.random.seed(seed)`` (if a seed)."""

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    seed: int | None = None
    m: int | None = None  # the number of examples (for the ×m / ÷m hints)
    #: Arguments an older version of the course's function takes beyond ``args``
    #: (the planar compute_cost(A2, Y, parameters)): given by name, only to a
    #: function whose own parameters name them.
    older: dict = field(default_factory=dict)


@dataclass
class FunctionSpec:
    name: str
    arg_names: tuple[str, ...]
    returns: tuple[str, ...] | str
    cases: list[Case]
    calls: tuple[str, ...] = ()  # course functions it usually calls
    #: The called functions whose results reach only some of its outputs: name -> those
    #: outputs (the course's training loops print compute_cost's value, or keep it in
    #: costs, and never step with it). A function not named here can change every output.
    feeds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Other right answers, each (what makes it right, the function giving it): where
    #: the course has two versions of a function it calls. The first entry is what the
    #: reference's own function follows; a result matching any of them passes.
    versions: tuple[tuple[str, Callable[..., Any]], ...] = ()


def _labels(rng, m):
    Y = (rng.rand(1, m) > 0.5).astype(float)
    Y[0, 0], Y[0, -1] = 1.0, 0.0  # both classes
    return Y


def _params(rng, dims, scale=0.5):
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = rng.randn(dims[l], dims[l - 1]) * scale
        params[f"b{l}"] = rng.randn(dims[l], 1) * 0.1
    return params


# ---------------------------------------------------------------------------- logistic

def _logistic() -> list[FunctionSpec]:
    rng = np.random.RandomState(0)
    course_w, course_b = np.array([[1.0], [2.0]]), 2.0
    course_X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
    course_Y = np.array([[1.0, 0.0, 1.0]])

    def lr_case(label, n, m):
        return (rng.randn(n, 1) * 0.1, float(rng.randn() * 0.1), rng.randn(n, m),
                _labels(rng, m))

    small, large = lr_case("small", 4, 7), lr_case("large", 30, 120)
    X_tr, Y_tr = rng.randn(4, 20), _labels(rng, 20)
    X_te, Y_te = rng.randn(4, 8), _labels(rng, 8)
    return [
        FunctionSpec("sigmoid", ("z",), "s", [
            Case("the course's test case sigmoid(np.array([0, 2]))", (np.array([0.0, 2.0]),)),
            Case("a random (3, 4) array", (rng.randn(3, 4) * 3,)),
        ]),
        FunctionSpec("initialize_with_zeros", ("dim",), ("w", "b"), [
            Case("the course's test case dim = 2", (2,)),
            Case("dim = 7", (7,)),
        ]),
        FunctionSpec("propagate", ("w", "b", "X", "Y"), ("grads", "cost"), [
            Case("the course's test case", (course_w, course_b, course_X, course_Y), m=3),
            Case("a random small case (n_x = 4, m = 7)", small, m=7),
            Case("a random large case (n_x = 30, m = 120)", large, m=120),
        ], calls=("sigmoid",)),
        FunctionSpec("optimize", ("w", "b", "X", "Y", "num_iterations", "learning_rate",
                                  "print_cost"), ("params", "grads", "costs"), [
            Case("the course's test case (100 iterations, learning rate 0.009)",
                 (course_w, course_b, course_X, course_Y), {"num_iterations": 100,
                 "learning_rate": 0.009, "print_cost": False}, m=3),
            Case("a random case (n_x = 4, m = 7, 150 iterations)", small,
                 {"num_iterations": 150, "learning_rate": 0.05, "print_cost": False}, m=7),
        ], calls=("propagate",)),
        FunctionSpec("predict", ("w", "b", "X"), "Y_prediction", [
            Case("the course's test case", (np.array([[0.1124579], [0.23106775]]), -0.3,
                                            np.array([[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]]))),
            Case("a random case (n_x = 30, m = 120)", large[:3]),
        ], calls=("sigmoid",)),
        FunctionSpec("model", ("X_train", "Y_train", "X_test", "Y_test", "num_iterations",
                               "learning_rate", "print_cost"), "d", [
            Case("a random case (n_x = 4, 20 training and 8 test examples, 200 iterations)",
                 (X_tr, Y_tr, X_te, Y_te), {"num_iterations": 200, "learning_rate": 0.1,
                                            "print_cost": False}, m=20),
        ], calls=("initialize_with_zeros", "optimize", "predict")),
    ]


# ----------------------------------------------------------------------------- shallow

_COURSE_W1 = np.array([[-0.00416758, -0.00056267], [-0.02136196, 0.01640271],
                       [-0.01793436, -0.00841747], [0.00502881, -0.01245288]])
_COURSE_W2 = np.array([[-0.01057952, -0.00909008, 0.00551454, 0.02292208]])


def _shallow() -> list[FunctionSpec]:
    from .course import shallow as ref

    course = np.random.RandomState(1)
    X_layer, Y_layer = course.randn(5, 3), course.randn(2, 3)
    course = np.random.RandomState(1)
    X_fwd, b1_fwd = course.randn(2, 3), course.randn(4, 1)
    p_fwd = {"W1": _COURSE_W1, "b1": b1_fwd, "W2": _COURSE_W2, "b2": np.array([[-1.3]])}
    course = np.random.RandomState(1)
    Y_cost = (course.randn(1, 3) > 0).astype(float)
    A2_cost = np.array([[0.5002307, 0.49985831, 0.50023963]])
    course = np.random.RandomState(1)
    X_bwd, Y_bwd = course.randn(2, 3), (course.randn(1, 3) > 0).astype(float)
    p_bwd = {"W1": _COURSE_W1, "b1": np.zeros((4, 1)), "W2": _COURSE_W2, "b2": np.zeros((1, 1))}
    cache_bwd = {
        "A1": np.array([[-0.00616578, 0.0020626, 0.00349619], [-0.05225116, 0.02725659, -0.02646251],
                        [-0.02009721, 0.0036869, 0.02883756], [0.02152675, -0.01385234, 0.02599885]]),
        "A2": A2_cost,
        "Z1": np.array([[-0.00616586, 0.0020626, 0.0034962], [-0.05229879, 0.02726335, -0.02646869],
                        [-0.02009991, 0.00368692, 0.02884556], [0.02153007, -0.01385322, 0.02600471]]),
        "Z2": np.array([[0.00092281, -0.00056678, 0.00095853]]),
    }
    p_upd = {"W1": np.array([[-0.00615039, 0.0169021], [-0.02311792, 0.03137121],
                             [-0.0169217, -0.01752545], [0.00935436, -0.05018221]]),
             "b1": np.array([[-8.97523455e-07], [8.15562092e-06], [6.04810633e-07],
                             [-2.54560700e-06]]),
             "W2": np.array([[-0.0104319, -0.04019007, 0.01607211, 0.04440255]]),
             "b2": np.array([[9.14954378e-05]])}
    g_upd = {"dW1": np.array([[0.00023322, -0.00205423], [0.00082222, -0.00700776],
                              [-0.00031831, 0.0028636], [-0.00092857, 0.00809933]]),
             "db1": np.array([[1.05570087e-07], [-3.81814487e-06], [-1.90155145e-07],
                              [5.46467802e-07]]),
             "dW2": np.array([[-1.75740039e-05, 3.70231337e-03, -1.25683095e-03,
                               -2.55715317e-03]]),
             "db2": np.array([[-1.08923140e-05]])}

    rng = np.random.RandomState(2)
    X_s, Y_s = rng.randn(3, 9), _labels(rng, 9)
    p_s = _params(rng, [3, 5, 1])
    X_l, Y_l = rng.randn(6, 150), _labels(rng, 150)
    p_l = _params(rng, [6, 4, 1])
    _, cache_s = ref.forward_propagation(X_s, p_s)
    _, cache_l = ref.forward_propagation(X_l, p_l)
    X_nn, Y_nn = rng.randn(2, 30), _labels(rng, 30)
    helper = np.random.RandomState(5)  # apart, so that the cases above stay as they were
    return [
        # the course's helper (planar_utils.sigmoid), checked when a file defines it
        FunctionSpec("sigmoid", ("x",), "s", [
            Case("a random (4, 3) array", (helper.randn(4, 3) * 3,)),
            Case("a random (1, 7) array", (helper.randn(1, 7) * 3,)),
        ]),
        FunctionSpec("layer_sizes", ("X", "Y"), ("n_x", "n_h", "n_y"), [
            Case("the course's test case (X (5, 3), Y (2, 3))", (X_layer, Y_layer)),
        ]),
        FunctionSpec("initialize_parameters", ("n_x", "n_h", "n_y"), "parameters", [
            Case("the course's test case (2, 4, 1) after np.random.seed(2)", (2, 4, 1), seed=2),
            Case("(5, 3, 2) after np.random.seed(2)", (5, 3, 2), seed=2),
        ]),
        FunctionSpec("forward_propagation", ("X", "parameters"), ("A2", "cache"), [
            Case("the course's test case", (X_fwd, p_fwd), m=3),
            Case("a random small case (n_x = 3, n_h = 5, m = 9)", (X_s, p_s), m=9),
            Case("a random large case (n_x = 6, n_h = 4, m = 150)", (X_l, p_l), m=150),
        ], calls=("sigmoid",)),
        FunctionSpec("compute_cost", ("A2", "Y"), "cost", [
            Case("the course's test case", (A2_cost, Y_cost), m=3,
                 older={"parameters": p_fwd}),
            Case("a random case (m = 150)", (cache_l["A2"], Y_l), m=150,
                 older={"parameters": p_l}),
        ]),
        FunctionSpec("backward_propagation", ("parameters", "cache", "X", "Y"), "grads", [
            Case("the course's test case", (p_bwd, cache_bwd, X_bwd, Y_bwd), m=3),
            Case("a random small case (n_x = 3, n_h = 5, m = 9)", (p_s, cache_s, X_s, Y_s), m=9),
            Case("a random large case (n_x = 6, n_h = 4, m = 150)", (p_l, cache_l, X_l, Y_l),
                 m=150),
        ]),
        FunctionSpec("update_parameters", ("parameters", "grads", "learning_rate"),
                     "parameters", [
            Case("the course's test case (learning rate 1.2)", (p_upd, g_upd, 1.2)),
            Case("a random case (learning rate 0.5)",
                 (p_s, ref.backward_propagation(p_s, cache_s, X_s, Y_s), 0.5)),
        ]),
        FunctionSpec("nn_model", ("X", "Y", "n_h", "num_iterations", "print_cost"),
                     "parameters", [
            Case("a random case (n_x = 2, m = 30, n_h = 4, 100 iterations) after "
                 "np.random.seed(2)", (X_nn, Y_nn, 4), {"num_iterations": 100,
                                                        "print_cost": False}, seed=2, m=30),
        ], calls=("layer_sizes", "initialize_parameters", "forward_propagation",
                  "compute_cost", "backward_propagation", "update_parameters"),
           feeds={"compute_cost": ()}),  # the cost is only printed
        FunctionSpec("predict", ("parameters", "X"), "predictions", [
            Case("a random case (n_x = 6, n_h = 4, m = 150)", (p_l, X_l)),
        ], calls=("forward_propagation",)),
    ]


# -------------------------------------------------------------------------------- deep

def _deep() -> list[FunctionSpec]:
    from .course import deep as ref

    def course(seed, *shapes):
        rs = np.random.RandomState(seed)
        return [rs.randn(*s) for s in shapes]

    A_lf, W_lf, b_lf = course(1, (3, 2), (1, 3), (1, 1))
    A_la, W_la, b_la = course(2, (3, 2), (1, 3), (1, 1))
    X_o, W1_o, b1_o, W2_o, b2_o = course(1, (4, 2), (3, 4), (3, 1), (1, 3), (1, 1))
    X_n, *p_n = course(6, (5, 4), (4, 5), (4, 1), (3, 4), (3, 1), (1, 3), (1, 1))
    params_n = dict(zip(["W1", "b1", "W2", "b2", "W3", "b3"], p_n))
    dZ_o, A_o, W_o, b_o = course(1, (1, 2), (3, 2), (1, 3), (1, 1))
    dZ_n, A_n, W_n, b_n = course(1, (3, 4), (5, 4), (3, 5), (3, 1))
    dA_b, A_b, W_b, b_b, Z_b = course(2, (1, 2), (3, 2), (1, 3), (1, 1), (1, 2))
    rs = np.random.RandomState(3)
    AL_m = rs.randn(1, 2)
    A1_m, W1_m, b1_m, Z1_m, A2_m, W2_m, b2_m, Z2_m = (
        rs.randn(*s) for s in [(4, 2), (3, 4), (3, 1), (3, 2), (3, 2), (1, 3), (1, 1), (1, 2)])
    caches_m = [((A1_m, W1_m, b1_m), Z1_m), ((A2_m, W2_m, b2_m), Z2_m)]
    W1_u, b1_u, W2_u, b2_u = course(2, (3, 4), (3, 1), (1, 3), (1, 1))
    dW1_u, db1_u, dW2_u, db2_u = course(3, (3, 4), (3, 1), (1, 3), (1, 1))

    rng = np.random.RandomState(3)
    dims_s, dims_l = [4, 5, 3, 1], [20, 8, 6, 4, 1]
    X_s, Y_s, p_s = rng.randn(4, 9), _labels(rng, 9), _params(rng, dims_s)
    X_l, Y_l, p_l = rng.randn(20, 150), _labels(rng, 150), _params(rng, dims_l, 0.4)
    AL_s, caches_s = ref.L_model_forward(X_s, p_s)
    AL_l, caches_l = ref.L_model_forward(X_l, p_l)
    A_r, W_r, b_r = rng.randn(6, 11), rng.randn(4, 6), rng.randn(4, 1)
    dZ_r = rng.randn(4, 11)
    Z_r = W_r @ A_r + b_r
    dA_r = rng.randn(4, 11)
    X_t, Y_t = rng.randn(5, 16), _labels(rng, 16)
    helpers = np.random.RandomState(4)  # apart, so that the cases above stay as they were
    dA_h, Z_h, dA_h2, Z_h2 = (helpers.randn(*s) * 2 for s in [(4, 11), (4, 11), (3, 5), (3, 5)])
    Z_h0 = Z_h2.copy()
    Z_h0[:, ::2] = 0.0  # relu'(0) is 0 (the course's dZ[Z <= 0] = 0): Z < 0 is told apart
    return [
        FunctionSpec("initialize_parameters", ("n_x", "n_h", "n_y"), "parameters", [
            Case("the course's test case (3, 2, 1) after np.random.seed(1)", (3, 2, 1), seed=1),
        ]),
        FunctionSpec("initialize_parameters_deep", ("layer_dims",), "parameters", [
            Case("the course's test case [5, 4, 3] after np.random.seed(3)", ([5, 4, 3],), seed=3),
            Case("[6, 5, 4, 1] after np.random.seed(3)", ([6, 5, 4, 1],), seed=3),
        ]),
        FunctionSpec("linear_forward", ("A", "W", "b"), ("Z", "cache"), [
            Case("the course's test case", (A_lf, W_lf, b_lf), m=2),
            Case("a random case (n_l = 4, n_{l-1} = 6, m = 11)", (A_r, W_r, b_r), m=11),
        ]),
        # the course's forward helpers (dnn_utils: (A, cache), cache = Z; A alone is
        # taken too), checked when a file defines them
        FunctionSpec("sigmoid", ("Z",), ("A", "cache"), [
            Case("a random case (n_l = 4, m = 11)", (Z_h,)),
            Case("a random case (n_l = 3, m = 5)", (Z_h2,)),
        ]),
        FunctionSpec("relu", ("Z",), ("A", "cache"), [
            Case("a random case (n_l = 4, m = 11)", (Z_h,)),
            Case("a random case (n_l = 3, m = 5)", (Z_h2,)),
        ]),
        FunctionSpec("linear_activation_forward", ("A_prev", "W", "b", "activation"),
                     ("A", "cache"), [
            Case("the course's test case, sigmoid", (A_la, W_la, b_la, "sigmoid"), m=2),
            Case("the course's test case, relu", (A_la, W_la, b_la, "relu"), m=2),
            Case("a random case, sigmoid (n_l = 4, m = 11)", (A_r, W_r, b_r, "sigmoid"), m=11),
            Case("a random case, relu (n_l = 4, m = 11)", (A_r, W_r, b_r, "relu"), m=11),
        ], calls=("linear_forward", "sigmoid", "relu")),
        FunctionSpec("L_model_forward", ("X", "parameters"), ("AL", "caches"), [
            Case("the course's test case (2 layers)", (X_o, {"W1": W1_o, "b1": b1_o, "W2": W2_o,
                                                             "b2": b2_o}), m=2),
            Case("the course's test case (3 layers)", (X_n, params_n), m=4),
            Case("a random case (layers [20, 8, 6, 4, 1], m = 150)", (X_l, p_l), m=150),
        ], calls=("linear_activation_forward",)),
        FunctionSpec("compute_cost", ("AL", "Y"), "cost", [
            Case("the course's test case", (np.array([[0.8, 0.9, 0.4]]),
                                            np.array([[1.0, 1.0, 0.0]])), m=3),
            Case("a random case (m = 150)", (AL_l, Y_l), m=150),
        ]),
        FunctionSpec("linear_backward", ("dZ", "cache"), ("dA_prev", "dW", "db"), [
            Case("the course's test case (one unit)", (dZ_o, (A_o, W_o, b_o)), m=2),
            Case("the course's test case (three units)", (dZ_n, (A_n, W_n, b_n)), m=4),
            Case("a random case (n_l = 4, n_{l-1} = 6, m = 11)", (dZ_r, (A_r, W_r, b_r)), m=11),
        ]),
        # the course's helpers (given with the assignment; checked when a file defines them)
        FunctionSpec("sigmoid_backward", ("dA", "cache"), "dZ", [
            Case("a random case (n_l = 4, m = 11)", (dA_h, Z_h)),
            Case("a random case (n_l = 3, m = 5)", (dA_h2, Z_h2)),
        ], calls=("sigmoid",)),  # s = sigmoid(Z), the learner's own
        FunctionSpec("relu_backward", ("dA", "cache"), "dZ", [
            Case("a random case (n_l = 4, m = 11)", (dA_h, Z_h)),
            Case("a random case (n_l = 3, m = 5)", (dA_h2, Z_h2)),
            Case("a case with Z exactly 0 in places (n_l = 3, m = 5)", (dA_h2, Z_h0)),
        ]),
        FunctionSpec("linear_activation_backward", ("dA", "cache", "activation"),
                     ("dA_prev", "dW", "db"), [
            Case("the course's test case, sigmoid", (dA_b, ((A_b, W_b, b_b), Z_b), "sigmoid"),
                 m=2),
            Case("the course's test case, relu", (dA_b, ((A_b, W_b, b_b), Z_b), "relu"), m=2),
            Case("a random case, sigmoid (n_l = 4, m = 11)",
                 (dA_r, ((A_r, W_r, b_r), Z_r), "sigmoid"), m=11),
            Case("a random case, relu (n_l = 4, m = 11)",
                 (dA_r, ((A_r, W_r, b_r), Z_r), "relu"), m=11),
        ], calls=("linear_backward", "sigmoid_backward", "relu_backward")),
        FunctionSpec("L_model_backward", ("AL", "Y", "caches"), "grads", [
            Case("the course's test case", (AL_m, np.array([[1.0, 0.0]]), caches_m), m=2),
            Case("a random small case (layers [4, 5, 3, 1], m = 9)", (AL_s, Y_s, caches_s), m=9),
            Case("a random large case (layers [20, 8, 6, 4, 1], m = 150)",
                 (AL_l, Y_l, caches_l), m=150),
        ], calls=("linear_activation_backward",)),
        FunctionSpec("update_parameters", ("parameters", "grads", "learning_rate"),
                     "parameters", [
            Case("the course's test case (learning rate 0.1)",
                 ({"W1": W1_u, "b1": b1_u, "W2": W2_u, "b2": b2_u},
                  {"dW1": dW1_u, "db1": db1_u, "dW2": dW2_u, "db2": db2_u}, 0.1)),
            Case("a random case (learning rate 0.3)",
                 (p_s, ref.L_model_backward(AL_s, Y_s, caches_s), 0.3)),
        ]),
        FunctionSpec("two_layer_model", ("X", "Y", "layers_dims", "learning_rate",
                                         "num_iterations", "print_cost"),
                     ("parameters", "costs"), [
            Case("a random case (layers (5, 4, 1), m = 16, 150 iterations) after "
                 "np.random.seed(1)", (X_t, Y_t, (5, 4, 1)),
                 {"learning_rate": 0.5, "num_iterations": 150, "print_cost": False},
                 seed=1, m=16),
        ], calls=("initialize_parameters", "linear_activation_forward", "compute_cost",
                  "linear_activation_backward", "update_parameters"),
           feeds={"compute_cost": ("costs",)}),
        FunctionSpec("L_layer_model", ("X", "Y", "layers_dims", "learning_rate",
                                       "num_iterations", "print_cost"),
                     ("parameters", "costs"), [
            Case("a random case (layers [5, 4, 3, 1], m = 16, 150 iterations) after "
                 "np.random.seed(3)", (X_t, Y_t, [5, 4, 3, 1]),
                 {"learning_rate": 0.1, "num_iterations": 150, "print_cost": False},
                 seed=3, m=16),
        ], calls=("initialize_parameters_deep", "L_model_forward", "compute_cost",
                  "L_model_backward", "update_parameters"),
           feeds={"compute_cost": ("costs",)},  # the cost is kept, never stepped with
           # the Application notebook's helper module draws the weights its own way; a
           # file with the step-by-step functions too calls that initialize_parameters_deep
           versions=(("the weights drawn as dnn_app_utils_v3's initialize_parameters_deep "
                      "draws them: np.random.seed(1), randn / √n[l-1]", ref.L_layer_model),
                     ("the weights drawn as the step-by-step initialize_parameters_deep "
                      "draws them: np.random.seed(3), randn × 0.01",
                      _with_step_by_step_weights(ref)))),
        FunctionSpec("predict", ("X", "y", "parameters"), "p", [
            Case("a random case (layers [20, 8, 6, 4, 1], m = 150)", (X_l, Y_l, p_l)),
        ], calls=("L_model_forward",)),
    ]


def _with_step_by_step_weights(ref) -> Callable[..., Any]:
    """``L_layer_model`` with its weights drawn by the step-by-step assignment's
    ``initialize_parameters_deep`` (what a file holding both notebooks' functions runs)."""

    def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000,
                      print_cost=False):
        return ref._L_layer_model(X, Y, layers_dims, learning_rate, num_iterations,
                                  print_cost, initialize=ref.initialize_parameters_deep)
    return L_layer_model


ASSIGNMENTS = {"logistic": _logistic, "shallow": _shallow, "deep": _deep}

#: Each assignment's functions, in the order the course builds them.
FUNCTION_NAMES: dict[str, tuple[str, ...]] = {
    "logistic": ("sigmoid", "initialize_with_zeros", "propagate", "optimize", "predict",
                 "model"),
    "shallow": ("layer_sizes", "initialize_parameters", "forward_propagation", "compute_cost",
                "backward_propagation", "update_parameters", "nn_model", "predict"),
    "deep": ("initialize_parameters", "initialize_parameters_deep", "linear_forward",
             "linear_activation_forward", "L_model_forward", "compute_cost", "linear_backward",
             "linear_activation_backward", "L_model_backward", "update_parameters",
             "two_layer_model", "L_layer_model", "predict"),
}


#: The helpers the course gives with an assignment (its ``planar_utils``, ``dnn_utils``):
#: checked when a file defines them and never reported as not defined. The backward
#: ones (which all take ``(dA, Z)``) help detect the assignment; the forward ones
#: (``sigmoid`` is the logistic assignment's too; a deep learner's returns ``(A, Z)``
#: or ``A`` alone) do not.
HELPERS: dict[str, tuple[str, ...]] = {
    "logistic": (), "shallow": ("sigmoid",),
    "deep": ("sigmoid", "relu", "sigmoid_backward", "relu_backward")}


def specs(assignment: str) -> list[FunctionSpec]:
    """The function specs of ``assignment``, in the course's order."""
    return ASSIGNMENTS[assignment]()


#: Functions a learner's file of an assignment often holds beyond those checked: the
#: forward helpers the course gives (``planar_utils``, ``dnn_utils``).
_ALSO: dict[str, tuple[str, ...]] = {"logistic": (), "shallow": ("sigmoid",),
                                     "deep": ("sigmoid", "relu")}


def _named_by(assignment: str) -> set[str]:
    """The names that point to ``assignment``: its functions and backward helpers (not
    the forward helpers a file of another assignment may hold too)."""
    return (set(FUNCTION_NAMES[assignment]) | set(HELPERS[assignment])) - set(_ALSO[assignment])


def own_functions(assignment: str) -> tuple[str, ...]:
    """The functions of ``assignment`` no other assignment has, in the course's order."""
    others = set().union(*(_named_by(k) for k in FUNCTION_NAMES if k != assignment))
    return tuple(n for n in (*FUNCTION_NAMES[assignment], *HELPERS[assignment])
                 if n in _named_by(assignment) and n not in others)


def detect(names: set[str]) -> tuple[str | None, dict[str, int]]:
    """The assignment whose functions (its own, the shared ones and its helpers) best
    match ``names``; None when ``names`` holds no function of one assignment only.

    A tie goes to the assignment with more of its own functions, then to the deep one
    (the last the course builds: a file with its helpers and ``linear_forward`` is a
    deep network begun, not a logistic regression).
    """
    def every(assignment):
        return set(FUNCTION_NAMES[assignment]) | set(HELPERS[assignment]) | set(_ALSO[assignment])

    scores, keys = {}, {}
    for assignment in FUNCTION_NAMES:
        own = len(names & set(own_functions(assignment)))
        scores[assignment] = len(names & every(assignment)) if own else 0
        keys[assignment] = (scores[assignment], own, assignment == "deep")
    best = max(keys, key=keys.get)
    return (best if scores[best] else None), scores
