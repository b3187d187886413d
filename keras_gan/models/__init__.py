"""GAN models: each a `keras.Model` whose `fit` plays the adversarial game."""

from keras_gan.models.dcgan import DCGAN
from keras_gan.models.gan import GAN
from keras_gan.models.step import GANStep

__all__ = ["GAN", "DCGAN", "GANStep"]
