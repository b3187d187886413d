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


# ----------------------------------------------- every trick, k > 1, the schedules: replicas equal one device

def _mirrored_pair(make):
    """`make()` built on one device and under a 2-replica MirroredStrategy, from the same weights.

    The replicas reduce through one device: TensorFlow's collective ops, its default, may order their
    launches differently on the two replicas once other strategies ran in the same process (the step is
    then cancelled).
    """
    strategy = tf.distribute.MirroredStrategy(logical_cpus(), cross_device_ops=tf.distribute.ReductionToOneDevice())
    single = make()
    with strategy.scope():
        mirrored = make()
    mirrored.set_weights(single.get_weights())
    return single, mirrored


def _assert_same_training(single, mirrored, data, batch_size, epochs=2):
    from tests import harness

    h1 = single.fit(*data, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0).history
    h2 = mirrored.fit(*data, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0).history
    assert harness.iterations(mirrored) == harness.iterations(single)
    assert sorted(h2) == sorted(h1)
    for key in h1:
        np.testing.assert_allclose(h2[key], h1[key], rtol=1e-5, atol=1e-5, err_msg=key)
    for (path, a), (_, b) in zip(harness.state(single), harness.state(mirrored)):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5, err_msg=path)


# Every trick on two replicas: tests/test_matrix.py (`harness.run_data_parallel_test`, in the background run).


@pytest.mark.parametrize("schedule", ["alternating_3", "simultaneous_2", "generator_first_2"])
def test_discriminator_steps_above_one_on_two_replicas_match_one_device(tiny_data, schedule):
    """k > 1 under replicas: every replica takes the same branch of the k-step turn (the counter is mirrored)."""
    from keras_gan import schedules

    name, k = schedule.rsplit("_", 1)
    cls = {"alternating": schedules.Alternating, "simultaneous": schedules.Simultaneous,
           "generator_first": schedules.GeneratorFirst}[name]

    def make():
        keras.utils.set_random_seed(0)
        gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM, seed=0,
                                   schedule=cls(int(k)))
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
                    g_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5))
        return gan

    single, mirrored = _mirrored_pair(make)
    _assert_same_training(single, mirrored, (tiny_data[:24],), batch_size=8, epochs=2)
    assert [int(o.iterations.numpy()) for o in (mirrored.d_optimizer, mirrored.g_optimizer)] == [6, 6 // int(k)]


def test_set_discriminator_steps_under_replicas(tiny_data):
    strategy = tf.distribute.MirroredStrategy(logical_cpus(), cross_device_ops=tf.distribute.ReductionToOneDevice())
    with strategy.scope():
        gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=LATENT_DIM)
        gan.compile()
    gan.set_discriminator_steps(3)
    gan.fit(tiny_data[:48], batch_size=8, epochs=1, verbose=0)
    assert [int(o.iterations.numpy()) for o in (gan.d_optimizer, gan.g_optimizer)] == [6, 2]
