"""A small digit classifier shipped with the package, for offline sample-quality scores.

Trained by `scripts/train_digit_classifier.py` on the first 4,000 of the
embedded digits (`keras_gan.datasets.load_digits(seed=0)` order); its accuracy
on the other 1,000 is stored beside the weights (`DIGIT_CLASSIFIER_INFO`).
It judges generated digits without a download: which class a sample shows
and how confidently, and its 128-unit penultimate layer gives features for a
Frechet distance on digits.
"""

import json
import os

import keras
from keras import layers

_DATA = os.path.join(os.path.dirname(__file__), "data")
DIGIT_CLASSIFIER_WEIGHTS = os.path.join(_DATA, "digit_classifier.weights.h5")
DIGIT_CLASSIFIER_INFO = os.path.join(_DATA, "digit_classifier.json")
FEATURE_LAYER = "features"


def build_digit_classifier():
    """The classifier's architecture, untrained: 28x28x1 in [-1, 1] -> 10 softmax probabilities.

    Returns:
        A `keras.Sequential` (Conv 32 - pool - Conv 64 - pool - Dense 128 -
        Dense 10).

    Example:

    >>> build_digit_classifier().output_shape
    (None, 10)
    """
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.3),
            layers.Dense(128, activation="relu", name=FEATURE_LAYER),
            layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="digit_classifier",
    )


def load_digit_classifier():
    """The trained classifier shipped with keras-gan (no download).

    Returns:
        A `keras.Sequential` taking digits in [-1, 1], shape `(n, 28, 28, 1)`,
        and returning class probabilities.

    Example:

    >>> classifier = load_digit_classifier()
    >>> x, y = keras_gan.datasets.load_digits()
    >>> float((classifier.predict(x[4000:], verbose=0).argmax(1) == y[4000:]).mean()) > 0.95
    True
    """
    if not os.path.exists(DIGIT_CLASSIFIER_WEIGHTS):
        raise FileNotFoundError(
            f"The digit classifier's weights are missing ({DIGIT_CLASSIFIER_WEIGHTS}). "
            "Reinstall keras-gan, or run `python scripts/train_digit_classifier.py`."
        )
    model = build_digit_classifier()
    model.load_weights(DIGIT_CLASSIFIER_WEIGHTS)
    return model


def digit_feature_extractor(classifier=None):
    """The classifier cut at its 128-unit `features` layer, for Frechet distances.

    Args:
        classifier: A classifier from `load_digit_classifier` (loaded if None).

    Returns:
        A `keras.Model`, digits -> 128 features.

    Example:

    >>> x, _ = keras_gan.datasets.load_digits()
    >>> digit_feature_extractor().predict(x[:4], verbose=0).shape
    (4, 128)

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
        Equilibrium", NeurIPS 2017 (FID).
    """
    classifier = load_digit_classifier() if classifier is None else classifier
    try:
        features = classifier.get_layer(FEATURE_LAYER).output
    except (AttributeError, ValueError):
        from keras_gan.utils.arguments import received

        raise TypeError(
            f"`classifier` must be None or a digit classifier from load_digit_classifier() (a Keras model with a "
            f"'{FEATURE_LAYER}' layer). {received('classifier', classifier)}"
        ) from None
    return keras.Model(classifier.inputs[0], features, name="digit_features")


def digit_classifier_info():
    """How the shipped classifier was trained and its held-out accuracy (a dict).

    Returns:
        A dict: `train` and `test` (how the data was split), `epochs` and
        `test_accuracy` (on digits it never saw).

    Example:

    >>> digit_classifier_info()["test_accuracy"] > 0.9
    True
    """
    with open(DIGIT_CLASSIFIER_INFO) as f:
        return json.load(f)
