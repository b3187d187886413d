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
from keras_gan.metrics.distances import (
    feature_statistics,
    frechet_distance,
    frechet_distance_from_statistics,
    kernel_distance,
)
from keras_gan.metrics.feature_metrics import (
    ClassifierScore,
    DensityCoverage,
    DigitClassifierScore,
    DigitDensityCoverage,
    DigitFrechetDistance,
    DigitPrecisionRecall,
    FrechetDistance,
    FrechetInceptionDistance,
    InceptionScore,
    KernelDistance,
    KernelInceptionDistance,
    PrecisionRecall,
)
from keras_gan.metrics.feature_metrics import get as get_metric
from keras_gan.metrics.inception import InceptionPreprocessing, inception_v3
from keras_gan.metrics.mode_coverage import mode_coverage
from keras_gan.metrics.prdc import density_coverage, precision_recall
from keras_gan.metrics.stacked_modes import stacked_modes

__all__ = [
    "stacked_modes",
    "build_digit_classifier",
    "load_digit_classifier",
    "digit_feature_extractor",
    "digit_classifier_info",
    "conditional_accuracy",
    "majority_vote_accuracy",
    "one_to_one_accuracy",
    "predicted_classes",
    "mode_coverage",
    "feature_statistics",
    "frechet_distance",
    "frechet_distance_from_statistics",
    "kernel_distance",
    "precision_recall",
    "density_coverage",
    "FrechetDistance",
    "FrechetInceptionDistance",
    "KernelDistance",
    "KernelInceptionDistance",
    "ClassifierScore",
    "InceptionScore",
    "DigitFrechetDistance",
    "DigitClassifierScore",
    "PrecisionRecall",
    "DensityCoverage",
    "DigitPrecisionRecall",
    "DigitDensityCoverage",
    "InceptionPreprocessing",
    "inception_v3",
    "get_metric",
]
