"""Keras Tuner integration: a HyperModel whose objective is a sample-quality metric.

Needs the `tune` extra: `pip install "keras-gan[tune]"`.
"""

from keras_gan.tuning.hypermodel import DEFAULT_SEARCH_SPACE, GANHyperModel

__all__ = ["GANHyperModel", "DEFAULT_SEARCH_SPACE"]
