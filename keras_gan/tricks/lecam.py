"""`LeCam`: the discriminator's outputs are anchored to moving averages of each other (Tseng et al., 2021)."""

import keras
from keras import ops

from keras_gan.backend import replica_mean
from keras_gan.tricks.base import Trick
from keras_gan.utils.arguments import check_bool, check_number


@keras.saving.register_keras_serializable(package="keras_gan")
class LeCam(Trick):
    """LeCam regularization: the discriminator's outputs on real and generated data are kept near each other.

    Each discriminator update adds `weight * R_LC` to its cost, with

        R_LC = E[(D(x) - alpha_F)^2] + E[(D(G(z)) - alpha_R)^2]

    where `alpha_R` and `alpha_F` are exponential moving averages of the
    discriminator's mean output on real and on generated batches (decay
    `decay`, zero-debiased as in the authors' TensorFlow code: the first
    average is the first batch's mean). The anchors are updated in each
    training step, from that step's outputs, before the penalty is taken,
    as in the authors' code; they carry no gradient. With limited data the
    penalty keeps the discriminator from pushing its real and generated
    outputs apart without bound (the paper relates it to the LeCam
    divergence). `one_sided=True` penalizes only `D(x) > alpha_F` and
    `D(G(z)) < alpha_R`, as the authors' code does (`relu` before the
    square). The anchors and the update count are non-trainable Keras
    variables, saved with the model; evaluation computes the penalty the
    same way and leaves them as they are. Logged as `lecam` (unweighted).

    LeCam requires a model with one discriminator (it reads one
    discriminator's outputs on the real and generated batches; compile
    refuses CycleGAN).

    Args:
        weight: Lambda, the penalty's weight (0.3 in the authors' CIFAR
            scripts).
        decay: The moving averages' decay, in [0, 1) (0.99).
        one_sided: Penalize only the outputs that cross the other side's
            anchor (the authors' code) instead of the paper's two-sided
            squares.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8), keras.layers.LeakyReLU(0.2),
    ...                       keras.layers.Dense(1)])
    >>> lecam = keras_gan.tricks.LeCam(weight=0.3)
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[lecam])
    >>> gan.compile()
    >>> history = gan.fit(np.random.normal(size=(64, 2)).astype("float32"), batch_size=16, verbose=0)
    >>> "lecam" in history.history, int(lecam.updates.numpy())
    (True, 4)

    Reference:
        Tseng, Jiang, Liu, Yang and Yang, "Regularizing Generative
        Adversarial Networks under Limited Data", CVPR 2021.
    """

    term_names = ("lecam",)
    needs_single_discriminator = True
    single_discriminator_reason = "it anchors one discriminator's outputs on the real and generated batches"
    single_discriminator_alternative = "DiffAugment, or keras.layers.SpectralNormalization in each discriminator"

    def __init__(self, weight=0.3, decay=0.99, one_sided=False, name="lecam", **kwargs):
        super().__init__(weight=weight, name=name, **kwargs)
        self.decay = check_number(decay, "decay", low=0.0, high=1.0, high_open=True,
                                  what="the moving averages' decay")
        self.one_sided = check_bool(one_sided, "one_sided")

        def state(name):
            return self.add_weight(shape=(), dtype="float32", initializer="zeros", trainable=False,
                                   aggregation="only_first_replica", name=name)

        # The moving averages before zero-debiasing (as TensorFlow's `assign_moving_average` keeps them).
        self.biased_real, self.biased_fake = state("biased_real"), state("biased_fake")
        self.updates = state("updates")

    def _averages(self, real_mean, fake_mean):
        """`(biased_real, biased_fake, updates, alpha_R, alpha_F)` once the batch means are averaged in."""
        decay = self.decay
        biased_real = decay * ops.convert_to_tensor(self.biased_real) + (1.0 - decay) * real_mean
        biased_fake = decay * ops.convert_to_tensor(self.biased_fake) + (1.0 - decay) * fake_mean
        updates = ops.convert_to_tensor(self.updates) + 1.0
        debias = 1.0 - ops.power(ops.convert_to_tensor(decay, "float32"), updates)
        return biased_real, biased_fake, updates, biased_real / debias, biased_fake / debias

    def anchors(self):
        """`(alpha_R, alpha_F)`: the zero-debiased moving averages so far (0 before the first update)."""
        updates = ops.convert_to_tensor(self.updates)
        debias = ops.maximum(1.0 - ops.power(ops.convert_to_tensor(self.decay, "float32"), updates), 1e-12)
        return (ops.where(updates > 0, ops.convert_to_tensor(self.biased_real) / debias, 0.0),
                ops.where(updates > 0, ops.convert_to_tensor(self.biased_fake) / debias, 0.0))

    def discriminator_terms(self, model, step):
        real = ops.cast(step.real_logits, "float32")
        fake = ops.cast(step.fake_logits, "float32")
        # The global batch's means (each replica holds a share of it).
        real_mean = ops.stop_gradient(replica_mean(ops.mean(real)))
        fake_mean = ops.stop_gradient(replica_mean(ops.mean(fake)))
        biased_real, biased_fake, updates, alpha_real, alpha_fake = self._averages(real_mean, fake_mean)
        if step.training:
            self.biased_real.assign(biased_real)
            self.biased_fake.assign(biased_fake)
            self.updates.assign(updates)
        real_gap, fake_gap = real - alpha_fake, alpha_real - fake
        if self.one_sided:
            real_gap, fake_gap = ops.relu(real_gap), ops.relu(fake_gap)
        return {"lecam": ops.mean(ops.square(real_gap)) + ops.mean(ops.square(fake_gap))}

    def get_config(self):
        config = super().get_config()
        config.update({"decay": self.decay, "one_sided": self.one_sided})
        return config


__all__ = ["LeCam"]
