"""Scores of generated samples through a classifier: conditional accuracy, code-class agreement."""

import numpy as np

from keras_gan.utils.arguments import check_int, received
from keras_gan.utils.messages import describe


def _paired(first, second, names):
    """`first` and `second` as flat arrays of the same, non-zero length; else a message naming both."""
    a, b = np.asarray(first).reshape(-1), np.asarray(second).reshape(-1)
    if len(a) != len(b) or not len(a):
        raise ValueError(f"`{names[0]}` and `{names[1]}` must hold one value per sample, as many of each (and at "
                         f"least one); received {len(a)} {names[0]} and {len(b)} {names[1]}.")
    return a, b


def predicted_classes(images, classifier=None, batch_size=500):
    """Class predicted by `classifier` (default: the shipped digit classifier) for each image.

    Args:
        images: Images `(n, 28, 28, 1)` in [-1, 1] (for the default classifier).
        classifier: A Keras model mapping images to class scores; default:
            the shipped digit classifier.
        batch_size: Images per call of the classifier.

    Returns:
        An int array `(n,)` of class indices.

    Example:

    >>> x, y = keras_gan.datasets.load_digits()
    >>> float((predicted_classes(x[:200]) == y[:200]).mean()) > 0.9
    True
    """
    batch_size = check_int(batch_size, "batch_size", what="images per call of the classifier")
    if classifier is not None and not hasattr(classifier, "predict"):
        raise TypeError(f"`classifier` must be a Keras model mapping images to class scores, or None. "
                        f"{received('classifier', classifier)}")
    if classifier is None:
        from keras_gan.metrics.digit_classifier import load_digit_classifier

        classifier = load_digit_classifier()
    images = np.asarray(images)
    if images.ndim < 2 or not len(images) or not np.issubdtype(images.dtype, np.number):
        raise TypeError(f"`images` must be an array of images (n, height, width, channels); received "
                        f"{describe(images)}.")
    expected = getattr(classifier, "input_shape", None)
    if isinstance(expected, tuple) and len(expected) == images.ndim and tuple(expected[1:]) != images.shape[1:]:
        from keras_gan.errors import GANConfigurationError

        raise GANConfigurationError(
            f"The classifier takes images of shape {tuple(expected[1:])}; received images of shape "
            f"{images.shape[1:]}. Resize them, or give a classifier for this image shape."
        )
    probabilities = classifier.predict(images, batch_size=batch_size, verbose=0)
    return np.asarray(probabilities).argmax(axis=-1)


def conditional_accuracy(images, labels, classifier=None):
    """Share of generated images that `classifier` assigns to the class they were asked for.

    The measure of a conditional GAN: generate images of requested classes,
    classify them, count agreement.

    Args:
        images: Generated images.
        labels: The class each image was generated for.
        classifier: A Keras classifier (default: the shipped digit classifier).

    Returns:
        A float in [0, 1].

    Example:

    >>> x, y = keras_gan.datasets.load_digits()
    >>> conditional_accuracy(x[:500], y[:500]) > 0.9   # real digits and their true labels
    True

    Reference:
        Odena, Olah and Shlens, "Conditional Image Synthesis with Auxiliary Classifier GANs",
        ICML 2017.
    """
    images, labels = np.asarray(images), np.asarray(labels).reshape(-1)
    if images.ndim and len(labels) != len(images):
        raise ValueError(f"`labels` must hold one class per image; received {len(labels)} labels for "
                         f"{len(images)} images.")
    return float(np.mean(predicted_classes(images, classifier) == labels))


def majority_vote_accuracy(codes, classes):
    """Accuracy of predicting `classes` from `codes` with each code mapped to its majority class.

    How well an unsupervised categorical code (InfoGAN's) lines up with real
    classes: each code value is mapped to the class most of its samples show,
    then the share of samples whose class matches their code's class is
    returned. With codes independent of classes this is about the largest
    class share (0.1 for ten balanced classes), the chance level to compare with.

    Args:
        codes: Integer code value of each sample.
        classes: Integer class of each sample (e.g. a classifier's prediction).

    Returns:
        `(accuracy, mapping)`: a float, and a dict code value -> majority class.

    Example:

    >>> majority_vote_accuracy([0, 0, 1, 1], [3, 3, 5, 3])
    (0.75, {0: 3, 1: 3})

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by Information Maximizing
        Generative Adversarial Nets", NeurIPS 2016.
    """
    codes, classes = _paired(codes, classes, ("codes", "classes"))
    mapping, correct = {}, 0
    for code in np.unique(codes):
        members = classes[codes == code]
        values, counts = np.unique(members, return_counts=True)
        mapping[int(code)] = int(values[counts.argmax()])
        correct += int(counts.max())
    return correct / len(codes), mapping


def one_to_one_accuracy(codes, classes):
    """Accuracy of the best one-to-one mapping of code values to classes (Hungarian matching).

    Stricter than `majority_vote_accuracy`: two code values cannot both claim
    the same class, so a generator that draws one digit for every code scores
    about `1 / number of codes`, not the share of that digit. The usual
    clustering accuracy.

    Args:
        codes: Integer code value of each sample.
        classes: Integer class of each sample.

    Returns:
        `(accuracy, mapping)`: a float, and a dict code value -> class.

    Example:

    >>> one_to_one_accuracy([0, 0, 1, 1], [3, 3, 5, 3])
    (0.75, {0: 3, 1: 5})

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by Information Maximizing
        Generative Adversarial Nets", NeurIPS 2016.
    """
    from scipy.optimize import linear_sum_assignment

    codes, classes = _paired(codes, classes, ("codes", "classes"))
    code_values, code_index = np.unique(codes, return_inverse=True)
    class_values, class_index = np.unique(classes, return_inverse=True)
    counts = np.zeros((len(code_values), len(class_values)))
    np.add.at(counts, (code_index, class_index), 1)
    rows, cols = linear_sum_assignment(-counts)
    mapping = {int(code_values[r]): int(class_values[c]) for r, c in zip(rows, cols)}
    return float(counts[rows, cols].sum() / len(codes)), mapping
