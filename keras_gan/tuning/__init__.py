"""Keras Tuner integration: a HyperModel whose objective is a sample-quality metric.

Keras Tuner is installed with keras-gan.
"""

from keras_gan.tuning.hypermodel import DEFAULT_SEARCH_SPACE, GANHyperModel

__all__ = ["GANHyperModel", "DEFAULT_SEARCH_SPACE"]
