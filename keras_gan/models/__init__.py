"""GAN models: each a `keras.Model` whose `fit` plays the adversarial game."""

from keras_gan.models.base import AdversarialModel
from keras_gan.models.conditional import ConditionalGAN
from keras_gan.models.cyclegan import CycleGAN
from keras_gan.models.dcgan import DCGAN
from keras_gan.models.gan import GAN
from keras_gan.models.infogan import InfoGAN
from keras_gan.models.lsgan import LSGAN
from keras_gan.models.self_conditioned import SelfConditionedGAN
from keras_gan.models.semi_supervised import SemiSupervisedGAN
from keras_gan.models.step import GANStep
from keras_gan.models.wgan import WGAN, WGANGP

__all__ = [
    "AdversarialModel",
    "GAN",
    "DCGAN",
    "ConditionalGAN",
    "SelfConditionedGAN",
    "InfoGAN",
    "CycleGAN",
    "SemiSupervisedGAN",
    "LSGAN",
    "WGAN",
    "WGANGP",
    "GANStep",
]
