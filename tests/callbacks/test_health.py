"""HealthMonitor: each failure it names is provoked on a toy, and a healthy run raises nothing."""

import json

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.callbacks import HealthMonitor
from keras_gan.callbacks.health import FLAGS, _critic_wins, _oscillates, mean_pairwise_distance

layers = keras.layers


@pytest.fixture(scope="module")
def ring():
    return keras_gan.datasets.ring_of_gaussians(2048, seed=0)


def _mlp_generator(width=64):
    return keras.Sequential([keras.Input((2,)), layers.Dense(width, activation="relu"),
                             layers.Dense(width, activation="relu"), layers.Dense(2)])


def _mlp_discriminator(width=64):
    return keras.Sequential([keras.Input((2,)), layers.Dense(width), layers.LeakyReLU(0.2),
                             layers.Dense(width), layers.LeakyReLU(0.2), layers.Dense(1)])


def _blob_generator(scale=0.8):
    """Samples of N((3, 0), scale^2 I): as spread as the ring, beside it. Trained at rate 0, it never moves."""
    shift = keras.initializers.Constant([3.0, 0.0])
    return keras.Sequential([keras.Input((2,)), layers.Dense(
        2, kernel_initializer=keras.initializers.Identity(scale), bias_initializer=shift)])


def _fit(ring, generator, loss="non_saturating", epochs=10, g_optimizer=None, monitor=None, **monitor_args):
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(generator, _mlp_discriminator(), latent_dim=2, seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                g_optimizer=g_optimizer or keras.optimizers.Adam(1e-3, beta_1=0.5), loss=loss)
    monitor = monitor or HealthMonitor(ring, **monitor_args)
    history = gan.fit(ring, batch_size=64, epochs=epochs, verbose=0, callbacks=[monitor])
    return history.history, monitor


def _raised(history, flag):
    return [epoch + 1 for epoch, value in enumerate(history[flag]) if value]


def test_a_healthy_run_on_the_ring_raises_nothing(ring, capsys):
    keras.utils.set_random_seed(0)
    history, monitor = _fit(ring, _mlp_generator(), epochs=12)
    for flag in FLAGS:
        assert history[flag] == [0.0] * 12, flag
    assert monitor.findings == []
    # Diversity is measured every epoch against the ring's, and the generator's gradient too.
    assert len(history["diversity"]) == 12 and min(history["diversity"]) > 0.5
    assert len(history["g_grad_norm"]) == 12 and all(np.isfinite(history["g_grad_norm"]))
    assert "no training problem seen in 12 epochs" in capsys.readouterr().out


def test_a_constant_generator_trips_the_collapse_detector(ring, capsys):
    constant = keras.Sequential([keras.Input((2,)), layers.Dense(
        2, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant([1.0, 0.0]))])
    history, monitor = _fit(ring, constant, epochs=4, g_optimizer=keras.optimizers.SGD(0.0))
    assert history["diversity"] == [0.0] * 4
    assert _raised(history, "health_collapse") == [3, 4]  # after collapse_patience=3 measurements
    (finding,) = [f for f in monitor.findings if f["kind"] == "collapse"]
    assert finding["epoch"] == 3 and "diversity is 0.00 of the real data's" in finding["message"]
    assert "Packing" in finding["message"] and "MinibatchDiscrimination" in finding["message"]
    printed = [line for line in capsys.readouterr().out.splitlines() if "mode collapse" in line]
    assert printed == [finding["message"]]  # one line, printed once though it lasts two epochs


def test_a_discriminator_winning_outright_is_reported(ring):
    # The generator does not learn: the discriminator soon separates the ring from the blob.
    history, monitor = _fit(ring, _blob_generator(), epochs=10, g_optimizer=keras.optimizers.SGD(0.0))
    assert history["p_real"][-1] > 0.9 and history["p_fake"][-1] < 0.1
    raised = _raised(history, "health_d_wins")
    assert raised and raised == list(range(raised[0], 11))
    # The blob is as spread as the ring: not a collapse; the cost is not saturating: no vanishing gradient.
    assert not _raised(history, "health_collapse") and not _raised(history, "health_vanishing_gradient")
    message = next(f["message"] for f in monitor.findings if f["kind"] == "d_wins")
    assert "winning outright" in message and "learning rate" in message


def test_the_minimax_cost_loses_its_gradient_and_the_monitor_says_switch(ring):
    frozen = {"g_optimizer": keras.optimizers.SGD(0.0)}
    minimax, monitor = _fit(ring, _blob_generator(), loss="minimax", epochs=10, **frozen)
    raised = _raised(minimax, "health_vanishing_gradient")
    assert raised and minimax["p_fake"][raised[0] - 1] <= 0.05
    message = next(f["message"] for f in monitor.findings if f["kind"] == "vanishing_gradient")
    assert "loss='minimax'" in message and "loss='non_saturating'" in message
    # The same game under the non-saturating cost: the discriminator wins just as much, but the
    # generator's gradient does not vanish, and it is not reported.
    keras.utils.set_random_seed(0)
    non_saturating, _ = _fit(ring, _blob_generator(), loss="non_saturating", epochs=10,
                             g_optimizer=keras.optimizers.SGD(0.0))
    assert not _raised(non_saturating, "health_vanishing_gradient")
    assert minimax["g_grad_norm"][-1] < 0.1 * non_saturating["g_grad_norm"][-1]


def test_an_unbounded_critic_is_reported(ring):
    history, monitor = _fit(ring, _blob_generator(), loss="wasserstein", epochs=6,
                            g_optimizer=keras.optimizers.SGD(0.0))
    assert "critic_gap" in history and "p_real" not in history
    assert _raised(history, "health_d_wins")
    message = next(f["message"] for f in monitor.findings if f["kind"] == "d_wins")
    assert "critic" in message and "GradientPenalty" in message


def _xy_game(tricks=(), epochs=24):
    """The xy game of `keras_gan.games.xy_game_gan`, one step per epoch, with a monitor."""
    generator = keras.Sequential([keras.Input((1,)), layers.Dense(
        1, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(-1.0))])
    generator.layers[0].kernel.trainable = False
    critic = keras.Sequential([keras.Input((1,)), layers.Dense(
        1, use_bias=False, kernel_initializer=keras.initializers.Constant(1.0))])
    gan = keras_gan.models.GAN(generator, critic, latent_dim=1, tricks=list(tricks))
    gan.compile(d_optimizer=keras.optimizers.SGD(1.0), g_optimizer=keras.optimizers.SGD(1.0), loss="wasserstein")
    monitor = HealthMonitor(verbose=0)  # no real data: the game has none to compare samples with
    history = gan.fit(np.zeros((1, 1), "float32"), batch_size=1, epochs=epochs, verbose=0, shuffle=False,
                      callbacks=[monitor])
    return history.history, monitor


def test_the_xy_game_trips_the_oscillation_detector_and_historical_averaging_clears_it():
    history, monitor = _xy_game()
    assert _raised(history, "health_oscillation") == list(range(8, 25))  # from the first full window of 8 epochs
    assert [f["kind"] for f in monitor.findings] == ["oscillation"]
    assert "diversity" not in history and not _raised(history, "health_d_wins")
    message = next(f["message"] for f in monitor.findings if f["kind"] == "oscillation")
    assert "critic_gap swung" in message and "HistoricalAveraging" in message
    averaged, _ = _xy_game([keras_gan.tricks.HistoricalAveraging(0.1)])
    assert not _raised(averaged, "health_oscillation")


def test_the_detectors_on_logged_series():
    rng = np.random.default_rng(0)
    seesaw = [0.1, 0.7, 0.05, 0.8, 0.1, 0.75, 0.0, 0.7]  # p_real - p_fake flipping every epoch
    assert _oscillates(seesaw, [], window=8, swing=0.4)
    assert not _oscillates(seesaw, [0.3, 0.6], window=8, swing=0.4)  # diversity rose: progress
    assert not _oscillates(list(0.3 + 0.05 * rng.normal(size=8)), [], window=8, swing=0.4)  # noise
    assert not _oscillates([0.8, 0.1, 0.7, 0.2, 0.5, 0.4, 0.46, 0.44], [], window=8, swing=0.4)  # dying out
    assert not _oscillates(list(np.linspace(0.0, 0.8, 8)), [], window=8, swing=0.4)  # a trend
    assert _critic_wins([0.5, 1.0, 2.0, 4.0], patience=3)
    assert not _critic_wins([0.5, 1.0, 1.2, 1.1], patience=3) and not _critic_wins([1.0, 1.2, 1.4, 1.6], patience=3)
    assert mean_pairwise_distance(np.ones((5, 3))) == 0.0


def test_flags_reach_tensorboard(ring, tmp_path):
    import tensorflow as tf

    board = keras.callbacks.TensorBoard(str(tmp_path))
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(_mlp_generator(8), _mlp_discriminator(8), latent_dim=2, seed=0)
    gan.compile()
    gan.fit(ring[:256], batch_size=64, epochs=2, verbose=0, callbacks=[HealthMonitor(ring, verbose=0), board])
    tags = set()
    for path in (tmp_path / "train").iterdir():
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            tags.update(value.tag for value in event.summary.value)
    assert {"epoch_health_collapse", "epoch_diversity", "epoch_g_grad_norm"} <= tags


def test_packed_and_digit_models_are_measured(tmp_path):
    # Digits: diversity in the shipped classifier's feature space; a packed discriminator for the gradient.
    digits = keras_gan.datasets.load_digits()[0][:128]
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((8,)), layers.Dense(784, activation="tanh"), layers.Reshape((28, 28, 1))])
    discriminator = keras.Sequential([keras.Input((28, 28, 2)), layers.Flatten(), layers.Dense(1)])
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=8, tricks=[keras_gan.tricks.Packing(2)])
    gan.compile()
    monitor = HealthMonitor(digits, num_samples=64, gradient_samples=7, verbose=0)
    history = gan.fit(digits, batch_size=32, epochs=1, verbose=0, callbacks=[monitor]).history
    assert monitor._space == "digit-classifier features"
    assert 0.0 < history["diversity"][0] and np.isfinite(history["g_grad_norm"][0])


def test_keras_gan_train_adds_the_monitor(tmp_path):
    from keras_gan import cli

    out = tmp_path / "run"
    status = cli.main(["train", "--epochs", "1", "--steps-per-epoch", "2", "--metric", "none", "--width", "8",
                       "--verbose", "0", "--out", str(out)])
    assert status == 0
    history = json.loads((out / "history.json").read_text())
    assert set(FLAGS) <= set(history) and len(history["diversity"]) == 1


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="features"):
        HealthMonitor(features="inception")
    with pytest.raises(ValueError, match="confident"):
        HealthMonitor(confident=1.5)
    with pytest.raises(ValueError, match="window"):
        HealthMonitor(window=2)
    with pytest.raises(ValueError, match="at least 2 real samples"):
        HealthMonitor(np.zeros((1, 2)))
