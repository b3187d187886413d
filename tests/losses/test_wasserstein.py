import re
import warnings

import keras
import numpy as np
import pytest

import keras_gan
from keras_gan import losses
from tests.conftest import LATENT_DIM, SAMPLE_SHAPE, tiny_discriminator, tiny_generator

REAL = np.array([1.5, 0.5, 2.0], dtype="float32")
FAKE = np.array([-1.0, 0.25, 0.0], dtype="float32")


def test_wasserstein_critic_and_generator():
    loss = losses.WassersteinLoss()
    np.testing.assert_allclose(
        float(loss.discriminator_loss(REAL, FAKE)), FAKE.mean() - REAL.mean(), rtol=1e-6
    )
    np.testing.assert_allclose(float(loss.generator_loss(FAKE)), -FAKE.mean(), rtol=1e-6)
    assert not loss.probabilistic


def test_wasserstein_per_sample_keras_loss_signs():
    loss = losses.WassersteinLoss(reduction=None)
    out = loss(np.array([1.0, 0.0]), np.array([2.0, 2.0]))
    np.testing.assert_allclose(np.asarray(out), [-2.0, 2.0])


# The framework starts the warning with a capital letter.
LIPSCHITZ = (
    "The Wasserstein loss needs a (roughly) 1-Lipschitz critic, and nothing here keeps it so: the "
    "critic's scores can grow without bound. Add tricks=[keras_gan.tricks.GradientPenalty(10.0)] or "
    "[keras_gan.tricks.WeightClipping(0.01)], wrap the critic's layers in "
    "keras.layers.SpectralNormalization, or use keras_gan.models.WGANGP / WGAN.")


def test_wasserstein_critic_loss_function_is_fake_mean_minus_real_mean():
    real = np.array([[1.0], [3.0]], "float32")      # mean 2
    fake = np.array([[-1.0], [0.0]], "float32")     # mean -0.5
    assert float(losses.wasserstein_critic_loss(real, fake)) == pytest.approx(-2.5)


def _compile(discriminator=None, tricks=None):
    model = keras_gan.models.GAN(tiny_generator(), discriminator or tiny_discriminator(), LATENT_DIM, tricks=tricks)
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        model.compile(loss="wasserstein")
    return [str(r.message) for r in records if "Lipschitz" in str(r.message)]


def _critic(dense):
    return keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(), dense])


def test_an_unconstrained_critic_gets_the_lipschitz_warning_in_full():
    messages = _compile()
    assert len(messages) == 1 and re.search(re.escape(LIPSCHITZ), messages[0]), messages


@pytest.mark.parametrize("kind", ["weight_clipping", "kernel_constraint", "spectral_normalization"])
def test_a_lipschitz_critic_is_not_warned_about(kind):
    if kind == "weight_clipping":
        assert _compile(tricks=[keras_gan.tricks.WeightClipping(0.01)]) == []
    elif kind == "kernel_constraint":
        dense = keras.layers.Dense(1, kernel_constraint=keras.constraints.MaxNorm(1.0))
        assert _compile(discriminator=_critic(dense)) == []
    else:
        dense = keras.layers.SpectralNormalization(keras.layers.Dense(1))
        assert _compile(discriminator=_critic(dense)) == []
