"""The gradient penalties against their definitions, on critics with known gradients."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.tricks import GradientPenalty, R1Penalty, gradient_penalty, interpolate, r1_penalty
from tests.conftest import LATENT_DIM, tiny_discriminator, tiny_generator


def test_interpolation_uses_one_weight_per_sample():
    real = np.ones((3, 2, 2, 1), "float32")
    fake = np.zeros((3, 2, 2, 1), "float32")
    x_hat = keras.ops.convert_to_numpy(interpolate(real, fake, np.array([0.0, 0.25, 1.0])))
    for i, t in enumerate([0.0, 0.25, 1.0]):
        np.testing.assert_allclose(x_hat[i], t)


def test_linear_critic_penalty_is_closed_form():
    # D(x) = <w, x>: grad = w for every point, so the penalty is (||w|| - 1)^2.
    w = tf.constant([[3.0], [4.0]])
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(5, 2)).astype("float32"), rng.normal(size=(5, 2)).astype("float32")
    t = rng.uniform(size=5).astype("float32")
    value = gradient_penalty(lambda x: tf.matmul(x, w), real, fake, t)
    np.testing.assert_allclose(float(value), (5.0 - 1.0) ** 2, rtol=1e-5)


def test_quadratic_critic_penalty_is_per_sample():
    # D(x) = 1/2 ||x||^2: grad at x_hat is x_hat, so the penalty is mean_i (||x_hat_i|| - 1)^2,
    # which differs from the penalty of the batch-averaged norm.
    rng = np.random.default_rng(1)
    real = rng.normal(size=(6, 3, 2, 1)).astype("float32") * 2
    fake = rng.normal(size=(6, 3, 2, 1)).astype("float32")
    t = rng.uniform(size=6).astype("float32")
    value = float(gradient_penalty(lambda x: 0.5 * tf.reduce_sum(x**2, axis=[1, 2, 3]), real, fake, t))
    x_hat = t[:, None, None, None] * real + (1 - t[:, None, None, None]) * fake
    norms = np.linalg.norm(x_hat.reshape(6, -1), axis=1)
    np.testing.assert_allclose(value, np.mean((norms - 1) ** 2), rtol=1e-4)
    assert abs(value - (norms.mean() - 1) ** 2) > 1e-3


def test_penalty_differentiates_with_respect_to_the_critic_weights():
    # d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w||  (double backpropagation).
    w = tf.Variable([[3.0], [4.0]])
    x = np.ones((4, 2), "float32")
    with tf.GradientTape() as tape:
        value = gradient_penalty(lambda v: tf.matmul(v, w), x, x * 0, np.full(4, 0.5, "float32"))
    grad = tape.gradient(value, w).numpy()
    np.testing.assert_allclose(grad, 2 * (5 - 1) * np.array([[3.0], [4.0]]) / 5, rtol=1e-5)


def test_r1_is_mean_squared_gradient_norm_on_real_data():
    real = np.random.default_rng(2).normal(size=(5, 4)).astype("float32")
    value = float(r1_penalty(lambda x: 0.5 * tf.reduce_sum(x**2, axis=1), real))
    np.testing.assert_allclose(value, np.mean(np.sum(real**2, axis=1)), rtol=1e-5)


def test_penalty_stays_finite_for_huge_critic_outputs():
    w = tf.constant([[1e4], [0.0]])
    x = np.full((2, 2), 50.0, "float32")
    assert np.isfinite(float(gradient_penalty(lambda v: tf.matmul(v, w), x, -x, np.array([0.3, 0.9], "float32"))))


@pytest.mark.parametrize("trick, name", [(GradientPenalty(10.0, seed=0), "gradient_penalty"),
                                         (R1Penalty(1.0), "r1_penalty")])
def test_penalty_tricks_compose_with_any_loss_and_are_logged(trick, name, tiny_data):
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, tricks=[trick], seed=0)
    gan.compile(loss="hinge")
    history = gan.fit(tiny_data, batch_size=16, epochs=2, verbose=0).history
    assert name in history and all(np.isfinite(history[name])) and history[name][0] > 0


def test_penalty_changes_the_discriminator_update(tiny_data):
    """Same seed, with and without the penalty: the discriminators differ, the penalty is felt."""
    weights = []
    for tricks in ([], [GradientPenalty(100.0, seed=0)]):
        keras.utils.set_random_seed(0)
        gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, tricks=tricks, seed=0)
        gan.compile(loss="wasserstein")
        gan.fit(tiny_data, batch_size=16, epochs=1, verbose=0)
        weights.append(np.concatenate([np.ravel(v) for v in gan.discriminator.get_weights()]))
    assert not np.allclose(weights[0], weights[1])


def test_tricks_round_trip_through_save_and_load(tmp_path, tiny_data):
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM,
                               tricks=[GradientPenalty(5.0, target=0.5, seed=3)], seed=0)
    gan.compile(loss="wasserstein")
    gan.fit(tiny_data, batch_size=16, verbose=0)
    gan.save(tmp_path / "gp.keras")
    loaded = keras.models.load_model(tmp_path / "gp.keras")
    (trick,) = loaded.tricks
    assert isinstance(trick, GradientPenalty) and (trick.weight, trick.target) == (5.0, 0.5)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(trick.seed_generator.state),
        keras.ops.convert_to_numpy(gan.tricks[0].seed_generator.state),
    )


def test_non_trick_is_refused_with_the_fix():
    with pytest.raises(TypeError, match="keras_gan.tricks.Trick"):
        keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), LATENT_DIM, tricks=["gp"])
