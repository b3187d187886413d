"""VirtualBatchNormalization against the reference implementation's formula."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan.layers import VirtualBatchNormalization, WithReferenceBatch


def reference_vbn(x, n, eps=1e-5):
    """Salimans et al.'s VBN: reference rows with their own stats, others mixed 1/(N+1) : N/(N+1)."""
    spatial = tuple(range(1, x.ndim - 1))
    ref = x[:n]
    ref_mean = ref.mean(axis=(0,) + spatial, keepdims=True)
    ref_sq = (ref**2).mean(axis=(0,) + spatial, keepdims=True)
    others = x[n:]
    own_mean = others.mean(axis=spatial, keepdims=True) if spatial else others
    own_sq = (others**2).mean(axis=spatial, keepdims=True) if spatial else others**2
    mean = own_mean / (n + 1) + n * ref_mean / (n + 1)
    sq = own_sq / (n + 1) + n * ref_sq / (n + 1)
    out_ref = (ref - ref_mean) / np.sqrt(ref_sq - ref_mean**2 + eps)
    out = (others - mean) / np.sqrt(sq - mean**2 + eps)
    return np.concatenate([out_ref, out])


@pytest.mark.parametrize("shape", [(10, 3), (10, 4, 4, 2)])
def test_matches_the_reference_formula(shape):
    x = np.random.default_rng(0).normal(2.0, 3.0, size=shape).astype("float32")
    np.testing.assert_allclose(np.asarray(VirtualBatchNormalization(6)(x)), reference_vbn(x, 6), rtol=1e-4, atol=1e-5)


def test_a_sample_output_does_not_depend_on_its_batch_mates():
    rng = np.random.default_rng(1)
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), VirtualBatchNormalization(16),
                              keras.layers.ReLU(), keras.layers.Dense(3)])
    generator = WithReferenceBatch(inner, rng.normal(size=(16, 4)))
    z0 = rng.normal(size=(1, 4)).astype("float32")
    a = np.asarray(generator(np.concatenate([z0, rng.normal(size=(7, 4))]).astype("float32"), training=True))[0]
    b = np.asarray(generator(np.concatenate([z0, 50 + rng.normal(size=(2, 4))]).astype("float32"), training=True))[0]
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # Batch norm, by contrast, makes the same sample's output depend on its batch.
    bn = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.BatchNormalization()])
    c = np.asarray(bn(np.concatenate([z0, rng.normal(size=(7, 4))]).astype("float32"), training=True))[0]
    d = np.asarray(bn(np.concatenate([z0, 50 + rng.normal(size=(2, 4))]).astype("float32"), training=True))[0]
    assert not np.allclose(c, d, atol=1e-3)


def test_gradients_flow_through_the_reference_statistics():
    x = tf.Variable(np.random.default_rng(2).normal(size=(5, 3)).astype("float32"))
    layer = VirtualBatchNormalization(3)
    with tf.GradientTape() as tape:
        out = layer(x)[3:]  # only the non-reference rows
        loss = tf.reduce_sum(out * tf.constant([[1.0, -2.0, 0.5]]))
    grads = tape.gradient(loss, x).numpy()
    assert np.abs(grads[:3]).sum() > 1e-4  # the reference rows receive gradient


def test_statistics_in_float32_under_mixed_precision():
    layer = VirtualBatchNormalization(4, dtype="mixed_float16")
    x = (np.random.default_rng(3).normal(size=(8, 3)) * 300).astype("float16")
    out = np.asarray(layer(x))
    assert out.dtype == np.float16 and np.all(np.isfinite(out))
    np.testing.assert_allclose(out.astype("float32"), reference_vbn(x.astype("float32"), 4), rtol=1e-2, atol=1e-2)


def test_with_reference_batch_saves_its_reference(tmp_path):
    rng = np.random.default_rng(4)
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5), VirtualBatchNormalization(8)])
    inputs = keras.Input((4,))
    model = keras.Model(inputs, WithReferenceBatch(inner, rng.normal(size=(8, 4)))(inputs))
    z = rng.normal(size=(3, 4)).astype("float32")
    model.save(tmp_path / "vbn.keras")
    loaded = keras.models.load_model(tmp_path / "vbn.keras")
    np.testing.assert_allclose(loaded.predict(z, verbose=0), model.predict(z, verbose=0), rtol=1e-5)
