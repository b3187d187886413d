"""MinibatchDiscrimination against a NumPy implementation of Salimans et al.'s formula."""

import keras
import numpy as np
import pytest

from keras_gan.layers import MinibatchDiscrimination


def reference(x, T, exclude_self=True, mean=False):
    """o(x_i)_b = sum_j exp(-||M_ib - M_jb||_1), M = x T, j != i (the 1e6 on the diagonal); mean: / (N - 1)."""
    m = np.einsum("na,abc->nbc", x, T)
    distances = np.abs(m[:, None] - m[None, :]).sum(-1)  # (N, N, B)
    if exclude_self:
        distances = distances + 1e6 * np.eye(len(x))[:, :, None]
    o = np.exp(-distances).sum(1)
    return np.concatenate([x, o / (len(x) - 1) if mean else o], axis=1)


def test_the_paper_form_is_the_default_and_matches_the_formula_with_self_distance_excluded():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 4)).astype("float32")
    layer = MinibatchDiscrimination(num_kernels=3, kernel_dim=2, kernel_initializer="random_normal")
    assert layer.reduction == "sum"
    out = np.asarray(layer(x))
    T = np.asarray(layer.kernel).reshape(4, 3, 2)
    np.testing.assert_allclose(out, reference(x, T), rtol=1e-5, atol=1e-6)
    # With the self-distance included, each o would be 1 larger: the layer must not do that.
    assert not np.allclose(out, reference(x, T, exclude_self=False), atol=0.5)


def test_the_normalized_variant_is_the_mean_over_the_other_samples():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(6, 4)).astype("float32") * 0.1
    layer = MinibatchDiscrimination(num_kernels=3, kernel_dim=2, reduction="mean")
    out = np.asarray(layer(x))
    T = np.asarray(layer.kernel).reshape(4, 3, 2)
    np.testing.assert_allclose(out, reference(x, T, mean=True), rtol=1e-5, atol=1e-6)
    assert out[:, 4:].max() > 0.5  # close samples: well above 0, and the sum would be 5x larger


def test_the_mean_does_not_grow_with_the_batch():
    """The issue: the sum's features grow with the batch (saturating the logit); the mean's do not."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(256, 16)).astype("float32")
    means, sums = [], []
    for batch in (8, 64, 256):
        for reduction, found in (("mean", means), ("sum", sums)):
            layer = MinibatchDiscrimination(20, 5, kernel_initializer=keras.initializers.RandomNormal(0.05, seed=1),
                                            reduction=reduction)
            found.append(float(np.asarray(layer(x[:batch]))[:, 16:].mean()))
    assert sums[2] > 10 * sums[0]
    assert max(means) < 1.0 and max(means) / min(means) < 1.5


def test_identical_samples_are_flagged():
    """A collapsed batch (all samples equal) gets o = N - 1 per kernel (mean: 1); a varied one much less."""
    same = np.ones((5, 4), "float32")
    np.testing.assert_allclose(np.asarray(MinibatchDiscrimination(2, 3)(same))[:, 4:], 4.0, rtol=1e-6)
    layer = MinibatchDiscrimination(num_kernels=2, kernel_dim=3, reduction="mean")
    np.testing.assert_allclose(np.asarray(layer(same))[:, 4:], 1.0, rtol=1e-6)
    varied = np.random.default_rng(1).normal(size=(5, 4)).astype("float32") * 100
    assert np.asarray(layer(varied))[:, 4:].max() < 0.25  # far below the 1.0 of a collapsed batch


def test_a_batch_of_one_has_no_closeness():
    for reduction in ("sum", "mean"):
        out = np.asarray(MinibatchDiscrimination(2, 3, reduction=reduction)(np.ones((1, 4), "float32")))
        np.testing.assert_array_equal(out[:, 4:], 0.0)


def test_layers_saved_before_reduction_existed_load_as_the_sum():
    config = MinibatchDiscrimination(4, 2, reduction="mean").get_config()
    assert config["reduction"] == "mean"
    del config["reduction"]
    assert MinibatchDiscrimination.from_config(config).reduction == "sum"
    assert MinibatchDiscrimination.from_config({**config, "reduction": "mean"}).reduction == "mean"


def test_images_are_flattened_and_the_layer_serializes(tmp_path):
    inputs = keras.Input((3, 3, 2))
    out = MinibatchDiscrimination(4, 2, reduction="mean", name="mbd")(inputs)
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
    with pytest.raises(ValueError, match="reduction"):
        MinibatchDiscrimination(2, 3, reduction="max")


def _message(call):
    with pytest.raises((TypeError, ValueError)) as error:
        call()
    return f"{type(error.value).__name__}: {error.value}"


def test_every_argument_is_refused_with_what_it_counts_and_the_value():
    assert _message(lambda: MinibatchDiscrimination(0, 3)) == (
        "ValueError: `num_kernels` must be an int >= 1 (B, the kernels added as features). "
        "Received: num_kernels=0 (the int 0).")
    assert _message(lambda: MinibatchDiscrimination(2, 0)) == (
        "ValueError: `kernel_dim` must be an int >= 1 (C, the dimension of each kernel's projection). "
        "Received: kernel_dim=0 (the int 0).")
    assert _message(lambda: MinibatchDiscrimination(2, 3, reduction="max")) == (
        "ValueError: `reduction` must be one of 'sum', 'mean'. Received: reduction='max' (the string 'max').")
    assert _message(lambda: MinibatchDiscrimination(2, 3, kernel_initializer="nope")) == (
        "ValueError: `kernel_initializer` must be a Keras initializer, its name (e.g. 'glorot_uniform') or None. "
        "Received: kernel_initializer='nope' (the string 'nope').")
    assert _message(lambda: MinibatchDiscrimination(2, 3, name="md").build(None)) == (
        "ValueError: MinibatchDiscrimination layer 'md' expects inputs of shape (batch, features) or (batch, ...) "
        "with every axis but the batch known (they are flattened to (batch, A)); received an input of shape "
        "unknown. Give it features of a fixed size (e.g. after keras.layers.Flatten()).")
    for shape in [(None,), (None, None), (None, 3, None)]:
        message = _message(lambda shape=shape: MinibatchDiscrimination(2, 3).build(shape))
        assert f"received an input of shape {shape}" in message


def test_defaults_and_the_kernel_they_build():
    """Salimans et al.'s reference code: B = 100 kernels of C = 5, T drawn from N(0, 0.05^2), the sum."""
    layer = MinibatchDiscrimination()
    layer.build((None, 3, 4))
    assert (layer.num_kernels, layer.kernel_dim, layer.reduction, layer.features) == (100, 5, "sum", 12)
    assert [(w.name, tuple(w.shape), w.trainable) for w in layer.weights] == [("kernel", (12, 500), True)]
    kernel = keras.ops.convert_to_numpy(layer.kernel)
    assert abs(kernel.mean()) < 0.01 and 0.045 < kernel.std() < 0.055
    config = layer.get_config()
    assert config["kernel_initializer"]["class_name"] == "RandomNormal"
    assert config["kernel_initializer"]["config"]["stddev"] == 0.05
    assert (config["num_kernels"], config["kernel_dim"], config["reduction"]) == (100, 5, "sum")
    ones = MinibatchDiscrimination(2, 3, kernel_initializer="ones")
    ones.build((None, 4))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(ones.kernel), np.ones((4, 6)))
    assert tuple(ones.compute_output_shape((None, 4))) == (None, 6)


def test_a_batch_of_two_is_the_closeness_to_the_other_sample():
    """With N = 2 the mean over the N - 1 others is the other sample's term itself, equal to the sum."""
    x = np.random.default_rng(6).normal(size=(2, 4)).astype("float32") * 0.1
    for reduction in ("mean", "sum"):
        layer = MinibatchDiscrimination(3, 2, kernel_initializer=keras.initializers.RandomNormal(0.05, seed=2),
                                        reduction=reduction)
        out = np.asarray(layer(x))
        np.testing.assert_allclose(out, reference(x, np.asarray(layer.kernel).reshape(4, 3, 2)), rtol=1e-5, atol=1e-6)


def test_under_mixed_precision_it_returns_the_compute_dtype():
    layer = MinibatchDiscrimination(3, 2, reduction="mean", dtype="mixed_float16")
    x = np.random.default_rng(7).normal(size=(5, 4)).astype("float16")
    out = layer(x)
    assert keras.backend.standardize_dtype(out.dtype) == "float16"
    reference_out = reference(x.astype("float32"), np.asarray(layer.kernel).reshape(4, 3, 2), mean=True)
    np.testing.assert_allclose(np.asarray(out, "float32"), reference_out, rtol=1e-2, atol=1e-2)
