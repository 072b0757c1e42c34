"""Tests of nnscratch.optimizers: exact steps, in-place updates, dtypes, schedules."""

import copy
import math
import pickle

import numpy as np
import pytest

from nnscratch.optimizers import (
    OPTIMIZERS,
    SCHEDULES,
    Adam,
    ConstantSchedule,
    GradientDescent,
    InverseTimeSchedule,
    Momentum,
    RMSProp,
    StepSchedule,
    make_optimizer,
    make_schedule,
)

# Two steps on W1 = [[1, -2]], b1 = [[0]] with the gradients below. The expected values
# were computed by hand (GD, momentum, RMSProp with eps=1) or element by element with
# 40-digit decimal arithmetic (the others), not with the code under test.
GRADS = [
    {"dW1": [[0.5, -1.0]], "db1": [[2.0]]},
    {"dW1": [[-0.25, 0.0]], "db1": [[2.0]]},
]

STEP_CASES = {
    "gd": (
        lambda: GradientDescent(0.1),
        [([0.95, -1.9], -0.2), ([0.975, -1.9], -0.4)],
    ),
    "momentum": (
        # v = 0.1*g: v_W = [.05, -.1], v_b = .2; then v_W = [.02, -.09], v_b = .38
        lambda: Momentum(0.1, beta=0.9),
        [([0.995, -1.99], -0.02), ([0.993, -1.981], -0.058)],
    ),
    "rmsprop-eps1": (
        # s = 0.25*g**2 = [.0625, .25], sqrt(s)+1 = [1.25, 1.5]: W -= 0.1*[.4, -2/3]
        lambda: RMSProp(0.1, beta=0.75, epsilon=1.0),
        [([0.96, -1.9333333333333333], -0.1), ([0.98, -1.9333333333333333], -0.18610017480861208)],
    ),
    "rmsprop": (
        lambda: RMSProp(0.1, beta=0.9, epsilon=1e-8),
        [
            ([0.6837722539831608, -1.6837722439831618], -0.316227761016838),
            ([0.8312142014424063, -1.6837722439831618], -0.5456434922558209),
        ],
    ),
    "adam": (
        # first step: v_hat = g, s_hat = g**2, so W -= 0.1*g/(|g| + 1e-8)
        lambda: Adam(0.1),
        [
            ([0.900000002, -1.900000001], -0.0999999995),
            ([0.8733662987078462, -1.8329941765341882], -0.199999999),
        ],
    ),
    "adam-eps1": (
        # eps added outside the square root: first step W -= 0.1*g/(|g| + 1)
        lambda: Adam(0.1, beta_1=0.9, beta_2=0.999, epsilon=1.0),
        [
            ([0.9666666666666667, -1.95], -0.06666666666666667),
            ([0.9591221394991778, -1.9222493459040302], -0.13333333333333333),
        ],
    ),
}


def _params(dtype=np.float64):
    return {"W1": np.array([[1.0, -2.0]], dtype=dtype), "b1": np.array([[0.0]], dtype=dtype)}


def _grads(step, dtype=np.float64):
    return {k: np.array(v, dtype=dtype) for k, v in GRADS[step].items()}


@pytest.mark.parametrize("case", list(STEP_CASES))
def test_two_steps_match_hand_computed_values(case):
    build, expected = STEP_CASES[case]
    opt = build()
    params = _params()
    for step, (W_expected, b_expected) in enumerate(expected):
        opt.update(params, _grads(step))
        np.testing.assert_allclose(params["W1"], [W_expected], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(params["b1"], [[b_expected]], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("case", list(STEP_CASES))
def test_update_is_in_place_and_leaves_grads_alone(case):
    opt = STEP_CASES[case][0]()
    params = _params()
    arrays = dict(params)
    grads = _grads(0)
    grads_before = {k: v.copy() for k, v in grads.items()}
    opt.update(params, grads)
    assert all(params[k] is arrays[k] for k in arrays)
    assert set(params) == {"W1", "b1"}
    for k in grads:
        np.testing.assert_array_equal(grads[k], grads_before[k])
    assert not np.array_equal(params["W1"], [[1.0, -2.0]])


@pytest.mark.parametrize("case", list(STEP_CASES))
@pytest.mark.parametrize("grad_dtype", [np.float32, np.float64])
def test_float32_parameters_stay_float32(case, grad_dtype):
    build, expected = STEP_CASES[case]
    opt = build()
    params = _params(np.float32)
    for step in range(2):
        opt.update(params, _grads(step, grad_dtype))
    assert params["W1"].dtype == np.float32 and params["b1"].dtype == np.float32
    for store in ("v", "s"):
        for arr in getattr(opt, store, {}).values():
            assert arr.dtype == np.float32
    np.testing.assert_allclose(params["W1"], [expected[1][0]], rtol=2e-6)


@pytest.mark.parametrize("cls", [Momentum, RMSProp, Adam])
def test_state_is_keyed_by_gradient_name_and_reset_drops_it(cls):
    opt = cls(0.01)
    params = _params()
    opt.update(params, _grads(0))
    stores = [getattr(opt, name) for name in ("v", "s") if hasattr(opt, name)]
    assert stores
    for store in stores:
        assert set(store) == {"dW1", "db1"}
        assert store["dW1"].shape == (1, 2) and store["db1"].shape == (1, 1)
    opt.reset()
    assert all(not getattr(opt, name) for name in ("v", "s") if hasattr(opt, name))
    # after reset() the next step is a first step again
    fresh = cls(0.01)
    p1, p2 = _params(), _params()
    opt.update(p1, _grads(1))
    fresh.update(p2, _grads(1))
    np.testing.assert_array_equal(p1["W1"], p2["W1"])


def test_adam_counts_steps():
    opt = Adam(0.01)
    params = _params()
    assert opt.t == 0
    for step in range(2):
        opt.update(params, _grads(step))
    assert opt.t == 2
    opt.reset()
    assert opt.t == 0


def test_learning_rate_is_mutable_between_steps():
    opt = GradientDescent(0.1)
    params = _params()
    opt.update(params, _grads(0))
    opt.learning_rate = 0.5
    opt.update(params, _grads(1))
    # 0.95 - 0.5*(-0.25) = 1.075; b: -0.2 - 0.5*2 = -1.2
    np.testing.assert_allclose(params["W1"], [[1.075, -1.9]], rtol=1e-15)
    np.testing.assert_allclose(params["b1"], [[-1.2]], rtol=1e-15)


@pytest.mark.parametrize(
    "bad, error",
    [
        (0, ValueError),
        (-0.1, ValueError),
        (math.nan, ValueError),
        (math.inf, ValueError),
        ("0.1", TypeError),
        (None, TypeError),
        (True, TypeError),
    ],
)
def test_bad_learning_rate_is_rejected(bad, error):
    with pytest.raises(error, match=r"Adam: learning_rate must be a (positive finite )?number"):
        Adam(bad)
    opt = GradientDescent(0.1)
    with pytest.raises(error, match="GradientDescent: learning_rate"):
        opt.learning_rate = bad
    assert opt.learning_rate == 0.1


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: Momentum(0.1, beta=1.0), r"Momentum: beta must be in \[0, 1\)"),
        (lambda: Momentum(0.1, beta=-0.1), r"beta must be in \[0, 1\)"),
        (lambda: RMSProp(0.1, epsilon=0.0), "RMSProp: epsilon must be a positive"),
        (lambda: Adam(0.1, beta_1=1.5), r"Adam: beta_1 must be in \[0, 1\)"),
        (lambda: Adam(0.1, beta_2=math.nan), r"beta_2 must be in \[0, 1\)"),
        (lambda: Adam(0.1, epsilon=-1e-8), "epsilon must be a positive"),
    ],
)
def test_bad_hyper_parameters_are_rejected(build, match):
    with pytest.raises(ValueError, match=match):
        build()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_missing_or_misshapen_gradient_is_a_clear_error_and_changes_nothing(name):
    opt = make_optimizer(name, 0.1)
    params = _params()
    with pytest.raises(ValueError, match=r"grads has no 'db1' for parameter 'b1'"):
        opt.update(params, {"dW1": np.ones((1, 2))})
    with pytest.raises(ValueError, match=r"'db1' has shape \(2, 1\) but 'b1' has shape \(1, 1\)"):
        opt.update(params, {"dW1": np.ones((1, 2)), "db1": np.zeros((2, 1))})
    np.testing.assert_array_equal(params["W1"], [[1.0, -2.0]])
    assert getattr(opt, "t", 0) == 0
    for store in ("v", "s"):
        assert getattr(opt, store, {}) == {}


def test_extra_gradient_keys_are_ignored():
    opt = GradientDescent(0.1)
    params = _params()
    grads = {**_grads(0), "dA1": np.full((1, 5), np.nan), "dA0": np.zeros(3)}
    opt.update(params, grads)
    np.testing.assert_allclose(params["W1"], [[0.95, -1.9]], rtol=1e-15)


def test_state_from_another_network_asks_for_reset():
    opt = Adam(0.1)
    opt.update(_params(), _grads(0))
    other = {"W1": np.zeros((3, 2)), "b1": np.zeros((3, 1))}
    grads = {"dW1": np.ones((3, 2)), "db1": np.ones((3, 1))}
    with pytest.raises(ValueError, match=r"call reset\(\)"):
        opt.update(other, grads)
    opt.reset()
    opt.update(other, grads)
    assert other["W1"].shape == (3, 2)


@pytest.mark.parametrize("case", list(STEP_CASES))
@pytest.mark.parametrize("roundtrip", ["pickle", "deepcopy"])
def test_copies_carry_the_state_and_continue_identically(case, roundtrip):
    opt = STEP_CASES[case][0]()
    params = _params()
    opt.update(params, _grads(0))
    if roundtrip == "pickle":
        twin = pickle.loads(pickle.dumps(opt))
    else:
        twin = copy.deepcopy(opt)
    assert type(twin) is type(opt) and repr(twin) == repr(opt)
    twin_params = {k: v.copy() for k, v in params.items()}
    opt.update(params, _grads(1))
    twin.update(twin_params, _grads(1))
    for k in params:
        np.testing.assert_array_equal(twin_params[k], params[k])
    for store in ("v", "s"):
        for key, arr in getattr(opt, store, {}).items():
            assert getattr(twin, store)[key] is not arr


def test_repr_shows_hyper_parameters():
    assert repr(Adam(0.01)) == "Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-08)"
    assert repr(Momentum(0.5, beta=0.8)) == "Momentum(learning_rate=0.5, beta=0.8)"


# ----------------------------------------------------------------- against PyTorch


def _torch_run(torch, make_torch_opt, params0, grad_seq):
    tensors = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in params0.items()}
    opt = make_torch_opt(list(tensors.values()))
    for grads in grad_seq:
        for k, t in tensors.items():
            t.grad = torch.tensor(grads["d" + k])
        opt.step()
    return {k: t.detach().numpy() for k, t in tensors.items()}


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda: GradientDescent(0.05), lambda t, p: t.optim.SGD(p, lr=0.05)),
        # the course's v = beta*v + (1-beta)*g with lr is PyTorch's v = mu*v + g with
        # lr*(1-beta): v_course = (1-beta) * v_torch at every step
        (
            lambda: Momentum(0.05, beta=0.9),
            lambda t, p: t.optim.SGD(p, lr=0.05 * (1 - 0.9), momentum=0.9),
        ),
        (
            lambda: RMSProp(0.01, beta=0.9, epsilon=1e-8),
            lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8),
        ),
        (
            lambda: Adam(0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-8),
            lambda t, p: t.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8),
        ),
        (
            lambda: Adam(0.01, beta_1=0.8, beta_2=0.99, epsilon=0.1),
            lambda t, p: t.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=0.1),
        ),
    ],
    ids=["gd", "momentum", "rmsprop", "adam", "adam-large-eps"],
)
@pytest.mark.slow
def test_matches_pytorch_over_several_steps(ours, theirs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    params0 = {
        "W1": rng.standard_normal((4, 3)),
        "b1": np.zeros((4, 1)),
        "W2": rng.standard_normal((1, 4)),
        "b2": np.zeros((1, 1)),
    }
    grad_seq = [
        {
            "d" + k: rng.standard_normal(v.shape) * 10.0 ** rng.integers(-3, 2)
            for k, v in params0.items()
        }
        for _ in range(7)
    ]
    expected = _torch_run(torch, lambda p: theirs(torch, p), params0, grad_seq)
    params = {k: v.copy() for k, v in params0.items()}
    opt = ours()
    for grads in grad_seq:
        opt.update(params, grads)
    for k, value in params.items():
        np.testing.assert_allclose(value, expected[k], rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------- make_optimizer


def test_table_names_the_four_optimizers():
    assert OPTIMIZERS == {
        "gd": GradientDescent,
        "momentum": Momentum,
        "rmsprop": RMSProp,
        "adam": Adam,
    }


@pytest.mark.parametrize(
    "name, expected",
    [
        ("gd", GradientDescent(0.2)),
        ("momentum", Momentum(0.2, beta=0.7)),
        ("rmsprop", RMSProp(0.2, beta=0.95, epsilon=1e-6)),
        ("adam", Adam(0.2, beta_1=0.8, beta_2=0.95, epsilon=1e-6)),
    ],
)
def test_make_optimizer_maps_the_estimator_hyper_parameters(name, expected):
    opt = make_optimizer(name, 0.2, momentum=0.7, beta_1=0.8, beta_2=0.95, epsilon=1e-6)
    assert type(opt) is type(expected)
    assert repr(opt) == repr(expected)


@pytest.mark.parametrize("name", ["sgd", "Adam", "", None, 3])
def test_make_optimizer_rejects_unknown_names_listing_valid_ones(name):
    msg = r"unknown solver .*; valid names are 'gd', 'momentum', 'rmsprop', 'adam'"
    with pytest.raises(ValueError, match=msg):
        make_optimizer(name, 0.1)


def test_make_optimizer_checks_values():
    with pytest.raises(ValueError, match=r"Momentum: beta must be in \[0, 1\)"):
        make_optimizer("momentum", 0.1, momentum=1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        make_optimizer("adam", -1.0)


# -------------------------------------------------------------------- schedules


@pytest.mark.parametrize(
    "schedule, epoch, expected",
    [
        (ConstantSchedule(), 0, 0.1),
        (ConstantSchedule(), 5000, 0.1),
        (InverseTimeSchedule(decay_rate=1.0), 0, 0.1),
        (InverseTimeSchedule(decay_rate=1.0), 1, 0.05),
        (InverseTimeSchedule(decay_rate=1.0), 4, 0.02),
        (InverseTimeSchedule(decay_rate=0.5), 2, 0.05),
        (InverseTimeSchedule(decay_rate=0.0), 99, 0.1),
        (StepSchedule(decay_rate=1.0, time_interval=1000), 0, 0.1),
        (StepSchedule(decay_rate=1.0, time_interval=1000), 999, 0.1),
        (StepSchedule(decay_rate=1.0, time_interval=1000), 1000, 0.05),
        (StepSchedule(decay_rate=1.0, time_interval=1000), 2999, 0.1 / 3),
        (StepSchedule(decay_rate=0.3, time_interval=100), 1000, 0.025),
        (StepSchedule(decay_rate=1.0, time_interval=1), 3, 0.025),
    ],
)
def test_schedule_values(schedule, epoch, expected):
    value = schedule(0.1, epoch)
    assert type(value) is float
    assert value == pytest.approx(expected, rel=1e-15)


def test_schedules_accept_numpy_scalars():
    assert StepSchedule(1.0, 10)(np.float32(0.5), np.int64(25)) == pytest.approx(0.5 / 3)


def test_schedule_table_and_factory():
    assert SCHEDULES == {
        "constant": ConstantSchedule,
        "inverse_time": InverseTimeSchedule,
        "step": StepSchedule,
    }
    assert make_schedule("constant", decay_rate=5.0) == ConstantSchedule()
    assert make_schedule("inverse_time", decay_rate=0.3) == InverseTimeSchedule(0.3)
    assert make_schedule("step", decay_rate=0.3, time_interval=7) == StepSchedule(0.3, 7)
    assert make_schedule("step") == StepSchedule(decay_rate=1.0, time_interval=1000)


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: make_schedule("exponential"),
            r"unknown learning-rate schedule 'exponential'; valid names are 'constant', "
            + r"'inverse_time', 'step'",
        ),
        (
            lambda: make_schedule("inverse_time", decay_rate=-1.0),
            "decay_rate must be a non-negative",
        ),
        (lambda: InverseTimeSchedule(decay_rate=math.inf), "decay_rate must be a non-negative"),
        (lambda: StepSchedule(time_interval=0), "time_interval must be a positive integer"),
        (lambda: InverseTimeSchedule()(0.1, -1), "epoch must be a non-negative integer"),
        (lambda: ConstantSchedule()(0.0, 1), "learning_rate_init must be a positive"),
    ],
)
def test_schedule_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: StepSchedule(time_interval=2.5), "time_interval must be an integer"),
        (lambda: InverseTimeSchedule(decay_rate="1"), "decay_rate must be a number"),
        (lambda: StepSchedule()(0.1, 1.5), "epoch must be an integer"),
        (lambda: ConstantSchedule()("0.1", 1), "learning_rate_init must be a number"),
    ],
)
def test_schedule_type_errors(call, match):
    with pytest.raises(TypeError, match=match):
        call()


@pytest.mark.parametrize(
    "schedule", [ConstantSchedule(), InverseTimeSchedule(0.5), StepSchedule(2.0, 10)]
)
def test_schedules_pickle_and_deepcopy(schedule):
    for twin in (pickle.loads(pickle.dumps(schedule)), copy.deepcopy(schedule)):
        assert twin == schedule
        assert twin(0.3, 25) == schedule(0.3, 25)


def test_gradient_descent_takes_gradients_already_scaled_by_its_learning_rate():
    params = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[0.2, -0.4]]), "db1": np.array([[1.0]])}
    plain = {k: v.copy() for k, v in params.items()}
    opt = GradientDescent(learning_rate=0.1)
    assert opt.gradient_scale == 0.1
    opt.update(plain, grads)
    opt.update(params, {k: 0.1 * v for k, v in grads.items()}, scaled=True)
    for key, value in params.items():
        np.testing.assert_allclose(value, plain[key], rtol=1e-15)


@pytest.mark.parametrize("cls", [Momentum, RMSProp, Adam])
def test_other_optimizers_take_unscaled_gradients_either_way(cls):
    a = {"W1": np.array([[1.0, 2.0]])}
    b = {"W1": np.array([[1.0, 2.0]])}
    grads = {"dW1": np.array([[0.2, -0.4]])}
    opt_a, opt_b = cls(learning_rate=0.1), cls(learning_rate=0.1)
    assert opt_a.gradient_scale == 1.0
    opt_a.update(a, grads)
    opt_b.update(b, grads, scaled=True)
    np.testing.assert_array_equal(a["W1"], b["W1"])


# ---------------------------------------------- what the training loop's first layer asks


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_update_more_joins_the_step_that_update_began(name):
    """Updating W1 after the others (update_more) equals one update of all of them."""
    rng = np.random.RandomState(0)
    params = {"W1": rng.randn(2, 3), "b1": rng.randn(2, 1), "W2": rng.randn(1, 2)}
    together = {k: v.copy() for k, v in params.items()}
    opt_a, opt_b = make_optimizer(name, 0.1), make_optimizer(name, 0.1)
    for _ in range(3):
        grads = {"d" + k: rng.randn(*v.shape) for k, v in params.items()}
        opt_a.update(together, grads)
        opt_b.update({k: v for k, v in params.items() if k != "W1"}, grads)
        opt_b.update_more({"W1": params["W1"]}, grads)
    for key, value in together.items():
        np.testing.assert_array_equal(params[key], value)
    assert getattr(opt_b, "t", 3) == 3  # Adam counts steps, not calls


def test_linear_rules_and_their_velocity():
    assert GradientDescent(0.1).linear_rule.momentum == 0.0
    rule = Momentum(0.1, beta=0.8).linear_rule
    assert (rule.momentum, rule.dampening, rule.velocity) == (0.8, 0.8, True)
    assert RMSProp(0.1).linear_rule is None and Adam(0.1).linear_rule is None
    assert [make_optimizer(name, 0.1).name for name in OPTIMIZERS] == list(OPTIMIZERS)
    opt = Momentum(0.1)
    assert opt.velocity("W1") is None
    opt.update({"W1": np.ones((1, 2))}, {"dW1": np.ones((1, 2))})
    np.testing.assert_allclose(opt.velocity("W1"), [[0.1, 0.1]])
    opt.set_velocity("W1", np.zeros((1, 2)))
    assert opt.v["dW1"].sum() == 0
    assert GradientDescent(0.1).velocity("W1") is None
    with pytest.raises(ValueError, match="keeps no velocity"):
        GradientDescent(0.1).set_velocity("W1", np.zeros((1, 2)))
