"""tf.distribute: a step on two replicas equals a step on one device."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from tests.conftest import LATENT_DIM, LatentFromData, tiny_discriminator, tiny_generator


def build(strategy=None):
    keras.utils.set_random_seed(0)
    scope = strategy.scope() if strategy else tf.distribute.get_strategy().scope()
    with scope:
        gan = LatentFromData(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM)
        gan.compile(d_optimizer=keras.optimizers.SGD(0.5), g_optimizer=keras.optimizers.SGD(0.5))
    return gan


def logical_cpus():
    cpus = tf.config.list_logical_devices("CPU")
    if len(cpus) < 2:
        pytest.skip("two logical CPU devices could not be configured")
    return [c.name for c in cpus[:2]]


@pytest.mark.parametrize("simultaneous", [False, True])
def test_two_replicas_match_one_device(tiny_data, simultaneous):
    strategy = tf.distribute.MirroredStrategy(logical_cpus())
    assert strategy.num_replicas_in_sync == 2
    single, mirrored = build(), build(strategy)
    single.simultaneous = mirrored.simultaneous = simultaneous
    mirrored.set_weights(single.get_weights())
    batch = tiny_data[:16]
    h1 = single.fit(batch, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    h2 = mirrored.fit(batch, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    for key in h1:
        np.testing.assert_allclose(h2[key], h1[key], rtol=1e-4, atol=1e-6, err_msg=key)
    for a, b in zip(single.get_weights(), mirrored.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-6)


def test_replicas_draw_different_latent_vectors(tiny_data):
    strategy = tf.distribute.MirroredStrategy(logical_cpus())
    with strategy.scope():
        keras.utils.set_random_seed(0)
        gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM)
        gan.compile()

    @tf.function
    def draw():
        return strategy.run(lambda: gan.sample_latent_vectors(4))

    per_replica = strategy.experimental_local_results(draw())
    assert not np.allclose(np.asarray(per_replica[0]), np.asarray(per_replica[1]))


def test_k_above_one_is_refused_under_several_replicas(tiny_data):
    strategy = tf.distribute.MirroredStrategy(logical_cpus())
    with strategy.scope():
        gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM)
        gan.compile()
        with pytest.raises(ValueError, match="discriminator_steps=3 is not supported under a tf.distribute"):
            gan.set_discriminator_steps(3)
