"""Initial weights: the course's exact draws, the scales, and no global state."""

import numpy as np
import pytest

from nnscratch.initializers import INITIALIZERS, check_random_state, initialize_parameters

DIMS = [12, 5, 3, 1]


def course_draws(seed, dims, scale):
    """What the course's initialize_parameters_deep does, with the global state."""
    state = np.random.get_state()
    try:
        np.random.seed(seed)
        return [np.random.randn(dims[l], dims[l - 1]) * scale(dims[l - 1], dims[l])
                for l in range(1, len(dims))]
    finally:
        np.random.set_state(state)


@pytest.mark.parametrize(
    "init, scale",
    [("small", lambda n_prev, n: 0.01), ("he", lambda n_prev, n: np.sqrt(2.0 / n_prev)),
     ("glorot", lambda n_prev, n: np.sqrt(2.0 / (n_prev + n)))],
)
def test_integer_seed_draws_exactly_as_the_course(init, scale):
    params = initialize_parameters(DIMS, init, random_state=3)
    for l, W in enumerate(course_draws(3, DIMS, scale), start=1):
        np.testing.assert_array_equal(params[f"W{l}"], W)
        np.testing.assert_array_equal(params[f"b{l}"], np.zeros((DIMS[l], 1)))


def test_lecun_divides_by_sqrt_fan_in_bit_for_bit():
    np.random.seed(1)  # the course's initialize_parameters_deep, verbatim
    expected = [np.random.randn(DIMS[l], DIMS[l - 1]) / np.sqrt(DIMS[l - 1])
                for l in range(1, len(DIMS))]
    params = initialize_parameters(DIMS, "lecun", random_state=1)
    for l, W in enumerate(expected, start=1):
        np.testing.assert_array_equal(params[f"W{l}"], W)


def test_zeros_draws_nothing_and_global_state_is_untouched():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    initialize_parameters(DIMS, "he", random_state=None)
    initialize_parameters(DIMS, "he", random_state=7)
    assert np.array_equal(np.random.get_state()[1], before)
    assert all(not W.any() for W in initialize_parameters(DIMS, "zeros").values())


def test_per_layer_names_shapes_and_dtype():
    params = initialize_parameters(DIMS, ["he", "small", "zeros"], random_state=0,
                                   dtype=np.float32)
    assert [params[k].shape for k in params] == [(5, 12), (5, 1), (3, 5), (3, 1), (1, 3), (1, 1)]
    assert all(v.dtype == np.float32 for v in params.values())
    assert not params["W3"].any()


def test_he_scale_is_right_on_a_large_layer():
    W = initialize_parameters([2000, 500], "he", random_state=0)["W1"]
    assert W.std() == pytest.approx(np.sqrt(2 / 2000), rel=0.01)


def test_errors_are_clear():
    with pytest.raises(ValueError, match="unknown init 'xavier'"):
        initialize_parameters(DIMS, "xavier")
    with pytest.raises(ValueError, match="3 layers"):
        initialize_parameters(DIMS, ["he", "he"])
    with pytest.raises(ValueError, match="random_state"):
        check_random_state("seed")
    assert set(INITIALIZERS) == {"zeros", "small", "lecun", "he", "glorot"}


def test_the_application_notebooks_initialisation_is_dnn_app_utils_v3s():
    """What the checker gives a notebook for ``dnn_app_utils_v3.initialize_parameters_deep``
    and ``course.deep.L_layer_model`` draws with: the course's code, bit for bit, and the
    global state untouched."""
    from nnscratch.course import _application

    np.random.seed(1)  # dnn_app_utils_v3.initialize_parameters_deep, verbatim
    expected = [np.random.randn(DIMS[l], DIMS[l - 1]) / np.sqrt(DIMS[l - 1])
                for l in range(1, len(DIMS))]
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    params = _application.initialize_parameters_deep(DIMS)
    assert np.array_equal(np.random.get_state()[1], before)
    for l, W in enumerate(expected, start=1):
        np.testing.assert_array_equal(params[f"W{l}"], W)
        np.testing.assert_array_equal(params[f"b{l}"], np.zeros((DIMS[l], 1)))
