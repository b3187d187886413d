import numpy as np
from PIL import Image

from keras_gan.utils import image_grid, save_image_grid, to_uint8


def test_to_uint8_maps_the_tanh_range():
    np.testing.assert_array_equal(to_uint8(np.array([-1.0, 0.0, 1.0, 2.0])), [0, 128, 255, 255])


def test_grid_layout_places_each_tile():
    images = np.stack([np.full((2, 3, 1), v) for v in (-1.0, 1.0, -1.0, 1.0, 1.0)])
    grid = image_grid(images, rows=2, padding=1)
    assert grid.shape == (2 * 2 + 1, 3 * 3 + 2, 1)
    assert grid[0, 0, 0] == 0 and grid[0, 4, 0] == 255 and grid[3, 4, 0] == 255


def test_save_image_grid_writes_a_png(tmp_path):
    path = save_image_grid(np.zeros((4, 5, 5, 3)), tmp_path / "g.png", scale=2, rows=2)
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (2 * 12, 2 * 12) and image.mode == "RGB"
