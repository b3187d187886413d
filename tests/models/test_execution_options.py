"""jit_compile, steps_per_execution and mixed precision give the same training."""

import keras
import numpy as np
import pytest

import keras_gan
from tests.conftest import (
    LATENT_DIM,
    SAMPLE_SHAPE,
    LatentFromData,
    tiny_discriminator,
    tiny_generator,
)


def train(data, **compile_kwargs):
    keras.utils.set_random_seed(0)
    # Latents from the data: XLA's random numbers differ from TensorFlow's kernels'.
    gan = LatentFromData(tiny_generator(), tiny_discriminator(), LATENT_DIM, discriminator_steps=2)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1), **compile_kwargs)
    history = gan.fit(data, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    return gan, history


@pytest.mark.parametrize(
    "options", [{"jit_compile": True}, {"steps_per_execution": 4}], ids=["xla", "spe4"]
)
def test_same_losses_and_weights_as_the_plain_step(tiny_data, options):
    data = tiny_data[:32]
    plain, h_plain = train(data, jit_compile=False)
    other, h_other = train(data, **options)
    assert int(other.d_optimizer.iterations) == 8 and int(other.g_optimizer.iterations) == 4
    for key in h_plain:
        np.testing.assert_allclose(h_other[key], h_plain[key], rtol=1e-4, atol=1e-6, err_msg=key)
    for a, b in zip(plain.get_weights(), other.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)


@pytest.fixture
def policy():
    def set_policy(name):
        keras.mixed_precision.set_global_policy(name)

    yield set_policy
    keras.mixed_precision.set_global_policy("float32")


def mixed_gan(batch_norm=True):
    keras.utils.set_random_seed(0)
    g = keras.Sequential([
        keras.Input((LATENT_DIM,)), keras.layers.Dense(16),
        keras.layers.BatchNormalization() if batch_norm else keras.layers.Identity(),
        keras.layers.ReLU(), keras.layers.Dense(16, activation="tanh"),
        keras.layers.Reshape(SAMPLE_SHAPE),
    ])
    d = keras.Sequential([keras.Input(SAMPLE_SHAPE), keras.layers.Flatten(), keras.layers.Dense(8),
                          keras.layers.LeakyReLU(0.2), keras.layers.Dense(1)])
    return keras_gan.models.GAN(g, d, latent_dim=LATENT_DIM, seed=0)


@pytest.mark.parametrize("name", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_trains_finite_with_float32_statistics(policy, tiny_data, name):
    policy(name)
    gan = mixed_gan()
    gan.compile()
    scaled = isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert scaled == (name == "mixed_float16")
    assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer) == scaled
    start = [[np.array(w) for w in network.trainable_weights] for network in (gan.generator, gan.discriminator)]
    history = gan.fit(tiny_data, batch_size=16, epochs=2, verbose=0).history
    assert all(np.all(np.isfinite(v)) for v in history.values())
    # Both players trained: 8 steps, 8 updates each, and every trainable weight moved.
    assert (int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)) == (8, 8)
    for before, network in zip(start, (gan.generator, gan.discriminator)):
        assert all(not np.array_equal(a, np.array(b)) for a, b in zip(before, network.trainable_weights)), network.name
    batch_norm = gan.generator.layers[1]
    assert batch_norm.moving_mean.dtype == "float32" and batch_norm.moving_variance.dtype == "float32"
    assert all(np.all(np.isfinite(w)) for w in gan.get_weights())
    assert gan.generate(2).dtype in (np.float16, np.float32) or str(gan.generate(2).dtype) == "bfloat16"


def test_overflowing_player_skips_its_update_and_halves_its_scale(policy, tiny_data):
    policy("mixed_float16")
    gan = mixed_gan(batch_norm=False)
    d_opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=2.0**120)
    gan.compile(d_optimizer=d_opt, g_optimizer="auto")
    assert gan.d_optimizer is d_opt  # not wrapped twice
    d_before = [np.array(w) for w in gan.discriminator.weights]
    gan.fit(tiny_data[:16], batch_size=16, epochs=1, verbose=0)
    # float16 gradients times 2**120 overflow: the discriminator's update is skipped...
    for a, b in zip(d_before, gan.discriminator.weights):
        np.testing.assert_array_equal(a, np.array(b))
    assert float(d_opt.dynamic_scale) == 2.0**119
    # ...and nothing non-finite reaches either network; the generator still learns.
    assert all(np.all(np.isfinite(w)) for w in gan.get_weights())
    assert int(gan.g_optimizer.iterations) == 1
