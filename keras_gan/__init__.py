"""keras-gan: generative adversarial networks for Keras 3.

Subpackages: `models` (GAN, DCGAN), `losses` (adversarial objectives),
`networks` (reference generator and discriminator builders), `datasets`
(embedded digits, TFDS, toy mixtures), `callbacks` (SampleSaver).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from keras_gan import callbacks, datasets, losses, models, networks, utils  # noqa: E402

__version__ = "0.1.0"

__all__ = ["callbacks", "datasets", "losses", "models", "networks", "utils", "__version__"]
