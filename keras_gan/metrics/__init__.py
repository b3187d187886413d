"""Sample-quality measures for GANs."""

from keras_gan.metrics.classification import (
    conditional_accuracy,
    majority_vote_accuracy,
    one_to_one_accuracy,
    predicted_classes,
)
from keras_gan.metrics.digit_classifier import (
    build_digit_classifier,
    digit_classifier_info,
    digit_feature_extractor,
    load_digit_classifier,
)
from keras_gan.metrics.mode_coverage import mode_coverage

__all__ = [
    "build_digit_classifier",
    "load_digit_classifier",
    "digit_feature_extractor",
    "digit_classifier_info",
    "conditional_accuracy",
    "majority_vote_accuracy",
    "one_to_one_accuracy",
    "predicted_classes",
    "mode_coverage",
]
