"""Counting the modes of Stacked MNIST samples: the digit classifier on each channel."""

import numpy as np

from keras_gan.metrics.classification import predicted_classes
from keras_gan.utils.arguments import received
from keras_gan.utils.messages import describe

_MODES = 1000


def stacked_modes(images, classifier=None, batch_size=500):
    """Modes covered by Stacked MNIST samples, and the KL divergence of their histogram to uniform.

    Each channel of each image is classified as a digit (by the shipped
    digit classifier unless `classifier` is given); the triple of digits is
    the image's mode, `100 * red + 10 * green + blue`. As in VEEGAN and
    PacGAN (26,000 samples), `modes` counts the modes hit at least once and
    `kl` is KL(q || uniform) = log(1000) - H(q), where q is the samples'
    mode histogram: 0 for a perfectly uniform generator, log(1000) = 6.91
    for one that collapsed onto a single mode.

    Args:
        images: Generated images `(n, 28, 28, 3)` in [-1, 1].
        classifier: A Keras model mapping `(n, 28, 28, 1)` images to 10
            class scores; default: the shipped digit classifier.
        batch_size: Images per call of the classifier.

    Returns:
        A dict: `modes` (int), `kl` (float, nats) and `histogram` (int
        array `(1000,)` of samples per mode).

    Example:

    >>> import keras_gan
    >>> x, true_modes = keras_gan.datasets.load_stacked_digits(3_000, seed=1)
    >>> result = stacked_modes(x)
    >>> result["modes"] > 900, result["kl"] < 0.5
    (True, True)
    >>> collapsed = stacked_modes(np.repeat(x[:1], 500, axis=0))
    >>> collapsed["modes"], round(collapsed["kl"], 2)
    (1, 6.91)

    Reference:
        Srivastava et al., "VEEGAN", NeurIPS 2017 (the protocol); Lin et al.,
        "PacGAN", NeurIPS 2018, Table 2.
    """
    array = np.asarray(images) if not hasattr(images, "shape") else images
    shape = tuple(getattr(array, "shape", ()))
    if len(shape) != 4 or shape[-1] != 3:
        raise ValueError("`images` must be Stacked MNIST images of shape (n, height, width, 3), one digit per "
                         f"channel. {received('images.shape', shape) if shape else 'Received: ' + describe(images)}")
    if shape[0] == 0:
        raise ValueError("`images` must hold at least one image. Received: images.shape=" + str(shape))
    array = np.asarray(array, dtype="float32")
    digits = [predicted_classes(array[..., c:c + 1], classifier, batch_size=batch_size) for c in range(3)]
    modes = 100 * digits[0] + 10 * digits[1] + digits[2]
    histogram = np.bincount(modes, minlength=_MODES)
    q = histogram / histogram.sum()
    nonzero = q[q > 0]
    kl = float(np.log(_MODES) + np.sum(nonzero * np.log(nonzero)))
    return {"modes": int((histogram > 0).sum()), "kl": max(kl, 0.0), "histogram": histogram}
