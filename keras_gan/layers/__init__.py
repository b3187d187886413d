"""Layers for GANs, written in `keras.ops` so they run on every Keras backend."""

from keras_gan.layers.image_pool import ImagePool
from keras_gan.layers.minibatch_discrimination import MinibatchDiscrimination
from keras_gan.layers.minibatch_stddev import MinibatchStandardDeviation
from keras_gan.layers.self_attention import SelfAttention
from keras_gan.layers.virtual_batch_normalization import VirtualBatchNormalization, WithReferenceBatch

__all__ = [
    "ImagePool",
    "MinibatchDiscrimination",
    "MinibatchStandardDeviation",
    "SelfAttention",
    "VirtualBatchNormalization",
    "WithReferenceBatch",
]
