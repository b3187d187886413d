"""TopK (Sinha et al., 2020) checked against its definition.

The generator's adversarial gradient is the mean over the k generated samples
the discriminator scores highest, k = ceil(n * max(nu, gamma ** (updates // decay_steps))).
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan
from keras_gan.errors import GANConfigurationError
from keras_gan.tricks import FeatureMatching, Packing, TopK

from ..conftest import LatentFromData, tiny_discriminator, tiny_generator


def _gradient(trick, logits, loss="non_saturating"):
    variable = tf.Variable(np.asarray(logits, "float32").reshape(-1, 1))
    objective = keras_gan.losses.get(loss)
    with tf.GradientTape() as tape:
        value = objective.generator_loss(trick.generator_logits(None, variable, None))
    return float(value), tape.gradient(value, variable).numpy().ravel()


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@pytest.mark.parametrize("updates, expected_k", [(0, 4), (1, 2), (2, 2)])
def test_gradient_is_the_mean_over_the_k_best_scored_samples(updates, expected_k):
    trick = TopK(min_fraction=0.5, decay=0.5, decay_steps=1)
    trick.updates.assign(updates)
    logits = np.array([1.0, 3.0, -2.0, 0.5])
    value, gradient = _gradient(trick, logits)
    # Non-saturating cost: mean softplus(-l); d/dl softplus(-l) = -sigmoid(-l).
    best = np.argsort(-logits)[:expected_k]
    expected = np.zeros(4)
    expected[best] = -_sigmoid(-logits[best]) / expected_k
    np.testing.assert_allclose(gradient, expected, rtol=1e-5, atol=1e-7)
    # The value (the logged g_loss) is still the whole batch's mean.
    np.testing.assert_allclose(value, np.mean(np.log1p(np.exp(-logits))), rtol=1e-6)


@pytest.mark.parametrize("loss", ["minimax", "least_squares", "wasserstein", "hinge"])
def test_every_objective_gets_the_top_k_mean(loss):
    trick = TopK(min_fraction=0.25, decay=0.25, decay_steps=1)
    trick.updates.assign(1)  # k = ceil(8 / 4) = 2
    logits = np.array([0.3, -1.0, 2.0, 0.1, -0.4, 1.5, -3.0, 0.0])
    _, gradient = _gradient(trick, logits, loss)
    _, full = _gradient(TopK(min_fraction=1.0), logits, loss)  # k = n: the plain mean
    best = np.argsort(-logits)[:2]
    expected = np.zeros(8)
    expected[best] = full[best] * 8 / 2
    np.testing.assert_allclose(gradient, expected, rtol=1e-5, atol=1e-7)


def test_extreme_logits_and_ties_stay_finite():
    trick = TopK(min_fraction=0.5, decay=0.5, decay_steps=1)
    trick.updates.assign(3)
    value, gradient = _gradient(trick, [50.0, -50.0, 50.0, -50.0])
    assert np.isfinite(value) and np.all(np.isfinite(gradient))
    assert np.all(gradient[[1, 3]] == 0.0)
    # All scores equal: every sample is among the best, the gradient is the plain mean.
    _, tied = _gradient(trick, [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(tied, np.full(4, -0.5 / 4), rtol=1e-6)


def test_schedule_decays_per_generator_update_and_floors_at_min_fraction():
    trick = TopK(min_fraction=0.3, decay=0.5, decay_steps=2)
    assert [trick.fraction(u) for u in range(6)] == [1.0, 1.0, 0.5, 0.5, 0.3, 0.3]
    gan = LatentFromData(tiny_generator(), tiny_discriminator(), latent_dim=3, tricks=[trick],
                         discriminator_steps=2, seed=0)
    gan.compile()
    data = np.random.default_rng(0).uniform(-1, 1, size=(64, 4, 4, 1)).astype("float32")
    history = gan.fit(data, batch_size=8, epochs=1, verbose=0)
    # 8 steps, the generator updating every second step: 4 updates counted.
    assert int(trick.updates.numpy()) == 4
    assert "top_k_fraction" in history.history
    # Logged at the generator's updates, before each: fractions 1, 1, .5, .5 -> mean .75.
    np.testing.assert_allclose(history.history["top_k_fraction"][0], 0.75, rtol=1e-6)


def test_packed_batches_select_whole_packs():
    from keras_gan.models.step import GANStep

    trick = TopK(min_fraction=0.5, decay=0.5, decay_steps=1)
    trick.updates.assign(1)  # k = half the packs
    # The discriminator's logit of a pack of two samples: the sum of the pack's values.
    discriminator = keras.Sequential([keras.Input((1, 1, 2)), keras.layers.Flatten(),
                                      keras.layers.Dense(1, kernel_initializer="ones", use_bias=False)])
    gan = keras_gan.models.GAN(keras.Sequential([keras.Input((3,)), keras.layers.Dense(1), keras.layers.Reshape(
        (1, 1, 1))]), discriminator, latent_dim=3, tricks=[Packing(2), trick], seed=0)
    gan.compile()
    fake = tf.Variable(np.array([1.0, 2.0, -1.0, -3.0, 0.5, 4.0, 0.0, -0.5], "float32").reshape(8, 1, 1, 1))
    with tf.GradientTape() as tape:
        loss, _ = gan.compute_generator_loss(GANStep(real=None, fake=fake, training=True))
    gradient = tape.gradient(loss, fake).numpy().ravel()
    # Packs (1, 2) -> 3, (-1, -3) -> -4, (0.5, 4) -> 4.5, (0, -0.5) -> -0.5: the best two are packs 0 and 2.
    assert np.all(gradient[[0, 1, 4, 5]] != 0) and np.all(gradient[[2, 3, 6, 7]] == 0), gradient
    np.testing.assert_allclose(gradient[0], -_sigmoid(-3.0) / 2, rtol=1e-5)


def test_refused_where_the_generator_has_no_adversarial_cost():
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=3,
                               tricks=[FeatureMatching(replace_objective=True), TopK()])
    with pytest.raises(GANConfigurationError, match="TopK selects samples"):
        gan.compile()


def test_saved_with_its_update_count(tmp_path):
    trick = TopK(min_fraction=0.4, decay=0.9, decay_steps=3)
    gan = keras_gan.models.GAN(tiny_generator(), tiny_discriminator(), latent_dim=3, tricks=[trick], seed=0)
    gan.compile()
    gan.fit(np.zeros((32, 4, 4, 1), "float32"), batch_size=8, epochs=1, verbose=0)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    (restored,) = loaded.tricks
    assert isinstance(restored, TopK)
    assert (restored.min_fraction, restored.decay, restored.decay_steps) == (0.4, 0.9, 3)
    assert int(restored.updates.numpy()) == 4


def test_a_share_below_one_sample_keeps_the_best_one():
    """k = ceil(4 * 0.1) = 1: the gradient is the best-scored sample's alone (k is at least 1, not more)."""
    trick = TopK(min_fraction=0.1, decay=0.1, decay_steps=1)
    trick.updates.assign(1)
    logits = np.array([1.0, 3.0, -2.0, 0.5])
    _, gradient = _gradient(trick, logits)
    np.testing.assert_allclose(gradient, [0.0, -_sigmoid(-3.0), 0.0, 0.0], rtol=1e-5, atol=1e-7)
