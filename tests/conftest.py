"""Shared fixtures: TensorFlow imported once, quiet, tiny networks."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import tensorflow as tf  # noqa: E402

# Two logical CPU devices for the tf.distribute tests; must precede TF's start-up.
try:
    tf.config.set_logical_device_configuration(
        tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 2
    )
except RuntimeError:  # already initialized: the distribution tests skip
    pass

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import keras_gan  # noqa: E402

SAMPLE_SHAPE = (4, 4, 1)
LATENT_DIM = 3


def tiny_generator(latent_dim=LATENT_DIM, sample_shape=SAMPLE_SHAPE, name="tiny_generator"):
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(int(np.prod(sample_shape)), activation="tanh"),
            keras.layers.Reshape(sample_shape),
        ],
        name=name,
    )


def tiny_discriminator(sample_shape=SAMPLE_SHAPE, name="tiny_discriminator"):
    return keras.Sequential(
        [
            keras.Input(sample_shape),
            keras.layers.Flatten(),
            keras.layers.Dense(8),
            keras.layers.LeakyReLU(0.2),
            keras.layers.Dense(1),
        ],
        name=name,
    )


def tiny_gan(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    return keras_gan.models.GAN(
        tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=seed, **kwargs
    )


class LatentFromData(keras_gan.models.GAN):
    """Latent vectors derived from the real batch: runs compare without random numbers."""

    def sample_latent(self, step):
        flat = keras.ops.reshape(step.real, (keras.ops.shape(step.real)[0], -1))
        return flat[:, : self.latent_dim] * 2.0


@pytest.fixture
def make_gan():
    """Factory of freshly built tiny GANs (a few hundred parameters)."""
    return tiny_gan


@pytest.fixture(scope="session")
def tiny_data():
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, size=(64,) + SAMPLE_SHAPE).astype("float32")

