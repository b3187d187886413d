"""Evaluate puts sample-quality metrics into the epoch logs, where Keras's callbacks read them."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.callbacks import Evaluate


def _digit_gan(seed=0):
    keras.utils.set_random_seed(seed)
    generator = keras.Sequential([keras.Input((8,)), keras.layers.Dense(784, activation="tanh"),
                                  keras.layers.Reshape((28, 28, 1))])
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=8, seed=seed)
    gan.compile()
    return gan


@pytest.fixture(scope="module")
def digits():
    return keras_gan.datasets.load_digits()[0][:256]


def test_metrics_reach_history_checkpoint_and_early_stopping(tmp_path, digits):
    gan = _digit_gan()
    evaluate = Evaluate(digits, metrics=["digit_fd", "digit_score"], num_samples=128)
    best = tmp_path / "best.keras"
    # Listed after the callbacks that read its values: GAN.fit runs it first.
    checkpoint = keras.callbacks.ModelCheckpoint(best, monitor="digit_fd", mode="min", save_best_only=True)
    stopping = keras.callbacks.EarlyStopping(monitor="digit_fd", mode="min", patience=5)
    with _no_warning("Can save best model only with digit_fd available"):
        history = gan.fit(digits, batch_size=64, epochs=3, verbose=0, callbacks=[checkpoint, stopping, evaluate])
    fds = history.history["digit_fd"]
    assert len(fds) == 3 and all(np.isfinite(fds)) and len(history.history["digit_score_std"]) == 3
    assert best.is_file() and stopping.best == pytest.approx(min(fds))
    # The logged value is the metric of the model's samples: recomputing it gives the same number.
    assert evaluate.evaluate()["digit_fd"] == pytest.approx(fds[-1], rel=1e-6)
    direct = keras_gan.metrics.DigitFrechetDistance()
    direct.update_state(digits[:128], gan.generate(128, seed=0))
    assert direct.result() == pytest.approx(fds[-1], rel=1e-6)


class _no_warning:
    def __init__(self, text):
        self.text = text

    def __enter__(self):
        import warnings

        self.catcher = warnings.catch_warnings(record=True)
        self.records = self.catcher.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc):
        self.catcher.__exit__(*exc)
        assert not [r for r in self.records if self.text in str(r.message)]
        return False


def test_every_n_epochs_and_always_the_last(digits):
    gan = _digit_gan()
    seen = []

    class Spy(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append("digit_fd" in logs)

    gan.fit(digits, batch_size=128, epochs=5, verbose=0,
            callbacks=[Spy(), Evaluate(digits, metrics="digit_fd", num_samples=64, every=2)])
    assert seen == [False, True, False, True, True]


def test_shape_mismatches_are_caught_before_the_first_step(make_gan, tiny_data, digits):
    gan = make_gan()  # makes 4x4x1 samples
    gan.compile()
    with pytest.raises(ValueError, match=r"generator makes samples of shape \(4, 4, 1\).*real images"):
        gan.fit(tiny_data, epochs=1, verbose=0, callbacks=[Evaluate(digits, num_samples=8)])
    assert int(gan.d_optimizer.iterations) == 0
    with pytest.raises(ValueError, match=r"expects \(28, 28, 1\)"):
        gan.fit(tiny_data, epochs=1, verbose=0, callbacks=[Evaluate(tiny_data, metrics="digit_fd", num_samples=8)])
    with pytest.raises(ValueError, match="Unknown sample-quality metric"):
        Evaluate(digits, metrics=["fid_score"])


def test_metrics_land_in_the_tensorboard_run_beside_the_losses(tmp_path, digits):
    """Listed after TensorBoard, Evaluate's values still reach it, at the steps of the losses."""
    from tests.callbacks.events import read_events

    gan = _digit_gan()
    board = keras.callbacks.TensorBoard(str(tmp_path / "logs"), write_graph=False)
    evaluate = Evaluate(digits, metrics=["digit_fd"], num_samples=64, every=2)
    history = gan.fit(digits, batch_size=64, epochs=3, verbose=0, callbacks=[board, evaluate])
    events = read_events(tmp_path / "logs" / "train")
    assert sorted(events["epoch_d_loss"]) == [0, 1, 2]
    assert sorted(events["epoch_digit_fd"]) == [1, 2]  # every 2 epochs and the last
    np.testing.assert_allclose([events["epoch_digit_fd"][s] for s in (1, 2)], history.history["digit_fd"],
                               rtol=1e-6)
