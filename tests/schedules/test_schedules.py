"""The update schedules: the declared call order, the counting every model shares, config and refusals."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.backend.protocol import MODEL_HOOKS, step_call_order
from keras_gan.schedules import Alternating, GeneratorFirst, Simultaneous
from tests.conftest import LATENT_DIM, tiny_discriminator, tiny_generator

SCHEDULES = {"alternating": Alternating, "simultaneous": Simultaneous, "generator_first": GeneratorFirst}


class Recording(keras_gan.models.GAN):
    """A GAN that records the protocol hooks its training step calls, in order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "calls", [])
        object.__setattr__(self, "recording", False)
        for name in MODEL_HOOKS:
            original = getattr(self, name)

            def hook(*args, _name=name, _original=original, **kwargs):
                if self.recording:
                    self.calls.append(_name)
                return _original(*args, **kwargs)

            object.__setattr__(self, name, hook)

    def train_step(self, *args):
        object.__setattr__(self, "recording", True)
        try:
            return super().train_step(*args)
        finally:
            object.__setattr__(self, "recording", False)


@pytest.mark.parametrize("name", SCHEDULES)
def test_a_step_calls_the_hooks_in_the_declared_order(name, tiny_data):
    keras.utils.set_random_seed(0)
    gan = Recording(tiny_generator(), tiny_discriminator(), LATENT_DIM, schedule=SCHEDULES[name]())
    gan.compile(run_eagerly=True)  # one branch of each conditional runs, as it does at run time
    gan.fit(tiny_data[:8], batch_size=8, verbose=0)
    recorded = [c for c in gan.calls if c not in ("player_variables", "optimizer_for")]
    assert recorded == list(step_call_order(gan.schedule))
    assert recorded.count("compute_discriminator_loss") == 1 and recorded.count("generate_batch") == 1


def test_the_declared_orders_differ_where_the_schedules_do():
    alternating, simultaneous, first = (step_call_order(cls()) for cls in SCHEDULES.values())
    # Alternating: the generator's cost after the discriminator's update (through the updated D).
    assert alternating.index("after_discriminator_update") < alternating.index("compute_generator_loss")
    # Simultaneous: both costs before either update.
    assert simultaneous.index("compute_generator_loss") < simultaneous.index("after_discriminator_update")
    # Generator first: the generator's update before the discriminator's cost.
    assert first.index("after_generator_update") < first.index("compute_discriminator_loss")


@pytest.mark.parametrize("name", SCHEDULES)
@pytest.mark.parametrize("k", [1, 3])
def test_every_schedule_counts_k_discriminator_updates_per_generator_update(name, k, tiny_data):
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, schedule=SCHEDULES[name](k))
    gan.compile()
    gan.fit(tiny_data[:28], batch_size=4, verbose=0)  # 7 steps
    assert int(gan.d_optimizer.iterations) == 7
    assert int(gan.g_optimizer.iterations) == 7 // k
    # The counter: discriminator turns since the generator's last update.
    assert int(gan.d_step_counter) == 7 % k


def test_cyclegan_follows_the_discriminator_steps_callback_and_the_tricks_gates():
    """The issue's two CycleGAN failures: k from DiscriminatorSteps, and a closed generator gate."""
    from tests.harness import MODELS

    for tricks, expected in (([], (6, 2)), ([keras_gan.tricks.TrainLosingPlayer(-1e30, 1e30)], (6, 0))):
        keras.utils.set_random_seed(0)
        gan, (a, b), _ = MODELS["CycleGAN"](tricks, 0)
        gan.compile()
        gan.fit(a[:12], b[:12], batch_size=2, verbose=0, callbacks=[keras_gan.callbacks.DiscriminatorSteps(3)])
        assert (int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)) == expected


def test_the_schedule_is_saved_with_the_model(tmp_path, tiny_data):
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, schedule=Simultaneous(2))
    gan.compile()
    gan.fit(tiny_data[:12], batch_size=4, verbose=0)  # 3 steps: the counter stands at 1
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    assert type(loaded.schedule) is Simultaneous
    assert int(loaded.discriminator_steps) == 2 and int(loaded.d_step_counter) == 1


@pytest.mark.parametrize("name", SCHEDULES)
def test_get_takes_a_name_an_instance_or_a_config(name):
    """`schedules.get`: the name gives the schedule with k = 1, an instance is returned as is, a serialized
    schedule comes back with its class, k and name; anything else is refused with the choices."""
    made = keras_gan.schedules.get(name)
    assert type(made) is SCHEDULES[name] and int(made.discriminator_steps) == 1 and made.built is True
    schedule = SCHEDULES[name](3, name="mine")
    assert keras_gan.schedules.get(schedule) is schedule
    assert schedule.name == "mine" and schedule.get_config()["discriminator_steps"] == 3
    again = keras_gan.schedules.get(keras.saving.serialize_keras_object(schedule))
    assert (type(again), again.name, int(again.discriminator_steps)) == (SCHEDULES[name], "mine", 3)
    with pytest.raises(TypeError) as error:
        keras_gan.schedules.get(name.upper())
    assert str(error.value) == (
        "`schedule` must be a keras_gan.schedules.UpdateSchedule (Alternating(k), Simultaneous(k), GeneratorFirst(k)) "
        f"or one of the names ['alternating', 'generator_first', 'simultaneous']. Received: {name.upper()!r}.")


def test_a_schedule_and_a_conflicting_k_are_refused_with_the_fix():
    for extra, received in (({"discriminator_steps": 5}, "discriminator_steps=5, simultaneous=None"),
                            ({"simultaneous": False}, "discriminator_steps=None, simultaneous=False")):
        with pytest.raises(ValueError) as error:
            keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, schedule=Alternating(2), **extra)
        assert str(error.value) == (
            f"GAN got `schedule=Alternating(discriminator_steps=2)` and also {received}: the schedule holds both. "
            "Give k to the schedule (e.g. schedule=keras_gan.schedules.Alternating(5)) and leave the other two out.")
    same = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, schedule=Alternating(2),
                                discriminator_steps=2)  # agrees: accepted
    assert int(same.discriminator_steps) == 2
    with pytest.raises(TypeError, match="`schedule` must be"):
        keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, schedule="sometimes")
    with pytest.raises(ValueError, match="`discriminator_steps` must be an int >= 1"):
        Alternating(0)


def test_wgan_keeps_its_five_critic_steps_unless_a_schedule_is_given():
    wgan = keras_gan.models.WGAN(tiny_generator(), tiny_discriminator(), LATENT_DIM)
    assert int(wgan.discriminator_steps) == 5
    wgan = keras_gan.models.WGAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, schedule=Simultaneous(1))
    assert int(wgan.discriminator_steps) == 1
    config = wgan.get_config()
    assert type(keras_gan.models.WGAN.from_config(config).schedule) is Simultaneous


def test_changing_k_mid_training_does_not_retrace(tiny_data):
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM)
    gan.compile()
    traces = []

    class Count(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.model.set_discriminator_steps([1, 3, 2][epoch])

    original = gan.schedule.run

    def run(*args):
        traces.append(1)
        return original(*args)

    object.__setattr__(gan.schedule, "run", run)
    gan.fit(tiny_data[:24], batch_size=4, epochs=3, verbose=0, callbacks=[Count()])
    assert len(traces) == 1  # traced once, before the first step; k changed twice after
    assert int(gan.d_optimizer.iterations) == 18
    assert int(gan.g_optimizer.iterations) == 6 + 2 + 3
    np.testing.assert_array_equal(int(gan.discriminator_steps), 2)
