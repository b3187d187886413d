"""Drawing better samples from a trained GAN.

`rejection_sample` is discriminator rejection sampling (Azadi et al., 2019):
the discriminator's logit estimates log p_data(x) / p_g(x), and samples are
kept with the rejection-sampling probability it implies.
`train_density_ratio` fits that discriminator after training (generator frozen).
"""

from keras_gan.sampling.rejection import rejection_sample, train_density_ratio

__all__ = ["rejection_sample", "train_density_ratio"]
