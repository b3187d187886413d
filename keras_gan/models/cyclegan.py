"""`CycleGAN`: unpaired translation between two image domains."""

import numbers

import keras
import numpy as np
from keras import ops

from keras_gan.errors import GANConfigurationError
from keras_gan.layers.image_pool import ImagePool
from keras_gan.models import validation
from keras_gan.models.base import AdversarialModel
from keras_gan.models.step import GANStep
from keras_gan.schedules import GeneratorFirst

_NETWORKS = ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b")


@keras.saving.register_keras_serializable(package="keras_gan")
class CycleGAN(AdversarialModel):
    """Two generators that translate between domains A and B, trained without pairs.

    `generator_ab` maps A to B and `generator_ba` maps B to A; `discriminator_a`
    tells real A images from translated ones, `discriminator_b` likewise for
    B. Each training step takes a batch of A images and a batch of B images
    (unrelated to each other) and minimizes, for the generators,

        adversarial(D_B(G_AB(a))) + adversarial(D_A(G_BA(b)))
        + cycle_weight * (|G_BA(G_AB(a)) - a|_1 + |G_AB(G_BA(b)) - b|_1)
        + identity_weight * (|G_BA(a) - a|_1 + |G_AB(b) - b|_1),

    then updates each discriminator on real images and on translated images
    drawn through an `ImagePool` of past translations (50 by default), with
    its objective halved as in the paper. The adversarial objective is least
    squares by default. The discriminators may return one score per image or
    a map of patch scores (PatchGAN); the losses average over it.

    Logged: `g_loss` (the generators' total), `d_loss` (both discriminators),
    `cycle_loss` and `identity_loss` (the unweighted L1 terms, summed over the
    two directions).

    Args:
        generator_ab: Images of A -> images of B (same shape as B's).
        generator_ba: Images of B -> images of A.
        discriminator_a: Images of A -> scores.
        discriminator_b: Images of B -> scores.
        cycle_weight: Lambda of the cycle-consistency term (10).
        identity_weight: Weight of the identity term (5: half of lambda, as
            the authors' code uses). 0 disables it (and allows domains of
            different shapes).
        pool_size: Size of each discriminator's image pool (50); 0 disables it.
        seed: Seed of the pools' random choices.

    Example:

    >>> from keras_gan import networks
    >>> gan = CycleGAN(networks.cyclegan_generator((8, 8, 1), width=4),
    ...                networks.cyclegan_generator((8, 8, 1), width=4),
    ...                networks.patchgan_discriminator((8, 8, 1), width=4),
    ...                networks.patchgan_discriminator((8, 8, 1), width=4))
    >>> gan.compile()
    >>> a = np.random.uniform(-1, 1, (16, 8, 8, 1)); b = -a[::-1]
    >>> sorted(gan.fit(a, b, batch_size=8, verbose=0).history)
    ['cycle_loss', 'd_loss', 'g_loss', 'identity_loss']
    >>> gan.translate_ab(a[:2]).shape
    (2, 8, 8, 1)

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017.
    """

    #: The paper's order: the generators update, then the discriminators on their pooled translations.
    default_schedule = GeneratorFirst
    #: The batches `fit` takes (see `validation.check_structure`): `fit(a, b)`, `fit((a, b))` or a dataset of pairs.
    batch_structure = ("a", "b")
    batch_structure_note = "it trains on two domains, unpaired"
    accepts_tuple_x = True
    default_loss = "least_squares"
    _network_config_keys = _NETWORKS

    def __init__(self, generator_ab, generator_ba, discriminator_a, discriminator_b, *,
                 cycle_weight=10.0, identity_weight=5.0, pool_size=50, seed=None, tricks=None,
                 schedule=None, discriminator_steps=None, simultaneous=None, name="cyclegan", **kwargs):
        networks = (generator_ab, generator_ba, discriminator_a, discriminator_b)
        for role, network in zip(_NETWORKS, networks):
            if not isinstance(network, keras.layers.Layer):
                raise TypeError(f"`{role}` must be a Keras model or layer. Received: {type(network).__name__}.")
        if len({id(n) for n in networks}) != 4:
            raise ValueError("CycleGAN needs four different networks (two generators, two discriminators).")
        for key, value in (("cycle_weight", cycle_weight), ("identity_weight", identity_weight)):
            if not isinstance(value, numbers.Real) or value < 0:
                raise ValueError(f"`{key}` must be a number >= 0. Received: {value!r}.")
        super().__init__(schedule=schedule, discriminator_steps=discriminator_steps, simultaneous=simultaneous,
                         tricks=tricks, name=name, **kwargs)
        self.generator_ab, self.generator_ba = generator_ab, generator_ba
        self.discriminator_a, self.discriminator_b = discriminator_a, discriminator_b
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        self.pool_size = int(pool_size)
        self.seed = seed
        self.pool_a = ImagePool(self.pool_size, seed=seed, name="pool_a")
        self.pool_b = ImagePool(self.pool_size, seed=None if seed is None else seed + 1, name="pool_b")

    def player_networks(self, role):
        """`[generator_ab, generator_ba]` or `[discriminator_a, discriminator_b]`."""
        if role == "generator":
            return [self.generator_ab, self.generator_ba]
        return [self.discriminator_a, self.discriminator_b]

    @property
    def generator_variables(self):
        return self.player_variables("generator")

    @property
    def discriminator_variables(self):
        return self.player_variables("discriminator")

    # ------------------------------------------------------------------ set-up

    def build(self, input_shape=None):
        """Builds the four networks from their input shapes and checks that they fit together."""
        if self.built:
            return
        shapes = {}
        for name in ("generator_ab", "generator_ba"):
            network = getattr(self, name)
            shape = _input_shape(network)
            if shape is None:
                raise GANConfigurationError(
                    f"`{name}` has no known input shape; give it a `keras.Input` (or build it) first."
                )
            shapes[name] = shape
        a_shape, b_shape = shapes["generator_ab"], shapes["generator_ba"]
        for name, source, target, disc in (
            ("generator_ab", a_shape, b_shape, "discriminator_b"),
            ("generator_ba", b_shape, a_shape, "discriminator_a"),
        ):
            out = getattr(self, name)(ops.zeros((2,) + source), training=False)
            if tuple(out.shape[1:]) != target:
                raise GANConfigurationError(
                    f"`{name}` maps images of shape {source} to {tuple(out.shape[1:])}, but the "
                    f"other domain's images have shape {target}. Each generator must output the "
                    "other domain's image shape."
                )
            try:
                scores = self.discriminate(out, GANStep(training=False), training=False, role="real",
                                           network=getattr(self, disc))
            except GANConfigurationError:
                raise
            except Exception as error:  # noqa: BLE001
                raise GANConfigurationError(
                    f"`{disc}` cannot take images of shape {target}: {validation.informative_line(error)}"
                ) from None
            validation.check_logits_shape_map(scores, disc)
        if self.identity_weight and a_shape != b_shape:
            raise GANConfigurationError(
                f"The identity loss needs both domains to have one shape; A has {a_shape}, "
                f"B has {b_shape}. Pass identity_weight=0."
            )
        self.pool_a.build((None,) + a_shape)
        self.pool_b.build((None,) + b_shape)
        self._domain_shapes = (a_shape, b_shape)
        self.built = True

    def get_config(self):
        config = super().get_config()
        config.update({"cycle_weight": self.cycle_weight, "identity_weight": self.identity_weight,
                       "pool_size": self.pool_size, "seed": self.seed})
        return config

    # ----------------------------------------------------------------- metrics

    def all_log_names(self):
        return ("g_loss", "d_loss", "cycle_loss", "identity_loss")

    def log_names(self):
        return self.all_log_names()

    # ------------------------------------------------------------------- hooks

    def split_data(self, data):
        """`(a, b)` from a batch: `fit(a, b)`, `fit((a, b))`, or a dataset of `(a, b)` pairs."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None and isinstance(x, (tuple, list)) and len(x) == 2:
            x, y = x
        return x, y

    def prepare_step(self, data, training):
        """A `GANStep` whose `real` is the pair `(a, b)`."""
        return GANStep(real=tuple(self.split_data(data)), training=training)

    def generate_batch(self, step, training):
        """`(G_BA(b), G_AB(a))`: the translations into A and into B."""
        a, b = step.real
        return self.generator_ba(b, training=training), self.generator_ab(a, training=training)

    def generator_objective(self, step):
        """Adversarial costs of both translations, cycle consistency and identity (logged unweighted)."""
        a, b = step.real
        fake_a, fake_b = step.fake
        training = step.training
        cycled_a = self.generator_ba(fake_b, training=training)
        cycled_b = self.generator_ab(fake_a, training=training)
        score_b = self.discriminate(fake_b, step, training, role="fake", network=self.discriminator_b)
        score_a = self.discriminate(fake_a, step, training, role="fake", network=self.discriminator_a)
        chain = self.trick_chain
        adversarial = self.loss_fn.generator_loss(
            chain.generator_logits(self, ops.cast(score_b, "float32"), step)) + self.loss_fn.generator_loss(
            chain.generator_logits(self, ops.cast(score_a, "float32"), step))
        cycle = _l1(cycled_a, a) + _l1(cycled_b, b)
        total = adversarial + self.cycle_weight * cycle
        identity = ops.zeros((), "float32")
        if self.identity_weight:
            identity = _l1(self.generator_ba(a, training=training), a) + _l1(
                self.generator_ab(b, training=training), b
            )
            total = total + self.identity_weight * identity
        return total, {"cycle_loss": cycle, "identity_loss": identity}

    def discriminator_objective(self, step):
        """Both discriminators' costs, each halved, on real images and pooled translations."""
        a, b = step.real
        fake_a, fake_b = step.fake
        training = step.training
        pooled_a = self.pool_a(fake_a, training=training)
        pooled_b = self.pool_b(fake_b, training=training)
        losses = []
        for real, pooled, network in ((a, pooled_a, self.discriminator_a), (b, pooled_b, self.discriminator_b)):
            losses.append(self.loss_fn.discriminator_loss(
                ops.cast(self.discriminate(real, step, training, role="real", network=network), "float32"),
                ops.cast(self.discriminate(pooled, step, training, role="fake", network=network), "float32"),
            ))
        return 0.5 * (losses[0] + losses[1]), {}

    def check_data(self, x, y=None):
        """Two domains of images shaped as the networks take them."""
        if hasattr(x, "element_spec"):
            spec = x.element_spec
            if not (isinstance(spec, (tuple, list)) and len(spec) == 2):
                raise GANConfigurationError(
                    "CycleGAN trains on batches of two domains: give a dataset of `(a, b)` pairs, "
                    "e.g. tf.data.Dataset.zip((dataset_a, dataset_b))."
                )
            shapes = tuple(tuple(s.shape[1:]) for s in spec)
        else:
            if y is None and isinstance(x, (tuple, list)) and len(x) == 2:
                x, y = x
            if y is None:
                raise GANConfigurationError(
                    "CycleGAN trains on two domains: call `fit(images_a, images_b)` (unpaired: "
                    "the i-th A image need not match the i-th B image) or give a dataset of (a, b)."
                )
            if len(x) != len(y):
                raise GANConfigurationError(
                    f"`fit(images_a, images_b)` needs as many A images as B images ({len(x)} vs "
                    f"{len(y)}); trim the larger domain, or zip two repeated tf.data datasets."
                )
            shapes = (tuple(np.shape(x)[1:]), tuple(np.shape(y)[1:]))
        for name, got, want in zip("AB", shapes, self._domain_shapes):
            if None not in got and tuple(got) != tuple(want):
                raise GANConfigurationError(
                    f"Domain {name}'s images have shape {tuple(got)}, but the networks take {want}."
                )

    # -------------------------------------------------------------- translation

    def call(self, inputs, training=False):
        """Translates A images to B, so `predict(images_a)` works."""
        return self.generator_ab(inputs, training=training)

    def translate_ab(self, images, batch_size=64):
        """Translates images of domain A to domain B (NumPy in, NumPy out)."""
        return _batched(self.generator_ab, images, batch_size)

    def translate_ba(self, images, batch_size=64):
        """Translates images of domain B to domain A."""
        return _batched(self.generator_ba, images, batch_size)

    def cycle_error(self, images_a, images_b, batch_size=64):
        """Mean absolute reconstruction error `|G_BA(G_AB(a)) - a|` and the B-side one, as floats."""
        rec_a = self.translate_ba(self.translate_ab(images_a, batch_size), batch_size)
        rec_b = self.translate_ab(self.translate_ba(images_b, batch_size), batch_size)
        return float(np.mean(np.abs(rec_a - images_a))), float(np.mean(np.abs(rec_b - images_b)))


def _l1(x, y):
    return ops.mean(ops.abs(ops.cast(x, "float32") - ops.cast(y, "float32")))


def _batched(network, images, batch_size):
    images = np.asarray(images, dtype="float32")
    return np.concatenate(
        [ops.convert_to_numpy(network(images[i : i + batch_size], training=False))
         for i in range(0, len(images), batch_size)],
        axis=0,
    )


def _input_shape(network):
    try:
        shape = network.input_shape
    except (AttributeError, ValueError):
        return None
    if isinstance(shape, list):
        shape = shape[0]
    if shape is None or any(d is None for d in shape[1:]):
        return None
    return tuple(int(d) for d in shape[1:])
