"""`TopK`: the generator learns only from its most realistic samples (Sinha et al., 2020)."""


import keras
from keras import ops

from keras_gan.backend import replica_gather
from keras_gan.tricks.base import Trick
from keras_gan.utils.arguments import check_int, check_number
from keras_gan.utils.requirements import Requirement, cannot_use


def _adversarial_cost_to_select_in(trick, model, context):
    """TopK on a generator without an adversarial cost (SemiSupervisedGAN, or a trick replacing it)."""
    reason = "TopK selects samples in the generator's adversarial cost"
    if not getattr(model, "has_adversarial_generator_cost", True):
        return cannot_use(model, trick, f"{reason}, and {type(model).__name__}'s generator has none (it matches "
                          "features)", "TopK with a model whose generator has an adversarial cost (GAN, "
                          "ConditionalGAN, InfoGAN, CycleGAN)")
    replacing = [t for t in model.tricks if t.replaces_generator_objective]
    if replacing:
        other = type(replacing[0]).__name__
        return cannot_use(model, f"TopK with {other}", f"{reason}, and {other} replaces that cost",
                          f"one of the two (or {other} keeping the adversarial cost, e.g. "
                          "FeatureMatching(replace_objective=False))")
    return None


@keras.saving.register_keras_serializable(package="keras_gan")
class TopK(Trick):
    """Top-k training: the generator's update uses only the k best-scored generated samples.

    In each generator update, the samples of the batch that the
    discriminator scores as least realistic are left out of the gradient:
    the adversarial cost's gradient is the mean over the `k` samples (packs,
    under `Packing`) with the highest discriminator output, where

        k = ceil(n * max(min_fraction, decay ** floor(updates / decay_steps)))

    for a batch of `n` and the generator's `updates` so far. Sinha et al.
    show on a mixture of Gaussians that the gradient of the worst samples
    pushes them *away* from their nearest mode (they lie between modes, where
    the discriminator's gradient points along the bridge); dropping them
    leaves fewer samples between modes. The logged `g_loss` stays the mean
    over the whole batch; `top_k_fraction` logs k / n.

    k changes without retracing the step (the selection is a mask, not a
    shape), and the trick applies to every adversarial generator cost
    (minimax, non-saturating, least squares, Wasserstein, hinge), each of
    which is a mean over samples. CycleGAN selects in each direction. TopK
    requires a generator with an adversarial cost: compile refuses it on
    SemiSupervisedGAN (whose generator matches features) and beside a trick
    that replaces that cost (`FeatureMatching(replace_objective=True)`).
    The trick adds no cost term, so it takes no `weight`.

    Args:
        min_fraction: The smallest k / n (the paper's nu; 0.5 by default, the
            value it recommends for most settings).
        decay: k / n is multiplied by `decay` every `decay_steps` generator
            updates (the paper's gamma, 0.99 an epoch).
        decay_steps: Generator updates between decays (the paper decays once
            an epoch: pass your steps per epoch).

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> top_k = keras_gan.tricks.TopK(min_fraction=0.5, decay=0.5, decay_steps=1)
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[top_k])
    >>> gan.compile()
    >>> history = gan.fit(np.ones((64, 2), "float32"), batch_size=16, epochs=1, verbose=0)
    >>> [round(v, 3) for v in (top_k.fraction(0), top_k.fraction(1), top_k.fraction(5))]
    [1.0, 0.5, 0.5]

    Reference:
        Sinha, Zhao, Goyal, Raffel and Odena, "Top-k Training of GANs:
        Improving GAN Performance by Throwing Away Bad Samples", NeurIPS 2020.
    """

    term_names = ("top_k_fraction",)
    weighted = False
    requirements = (
        Requirement("top_k_adversarial_cost", "requires a generator with an adversarial cost", "compile",
                    _adversarial_cost_to_select_in),
    )

    def __init__(self, min_fraction=0.5, decay=0.99, decay_steps=1000, name="top_k", **kwargs):
        super().__init__(name=name, **kwargs)
        self.min_fraction = check_number(min_fraction, "min_fraction", low=0, high=1, low_open=True,
                                         what="the smallest share of the batch kept")
        self.decay = check_number(decay, "decay", low=0, high=1, low_open=True,
                                  what="the kept share's factor every decay_steps generator updates")
        decay_steps = check_int(decay_steps, "decay_steps", what="generator updates between decays")
        self.decay_steps = int(decay_steps)
        self.updates = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False,
                                       name="generator_updates")

    def fraction(self, updates=None):
        """k / n after `updates` generator updates (default: the updates so far), before rounding k up."""
        if updates is None:
            updates = int(ops.convert_to_numpy(self.updates))
        return max(self.min_fraction, self.decay ** (int(updates) // self.decay_steps))

    def _fraction(self):
        periods = ops.cast(ops.floor_divide(self.updates, self.decay_steps), "float32")
        return ops.maximum(ops.convert_to_tensor(self.min_fraction, "float32"),
                           ops.power(ops.convert_to_tensor(self.decay, "float32"), periods))

    def generator_logits(self, model, logits, step):
        flat = ops.reshape(ops.cast(logits, "float32"), (ops.shape(logits)[0], -1))
        score = ops.stop_gradient(ops.mean(flat, axis=-1))  # one score per sample (or pack)
        # The k best of the global batch: data-parallel replicas rank every replica's scores alike.
        scores = replica_gather(score)
        n = ops.shape(scores)[0]
        k = ops.maximum(ops.cast(ops.ceil(self._fraction() * ops.cast(n, "float32")), "int32"), 1)
        ranked = ops.sort(scores)  # ascending
        threshold = ops.take(ranked, ops.cast(n, "int32") - k)
        chosen = ops.cast(ops.greater_equal(score, threshold), "float32")
        chosen_in_batch = ops.sum(ops.cast(ops.greater_equal(scores, threshold), "float32"))
        # The value stays the batch's; the gradient becomes the mean over the chosen samples.
        scale = chosen * ops.cast(n, "float32") / chosen_in_batch
        scale = ops.reshape(scale, (-1,) + (1,) * (len(logits.shape) - 1))
        frozen = ops.stop_gradient(logits)
        return frozen + ops.cast(scale, logits.dtype) * (logits - frozen)

    def generator_logs(self, model, step):
        return {"top_k_fraction": self._fraction()}

    def after_generator_update(self, model):
        self.updates.assign_add(ops.cast(1, "int64"))

    def get_config(self):
        config = super().get_config()
        config.update({"min_fraction": self.min_fraction, "decay": self.decay, "decay_steps": self.decay_steps})
        return config


__all__ = ["TopK"]
