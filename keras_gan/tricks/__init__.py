"""Training tricks that compose with any keras-gan model.

Give them to a model: `GAN(G, D, latent_dim, tricks=[GradientPenalty(10.0)])`.
Each adds terms to a player's cost (logged under their names) or acts after
an update, and keeps its state in Keras variables saved with the model.
"""

from keras_gan.tricks.ada import ADA
from keras_gan.tricks.adaptive import TrainLosingPlayer
from keras_gan.tricks.base import Trick
from keras_gan.tricks.chain import TrickChain
from keras_gan.tricks.consistency import ConsistencyRegularization
from keras_gan.tricks.diff_augment import DiffAugment, diff_augment
from keras_gan.tricks.feature_matching import FeatureMatching
from keras_gan.tricks.gradient_penalty import (
    GradientPenalty,
    R1Penalty,
    gradient_penalty,
    interpolate,
    r1_penalty,
)
from keras_gan.tricks.historical_averaging import HistoricalAveraging
from keras_gan.tricks.input_transforms import InstanceNoise, Packing
from keras_gan.tricks.lecam import LeCam
from keras_gan.tricks.orthogonal import OrthogonalRegularization, orthogonal_penalty
from keras_gan.tricks.top_k import TopK
from keras_gan.tricks.weight_clipping import WeightClipping

__all__ = [
    "Trick",
    "TrickChain",
    "GradientPenalty",
    "R1Penalty",
    "WeightClipping",
    "FeatureMatching",
    "HistoricalAveraging",
    "OrthogonalRegularization",
    "Packing",
    "InstanceNoise",
    "TrainLosingPlayer",
    "TopK",
    "DiffAugment",
    "ADA",
    "LeCam",
    "ConsistencyRegularization",
    "orthogonal_penalty",
    "gradient_penalty",
    "r1_penalty",
    "interpolate",
    "diff_augment",
]
