"""ADA (Karras et al., NeurIPS 2020) checked against its definition.

Each operation of the pipeline is applied to each image with probability p; every `interval`
discriminator updates, p += sign(r_t - target) * (batch * interval) / (kimg * 1000), clipped to
[0, 1], with r_t = E[sign(D(x_real))] over the interval. p is a variable: saved, logged, and
changed without retracing the step.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.errors import GANConfigurationError
from keras_gan.models import GANStep
from keras_gan.tricks import ADA
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_generator


def stub_discriminator(bias=0.0):
    """`D(x) = sum(x) + bias`, frozen by a zero learning rate: its sign on the reals is known in advance."""
    return keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(),
                             keras.layers.Dense(1, kernel_initializer="ones",
                                                bias_initializer=keras.initializers.Constant(bias))])


def make(trick, bias=0.0):
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(tiny_generator(), stub_discriminator(bias), LATENT_DIM, tricks=[trick], seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0))
    return gan


def reals(kind, n=48):
    """Constant images of +1 or -1 (`"alternating"`: every other one -1): no augmentation flips sum(x)'s sign."""
    signs = {"positive": np.ones(n), "negative": -np.ones(n), "alternating": (-1.0) ** np.arange(n)}[kind]
    return (0.9 * signs[:, None, None, None] * np.ones((n,) + SAMPLE_SHAPE)).astype("float32")


# kimg = 0.064: 8 images a step, 2 steps an interval -> p moves by 16 / 64 = 0.25 an interval.
@pytest.mark.parametrize("kind, p_init, r_t, expected", [
    ("positive", 0.0, 1.0, 0.75),  # a discriminator sure of every real image (r_t = 1 > 0.6): p rises
    ("alternating", 0.9, 0.0, 0.15),  # one that is not (r_t = 0 < 0.6): p falls
    ("negative", 0.3, -1.0, 0.0),  # falls, and stops at 0
])
def test_p_follows_the_overfitting_heuristic(kind, p_init, r_t, expected):
    # Flips, brightness and contrast keep the sign of sum(x) on these images (translation and cutout need not).
    trick = ADA(target=0.6, interval=2, kimg=0.064, p_init=p_init, policy="flip,color", seed=0)
    history = make(trick).fit(reals(kind), batch_size=8, verbose=0).history  # 6 updates: 3 intervals
    np.testing.assert_allclose(float(trick.p.numpy()), expected, atol=1e-6)
    np.testing.assert_allclose(history["ada_r_t"], [r_t], atol=1e-6)
    # Logged before each update: the mean of p over the epoch's steps.
    steps = [min(max(p_init + np.sign(r_t - 0.6) * 0.25 * (i // 2), 0.0), 1.0) for i in range(6)]
    np.testing.assert_allclose(history["ada_p"], [np.mean(steps)], atol=1e-6)


def test_the_adjustment_hook_by_hook():
    trick = ADA(target=0.6, interval=3, kimg=0.1, p_init=0.5)
    real = np.zeros((4,) + SAMPLE_SHAPE, "float32")

    def update(logits):
        trick.discriminator_logs(None, GANStep(real=real, real_logits=tf.constant(logits, shape=(4, 1)),
                                               training=True))
        trick.after_discriminator_update(None)

    for logits in ([3.0, -1.0, 2.0, 0.0], [1.0, 1.0, -2.0, -1.0]):
        update(logits)
        assert float(trick.p.numpy()) == 0.5  # not before the interval's end
    update([5.0, -5.0, 0.0, 0.0])
    # r_t = (1 - 1 + 1 + 0 + 1 + 1 - 1 - 1 + 1 - 1 + 0 + 0) / 12 = 1 / 12 < 0.6: p -= 12 / 100.
    np.testing.assert_allclose(float(trick.p.numpy()), 0.5 - 0.12, rtol=1e-6)
    assert [float(v.numpy()) for v in (trick.sign_sum, trick.logit_count, trick.image_count, trick.updates)] == [0] * 4
    for _ in range(3):
        update([1.0, 2.0, 3.0, -4.0])  # r_t = 0.5 < 0.6
    np.testing.assert_allclose(float(trick.p.numpy()), 0.5 - 0.24, rtol=1e-6)
    for _ in range(3):
        update([50.0, 50.0, 50.0, 50.0])  # r_t = 1
    np.testing.assert_allclose(float(trick.p.numpy()), 0.5 - 0.12, rtol=1e-6)
    # Evaluation (training=False) counts nothing.
    trick.discriminator_logs(None, GANStep(real=real, real_logits=tf.constant([-1.0] * 4, shape=(4, 1)),
                                           training=False))
    assert float(trick._step_signs.numpy()) == 4.0


def test_each_operation_is_applied_with_probability_p():
    x = np.ones((4000, 8, 8, 1), "float32")
    trick = ADA(policy="cutout", p_init=0.3, seed=0)
    changed = np.any(np.asarray(trick.augment(x)) != x, axis=(1, 2, 3))
    assert abs(changed.mean() - 0.3) < 0.03
    np.testing.assert_array_equal(np.asarray(trick.augment(x, p=0.0)), x)
    assert np.all(np.any(np.asarray(trick.augment(x[:100], p=1.0)) != x[:100], axis=(1, 2, 3)))
    # Every role of the step is augmented, in training only.
    trick.p.assign(1.0)  # the variable, not the initial value, is read
    for role in ("real", "fake", "penalty"):
        out = trick.transform_discriminator_input(None, x[:64], GANStep(training=True), role)
        assert np.all(np.any(np.asarray(out) != x[:64], axis=(1, 2, 3))), role
    np.testing.assert_array_equal(trick.transform_discriminator_input(None, x[:8], GANStep(training=False), "real"),
                                  x[:8])


def test_p_changes_without_retracing_the_step(monkeypatch):
    trick = ADA(target=0.6, interval=1, kimg=0.032, seed=0)  # p += 8 / 32 each update on these reals
    gan = make(trick, bias=50.0)
    traces = []
    run = gan.schedule.run

    def counting(model, step, B):
        traces.append(1)
        return run(model, step, B)

    monkeypatch.setattr(gan.schedule, "run", counting)
    seen = []

    class Watch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(float(trick.p.numpy()))

    gan.fit(reals("positive", 16), batch_size=8, epochs=2, verbose=0, callbacks=[Watch()])
    assert seen == [0.5, 1.0] and len(traces) == 1
    trick.p.assign(0.0)  # between fits
    gan.fit(reals("positive", 16), batch_size=8, verbose=0)
    assert float(trick.p.numpy()) == 0.5 and len(traces) == 1


def test_p_and_the_accumulators_are_saved_and_restored(tmp_path):
    trick = ADA(target=0.6, interval=4, kimg=0.064, p_init=0.1, seed=0)
    gan = make(trick, bias=50.0)
    history = gan.fit(reals("positive", 48), batch_size=8, verbose=0).history  # 6 updates: 1 interval, 2 counted
    assert "ada_p" in history
    np.testing.assert_allclose(float(trick.p.numpy()), 0.1 + 32 / 64, rtol=1e-6)
    gan.save(tmp_path / "ada.keras")
    (loaded,) = keras.models.load_model(tmp_path / "ada.keras").tricks
    assert isinstance(loaded, ADA)
    assert (loaded.target, loaded.interval, loaded.kimg, loaded.p_init, loaded.policy) == (
        0.6, 4, 0.064, 0.1, "flip,translation,color")
    for name in ("p", "sign_sum", "logit_count", "image_count", "updates"):
        np.testing.assert_array_equal(getattr(loaded, name).numpy(), getattr(trick, name).numpy(), err_msg=name)
    assert float(loaded.updates.numpy()) == 2 and float(loaded.image_count.numpy()) == 16


def test_extreme_logits_keep_p_finite():
    trick = ADA(interval=1, kimg=0.004)
    logs = trick.discriminator_logs(None, GANStep(real=np.zeros((4,) + SAMPLE_SHAPE, "float32"),
                                                  real_logits=tf.constant([[50.0], [-50.0], [50.0], [50.0]]),
                                                  training=True))
    trick.after_discriminator_update(None)
    assert float(logs["ada_r_t"]) == 0.5 and np.isfinite(float(logs["ada_p"]))
    assert float(trick.p.numpy()) == 0.0  # 0.5 < 0.6: p falls, clipped at 0


def cyclegan(trick):
    def translator():
        return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(1, 1, activation="tanh")])

    def patches():
        return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(1, 3, strides=2)])

    return keras_gan.models.CycleGAN(translator(), translator(), patches(), patches(), tricks=[trick])


def test_refused_with_two_discriminators_or_without_images():
    pattern = r"CycleGAN cannot use ADA: it adapts p from one discriminator's outputs.*2 discriminators. Use DiffAug"
    with pytest.raises(GANConfigurationError, match=pattern + ".*instead"):
        cyclegan(ADA()).compile()
    flat = keras_gan.models.GAN(keras.Sequential([keras.Input((LATENT_DIM,)), keras.layers.Dense(2)]),
                                keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]), LATENT_DIM,
                                tricks=[ADA()])
    with pytest.raises(GANConfigurationError, match=r"GAN cannot use ADA: it augments channels-last images"):
        flat.compile()


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"target": 1.5}, ValueError, r"`target` must be a number in \[0, 1\).*Received: target=1.5"),
    ({"target": "0.6"}, TypeError, r"Received: target='0.6'"),
    ({"interval": 0}, ValueError, r"`interval` must be an int >= 1.*Received: interval=0"),
    ({"interval": 2.0}, TypeError, r"Received: interval=2.0"),
    ({"kimg": 0}, ValueError, r"`kimg` must be a number > 0.*Received: kimg=0"),
    ({"p_init": 1.2}, ValueError, r"Received: p_init=1.2"),
    ({"policy": "rotate"}, ValueError, r"Received: policy='rotate'"),
    ({"weight": 1.0}, TypeError, r"takes no `weight`"),
])
def test_bad_arguments_are_named(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        ADA(**kwargs)


def test_config_round_trip():
    trick = ADA(target=0.5, interval=2, kimg=100, p_init=0.25, policy="flip,cutout", seed=7)
    again = ADA.from_config(trick.get_config())
    assert again.get_config() == trick.get_config()
    assert float(again.p.numpy()) == 0.25 and again.operations == ("flip", "cutout")


def test_the_defaults_are_the_papers():
    """The paper's target 0.6 and kimg 500, its adjustment every 4 updates, p starting at 0."""
    trick = ADA()
    assert (trick.target, trick.interval, trick.kimg, trick.p_init, trick.policy, trick.seed, trick.name) == (
        0.6, 4, 500.0, 0.0, "flip,translation,color", None, "ada")
    assert trick.operations == ("flip", "translation", "brightness", "saturation", "contrast")
    assert float(keras.ops.convert_to_numpy(trick.p)) == 0.0


def test_one_real_image_moves_p_by_its_share_and_p_stops_at_1():
    # kimg = 0.01: one image an interval moves p by 1 / 10.
    trick = ADA(target=0.6, interval=1, kimg=0.01, p_init=0.5)
    real = np.zeros((1,) + SAMPLE_SHAPE, "float32")
    seen = []
    for _ in range(7):
        trick.discriminator_logs(None, GANStep(real=real, real_logits=np.array([[2.0]], "float32"), training=True))
        trick.after_discriminator_update(None)
        seen.append(float(keras.ops.convert_to_numpy(trick.p)))
    # r_t = sign(2) / 1 = 1 > 0.6 from the interval's single logit: p rises by 0.1 up to 1, then stays there.
    np.testing.assert_allclose(seen, [0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0], atol=1e-6)
    assert max(seen) <= 1.0


class FixedChances(ADA):
    """Flips every chosen sample (`policy="flip"`); the chances u are fixed, two of them beside p = 0.3."""

    def draw(self, operation, x):
        return {"flip": keras.ops.ones((4,), "bool")}, keras.ops.convert_to_tensor(
            np.array([0.30002, 0.29999, 0.1, 0.9], "float32"))


def test_statistics_and_draws_stay_float32_whatever_floatx():
    """A user's floatx does not reach ADA's statistics and chances, kept in float32.

    In float16 a logit of 1e-8 would round to 0 (sign 0), a count of 2049 to 2048, and p = 0.3 to 0.30005.
    """
    x = np.arange(16, dtype="float32").reshape((4, 2, 2, 1))
    u_float32 = keras.ops.convert_to_numpy(ADA(seed=3).draw("flip", x)[1])
    floatx = keras.config.floatx()
    keras.config.set_floatx("float16")
    try:
        trick = ADA(interval=1, kimg=10)
        n = 2049
        logs = trick.discriminator_logs(None, GANStep(real=np.zeros((n, 1, 1, 1), "float32"),
                                                      real_logits=np.full((n, 1), 1e-8, "float32"), training=True))
        assert float(logs["ada_r_t"]) == 1.0 and keras.backend.standardize_dtype(logs["ada_r_t"].dtype) == "float32"
        assert [float(keras.ops.convert_to_numpy(v)) for v in (trick._step_signs, trick._step_logits,
                                                               trick._step_images)] == [n, n, n]
        u = ADA(seed=3).draw("flip", x)[1]
        assert keras.backend.standardize_dtype(u.dtype) == "float32"
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(u), u_float32)
        fixed = FixedChances(p_init=0.3, policy="flip")
        flipped = x[:, :, ::-1]
        expected = np.stack([x[0], flipped[1], flipped[2], x[3]])  # u < 0.3 (float32's 0.3) for samples 1 and 2
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(fixed.augment(x)), expected)
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(fixed.augment(x, p=0.3)), expected)
    finally:
        keras.config.set_floatx(floatx)


def test_the_counts_are_the_global_batchs_on_two_replicas(monkeypatch):
    """Two data-parallel replicas holding the same 4 logits: the interval counts the global batch's 8."""
    from keras_gan.tricks import ada

    # Outside a strategy replica_mean returns its argument: what two replicas holding the same logits all-reduce to.
    monkeypatch.setattr(ada, "replica_index_and_count", lambda: (0, 2))
    trick = ADA(target=0.6, interval=1, kimg=0.08, p_init=0.5)  # 8 images an interval: p moves by 8 / 80
    logs = trick.discriminator_logs(None, GANStep(real=np.zeros((4,) + SAMPLE_SHAPE, "float32"),
                                                  real_logits=np.array([[3.0], [1.0], [2.0], [0.0]], "float32"),
                                                  training=True))
    assert float(logs["ada_r_t"]) == 0.75
    assert [float(keras.ops.convert_to_numpy(v)) for v in (trick._step_signs, trick._step_logits,
                                                           trick._step_images)] == [6, 8, 8]
    trick.after_discriminator_update(None)
    np.testing.assert_allclose(float(keras.ops.convert_to_numpy(trick.p)), 0.6, rtol=1e-6)  # r_t = 6 / 8 > 0.6


def test_a_batch_of_vectors_is_refused_at_the_first_trace_naming_the_model_and_the_trick():
    """A subclassed discriminator's input shape is unknown at compile: the step's first batch is checked."""
    trick = ADA()
    gan = keras_gan.models.GAN(tiny_generator(), stub_discriminator(), LATENT_DIM, tricks=[trick])
    with pytest.raises(GANConfigurationError, match=(
            r"^GAN cannot use ADA: it augments channels-last images, batches of shape \(batch, height, width, "
            r"channels\), and GAN's discriminator takes samples of shape \(2,\)\. Use InstanceNoise \(noise on "
            r"samples of any shape\) instead\.$")):
        trick.transform_discriminator_input(gan, np.zeros((3, 2), "float32"), GANStep(training=True), "fake")
