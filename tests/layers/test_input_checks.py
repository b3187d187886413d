"""Layers check their input when they are built: the message names the layer, the expected input and the shape
received, instead of an index error from inside `call`."""

import keras
import numpy as np
import pytest

from keras_gan.layers import (
    ImagePool,
    MinibatchDiscrimination,
    MinibatchStandardDeviation,
    SelfAttention,
    VirtualBatchNormalization,
    WithReferenceBatch,
)


def test_self_attention_refuses_flat_features_eagerly_and_in_a_model():
    with pytest.raises(ValueError, match=r"SelfAttention layer 'attend' expects feature maps of shape \(batch, "
                                         r"height, width, channels\).*received an input of shape \(2, 16\)"):
        SelfAttention(name="attend")(np.ones((2, 16), "float32"))
    with pytest.raises(ValueError, match=r"SelfAttention layer .* received an input of shape \(None, 16\)"):
        SelfAttention()(keras.Input((16,)))
    with pytest.raises(ValueError, match=r"known height, width and channels.*\(None, 4, 4, None\)"):
        SelfAttention()(keras.Input((4, 4, None)))
    assert SelfAttention()(keras.Input((4, 4, 8))).shape == (None, 4, 4, 8)  # a feature map still builds


def test_minibatch_discrimination_needs_a_known_feature_size():
    with pytest.raises(ValueError, match=r"MinibatchDiscrimination layer 'md' expects inputs of shape \(batch, "
                                         r"features\).*received an input of shape \(None, None, 4\)"):
        MinibatchDiscrimination(2, 3, name="md")(keras.Input((None, 4)))
    assert MinibatchDiscrimination(2, 3)(keras.Input((2, 3))).shape == (None, 8)


def test_minibatch_stddev_needs_a_fixed_feature_map():
    with pytest.raises(ValueError, match=r"MinibatchStandardDeviation layer 'mbstd' expects inputs of shape "
                                         r"\(batch, height, width, channels\).*\(None, None, None, 3\)"):
        MinibatchStandardDeviation(name="mbstd")(keras.Input((None, None, 3)))
    with pytest.raises(ValueError, match=r"MinibatchStandardDeviation layer .* received an input of shape \(4,\)"):
        MinibatchStandardDeviation()(np.zeros(4, "float32"))


def test_image_pool_needs_images_of_a_fixed_shape():
    with pytest.raises(ValueError, match=r"ImagePool layer 'pool' stores images of a fixed shape.*"
                                         r"\(None, None, None, 3\)"):
        ImagePool(4, name="pool")(keras.Input((None, None, 3)))


def test_virtual_batch_normalization_refuses_a_batch_smaller_than_its_reference():
    with pytest.raises(ValueError, match=r"VirtualBatchNormalization layer 'vbn' reads its first reference_size=8 "
                                         r"rows as the reference batch, but received a batch of 5 rows.*"
                                         r"WithReferenceBatch"):
        VirtualBatchNormalization(8, name="vbn")(np.zeros((5, 3), "float32"))
    layer = VirtualBatchNormalization(4)
    layer(np.zeros((6, 3), "float32"))  # built on a batch of 6: fine
    with pytest.raises(ValueError, match=r"reference_size=4 rows .* a batch of 2 rows"):
        layer(np.zeros((2, 3), "float32"))  # later calls are checked too
    with pytest.raises(ValueError, match=r"known number of channels.*\(None, None\)"):
        VirtualBatchNormalization(4)(keras.Input((None,)))


def test_with_reference_batch_checks_the_reference_against_the_vbn_layers_and_the_input():
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8),
                              VirtualBatchNormalization(16, name="vbn_16"), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match=r"reference batch has 8 rows, but the VirtualBatchNormalization layer\(s\) "
                                         r"'vbn_16' \(reference_size=16\).*reference_size=8"):
        WithReferenceBatch(inner, np.zeros((8, 4)))
    generator = WithReferenceBatch(inner, np.random.default_rng(0).normal(size=(16, 4)))
    with pytest.raises(ValueError, match=r"WithReferenceBatch layer .* rows of shape \(4,\).*received an input "
                                         r"of shape \(3, 5\)"):
        generator(np.zeros((3, 5), "float32"))
    with pytest.raises(ValueError, match=r"`reference` must be an array \(N, \.\.\.\).*shape \(4,\)"):
        WithReferenceBatch(inner, np.zeros(4))
    with pytest.raises(ValueError, match=r"`reference` .* NaN or Inf"):
        WithReferenceBatch(inner, np.full((16, 4), np.nan))
    assert WithReferenceBatch(inner, np.zeros((16, 4)))(np.zeros((3, 4), "float32")).shape == (3, 2)
