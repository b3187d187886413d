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


def test_the_gan_training_step_plays_the_same_orbit_as_the_definition():
    from keras_gan.games import xy_game_gan

    np.testing.assert_allclose(xy_game_gan(steps=12), xy_game(steps=12), atol=1e-6)
    np.testing.assert_allclose(xy_game_gan(steps=4, step_size=0.5, simultaneous=True),
                               xy_game(steps=4, step_size=0.5, simultaneous=True), atol=1e-6)


def test_historical_averaging_turns_the_orbit_into_convergence():
    from keras_gan.games import xy_game_gan
    from keras_gan.tricks import HistoricalAveraging

    plain = xy_game_gan(steps=120)
    averaged = xy_game_gan(steps=120, tricks=[HistoricalAveraging(weight=0.1)])
    assert np.linalg.norm(plain, axis=1).min() >= 1.0  # the orbit never comes near (0, 0)
    assert np.linalg.norm(averaged[-1]) < 0.1  # measured 0.022 after 30 steps, 0.005 after 120
    assert np.linalg.norm(averaged[-1]) < np.linalg.norm(averaged[60])  # still closing in
