"""Consistency regularization, CR (Zhang et al., ICLR 2020) and bCR (Zhao et al., AAAI 2021), checked
against their definitions: lambda * E ||D(x) - D(T(x))||^2 on the real batch, and with `balanced=True`
also on the generated batch, in the discriminator's cost.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import keras_gan
from keras_gan.errors import GANConfigurationError
from keras_gan.models import GANStep
from keras_gan.tricks import ConsistencyRegularization, Packing
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_discriminator, tiny_generator


@keras.saving.register_keras_serializable(package="keras_gan_tests")
def dimmed_mirror(x):
    """A deterministic T: mirrored left to right, at half the value."""
    return ops.flip(x, axis=2) * 0.5


@keras.saving.register_keras_serializable(package="keras_gan_tests")
def shrink(x):
    return 0.9 * x


def make(trick, discriminator=None, generator=None, seed=0, **compile_kwargs):
    keras.utils.set_random_seed(seed)
    gan = keras_gan.models.GAN(generator or tiny_generator(), discriminator or tiny_discriminator(), LATENT_DIM,
                               tricks=[trick] if trick is not None else None, seed=seed)
    gan.compile(**compile_kwargs)
    return gan


def _step(data):
    return GANStep(real=tf.constant(data[:8]), fake=tf.constant(-data[8:16]), training=True)


@pytest.mark.parametrize("balanced", [False, True])
def test_the_term_is_weight_times_the_mean_squared_difference_on_a_deterministic_t(tiny_data, balanced):
    gan = make(ConsistencyRegularization(10.0, augment=dimmed_mirror, balanced=balanced))
    step = _step(tiny_data)
    loss, logs = gan.compute_discriminator_loss(step)
    d = gan.discriminator

    def consistency(x):
        return np.mean((np.asarray(d(x)) - np.asarray(d(np.asarray(x)[:, :, ::-1] * 0.5))) ** 2)

    real, fake = consistency(step.real), consistency(step.fake)
    assert real > 1e-4 and fake > 1e-4
    np.testing.assert_allclose(float(logs["consistency_real"]), real, rtol=1e-5)
    expected = real
    if balanced:
        np.testing.assert_allclose(float(logs["consistency_fake"]), fake, rtol=1e-5)
        expected = real + fake
    else:
        assert "consistency_fake" not in logs
    base = gan.loss_fn.discriminator_loss(step.real_logits, step.fake_logits)
    np.testing.assert_allclose(float(loss), float(base) + 10.0 * expected, rtol=1e-5)


def test_zero_when_the_discriminator_is_invariant_to_t(tiny_data):
    invariant = keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.GlobalAveragePooling2D(),
                                  keras.layers.Dense(1)])
    gan = make(ConsistencyRegularization(augment="flip", balanced=True, seed=0), discriminator=invariant)
    _, logs = gan.compute_discriminator_loss(_step(tiny_data))
    assert float(logs["consistency_real"]) < 1e-12 and float(logs["consistency_fake"]) < 1e-12
    # The same flips on a discriminator that reads positions: not zero.
    _, logs = make(ConsistencyRegularization(augment="flip", seed=0)).compute_discriminator_loss(_step(tiny_data))
    assert float(logs["consistency_real"]) > 1e-4


def test_the_gradient_trains_the_discriminator_through_both_outputs(tiny_data):
    trick = ConsistencyRegularization(1.0, augment=dimmed_mirror)
    gan = make(trick)
    step = _step(tiny_data)
    x, t_x = step.real, dimmed_mirror(step.real)
    variables = gan.discriminator.trainable_variables
    with tf.GradientTape(persistent=True) as tape:
        step.real_logits = gan.discriminator(x)
        term = trick.discriminator_terms(gan, step)["consistency_real"]
        by_hand = tf.reduce_mean(tf.square(gan.discriminator(x) - gan.discriminator(t_x)))
    for got, expected in zip(tape.gradient(term, variables), tape.gradient(by_hand, variables)):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5, atol=1e-7)
    assert any(float(tf.reduce_sum(tf.abs(g))) > 0 for g in tape.gradient(term, variables))


def test_the_default_t_is_a_flip_and_a_translation_as_in_the_papers(tiny_data):
    trick = ConsistencyRegularization(seed=0)
    assert trick.operations == ("flip", "translation") and trick.term_names == ("consistency_real",)
    history = make(trick).fit(tiny_data, batch_size=16, verbose=0).history
    assert np.isfinite(history["consistency_real"][0]) and history["consistency_real"][0] > 0


def test_extreme_logits_stay_finite(tiny_data):
    loud = keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(),
                             keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(50.0 / 16))])
    gan = make(ConsistencyRegularization(10.0, balanced=True, seed=0), discriminator=loud)
    ones = np.ones((8,) + SAMPLE_SHAPE, "float32")
    step = GANStep(real=tf.constant(ones), fake=tf.constant(-ones), training=True)
    with tf.GradientTape() as tape:
        loss, logs = gan.compute_discriminator_loss(step)
    np.testing.assert_allclose(np.abs(step.real_logits.numpy()), 50.0, rtol=1e-5)
    assert np.isfinite(float(loss)) and np.isfinite(float(logs["consistency_fake"]))
    assert all(np.all(np.isfinite(g)) for g in tape.gradient(loss, loud.trainable_variables))


def test_packed_discriminators_compare_packs(tiny_data):
    d = tiny_discriminator(sample_shape=SAMPLE_SHAPE[:-1] + (2,))
    gan = keras_gan.models.GAN(tiny_generator(), d, LATENT_DIM, seed=0,
                               tricks=[ConsistencyRegularization(1.0, augment=dimmed_mirror), Packing(2)])
    gan.compile()
    step = _step(tiny_data)
    _, logs = gan.compute_discriminator_loss(step)
    packs = Packing(2).transform_discriminator_input(None, step.real, step, "real")
    mirrored = Packing(2).transform_discriminator_input(None, dimmed_mirror(step.real), step, "real")
    expected = np.mean((np.asarray(d(packs)) - np.asarray(d(mirrored))) ** 2)
    np.testing.assert_allclose(float(logs["consistency_real"]), expected, rtol=1e-5)


def test_an_image_policy_refuses_vectors_and_a_callable_accepts_them():
    def vectors(trick):
        g = keras.Sequential([keras.Input((LATENT_DIM,)), keras.layers.Dense(2)])
        d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4), keras.layers.LeakyReLU(0.2),
                              keras.layers.Dense(1)])
        return keras_gan.models.GAN(g, d, LATENT_DIM, tricks=[trick], seed=0)

    with pytest.raises(GANConfigurationError, match=r"GAN cannot use ConsistencyRegularization: it augments "
                                                    r"channels-last images.*shape \(2,\).*instead"):
        vectors(ConsistencyRegularization()).compile()
    gan = vectors(ConsistencyRegularization(1.0, augment=shrink, balanced=True))
    gan.compile()
    history = gan.fit(np.random.default_rng(0).normal(size=(32, 2)).astype("float32"), batch_size=8,
                      verbose=0).history
    assert history["consistency_real"][0] > 0 and history["consistency_fake"][0] > 0


def test_refused_with_two_discriminators():
    def translator():
        return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(1, 1, activation="tanh")])

    def patches():
        return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(1, 3, strides=2)])

    model = keras_gan.models.CycleGAN(translator(), translator(), patches(), patches(),
                                      tricks=[ConsistencyRegularization()])
    with pytest.raises(GANConfigurationError, match=r"CycleGAN cannot use ConsistencyRegularization: .*CycleGAN has "
                                                    r"2 discriminators. Use DiffAugment .*instead"):
        model.compile()


def test_saved_with_its_policy_or_its_function(tmp_path, tiny_data):
    for name, trick in (("policy", ConsistencyRegularization(5.0, "flip", balanced=True, seed=2)),
                        ("function", ConsistencyRegularization(5.0, dimmed_mirror))):
        again = ConsistencyRegularization.from_config(trick.get_config())
        assert again.get_config() == trick.get_config() and again.term_names == trick.term_names
        gan = make(trick)
        gan.fit(tiny_data[:16], batch_size=8, verbose=0)
        gan.save(tmp_path / f"{name}.keras")
        (loaded,) = keras.models.load_model(tmp_path / f"{name}.keras").tricks
        assert loaded.get_config() == trick.get_config()
        x = tf.constant(tiny_data[:4])
        if name == "function":
            np.testing.assert_array_equal(np.asarray(loaded.transform(x)), np.asarray(dimmed_mirror(x)))
        else:
            assert loaded.operations == ("flip",)
            np.testing.assert_array_equal(loaded.seed_generator.state.numpy(), trick.seed_generator.state.numpy())


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"augment": 3}, TypeError, r"`augment` must be a policy string .*Received: augment=3"),
    ({"augment": "blur"}, ValueError, r"`augment` must be .*Received: augment='blur'"),
    ({"balanced": "no"}, TypeError, r"Received: balanced='no'"),
    ({"weight": -1}, ValueError, r"Received: weight=-1"),
    ({"seed": 1.5}, TypeError, r"Received: seed=1.5"),
])
def test_bad_arguments_are_named(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        ConsistencyRegularization(**kwargs)


def test_the_augmented_batches_reach_the_discriminator_as_penalty_points(tiny_data):
    """D(T(x)) is evaluated with role "penalty" (so input transforms treat it as points a trick evaluates D
    at) and the step, after the real and generated batches' own "real" and "fake" calls."""
    roles, expected = [], _step(tiny_data)

    class Roles(keras_gan.tricks.Trick):
        def transform_discriminator_input(self, model, x, step, role):
            roles.append((role, step is expected))
            return x

    trick = ConsistencyRegularization(1.0, augment=dimmed_mirror, balanced=True)
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, tricks=[Roles(), trick])
    gan.compile()
    step = expected
    step.real_logits = gan.discriminate(step.real, step, training=True, role="real")
    step.fake_logits = gan.discriminate(step.fake, step, training=True, role="fake")
    roles.clear()
    trick.discriminator_terms(gan, step)
    assert roles == [("penalty", True), ("penalty", True)]  # with the step, for transforms that read it
