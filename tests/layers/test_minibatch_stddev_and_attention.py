"""MinibatchStandardDeviation and SelfAttention against their definitions."""

import keras
import numpy as np

import keras_gan
from keras_gan.layers import MinibatchStandardDeviation, SelfAttention


def test_minibatch_stddev_appends_the_group_standard_deviation():
    x = np.random.default_rng(0).normal(size=(4, 3, 3, 2)).astype("float32")
    out = np.asarray(MinibatchStandardDeviation(group_size=2, epsilon=0.0)(x))
    np.testing.assert_array_equal(out[..., :2], x)
    groups = x.reshape(2, 2, 3, 3, 2)  # sample r = j * 2 + g
    per_group = groups.std(axis=0).mean(axis=(1, 2, 3))
    for r in range(4):
        np.testing.assert_allclose(out[r, ..., 2], per_group[r % 2], rtol=1e-5)


def test_minibatch_stddev_is_zero_for_a_collapsed_batch():
    out = np.asarray(MinibatchStandardDeviation(4)(np.ones((4, 5), "float32")))
    np.testing.assert_allclose(out[:, -1], np.sqrt(1e-8), rtol=1e-3)


def _stddev_reference(x, group):
    groups = x.reshape((group, -1) + x.shape[1:])  # sample r = j * groups + g
    per_group = groups.std(axis=0).reshape(groups.shape[1], -1).mean(axis=1)
    return np.array([per_group[r % groups.shape[1]] for r in range(len(x))])


def test_minibatch_stddev_on_a_batch_the_group_does_not_divide():
    """A batch of 30 with group_size=4 uses groups of 3, the largest divisor of 30 up to 4."""
    layer = MinibatchStandardDeviation(group_size=4, epsilon=0.0)
    assert [layer.group_size_for(b) for b in (30, 32, 7, 2, 9)] == [3, 4, 1, 2, 3]
    x = np.random.default_rng(2).normal(size=(30, 3, 3, 2)).astype("float32")
    out = np.asarray(layer(x))
    np.testing.assert_allclose(out[:, 0, 0, 2], _stddev_reference(x, 3), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(layer(x[:7]))[:, 0, 0, 2], 0.0, atol=1e-6)  # groups of 1


def test_minibatch_stddev_with_an_unknown_batch_size_in_a_graph():
    import tensorflow as tf

    layer = MinibatchStandardDeviation(group_size=4, epsilon=0.0)
    graph = tf.function(layer, input_signature=[tf.TensorSpec((None, 5), "float32")])
    x = np.random.default_rng(3).normal(size=(30, 5)).astype("float32")
    np.testing.assert_allclose(graph(x).numpy()[:, -1], _stddev_reference(x, 3), rtol=1e-5)
    np.testing.assert_allclose(graph(x[:8]).numpy()[:, -1], _stddev_reference(x[:8], 4), rtol=1e-5)


def test_self_attention_starts_as_identity_and_matches_its_formula():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 3, 8)).astype("float32")
    layer = SelfAttention(reduction=4)
    np.testing.assert_allclose(np.asarray(layer(x)), x, rtol=1e-6)  # gamma = 0
    layer.gamma.assign(0.7)
    wf, wg, wh = (np.asarray(d.kernel) for d in (layer.query, layer.key, layer.value))
    flat = x.reshape(2, 9, 8)
    scores = np.einsum("bjc,bic->bji", flat @ wg, flat @ wf)
    beta = np.exp(scores - scores.max(-1, keepdims=True))
    beta /= beta.sum(-1, keepdims=True)
    expected = 0.7 * (beta @ (flat @ wh)) + flat
    np.testing.assert_allclose(np.asarray(layer(x)).reshape(2, 9, 8), expected, rtol=1e-4, atol=1e-5)


def test_layers_compose_with_spectral_normalization_in_a_discriminator(tmp_path):
    """A discriminator with Keras's SpectralNormalization, self-attention and minibatch layers."""
    layers = keras.layers
    d = keras.Sequential([
        keras.Input((8, 8, 1)),
        layers.SpectralNormalization(layers.Conv2D(8, 3, strides=2, padding="same")),
        layers.LeakyReLU(0.2),
        SelfAttention(),
        MinibatchStandardDeviation(4),
        layers.Flatten(),
        keras_gan.layers.MinibatchDiscrimination(4, 3),
        layers.SpectralNormalization(layers.Dense(1)),
    ])
    g = keras.Sequential([keras.Input((4,)), layers.Dense(64, activation="tanh"), layers.Reshape((8, 8, 1))])
    gan = keras_gan.models.GAN(g, d, latent_dim=4, seed=0)
    gan.compile(loss="hinge")
    data = np.random.default_rng(2).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
    history = gan.fit(data, batch_size=8, verbose=0).history
    assert np.isfinite(history["d_loss"][0])
    gan.save(tmp_path / "d.keras")
    loaded = keras.models.load_model(tmp_path / "d.keras", safe_mode=True)
    np.testing.assert_allclose(loaded.discriminator.predict(data[:8], verbose=0),
                               gan.discriminator.predict(data[:8], verbose=0), rtol=1e-4, atol=1e-5)
