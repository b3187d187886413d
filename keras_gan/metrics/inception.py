"""InceptionV3 as the feature extractor of FID, KID and the Inception Score.

Keras downloads the ImageNet weights on first use (into `~/.keras/models`).
Offline, pass `weights="/path/to/the.h5"` (the file Keras would download) or
give the metrics any Keras model as `feature_extractor`/`classifier`.
"""

import functools
import numbers
import os

import keras
from keras import ops

from keras_gan.utils.arguments import check_bool, check_int, check_value_range, received

INCEPTION_SIZE = 299
_WEIGHTS = {
    # include_top: (file name, URL, MD5) as keras.applications.InceptionV3 uses them.
    False: (
        "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
        "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "bcbd6486424b2319ff4ef7d526e38f63",
    ),
    True: (
        "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
        "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
        "9a0d58056eeedaa3f26cb7ebd46da564",
    ),
}


@keras.saving.register_keras_serializable(package="keras_gan")
class InceptionPreprocessing(keras.layers.Layer):
    """Maps images in `value_range` to InceptionV3's input: 299x299 RGB in [-1, 1].

    Grayscale images are repeated over three channels; images are resized
    bilinearly (with antialiasing when shrinking), as the FID reference
    resizes its inputs.

    Args:
        value_range: The images' `(min, max)`, e.g. `(-1, 1)` for a tanh
            generator, `(0, 1)` for sigmoid, `(0, 255)` for raw pixels.
        size: Output height and width (299).

    Example:

    >>> layer = InceptionPreprocessing(value_range=(0, 1))
    >>> tuple(layer(np.ones((2, 28, 28, 1))).shape)
    (2, 299, 299, 3)

    Reference:
        Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016.
    """

    def __init__(self, value_range=(-1.0, 1.0), size=INCEPTION_SIZE, **kwargs):
        super().__init__(**kwargs)
        self.value_range = check_value_range(value_range)
        self.size = check_int(size, "size", what="output height and width")

    def call(self, images):
        images = ops.cast(images, "float32")
        if images.shape[-1] == 1:
            images = ops.repeat(images, 3, axis=-1)
        elif images.shape[-1] != 3:
            raise ValueError(
                f"InceptionV3 takes images with 1 or 3 channels; received {images.shape[-1]} "
                f"(shape {tuple(images.shape)})."
            )
        images = ops.image.resize(images, (self.size, self.size), interpolation="bilinear", antialias=True)
        low, high = self.value_range
        return (images - low) * (2.0 / (high - low)) - 1.0

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, 3)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range, "size": self.size}


def check_weights(weights):
    """`weights` if it names InceptionV3's weights: `"imagenet"`, None, or an existing file.

    Args:
        weights: What the user passed.

    Returns:
        `weights` (a path as a string).

    Raises:
        TypeError: for anything but a string, a path or None.
        FileNotFoundError: for a path with no file.

    Example:

    >>> check_weights("imagenet"), check_weights(None)
    ('imagenet', None)
    """
    if weights is None or (isinstance(weights, str) and weights == "imagenet"):
        return weights
    if not isinstance(weights, (str, os.PathLike)):
        raise TypeError("`weights` must be 'imagenet', None (random weights) or the path of an .h5 file saved by "
                        f"keras.applications.InceptionV3. {received('weights', weights)}")
    weights = os.fspath(weights)
    if not os.path.isfile(weights):
        raise FileNotFoundError(
            f"No InceptionV3 weights file at {weights!r}. Pass 'imagenet' (downloads) or the path "
            "of an .h5 file saved by keras.applications.InceptionV3."
        )
    return weights


def inception_weights(weights, include_top):
    """Resolves `weights` to a local file (downloading ImageNet weights if asked), or None."""
    weights = check_weights(weights)
    if weights is None:
        return None
    if weights == "imagenet":
        fname, url, md5 = _WEIGHTS[bool(include_top)]
        try:
            return keras.utils.get_file(fname, url, cache_subdir="models", file_hash=md5)
        except Exception as error:  # noqa: BLE001 - any download failure gets one clear message
            raise OSError(
                f"Could not get InceptionV3's ImageNet weights ({fname}) from {url}: "
                f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}. "
                "Are you offline? Download that file on a machine with network access and pass "
                "`weights='/path/to/" + fname + "'`, or give the metric your own Keras model "
                "(`feature_extractor=` / `classifier=`), e.g. "
                "`keras_gan.metrics.digit_feature_extractor()` for 28x28 digits."
            ) from None
    return weights


def inception_v3(input_shape, weights="imagenet", value_range=(-1.0, 1.0), include_top=False):
    """InceptionV3 with preprocessing built in: images -> 2048 pool features or class probabilities.

    Args:
        input_shape: `(height, width, channels)` of the images (channels 1 or 3).
        weights: `"imagenet"` (Keras downloads them once), a path to the
            weights file, or None (random weights: for tests only).
        value_range: The images' `(min, max)`.
        include_top: False: the 2048-unit average-pooled features (FID, KID);
            True: the 1000 ImageNet class probabilities (Inception Score).

    Returns:
        A `keras.Model` from images of `input_shape` to features or probabilities.

    Raises:
        OSError: The ImageNet weights cannot be downloaded (offline); the
            message says how to work offline.

    Example:

    >>> keras_gan.metrics.inception_v3((28, 28, 1), weights=None).output_shape  # random weights
    (None, 2048)

    With the ImageNet weights:

    ```python
    network = keras_gan.metrics.inception_v3((28, 28, 1), weights="imagenet")   # or weights="inception.h5" offline
    features = network.predict(images)                                           # (n, 2048)
    ```

    Reference:
        Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016.
    """
    shape = tuple(input_shape) if isinstance(input_shape, (list, tuple)) else None
    sizes = shape is not None and all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0
                                      for d in shape)
    if not sizes or len(shape) != 3 or shape[-1] not in (1, 3):
        raise (TypeError if shape is None else ValueError)(
            "`input_shape` must be (height, width, channels) with positive ints and 1 or 3 channels. "
            + received("input_shape", input_shape)
        )
    value_range = check_value_range(value_range)
    include_top = check_bool(include_top, "include_top")
    path = inception_weights(weights, include_top)
    inputs = keras.Input(shape)
    x = InceptionPreprocessing(value_range, name="inception_preprocessing")(inputs)
    if include_top:
        base = keras.applications.InceptionV3(include_top=True, weights=None,
                                              classifier_activation="softmax")
    else:
        base = keras.applications.InceptionV3(include_top=False, weights=None, pooling="avg",
                                              input_shape=(INCEPTION_SIZE, INCEPTION_SIZE, 3))
    if path is not None:
        base.load_weights(path)
    return keras.Model(inputs, base(x), name="inception_v3_probabilities" if include_top else "inception_v3_features")


@functools.lru_cache(maxsize=4)
def shared_inception_v3(input_shape, weights, value_range, include_top):
    """`inception_v3`, built once per configuration: FID and KID on the same images share it."""
    return inception_v3(input_shape, weights, value_range, include_top)
