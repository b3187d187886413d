import numpy as np

from keras_gan.games import xy_game


def test_alternating_play_orbits_with_period_six_and_never_converges():
    path = xy_game(steps=60)
    np.testing.assert_allclose(path[6], path[0])
    np.testing.assert_allclose(path[60], path[0])
    radius = np.linalg.norm(path, axis=1)
    assert radius.min() >= 1.0  # it never comes near the equilibrium (0, 0)


def test_alternating_steps_follow_the_update_rule():
    path = xy_game(steps=1, step_size=0.5, start=(2.0, 3.0))
    y1 = 3.0 + 0.5 * 2.0
    np.testing.assert_allclose(path[1], [2.0 - 0.5 * y1, y1])
    path = xy_game(steps=1, step_size=0.5, start=(2.0, 3.0), y_first=False)
    x1 = 2.0 - 0.5 * 3.0
    np.testing.assert_allclose(path[1], [x1, 3.0 + 0.5 * x1])


def test_simultaneous_play_spirals_out_by_sqrt_one_plus_eta_squared():
    path = xy_game(steps=10, step_size=0.5, simultaneous=True)
    radius = np.linalg.norm(path, axis=1)
    np.testing.assert_allclose(radius[1:] / radius[:-1], np.sqrt(1.25))
