"""`ConsistencyRegularization`: the discriminator's output should not change under a semantics-keeping
augmentation (CR, Zhang et al., 2020; balanced CR, Zhao et al., 2021)."""

import keras
from keras import ops

from keras_gan.tricks.base import Trick
from keras_gan.tricks.diff_augment import IMAGES_ONLY, apply_operation, check_images, draw_parameters, parse_policy
from keras_gan.utils.arguments import check_bool, check_seed, received


def _squared_distance(a, b):
    """`E ||a - b||^2`: the squared norm of each sample's outputs' difference, averaged over the batch."""
    difference = ops.cast(a, "float32") - ops.cast(b, "float32")
    flat = ops.reshape(difference, (ops.shape(difference)[0], -1))
    return ops.mean(ops.sum(ops.square(flat), axis=1))


@keras.saving.register_keras_serializable(package="keras_gan")
class ConsistencyRegularization(Trick):
    """Consistency regularization (CR), and its balanced form (bCR), for the discriminator of any GAN.

    Each discriminator update adds `weight * E ||D(x) - D(T(x))||^2` on the
    real batch, with `T` a random augmentation that keeps an image's
    meaning (a horizontal flip and a small translation by default, as in the
    papers): the discriminator learns to give an image and its augmented
    copy the same output. With `balanced=True` (bCR) it also adds
    `weight * E ||D(G(z)) - D(T(G(z)))||^2` on the generated batch (with no
    gradient to the generator), so the discriminator is not taught that
    augmented images are real. Both terms are the squared norm of the
    difference of each sample's outputs (one logit: its square), averaged
    over the batch; `D(x)` is the output the discriminator's loss used, and
    the gradient flows through both outputs. Logged as `consistency_real`
    (and `consistency_fake`), unweighted. The two terms share `weight`: the
    papers' lambda_real = lambda_fake = 10.

    `augment` is a policy of DiffAugment's operations (see
    `keras_gan.tricks.DiffAugment`), by default `"flip,translation"`: a
    random horizontal flip, and an integer shift of up to 1/8 of the side
    with zeros filling in (4 pixels on 32 x 32 images, the papers'
    setting). Or a callable, batch -> augmented batch, written in
    `keras.ops` (saved with `keras.saving.serialize_keras_object`, so a
    registered function or a Keras layer). With a policy string,
    ConsistencyRegularization requires channels-last images: compile refuses
    other samples (pass a callable for them). It requires a model with one
    discriminator (it evaluates one discriminator on the augmented batch;
    compile refuses CycleGAN).

    Args:
        weight: Lambda (10 in both papers).
        augment: The augmentation `T`: a policy string of DiffAugment's
            operations, or a callable.
        balanced: Also regularize on the generated batch (bCR).
        seed: Seed of the policy's random draws.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(64), keras.layers.Reshape((8, 8, 1))])
    >>> D = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    >>> cr = keras_gan.tricks.ConsistencyRegularization(10.0, balanced=True, seed=0)
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[cr])
    >>> gan.compile()
    >>> history = gan.fit(np.random.uniform(-1, 1, (32, 8, 8, 1)).astype("float32"), batch_size=16, verbose=0)
    >>> sorted(k for k in history.history if k.startswith("consistency"))
    ['consistency_fake', 'consistency_real']

    Reference:
        Zhang, Zhang, Odena and Lee, "Consistency Regularization for
        Generative Adversarial Networks", ICLR 2020; Zhao, Singh, Lee,
        Zhang, Odena and Zhang, "Improved Consistency Regularization for
        GANs", AAAI 2021.
    """

    needs_single_discriminator = True
    single_discriminator_reason = "it evaluates one discriminator on the augmented real batch"
    single_discriminator_alternative = "DiffAugment (augmentation for every discriminator)"
    requirements = (IMAGES_ONLY,)

    def __init__(self, weight=10.0, augment="flip,translation", balanced=False, seed=None,
                 name="consistency_regularization", **kwargs):
        super().__init__(weight=weight, name=name, **kwargs)
        if isinstance(augment, dict):  # a saved callable
            augment = keras.saving.deserialize_keras_object(augment)
        if isinstance(augment, str):
            self.operations, self.augment_fn = parse_policy(augment, "augment"), None
        elif callable(augment):
            self.operations, self.augment_fn = None, augment
        else:
            raise TypeError("`augment` must be a policy string of DiffAugment's operations (e.g. 'flip,translation') "
                            f"or a callable, batch -> augmented batch. {received('augment', augment)}")
        self.augment = augment if isinstance(augment, str) else None
        self.balanced = check_bool(balanced, "balanced")
        self.seed = check_seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.term_names = ("consistency_real", "consistency_fake") if self.balanced else ("consistency_real",)

    @property
    def augments_images(self):
        """Whether `T` is a policy of image operations (the trick then takes channels-last images only)."""
        return self.operations is not None

    def draw(self, operation, x):
        """The random parameters of `operation` for the batch `x` (`draw_parameters`; override to fix them)."""
        return draw_parameters(operation, x, self.seed_generator)

    def transform(self, x):
        """`T(x)`: the batch through the policy's operations (or the callable).

        Args:
            x: A batch of samples.

        Returns:
            The augmented batch.
        """
        if self.augment_fn is not None:
            return self.augment_fn(x)
        for operation in self.operations:
            x = apply_operation(operation, x, self.draw(operation, x))
        return x

    def consistency(self, model, step, x, logits):
        """`E ||logits - D(T(x))||^2`, `logits` the discriminator's outputs on `x`."""
        if self.augments_images:
            check_images(self, model, x)
        augmented = model.discriminate(self.transform(x), step, training=step.training, role="penalty")
        return _squared_distance(logits, augmented)

    def discriminator_terms(self, model, step):
        terms = {"consistency_real": self.consistency(model, step, step.real, step.real_logits)}
        if self.balanced:
            terms["consistency_fake"] = self.consistency(model, step, ops.stop_gradient(step.fake), step.fake_logits)
        return terms

    def get_config(self):
        config = super().get_config()
        augment = self.augment if self.augment is not None else keras.saving.serialize_keras_object(self.augment_fn)
        config.update({"augment": augment, "balanced": self.balanced, "seed": self.seed})
        return config


__all__ = ["ConsistencyRegularization"]
