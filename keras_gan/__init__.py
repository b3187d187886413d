"""keras-gan: generative adversarial networks for Keras 3.

Subpackages: `models` (GAN, DCGAN, ConditionalGAN, InfoGAN, LSGAN, WGAN,
WGANGP, CycleGAN), `losses` (adversarial objectives, mutual information),
`networks` (reference generator and discriminator builders), `datasets`
(embedded digits, TFDS, toy mixtures), `callbacks` (SampleSaver), `tricks`
(gradient penalties, weight clipping), `layers` (ImagePool), `metrics`
(the shipped digit classifier and scores built on it), `games` (the xy game).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from keras_gan import (  # noqa: E402
    callbacks,
    datasets,
    games,
    layers,
    losses,
    metrics,
    models,
    networks,
    plotting,
    tricks,
    utils,
)

__version__ = "0.1.0"

__all__ = [
    "callbacks",
    "datasets",
    "games",
    "layers",
    "losses",
    "metrics",
    "models",
    "networks",
    "plotting",
    "tricks",
    "utils",
    "__version__",
]
