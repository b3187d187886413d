"""Utilities: image grids and atomic file writes."""

from keras_gan.utils.files import atomic_path
from keras_gan.utils.images import image_grid, save_image_grid, to_uint8

__all__ = ["atomic_path", "image_grid", "save_image_grid", "to_uint8"]
