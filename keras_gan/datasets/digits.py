"""The 5,000 real MNIST digits embedded in the package (see data/README.md)."""

import os

import numpy as np

DIGITS_PATH = os.path.join(os.path.dirname(__file__), "data", "mnist_5k.npz")


def load_digits(seed=0, scale=(-1.0, 1.0)):
    """Loads the embedded digits as shuffled float arrays.

    Args:
        seed: Seed of the shuffle (the archive is sorted by class).
        scale: Range the grey levels 0-255 are mapped to.

    Returns:
        `(images, labels)`: float32 `(5000, 28, 28, 1)` in `scale`, and int32
        `(5000,)` digit classes.

    Example:

    >>> x, y = load_digits()
    >>> x.shape, float(x.min()), float(x.max()), len(set(y[:100]))
    ((5000, 28, 28, 1), -1.0, 1.0, 10)

    Reference:
        LeCun et al., "Gradient-Based Learning Applied to Document Recognition", Proc. IEEE 1998
        (MNIST).
    """
    with np.load(DIGITS_PATH) as archive:
        images, labels = archive["images"], archive["labels"]
    order = np.random.default_rng(seed).permutation(len(images))
    low, high = scale
    images = images[order].astype("float32")[..., None] / 255.0 * (high - low) + low
    return images, labels[order].astype("int32")


DOMAIN_TRANSFORMS = ("thicken", "invert")


def load_digit_domains(transform="thicken", seed=0):
    """Two unpaired image domains built offline from the digits, for CycleGAN.

    Domain A is the first 2,500 shuffled digits as they are; domain B is the
    other 2,500 with `transform` applied, so no image of B is the
    transformed copy of an image of A (the setting CycleGAN is for).

    Args:
        transform: `"thicken"` (grey dilation with a 3x3 window: bolder
            strokes) or `"invert"` (white digits on black become black on white).
        seed: Seed of the shuffle.

    Returns:
        `(images_a, images_b, transform_fn)`: two float32 arrays
        `(2500, 28, 28, 1)` in [-1, 1], and the function that maps A-style
        images to B-style ones (to measure a translation against).

    Example:

    >>> a, b, to_b = load_digit_domains("thicken")
    >>> a.shape, b.shape, bool((to_b(a[:1]) >= a[:1]).all())
    ((2500, 28, 28, 1), (2500, 28, 28, 1), True)

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
        Networks", ICCV 2017.
    """
    if transform not in DOMAIN_TRANSFORMS:
        raise ValueError(f"`transform` must be one of {DOMAIN_TRANSFORMS}. Received: {transform!r}.")
    images, _ = load_digits(seed=seed)

    def to_b(x):
        x = np.asarray(x, dtype="float32")
        if transform == "invert":
            return -x
        from scipy.ndimage import grey_dilation

        return grey_dilation(x, size=(1, 3, 3, 1)).astype("float32")

    return images[:2500], to_b(images[2500:]), to_b
