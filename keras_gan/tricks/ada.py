"""`ADA`: adaptive discriminator augmentation, p steered by an overfitting heuristic (Karras et al., 2020)."""

import keras
from keras import ops

from keras_gan.backend import draw_for_replica, replica_index_and_count, replica_mean
from keras_gan.tricks.base import Trick
from keras_gan.tricks.diff_augment import IMAGES_ONLY, apply_operation, check_images, draw_parameters, parse_policy
from keras_gan.utils.arguments import check_int, check_number, check_seed


@keras.saving.register_keras_serializable(package="keras_gan")
class ADA(Trick):
    """Adaptive discriminator augmentation: each image is augmented with a probability p that adapts.

    Every image the discriminator sees in training (real and generated, in
    both players' updates) goes through the augmentation pipeline, each
    operation applied to each sample with probability p. p is steered by
    the overfitting heuristic `r_t = E[sign(D(x_real))]`, accumulated over
    `interval` discriminator updates: after each such interval,

        p <- clip(p + sign(r_t - target) * N / (kimg * 1000), 0, 1)

    with N the real images seen over the interval (batch * interval), so
    p can go from 0 to 1 in `kimg` thousand images. A discriminator that
    grows sure of the training images (r_t above `target`) gets more
    augmentation, one that does not gets less. p and the accumulators are
    Keras variables: p changes without retracing the step and is saved with
    the model. Logged as `ada_p` (p) and `ada_r_t` (the batch's
    `E[sign(D(x_real))]`).

    The pipeline reuses DiffAugment's differentiable operations (see
    `keras_gan.tricks.DiffAugment`): `"flip"` (x-flip), `"translation"`
    (integer translation, zeros filling in), `"color"` (brightness,
    saturation, contrast) and `"cutout"`. The paper's pipeline of 18
    operations is not reproduced: no 90-degree rotations, isotropic or
    anisotropic scaling, arbitrary rotation, fractional translation, luma
    flip, hue rotation, image-space filtering or additive noise, and its
    translation pads by reflection where this one pads with zeros. Each
    operation of the policy is applied to a sample with probability p
    (brightness, saturation and contrast separately); evaluation sees the
    images unchanged.

    ADA requires channels-last images (compile refuses other samples), and
    it requires a model with one discriminator (it reads one discriminator's
    outputs on the real batch; compile refuses CycleGAN). The trick adds no
    cost term, so it takes no `weight`.

    Args:
        target: The heuristic's target value of `E[sign(D(x_real))]`, in
            [0, 1) (0.6 in the paper).
        interval: Discriminator updates between adjustments of p (4).
        kimg: Thousands of real images over which p can go from 0 to 1 (500
            in the paper; smaller adapts faster).
        p_init: The initial p, in [0, 1].
        policy: The pipeline's operations, comma-separated words of
            `"flip"`, `"translation"`, `"color"`, `"cutout"`.
        seed: Seed of the augmentations' random draws.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(64), keras.layers.Reshape((8, 8, 1))])
    >>> D = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    >>> ada = keras_gan.tricks.ADA(target=0.6, interval=1, kimg=0.1, seed=0)
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[ada])
    >>> gan.compile()
    >>> history = gan.fit(np.random.uniform(-1, 1, (32, 8, 8, 1)).astype("float32"), batch_size=16, verbose=0)
    >>> "ada_p" in history.history, 0.0 <= float(ada.p.numpy()) <= 1.0
    (True, True)

    Reference:
        Karras, Aittala, Hellsten, Laine, Lehtinen and Aila, "Training
        Generative Adversarial Networks with Limited Data", NeurIPS 2020.
    """

    term_names = ("ada_p", "ada_r_t")
    weighted = False
    needs_single_discriminator = True
    single_discriminator_reason = "it adapts p from one discriminator's outputs on the real batch"
    single_discriminator_alternative = "DiffAugment (a fixed augmentation, for every discriminator)"
    requirements = (IMAGES_ONLY,)
    augments_images = True  # IMAGES_ONLY applies

    def __init__(self, target=0.6, interval=4, kimg=500, p_init=0.0, policy="flip,translation,color", seed=None,
                 name="ada", **kwargs):
        super().__init__(name=name, **kwargs)
        self.target = check_number(target, "target", low=0.0, high=1.0, high_open=True,
                                   what="the target of E[sign(D(x_real))]")
        self.interval = check_int(interval, "interval", minimum=1, what="discriminator updates between adjustments")
        self.kimg = check_number(kimg, "kimg", low=0.0, low_open=True,
                                 what="thousands of images for p to go from 0 to 1")
        self.p_init = check_number(p_init, "p_init", low=0.0, high=1.0, what="the initial probability")
        self.operations = parse_policy(policy)
        self.policy = policy
        self.seed = check_seed(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

        def state(name, value=0.0, dtype="float32"):
            return self.add_weight(shape=(), dtype=dtype, initializer=keras.initializers.Constant(value),
                                   trainable=False, aggregation="only_first_replica", name=name)

        self.p = state("p", self.p_init)
        # The interval's sums so far, and the last discriminator step's (added at its update).
        self.sign_sum, self.logit_count, self.image_count = state("sign_sum"), state("logit_count"), state(
            "image_count")
        self.updates = state("updates", 0, "int32")
        self._step_signs, self._step_logits, self._step_images = state("step_signs"), state("step_logits"), state(
            "step_images")

    def draw(self, operation, x):
        """`(parameters, u)`: `operation`'s random parameters for `x`, and one `u ~ U[0, 1)` per sample.

        The operation is applied to the samples whose `u < p` (override to fix the draws).
        """
        u = draw_for_replica(lambda n: keras.random.uniform((n,), dtype="float32", seed=self.seed_generator),
                             ops.shape(x)[0])
        return draw_parameters(operation, x, self.seed_generator), u

    def augment(self, x, p=None):
        """`x` with each operation of the pipeline applied to each sample with probability p.

        Args:
            x: Images `(batch, height, width, channels)`.
            p: The probability (default: the trick's current `p`).

        Returns:
            The augmented images.
        """
        x = ops.convert_to_tensor(x)
        p = ops.cast(self.p if p is None else p, "float32")
        for operation in self.operations:
            parameters, u = self.draw(operation, x)
            chosen = ops.reshape(ops.less(u, p), (-1, 1, 1, 1))
            x = ops.where(chosen, apply_operation(operation, x, parameters), x)
        return x

    def transform_discriminator_input(self, model, x, step, role):
        if not step.training:
            return x
        check_images(self, model, x)
        return self.augment(x)

    def discriminator_logs(self, model, step):
        signs = ops.sign(ops.stop_gradient(ops.reshape(ops.cast(step.real_logits, "float32"), (-1,))))
        replicas = replica_index_and_count()[1]  # the global batch's counts, whatever the replicas
        if step.training:  # counted at the discriminator's update (`after_discriminator_update`)
            self._step_signs.assign(replica_mean(ops.sum(signs)) * replicas)
            self._step_logits.assign(ops.cast(ops.shape(signs)[0] * replicas, "float32"))
            self._step_images.assign(ops.cast(ops.shape(step.real)[0] * replicas, "float32"))
        # A copy: on PyTorch the variable's tensor is updated in place before the logs are read.
        return {"ada_p": ops.copy(ops.convert_to_tensor(self.p)), "ada_r_t": replica_mean(ops.mean(signs))}

    def adjustment(self, r_t, images):
        """The change of p after an interval with heuristic `r_t` over `images` real images."""
        return ops.sign(r_t - self.target) * images / (self.kimg * 1000.0)

    def after_discriminator_update(self, model):
        # Values, not variables, go into `ops.where` (JAX refuses a variable there).
        sign_sum = ops.convert_to_tensor(self.sign_sum) + self._step_signs
        logit_count = ops.convert_to_tensor(self.logit_count) + self._step_logits
        image_count = ops.convert_to_tensor(self.image_count) + self._step_images
        updates = ops.convert_to_tensor(self.updates) + 1
        p = ops.convert_to_tensor(self.p)
        due = ops.greater_equal(updates, self.interval)
        r_t = sign_sum / ops.maximum(logit_count, 1.0)
        adjusted = ops.clip(p + self.adjustment(r_t, image_count), 0.0, 1.0)
        self.p.assign(ops.where(due, adjusted, p))
        for variable, total in ((self.sign_sum, sign_sum), (self.logit_count, logit_count),
                                (self.image_count, image_count)):
            variable.assign(ops.where(due, 0.0, total))
        self.updates.assign(ops.where(due, 0, updates))

    def get_config(self):
        config = super().get_config()
        config.update({"target": self.target, "interval": self.interval, "kimg": self.kimg, "p_init": self.p_init,
                       "policy": self.policy, "seed": self.seed})
        return config


__all__ = ["ADA"]
