"""Stacked MNIST: three embedded digits as the red, green and blue channels of one image (1,000 modes)."""

import numpy as np

from keras_gan.datasets.digits import load_digits
from keras_gan.utils.arguments import check_int

#: Modes of Stacked MNIST: one per (red, green, blue) digit triple.
STACKED_MODES = 1000


def load_stacked_digits(n=50_000, seed=0, scale=(-1.0, 1.0)):
    """Stacked MNIST built offline from the embedded digits.

    Each image stacks three digits drawn independently and uniformly from
    the 5,000 embedded ones as its three channels, so the data has 1,000
    modes (every triple of classes), each with probability about 1/1,000.
    Its mode is `100 * red + 10 * green + blue`. The test of mode collapse of
    Metz et al. (2017), used by VEEGAN and PacGAN.

    Args:
        n: Number of images.
        seed: Seed of the draws.
        scale: Range of the grey levels (as `load_digits`).

    Returns:
        `(images, modes)`: float32 `(n, 28, 28, 3)` and int32 `(n,)` in [0, 1000).

    Example:

    >>> x, modes = load_stacked_digits(2_000, seed=0)
    >>> x.shape, int(modes.min()) >= 0, int(modes.max()) < 1000
    ((2000, 28, 28, 3), True, True)
    >>> x_digits, y_digits = load_digits()
    >>> # the red channel of the first image is one of the embedded digits, with its class
    >>> int(modes[0]) // 100 in set(y_digits[(x_digits[..., 0] == x[0, ..., 0]).all(axis=(1, 2))].tolist())
    True

    Reference:
        Metz et al., "Unrolled Generative Adversarial Networks", ICLR 2017;
        Srivastava et al., "VEEGAN", NeurIPS 2017; Lin et al., "PacGAN", NeurIPS 2018.
    """
    n = check_int(n, "n", what="the number of stacked images")
    digits, labels = load_digits(seed=0, scale=scale)
    picks = np.random.default_rng(seed).integers(0, len(digits), size=(n, 3))
    images = np.concatenate([digits[picks[:, c]] for c in range(3)], axis=-1)
    modes = (100 * labels[picks[:, 0]] + 10 * labels[picks[:, 1]] + labels[picks[:, 2]]).astype("int32")
    return images, modes
