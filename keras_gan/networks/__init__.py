"""Builders for the reference generator and discriminator networks of the seeds."""

from keras_gan.networks import conditional  # noqa: F401 - `networks.conditional` as a module
from keras_gan.networks.chapter13 import dcgan64_discriminator, dcgan64_generator
from keras_gan.networks.conditional import (
    conditional_dcgan_discriminator,
    conditional_dcgan_generator,
    conditional_mlp_discriminator,
    conditional_mlp_generator,
)
from keras_gan.networks.cs231n import (
    dcgan_discriminator as cs231n_dcgan_discriminator,
)
from keras_gan.networks.cs231n import (
    infogan_generator,
    mlp_discriminator,
    mlp_generator,
)
from keras_gan.networks.cyclegan import cyclegan_generator, patchgan_discriminator
from keras_gan.networks.dcgan import (
    dcgan_discriminator,
    dcgan_generator,
    semi_supervised_discriminator,
    upsampling_plan,
)
from keras_gan.networks.infogan import infogan_mnist_discriminator, infogan_mnist_generator

__all__ = [
    "mlp_discriminator",
    "mlp_generator",
    "cs231n_dcgan_discriminator",
    "infogan_generator",
    "dcgan64_generator",
    "dcgan64_discriminator",
    "dcgan_generator",
    "dcgan_discriminator",
    "upsampling_plan",
    "conditional_mlp_generator",
    "conditional_mlp_discriminator",
    "conditional_dcgan_generator",
    "conditional_dcgan_discriminator",
    "infogan_mnist_generator",
    "infogan_mnist_discriminator",
    "cyclegan_generator",
    "patchgan_discriminator",
    "semi_supervised_discriminator",
]
