"""Image grids of generated samples, saved with Pillow."""

import math

import numpy as np
from PIL import Image

from keras_gan.utils.files import atomic_path


def to_uint8(images, value_range=(-1.0, 1.0)):
    """Maps images from `value_range` to uint8 0-255, clipping outliers.

    Args:
        images: Array of images.
        value_range: `(low, high)` of the input values.

    Returns:
        A uint8 array of the same shape.

    Example:

    >>> to_uint8(np.array([-1.0, 0.0, 1.0, 3.0])).tolist()
    [0, 128, 255, 255]
    """
    low, high = value_range
    images = (np.asarray(images, dtype="float32") - low) / (high - low)
    return np.round(np.clip(images, 0.0, 1.0) * 255.0).astype("uint8")


def image_grid(images, rows=None, padding=2, value_range=(-1.0, 1.0)):
    """Tiles a batch of images `(n, h, w, c)` into one uint8 image.

    Args:
        images: Array `(n, h, w)` or `(n, h, w, c)` with c in {1, 3}.
        rows: Number of rows; default a near-square grid.
        padding: Pixels between tiles.
        value_range: Range of the input values.

    Returns:
        A uint8 array `(H, W, c)`.

    Example:

    >>> image_grid(np.zeros((4, 28, 28, 1)), padding=0).shape
    (56, 56, 1)
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            "image_grid needs images of shape (n, height, width, channels) with 1 "
            f"or 3 channels; received shape {images.shape}."
        )
    n, h, w, c = images.shape
    rows = rows or int(math.floor(math.sqrt(n)))
    rows = max(1, min(rows, n))
    cols = int(math.ceil(n / rows))
    grid = np.zeros(
        (rows * h + (rows - 1) * padding, cols * w + (cols - 1) * padding, c), dtype="uint8"
    )
    tiles = to_uint8(images, value_range)
    for index in range(n):
        r, col = divmod(index, cols)
        y, x = r * (h + padding), col * (w + padding)
        grid[y : y + h, x : x + w] = tiles[index]
    return grid


def save_image_grid(images, path, rows=None, scale=1, value_range=(-1.0, 1.0)):
    """Saves a grid of images as a PNG, atomically.

    Args:
        images: Array `(n, h, w[, c])`.
        path: Destination `.png` file.
        rows: Number of rows.
        scale: Integer upscaling factor (nearest neighbour) for legibility.
        value_range: Range of the input values.

    Returns:
        The path written.

    Example:

    >>> import os, tempfile
    >>> path = save_image_grid(np.zeros((6, 8, 8, 1)), os.path.join(tempfile.mkdtemp(), "grid.png"), rows=2)
    >>> from PIL import Image
    >>> Image.open(path).size   # 3 columns and 2 rows of 8x8 images, with padding
    (...)
    """
    grid = image_grid(images, rows=rows, value_range=value_range)
    image = Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid)
    if scale and scale != 1:
        image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
    with atomic_path(path) as tmp:
        image.save(tmp, format="PNG")
    return path
