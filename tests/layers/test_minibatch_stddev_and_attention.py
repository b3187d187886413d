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


def _attention_reference(layer, x, gamma):
    """SAGAN: gamma * softmax_i(g(x_j) . f(x_i)) h(x_i) + x_j over the height x width positions, in NumPy."""
    b, h, w, c = x.shape
    wf, wg, wh = (np.asarray(d.kernel) for d in (layer.query, layer.key, layer.value))
    flat = x.reshape(b, h * w, c)
    scores = np.einsum("bjc,bic->bji", flat @ wg, flat @ wf)
    beta = np.exp(scores - scores.max(-1, keepdims=True))
    beta /= beta.sum(-1, keepdims=True)
    return (gamma * (beta @ (flat @ wh)) + flat).reshape(x.shape)


def test_self_attention_starts_as_identity_and_matches_its_formula():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 3, 8)).astype("float32")
    layer = SelfAttention(reduction=4)
    np.testing.assert_allclose(np.asarray(layer(x)), x, rtol=1e-6)  # gamma = 0
    layer.gamma.assign(0.7)
    np.testing.assert_allclose(np.asarray(layer(x)), _attention_reference(layer, x, 0.7), rtol=1e-4, atol=1e-5)


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


def _message(call):
    import pytest

    with pytest.raises((TypeError, ValueError)) as error:
        call()
    return f"{type(error.value).__name__}: {error.value}"


def test_minibatch_stddev_arguments_defaults_and_config():
    assert _message(lambda: MinibatchStandardDeviation(0)) == (
        "ValueError: `group_size` must be an int >= 1 (the largest number of samples per group). "
        "Received: group_size=0 (the int 0).")
    assert _message(lambda: MinibatchStandardDeviation(4, epsilon=-1.0)) == (
        "ValueError: `epsilon` must be a number >= 0 (added to the variance). Received: epsilon=-1.0 (the float -1.0).")
    default = MinibatchStandardDeviation()
    assert (default.group_size, default.epsilon) == (4, 1e-8)  # Karras et al. 2018's group of 4
    config = MinibatchStandardDeviation(group_size=2, epsilon=0.5).get_config()
    assert (config["group_size"], config["epsilon"]) == (2, 0.5)
    x = np.random.default_rng(4).normal(size=(4, 3)).astype("float32")
    expected = np.sqrt(x.reshape(2, 2, 3).var(axis=0) + 0.5).mean(axis=1)  # epsilon inside the square root
    out = np.asarray(MinibatchStandardDeviation.from_config(config)(x))
    np.testing.assert_allclose(out[:, -1], [expected[r % 2] for r in range(4)], rtol=1e-5)


def test_minibatch_stddev_refuses_unknown_feature_axes_with_the_shape():
    assert _message(lambda: MinibatchStandardDeviation(name="mbstd").build(None)) == (
        "ValueError: MinibatchStandardDeviation layer 'mbstd' expects inputs of shape (batch, height, width, "
        "channels) or (batch, features), every axis but the batch known; received an input of shape unknown. Put "
        "it where the feature map's size is fixed (after a convolution or a Dense layer).")
    for shape in [(None,), (None, None, 3, 2), (None, 3, None, 2), (None, 3, 3, None)]:
        message = _message(lambda shape=shape: MinibatchStandardDeviation().build(shape))
        assert f"received an input of shape {shape}" in message


def test_minibatch_stddev_output_shape_and_dtype():
    layer = MinibatchStandardDeviation(2, dtype="mixed_float16")
    x = np.random.default_rng(5).normal(size=(4, 3, 3, 2)).astype("float16")
    out = layer(x)
    assert tuple(out.shape) == layer.compute_output_shape((4, 3, 3, 2)) == (4, 3, 3, 3)
    assert keras.backend.standardize_dtype(out.dtype) == "float16"


def test_self_attention_arguments_and_its_weights():
    assert _message(lambda: SelfAttention(0)) == (
        "ValueError: `reduction` must be an int >= 1 (channel reduction of the query and key). "
        "Received: reduction=0 (the int 0).")
    layer = SelfAttention()  # SAGAN's reduction of 8
    layer.build((None, 3, 3, 16))
    described = [(w.path.split("/")[-2:], tuple(w.shape)) for w in layer.trainable_weights]
    assert sorted(described) == sorted([(["query", "kernel"], (16, 2)), (["key", "kernel"], (16, 2)),
                                        (["value", "kernel"], (16, 16)), ([layer.name, "gamma"], ())])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.gamma), 0.0)
    narrow = SelfAttention(reduction=8)
    narrow.build((None, 2, 2, 4))  # fewer channels than the reduction: one query/key channel
    assert tuple(narrow.query.kernel.shape) == (4, 1)
    assert SelfAttention(reduction=2).get_config()["reduction"] == 2


def test_self_attention_refuses_what_is_not_a_fixed_feature_map():
    assert _message(lambda: SelfAttention(name="attend").build(None)) == (
        "ValueError: SelfAttention layer 'attend' expects feature maps of shape (batch, height, width, channels) "
        "with known height, width and channels; received an input of shape unknown. Put it after a convolution "
        "(on a 4-D feature map), or reshape flat features into one first (keras.layers.Reshape((height, width, "
        "channels))).")
    for shape in [(None, 16), (None, 2, 2, 2, 4), (None, None, 3, 8), (None, 3, None, 8), (None, 3, 3, None)]:
        assert f"received an input of shape {shape}" in _message(lambda shape=shape: SelfAttention().build(shape))


def test_self_attention_output_shape_and_dtype():
    layer = SelfAttention(reduction=2, dtype="mixed_float16")
    x = np.random.default_rng(6).normal(size=(2, 3, 3, 4)).astype("float16")
    layer.build(x.shape)
    layer.gamma.assign(0.5)
    out = layer(x)
    assert tuple(out.shape) == tuple(layer.compute_output_shape(x.shape)) == x.shape
    assert keras.backend.standardize_dtype(out.dtype) == "float16"


def test_self_attention_on_a_map_that_is_not_square():
    """Positions are height x width: a 3 x 5 map attends over 15 positions and keeps its shape."""
    x = np.random.default_rng(7).normal(size=(2, 3, 5, 4)).astype("float32")
    layer = SelfAttention(reduction=2)
    layer.build(x.shape)
    layer.gamma.assign(1.0)
    np.testing.assert_allclose(np.asarray(layer(x)), _attention_reference(layer, x, 1.0), rtol=1e-4, atol=1e-5)
