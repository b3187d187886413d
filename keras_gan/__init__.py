"""keras-gan: generative adversarial networks for Keras 3.

Subpackages: `models` (GAN, DCGAN), `losses` (adversarial objectives),
`networks` (reference generator and discriminator builders), `datasets`
(embedded digits, TFDS, toy mixtures), `callbacks` (SampleSaver), `tricks`
(gradient penalties, weight clipping), `layers` (ImagePool).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from keras_gan import callbacks, datasets, layers, losses, metrics, models, networks, tricks, utils  # noqa: E402

__version__ = "0.1.0"

__all__ = ["callbacks", "datasets", "layers", "losses", "metrics", "models", "networks", "tricks", "utils", "__version__"]
