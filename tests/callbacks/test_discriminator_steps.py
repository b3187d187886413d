"""DiscriminatorSteps: schedules of k, without retracing the step."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.callbacks import DiscriminatorSteps
from tests.conftest import LATENT_DIM, tiny_discriminator, tiny_generator


def count_traces(gan):
    traces = []
    original = gan.train_step

    def counting(data):
        traces.append(1)
        return original(data)

    gan.train_step = counting
    return traces


def test_epoch_schedule_changes_k_without_retracing(make_gan, tiny_data):
    gan = make_gan()
    gan.compile()
    traces = count_traces(gan)
    schedule = DiscriminatorSteps(lambda epoch: [1, 2, 4][epoch])
    gan.fit(tiny_data, batch_size=8, epochs=3, verbose=0, callbacks=[schedule])  # 8 steps per epoch
    assert schedule.history == [(0, 1), (1, 2), (2, 4)]
    assert int(gan.d_optimizer.iterations) == 24
    assert int(gan.g_optimizer.iterations) == 8 + 4 + 2
    assert len(traces) == 1


def test_wgan_schedule_uses_100_critic_steps_for_the_first_25_generator_steps():
    schedule = DiscriminatorSteps("wgan", k=5)
    assert [schedule.wgan_steps(g) for g in (0, 24, 25, 499, 500, 501)] == [100, 100, 5, 5, 100, 5]


def test_wgan_schedule_in_training(make_gan, tiny_data):
    gan = make_gan()
    gan.compile(loss="wasserstein")
    data = np.concatenate([tiny_data] * 4)  # 256 samples, 64 steps of 4
    gan.fit(data, batch_size=4, verbose=0, callbacks=[DiscriminatorSteps("wgan")])
    assert int(gan.d_optimizer.iterations) == 64
    assert int(gan.g_optimizer.iterations) == 0  # still in the first round of 100
    assert int(gan.discriminator_steps) == 100


def test_bad_schedule_is_refused():
    with pytest.raises(ValueError, match="function of the epoch"):
        DiscriminatorSteps("sometimes")


def test_constant_schedule(make_gan, tiny_data):
    gan = make_gan()
    gan.compile()
    gan.fit(tiny_data, batch_size=8, verbose=0, callbacks=[DiscriminatorSteps(4)])
    assert (int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)) == (8, 2)
    assert isinstance(keras_gan.callbacks.DiscriminatorSteps(2), keras.callbacks.Callback)


@pytest.mark.parametrize("schedule, error, message", [
    (lambda epoch: 2 if epoch < 2 else 0, ValueError, r"at every epoch; at epoch 2 it gave 0"),
    (lambda epoch: 2 if epoch < 3 else 1.5, TypeError, r"at epoch 3 it gave 1.5 \(the float 1.5\)"),
    (lambda epoch: [1, 2][epoch], ValueError, r"at epoch 2 it raised IndexError"),
])
def test_a_callable_schedule_is_checked_at_every_epoch_before_any_step(make_gan, tiny_data, schedule, error,
                                                                       message):
    gan = make_gan()
    gan.compile()
    with pytest.raises(error, match=message):
        gan.fit(tiny_data, batch_size=8, epochs=4, verbose=0, callbacks=[DiscriminatorSteps(schedule)])
    assert int(gan.d_optimizer.iterations) == 0 and int(gan.g_optimizer.iterations) == 0  # no step ran


def test_bad_constants_are_refused_at_construction():
    with pytest.raises(ValueError, match=r"`schedule` must be an int >= 1.*Received: schedule=0"):
        DiscriminatorSteps(0)
    with pytest.raises(TypeError, match=r"Received: schedule=True \(the bool True\)"):
        DiscriminatorSteps(True)
    with pytest.raises(TypeError, match=r"`k` must be an int >= 1.*Received: k=2.5"):
        DiscriminatorSteps("wgan", k=2.5)
    assert DiscriminatorSteps(np.int64(3)).schedule == 3


def test_a_bad_schedule_is_refused_before_any_callback_writes(tmp_path, tiny_data):
    """fit's checks run the schedule over the run's epochs before TensorBoard (listed first) makes its folder."""
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM)
    gan.compile()
    logs = tmp_path / "logs"
    schedule = keras_gan.callbacks.DiscriminatorSteps(lambda epoch: [1, 2, 0][epoch])
    with pytest.raises(ValueError, match="at epoch 2 it gave 0"):
        gan.fit(tiny_data, epochs=3, verbose=0, callbacks=[keras.callbacks.TensorBoard(logs), schedule])
    assert not logs.exists() and int(gan.d_optimizer.iterations) == 0
