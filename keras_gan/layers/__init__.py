"""Layers for GANs, written in `keras.ops` so they run on every Keras backend."""

from keras_gan.layers.image_pool import ImagePool

__all__ = ["ImagePool"]
