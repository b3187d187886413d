"""MinibatchDiscrimination against a NumPy implementation of Salimans et al.'s formula."""

import keras
import numpy as np
import pytest

from keras_gan.layers import MinibatchDiscrimination


def reference(x, T, exclude_self=True):
    """o(x_i)_b = sum_j exp(-||M_ib - M_jb||_1), M = x T, j != i (the 1e6 on the diagonal)."""
    m = np.einsum("na,abc->nbc", x, T)
    distances = np.abs(m[:, None] - m[None, :]).sum(-1)  # (N, N, B)
    if exclude_self:
        distances = distances + 1e6 * np.eye(len(x))[:, :, None]
    return np.concatenate([x, np.exp(-distances).sum(1)], axis=1)


def test_matches_the_formula_with_self_distance_excluded():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 4)).astype("float32")
    layer = MinibatchDiscrimination(num_kernels=3, kernel_dim=2, kernel_initializer="random_normal")
    out = np.asarray(layer(x))
    T = np.asarray(layer.kernel).reshape(4, 3, 2)
    np.testing.assert_allclose(out, reference(x, T), rtol=1e-5, atol=1e-6)
    # With the self-distance included, each o would be 1 larger: the layer must not do that.
    assert not np.allclose(out, reference(x, T, exclude_self=False), atol=0.5)


def test_identical_samples_are_flagged():
    """A collapsed batch (all samples equal) gets o = N - 1 per kernel; a varied one much less."""
    layer = MinibatchDiscrimination(num_kernels=2, kernel_dim=3)
    same = np.ones((5, 4), "float32")
    np.testing.assert_allclose(np.asarray(layer(same))[:, 4:], 4.0, rtol=1e-6)
    varied = np.random.default_rng(1).normal(size=(5, 4)).astype("float32") * 100
    assert np.asarray(layer(varied))[:, 4:].max() < 1.0  # far below the 4.0 of a collapsed batch


def test_images_are_flattened_and_the_layer_serializes(tmp_path):
    inputs = keras.Input((3, 3, 2))
    out = MinibatchDiscrimination(4, 2, name="mbd")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(out))
    assert model.get_layer("mbd").output.shape == (None, 18 + 4)
    x = np.random.default_rng(2).normal(size=(4, 3, 3, 2)).astype("float32")
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", safe_mode=True)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5)


def test_extreme_inputs_stay_finite():
    layer = MinibatchDiscrimination(2, 2)
    out = np.asarray(layer(np.array([[1e4, -1e4], [-1e4, 1e4], [0.0, 0.0]], "float32")))
    assert np.all(np.isfinite(out))


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="num_kernels"):
        MinibatchDiscrimination(0, 3)
