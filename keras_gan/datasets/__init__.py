"""Data for GANs: the embedded digits, Stacked MNIST built from them, any TFDS image dataset, toy mixtures."""

from keras_gan.datasets.digits import load_digit_domains, load_digits
from keras_gan.datasets.loader import DatasetUnavailableError, load
from keras_gan.datasets.stacked import STACKED_MODES, load_stacked_digits
from keras_gan.datasets.toy import gaussian_1d, grid_of_gaussians, ring_of_gaussians

__all__ = [
    "load",
    "load_digits",
    "load_digit_domains",
    "load_stacked_digits",
    "STACKED_MODES",
    "DatasetUnavailableError",
    "gaussian_1d",
    "ring_of_gaussians",
    "grid_of_gaussians",
]
