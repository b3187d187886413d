"""Discriminator rejection sampling (Azadi et al., 2019) checked against rejection sampling's definition."""

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan.errors import GANConfigurationError
from keras_gan.sampling import rejection_sample, train_density_ratio


@keras.saving.register_keras_serializable(package="tests")
class LogRatio(keras.layers.Layer):
    """The exact logit log p_data / p_g for p_g = N(0, 1), p_data = N(0, s^2): log(1/s) - x^2 (1/s^2 - 1) / 2."""

    def __init__(self, s=0.5, **kwargs):
        super().__init__(**kwargs)
        self.s = s

    def call(self, x):
        return keras.ops.log(1.0 / self.s) - keras.ops.square(x) * (1.0 / self.s**2 - 1.0) / 2.0


def _identity_gan(discriminator=None, tricks=None):
    generator = keras.Sequential([keras.Input((1,)), keras.layers.Identity()])
    if discriminator is None:
        discriminator = keras.Sequential([keras.Input((1,)), LogRatio()])
    return keras_gan.models.GAN(generator, discriminator, latent_dim=1, tricks=tricks)


def test_optimal_discriminator_turns_the_generator_into_the_data_distribution():
    # p_g = N(0, 1) (the identity generator), exact log ratio to p_data = N(0, 0.5^2): kept samples ~ p_data.
    samples, info = rejection_sample(_identity_gan(), 4000, seed=0, return_info=True)
    assert samples.shape == (4000, 1)
    assert abs(samples.std() - 0.5) < 0.02, samples.std()
    assert abs(samples.mean()) < 0.03
    # Acceptance of exact rejection sampling: 1 / M with M = max p_data / p_g = 1 / s = 2.
    np.testing.assert_allclose(info["acceptance"], 0.5, atol=0.03)
    np.testing.assert_allclose(info["log_m"], np.log(2.0), atol=1e-3)


def test_gamma_trades_fidelity_for_acceptance():
    gan = _identity_gan()
    _, strict = rejection_sample(gan, 2000, seed=1, gamma=0.0, return_info=True)
    loose, generous = rejection_sample(gan, 2000, seed=1, gamma=-3.0, return_info=True)
    assert generous["acceptance"] > strict["acceptance"] + 0.2
    assert 0.5 < loose.std() < 1.0  # between the data's 0.5 and the generator's 1


def test_extreme_logits_give_finite_acceptance():
    gan = _identity_gan(keras.Sequential([keras.Input((1,)), keras.layers.Lambda(lambda x: 60.0 * x)]))
    with np.errstate(all="raise"):  # no overflow anywhere
        samples, info = rejection_sample(gan, 200, seed=0, burn_in=1000, gamma=-100.0, return_info=True)
    assert np.all(np.isfinite(samples)) and 0 < info["acceptance"] < 1
    assert samples.mean() > 0.5  # the logit favours large x


def test_packed_discriminator_asks_for_a_per_sample_one():
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    gan = _identity_gan(discriminator, tricks=[keras_gan.tricks.Packing(2)])
    with pytest.raises(GANConfigurationError, match="train_density_ratio"):
        rejection_sample(gan, 10)


def test_gives_up_with_the_acceptance_rate():
    gan = _identity_gan()
    with pytest.raises(RuntimeError, match="gamma"):
        rejection_sample(gan, 100, gamma=40.0, max_draws=2000, burn_in=100)


def test_trained_density_ratio_approaches_the_true_log_ratio():
    keras.utils.set_random_seed(0)
    gan = _identity_gan()
    data = np.random.default_rng(0).normal(scale=0.5, size=(20000, 1)).astype("float32")
    network = keras.Sequential([keras.Input((1,)), keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(1)])
    trained = train_density_ratio(gan, data, network, steps=1500, batch_size=256, learning_rate=3e-3)
    x = np.linspace(-1.0, 1.0, 5, dtype="float32")[:, None]  # where both distributions have mass
    truth = keras.ops.convert_to_numpy(LogRatio()(x)).ravel()
    estimate = np.asarray(trained(x)).ravel()
    assert np.max(np.abs(estimate - truth)) < 0.25, (estimate, truth)
    samples = rejection_sample(gan, 3000, discriminator=trained, seed=0)
    assert abs(samples.std() - 0.5) < 0.07, samples.std()
