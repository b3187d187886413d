"""The step's hooks, one at a time, eagerly, against hand-computed values (the mutation run of the step,
docs/reliability.md, found what `fit`-level tests let through)."""

import types

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, FixedGates, TrainingMark, tiny_discriminator, tiny_generator

to_numpy = keras.ops.convert_to_numpy


class ModeLog(keras.layers.Layer):
    """Passes its input through and notes the `training` it was called with (eager calls only)."""

    def __init__(self, modes, **kwargs):
        super().__init__(**kwargs)
        self.modes = types.SimpleNamespace(seen=modes)  # not a list Keras tracks

    def call(self, x, training=None):
        self.modes.seen.append(training)
        return x


def marked_gan(**kwargs):
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([tiny_generator(), TrainingMark()])
    discriminator = keras.Sequential([tiny_discriminator(), TrainingMark()])
    gan = keras_gan.models.GAN(generator, discriminator, latent_dim=LATENT_DIM, seed=0, **kwargs)
    gan.compile()
    return gan


def real_batch(n=4):
    return np.random.default_rng(1).uniform(-1, 1, (n,) + SAMPLE_SHAPE).astype("float32")


def test_the_networks_run_in_the_steps_mode():
    """`discriminate` and `generate_batch` pass the step's `training` on: a training step's logits and samples
    are the networks' training-mode outputs, an evaluation step's their inference-mode outputs."""
    gan = marked_gan()
    x = real_batch()
    inference = to_numpy(gan.discriminator(x, training=False))
    for training, factor in ((True, 2.0), (False, 1.0)):
        step = gan.prepare_step(x, training=training)
        assert step.training is training
        np.testing.assert_allclose(to_numpy(gan.discriminate(x, step, training=training)), factor * inference,
                                   rtol=1e-6)
        step.z = gan.sample_latent(step)
        expected = to_numpy(gan.generator(step.z, training=False)) * factor
        np.testing.assert_allclose(to_numpy(gan.generate_batch(step, training=training)), expected, rtol=1e-6)


def test_the_step_state_is_int32_counters_that_one_replica_writes():
    """k, the discriminator turns, the latent stream's seed and draws: int32 scalars, not trained, saved under
    their names, written by the first replica only (`aggregation="only_first_replica"`), so a tf.distribute
    step keeps one value on every replica."""
    gan = marked_gan(discriminator_steps=3)
    expected = {"discriminator_steps": (gan.schedule.discriminator_steps, 3),
                "d_step_counter": (gan.schedule.d_step_counter, 0),
                "latent_seed": (gan.latent_seed, 0), "latent_draws": (gan.latent_draws, 0)}
    for name, (variable, value) in expected.items():
        assert (variable.name, variable.dtype, tuple(variable.shape), variable.trainable) == (name, "int32", (), False)
        assert variable.aggregation == "only_first_replica", name
        assert int(variable) == value, name
    assert gan.discriminator_steps is gan.schedule.discriminator_steps
    assert gan.d_step_counter is gan.schedule.d_step_counter


def test_latent_vectors_from_the_stream_and_from_a_seed():
    """Without a seed, each draw is the backend's stateless draw keyed by (latent_seed, latent_draws), and the
    stream advances by one; with a seed, Keras's seeded draw from the distribution (uniform on [-1, 1])."""
    for distribution in ("normal", "uniform"):
        gan = marked_gan(latent_distribution=distribution)
        for draws in range(2):
            expected = keras_gan.backend.stateless_latent((5, LATENT_DIM), np.array([0, draws], "int32"), distribution)
            np.testing.assert_array_equal(to_numpy(gan.sample_latent_vectors(5)), to_numpy(expected))
            assert int(gan.latent_draws) == draws + 1
        seeded = to_numpy(gan.sample_latent_vectors(4000, seed=7))
        assert int(gan.latent_draws) == 2  # a seeded draw leaves the stream alone
        np.testing.assert_array_equal(seeded, to_numpy(gan.sample_latent_vectors(4000, seed=7)))
        assert not np.array_equal(seeded, to_numpy(gan.sample_latent_vectors(4000, seed=8)))
        if distribution == "uniform":
            assert -1.0 <= seeded.min() < -0.99 and 0.99 < seeded.max() <= 1.0
            assert abs(seeded.mean()) < 0.03
        else:
            assert abs(seeded.std() - 1.0) < 0.03 and abs(seeded.mean()) < 0.03 and seeded.min() < -3.0
        z = gan.sample_latent(gan.prepare_step(real_batch(6), training=True))
        assert tuple(z.shape) == (6, LATENT_DIM) and int(gan.latent_draws) == 3


def test_the_generator_logits_hook_gets_the_model_the_step_and_float32_logits():
    """Under mixed precision too (a float16 discriminator head), the hook sees float32 logits, and the generator's
    cost is the objective on what the hook returns: mean(softplus(-(l - 1))) for the non-saturating loss."""
    seen = {}

    class LogitsProbe(keras_gan.tricks.Trick):
        """Records what the generator-logits hook receives and shifts the logits by -1."""

        def generator_logits(self, model, logits, step):
            seen.update(model=model, dtype=keras.backend.standardize_dtype(logits.dtype), step=step)
            return logits - 1.0

    keras.utils.set_random_seed(0)
    head = keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(),
                             keras.layers.Dense(1, dtype="mixed_float16")])
    gan = keras_gan.models.GAN(tiny_generator(), head, latent_dim=LATENT_DIM, seed=0, tricks=[LogitsProbe()])
    gan.compile()
    step = gan.prepare_step(real_batch(), training=True)
    step.z = gan.sample_latent(step)
    step.fake = gan.generate_batch(step, training=True)
    loss, _ = gan.compute_generator_loss(step)
    assert seen["model"] is gan and seen["step"] is step and seen["dtype"] == "float32"
    logits = to_numpy(step.fake_logits).astype("float64")
    assert keras.backend.standardize_dtype(step.fake_logits.dtype) == "float16"
    np.testing.assert_allclose(float(loss), np.mean(np.logaddexp(0.0, -(logits - 1.0))), rtol=1e-5)


class HookRecorder(keras_gan.tricks.Trick):
    """Records every hook the step calls, in order, with the role or the losses it is given (and that each hook
    is given the model it trains and a step of the mode it runs in)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Not attributes Keras tracks (the model would become the trick's own sublayer).
        self.log = types.SimpleNamespace(calls=[], model=None, training=True)

    def _record(self, model, *entry, step=False):
        if self.log.model is None:  # compile's checks run the networks too
            return
        assert model is self.log.model, entry
        if step is not False:  # a hook that is handed the step
            assert isinstance(step, keras_gan.models.GANStep) and step.training is self.log.training, entry
        self.log.calls.append(entry)

    def transform_discriminator_input(self, model, x, step, role):
        self._record(model, "transform", role, step=step)
        return x

    def discriminator_terms(self, model, step):
        assert step.fake is not None and step.real is not None
        self._record(model, "d_terms", step=step)
        return {}

    def generator_terms(self, model, step):
        assert step.fake is not None
        self._record(model, "g_terms", step=step)
        return {}

    def discriminator_logs(self, model, step):
        self._record(model, "d_logs", step=step)
        return {}

    def generator_logs(self, model, step):
        self._record(model, "g_logs", step=step)
        return {}

    def generator_logits(self, model, logits, step):
        self._record(model, "g_logits", step=step)
        return logits

    def discriminator_gate(self, model):
        self._record(model, "d_gate")

    def generator_gate(self, model):
        self._record(model, "g_gate")

    def record_losses(self, model, d_loss, g_loss):
        self._record(model, "losses", d_loss, g_loss)

    def after_discriminator_update(self, model):
        self._record(model, "after_d")

    def after_generator_update(self, model):
        self._record(model, "after_g")


GATES = [("g_gate",), ("d_gate",)]
D_TURN = [("transform", "real"), ("transform", "fake"), ("d_terms",), ("d_logs",), ("after_d",)]
G_COST = [("g_logits",), ("g_terms",), ("g_logs",)]
#: One step of each schedule, hook by hook ("losses": the step's d_loss and g_loss handed to the tricks).
STEPS = {
    # Goodfellow et al.'s Algorithm 1: the discriminator's update, then the generator's cost through the updated
    # discriminator (the generated batch is discriminated again), then its update.
    "alternating": GATES + D_TURN + [("transform", "fake")] + G_COST + [("losses",), ("after_g",)],
    # k = 2: the first step of each round is the discriminator's turn alone, nothing recorded for the generator.
    "alternating_k2_first": GATES + D_TURN,
    # Both costs from one forward pass (the generator's reuses the fake logits), then both updates.
    "simultaneous": GATES + D_TURN[:4] + G_COST + [("after_d",), ("losses",), ("after_g",)],
    # The generator's update first, then the discriminator's on the same generated batch.
    "generator_first": GATES + [("transform", "fake")] + G_COST + [("after_g",)] + D_TURN + [("losses",)],
}


@pytest.mark.parametrize("schedule", ["alternating", "alternating_k2", "simultaneous", "generator_first"])
def test_every_hook_is_called_in_the_schedules_order_with_the_step_s_losses(schedule):
    """Each schedule calls the tricks' hooks in its declared order (two steps, eagerly), hands them the model
    and the step, and `record_losses` the losses the step logged (their mean over the epoch is the history's)."""
    make = {"alternating": lambda: keras_gan.schedules.Alternating(1),
            "alternating_k2": lambda: keras_gan.schedules.Alternating(2),
            "simultaneous": keras_gan.schedules.Simultaneous,
            "generator_first": keras_gan.schedules.GeneratorFirst}[schedule]
    recorder, modes = HookRecorder(), {"generator": [], "discriminator": []}
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(keras.Sequential([tiny_generator(), ModeLog(modes["generator"])]),
                               keras.Sequential([tiny_discriminator(), ModeLog(modes["discriminator"])]),
                               latent_dim=LATENT_DIM, seed=0, tricks=[recorder], schedule=make())
    gan.compile(run_eagerly=True)
    recorder.log.model, calls = gan, recorder.log.calls
    for seen in modes.values():
        seen.clear()
    history = gan.fit(real_batch(8), batch_size=4, epochs=1, verbose=0).history
    steps = ([STEPS["alternating_k2_first"], STEPS["alternating"]] if schedule == "alternating_k2"
             else [STEPS[schedule]] * 2)
    assert [call[:2] if call[0] == "transform" else call[:1] for call in calls] == steps[0] + steps[1]
    losses = [[float(loss) for loss in call[1:]] for call in calls if call[0] == "losses"]
    d_losses = [d for d, _ in losses]
    if schedule == "alternating_k2":  # the generator's turn: its loss; the discriminator's logged over both turns
        assert len(losses) == 1 and history["g_loss"][0] == pytest.approx(losses[0][1], rel=1e-6)
    else:
        np.testing.assert_allclose([history["d_loss"][0], history["g_loss"][0]], np.mean(losses, axis=0),
                                   rtol=1e-6)
        assert d_losses[0] != d_losses[1]
    assert {role: set(seen) for role, seen in modes.items()} == {"generator": {True}, "discriminator": {True}}

    for seen in [calls, *modes.values()]:
        seen.clear()
    recorder.log.training = False
    gan.evaluate(real_batch(4), batch_size=4, verbose=0)
    assert [call[:2] if call[0] == "transform" else call[:1] for call in calls] == (
        [("transform", "real"), ("transform", "fake"), ("d_terms",), ("d_logs",)] + G_COST)
    assert {role: set(seen) for role, seen in modes.items()} == {"generator": {False}, "discriminator": {False}}


def test_discriminate_runs_the_network_it_is_given():
    """`network=` chooses the discriminator (CycleGAN has one per domain); None: the model's first one."""
    from tests.harness import MODELS

    model, (a, _), _ = MODELS["CycleGAN"](None, 0)
    model.compile()
    step = model.prepare_step((a[:4], a[4:8]), training=False)
    for network in model.player_networks("discriminator"):
        np.testing.assert_allclose(to_numpy(model.discriminate(a[:4], step, training=False, network=network)),
                                   to_numpy(network(a[:4], training=False)), rtol=1e-6)
    np.testing.assert_allclose(to_numpy(model.discriminate(a[:4], step, training=False)),
                               to_numpy(model.discriminator_a(a[:4], training=False)), rtol=1e-6)
    assert not np.allclose(to_numpy(model.discriminator_a(a[:4])), to_numpy(model.discriminator_b(a[:4])))


def test_a_step_traced_for_k_1_holds_one_turn_of_each_player_and_for_k_2_both_branches():
    """Traced (not eager) for k = 1, the alternating step is straight-line code: the hooks run once, in order,
    while tracing (only the generator's `apply` is conditional); traced for k > 1, it branches on the
    generator's turn, so the discriminator-only branch is traced too (the gates are asked once, before it)."""
    for k, expected in ((1, STEPS["alternating"]), (2, STEPS["alternating"] + D_TURN)):
        recorder = HookRecorder()
        keras.utils.set_random_seed(0)
        gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=0,
                                   tricks=[recorder], discriminator_steps=k)
        gan.compile()
        recorder.log.model = gan
        gan.fit(real_batch(8), batch_size=4, epochs=1, verbose=0)
        traced = [call[:2] if call[0] == "transform" else call[:1] for call in recorder.log.calls]
        assert sorted(traced) == sorted(expected), k
        if k == 1:
            assert traced == expected


def test_a_player_is_the_discriminator_or_the_generator():
    gan = marked_gan()
    assert gan.player_variables("generator") == gan.generator.trainable_variables
    assert gan.player_variables("discriminator") == gan.discriminator.trainable_variables
    with pytest.raises(ValueError, match=r"^A player is one of \['discriminator', 'generator'\]\. Received: "
                                         r"role='DISCRIMINATOR'\.$"):
        gan.player_variables("DISCRIMINATOR")


SCHEDULES = {"alternating": keras_gan.schedules.Alternating, "simultaneous": keras_gan.schedules.Simultaneous,
             "generator_first": keras_gan.schedules.GeneratorFirst}


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_with_k_2_the_gates_hold_on_every_turn_and_g_loss_is_its_updates_mean(schedule):
    """k = 2, 4 steps: the discriminator updates 4 times and the generator twice; a closed gate stops its player
    on every kind of step (the discriminator-only turns too); `g_loss` is the mean of the generator's costs at
    its 2 updates, not over the 4 steps."""
    for d_open, g_open in ((True, True), (False, True), (True, False)):
        recorder = HookRecorder()
        keras.utils.set_random_seed(0)
        gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=0,
                                   tricks=[recorder, FixedGates(d_open, g_open)], schedule=SCHEDULES[schedule](2))
        gan.compile(run_eagerly=True)
        recorder.log.model = gan
        history = gan.fit(real_batch(16), batch_size=4, epochs=1, verbose=0).history
        iterations = int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)
        assert iterations == (4 if d_open else 0, 2 if g_open else 0), (d_open, g_open)
        if not (d_open and g_open):
            continue
        steps, updates = [], []
        for call in recorder.log.calls:
            if call[0] == "g_gate":  # the first hook of a step
                steps.append(None)
            elif call[0] == "losses":
                steps[-1] = float(call[2])
            elif call[0] == "after_g":
                updates.append(len(steps) - 1)
        assert updates == [1, 3]
        assert history["g_loss"][0] == pytest.approx(np.mean([steps[i] for i in updates]), rel=1e-6)
        if schedule != "alternating":  # (the alternating step computes no generator cost on its first turn)
            assert history["g_loss"][0] != pytest.approx(np.mean(steps), rel=1e-6)


def test_the_schedule_arguments_make_the_schedule():
    """No argument: the model's default schedule (`Alternating`, k = 1); `discriminator_steps` sets k;
    `simultaneous=True` the simultaneous schedule; an `AdversarialModel` must say who plays."""
    for kwargs, expected in (({}, (keras_gan.schedules.Alternating, 1)),
                             ({"discriminator_steps": 3}, (keras_gan.schedules.Alternating, 3)),
                             ({"simultaneous": True}, (keras_gan.schedules.Simultaneous, 1)),
                             ({"simultaneous": True, "discriminator_steps": 2}, (keras_gan.schedules.Simultaneous, 2)),
                             ({"simultaneous": False}, (keras_gan.schedules.Alternating, 1))):
        gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, **kwargs)
        assert (type(gan.schedule), int(gan.discriminator_steps)) == expected, kwargs

    class Bare(keras_gan.models.base.AdversarialModel):
        pass

    with pytest.raises(NotImplementedError) as error:
        Bare().player_variables("generator")
    assert str(error.value) == "Bare must define `player_networks(role)`."


def test_a_round_starts_when_the_generator_has_just_updated():
    """`at_round_start` (what the k-step callback waits for): true before training and after each generator
    update, false between the discriminator-only turns of a round (k = 3, eager steps)."""
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=0,
                               discriminator_steps=3)
    gan.compile(run_eagerly=True)
    starts = [gan.schedule.at_round_start()]
    for _ in range(4):
        gan.fit(real_batch(4), batch_size=4, epochs=1, verbose=0)
        starts.append(gan.schedule.at_round_start())
    assert starts == [True, False, False, True, False]


def test_discriminate_hands_the_role_to_the_network_call():
    """`call_discriminator` gets the role: the semi-supervised model keeps the features of the "real" and
    "fake" batches for its feature-matching generator, and none of a "penalty" batch."""
    from keras_gan.models.semi_supervised import SemiSupervisedStep

    keras.utils.set_random_seed(0)
    inputs = keras.Input(SAMPLE_SHAPE)
    features = keras.layers.Dense(4)(keras.layers.Flatten()(inputs))
    discriminator = keras.Model(inputs, [keras.layers.Dense(3)(features), features])
    model = keras_gan.models.SemiSupervisedGAN(tiny_generator(), discriminator, LATENT_DIM, num_classes=3, seed=0)
    x = real_batch()
    step = SemiSupervisedStep(real=x, training=False)
    for role in ("real", "fake", "penalty"):
        model.discriminate(x * (1.0 if role == "real" else -1.0), step, training=False, role=role)
    assert step.features_real is not None and step.features_fake is not None
    assert not np.allclose(to_numpy(step.features_real), to_numpy(step.features_fake))
    assert {name for name in ("features_real", "features_fake", "features_penalty") if hasattr(step, name)} == {
        "features_real", "features_fake"}
