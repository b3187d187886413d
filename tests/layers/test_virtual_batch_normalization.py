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


def _message(call):
    with pytest.raises((TypeError, ValueError)) as error:
        call()
    return f"{type(error.value).__name__}: {error.value}"


def test_arguments_are_refused_with_what_they_count_and_the_value():
    assert _message(lambda: VirtualBatchNormalization(0)) == (
        "ValueError: `reference_size` must be an int >= 1 (N, the leading rows that are the reference batch). "
        "Received: reference_size=0 (the int 0).")
    assert _message(lambda: VirtualBatchNormalization(4, epsilon=-1.0)) == (
        "ValueError: `epsilon` must be a number >= 0 (added to the variance). Received: epsilon=-1.0 (the float -1.0).")
    assert _message(lambda: VirtualBatchNormalization(4, center="yes")) == (
        "TypeError: `center` must be True or False. Received: center='yes' (the string 'yes').")
    assert _message(lambda: VirtualBatchNormalization(4, scale="no")) == (
        "TypeError: `scale` must be True or False. Received: scale='no' (the string 'no').")
    assert VirtualBatchNormalization(4, epsilon=0).epsilon == 0.0


@pytest.mark.parametrize("center, scale", [(True, True), (False, True), (True, False), (False, False)])
def test_gamma_and_beta_exist_as_center_and_scale_say_and_apply_as_in_batch_norm(center, scale):
    """gamma * x_hat + beta, per channel; by default both are learned (ones and zeros at first)."""
    layer = VirtualBatchNormalization(6, center=center, scale=scale) if (center, scale) != (True, True) \
        else VirtualBatchNormalization(6)
    x = np.random.default_rng(5).normal(1.0, 2.0, size=(10, 4, 4, 3)).astype("float32")
    layer.build(x.shape)
    names = [w.name for w in layer.trainable_weights]
    assert names == ["gamma"] * scale + ["beta"] * center
    assert all(tuple(w.shape) == (3,) for w in layer.trainable_weights)
    if scale:
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.gamma), np.ones(3))
        layer.gamma.assign([2.0, -1.0, 0.5])
    if center:
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.beta), np.zeros(3))
        layer.beta.assign([0.3, 0.0, -4.0])
    gamma = np.array([2.0, -1.0, 0.5]) if scale else 1.0
    beta = np.array([0.3, 0.0, -4.0]) if center else 0.0
    np.testing.assert_allclose(np.asarray(layer(x)), reference_vbn(x, 6) * gamma + beta, rtol=1e-4, atol=1e-4)
    config = layer.get_config()
    assert {k: config[k] for k in ("reference_size", "epsilon", "center", "scale")} == {
        "reference_size": 6, "epsilon": 1e-5, "center": center, "scale": scale}


def test_epsilon_is_added_to_the_variance():
    x = np.random.default_rng(6).normal(size=(8, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(VirtualBatchNormalization(4, epsilon=0.5)(x)), reference_vbn(x, 4, eps=0.5),
                               rtol=1e-4, atol=1e-5)


def test_a_batch_of_only_the_reference_rows_is_accepted_and_a_smaller_one_refused_at_build():
    x = np.random.default_rng(7).normal(size=(4, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(VirtualBatchNormalization(4)(x)), reference_vbn(x, 4), rtol=1e-4, atol=1e-5)
    assert "but received a batch of 2 rows" in _message(lambda: VirtualBatchNormalization(4).build((2, 3)))


def test_inputs_need_a_known_channel_axis_only():
    assert _message(lambda: VirtualBatchNormalization(4, name="vbn").build(None)) == (
        "ValueError: VirtualBatchNormalization layer 'vbn' expects inputs of shape (batch, ..., channels) with a "
        "known number of channels, the reference batch in its first reference_size=4 rows; received an input of "
        "shape unknown.")
    assert "received an input of shape (None,)" in _message(lambda: VirtualBatchNormalization(4).build((None,)))
    layer = VirtualBatchNormalization(4)
    layer.build((None, None, 3))  # sequences of any length, 3 channels
    assert tuple(layer.gamma.shape) == (3,)


def _inner(*sizes):
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(8)]
                            + [VirtualBatchNormalization(n, name=f"vbn_{i}") for i, n in enumerate(sizes)])


def test_with_reference_batch_refuses_what_is_not_a_keras_network_or_an_array():
    assert _message(lambda: WithReferenceBatch(len, np.zeros((4, 4)))) == (
        "TypeError: `network` must be a Keras model or layer (Sequential, functional or subclassed) holding the "
        "VirtualBatchNormalization layers. Received: network=<built-in function len> (a builtin_function_or_method).")
    prefix = "`reference` must be an array (N, ...) of N >= 1 reference inputs with finite values"
    assert _message(lambda: WithReferenceBatch(_inner(4), {"a": 1})) == (
        f"TypeError: {prefix}. Received: reference={{'a': 1}} (a dict with keys ['a']).")
    assert _message(lambda: WithReferenceBatch(_inner(4), "abc")) == (
        f"TypeError: {prefix}. Received: reference='abc' (the string 'abc').")
    assert _message(lambda: WithReferenceBatch(_inner(4), np.zeros((0, 4)))) == (
        f"ValueError: {prefix}; received an array of shape (0, 4) and dtype float64. "
        "E.g. np.random.normal(size=(N, latent_dim)).")
    single = WithReferenceBatch(_inner(1), np.ones((1, 4)))  # one reference row is a reference batch
    assert tuple(single(np.zeros((2, 4), "float32")).shape) == (2, 8)


def test_every_vbn_layer_inside_the_network_is_checked_the_network_itself_and_nested_ones_too():
    assert _message(lambda: WithReferenceBatch(_inner(16, 2), np.zeros((8, 4)))) == (
        "ValueError: WithReferenceBatch: the reference batch has 8 rows, but the VirtualBatchNormalization layer(s) "
        "'vbn_0' (reference_size=16), 'vbn_1' (reference_size=2) inside `network` read a different number of "
        "leading rows as their reference. Build them with reference_size=8 (len(reference)), or pass a reference "
        "of that many rows.")
    assert "'alone' (reference_size=8)" in _message(
        lambda: WithReferenceBatch(VirtualBatchNormalization(8, name="alone"), np.zeros((4, 3))))
    nested = keras.Sequential([keras.Input((4,)), _inner(3), keras.layers.Dense(2)])
    assert "'vbn_0' (reference_size=3)" in _message(lambda: WithReferenceBatch(nested, np.zeros((8, 4))))


def test_the_reference_is_a_frozen_variable_holding_the_values_given():
    reference = np.random.default_rng(8).normal(size=(4, 4))
    layer = WithReferenceBatch(_inner(4), reference)
    assert [(v.name, v.trainable) for v in layer.non_trainable_weights] == [("reference", False)]
    assert "reference" not in [v.name for v in layer.trainable_weights]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.reference), reference, rtol=1e-6)
    assert _message(lambda: WithReferenceBatch(_inner(4), reference, name="wrb").build(None)) == (
        "ValueError: WithReferenceBatch layer 'wrb' prepends its reference batch, rows of shape (4,), to its input, so "
        "the input must be (batch,) + (4,); received an input of shape unknown. Pass a reference drawn like the "
        "inputs (e.g. latent vectors of the generator's latent_dim).")


def test_with_reference_batch_builds_an_unbuilt_network_and_passes_training_on():
    inner = keras.Sequential([keras.layers.Dense(8), VirtualBatchNormalization(4), keras.layers.Dropout(0.5)])
    layer = WithReferenceBatch(inner, np.ones((4, 3)))
    layer.build((None, 3))
    assert inner.built and len(inner.weights) == 4  # the Dense kernel and bias, gamma and beta
    z = np.random.default_rng(9).normal(size=(64, 3)).astype("float32")
    inference = np.asarray(layer(z, training=False))
    training = np.asarray(layer(z, training=True))
    assert np.mean(training == 0) > 0.3 > np.mean(inference == 0)  # Dropout acted only when training


def test_a_ragged_reference_is_refused_and_an_integer_one_is_taken_as_float32():
    assert _message(lambda: WithReferenceBatch(_inner(2), [[1.0, 2.0, 3.0, 4.0], [3.0]])) == (
        "TypeError: `reference` must be an array (N, ...) of N >= 1 reference inputs with finite values. "
        "Received: reference=[[1.0, 2.0, 3.0, 4.0], [3.0]] (a list of 2 items (list)).")
    layer = WithReferenceBatch(_inner(2), np.arange(8).reshape(2, 4))
    assert layer.reference.dtype == "float32"
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.reference), np.arange(8).reshape(2, 4))
