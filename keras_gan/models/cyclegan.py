"""`CycleGAN`: unpaired translation between two image domains."""

import numbers

import keras
import numpy as np
from keras import ops

from keras_gan import losses as gan_losses
from keras_gan.backend import get_trainer
from keras_gan.errors import GANConfigurationError
from keras_gan.layers.image_pool import ImagePool
from keras_gan.models.gan import _check_logits_shape_map, _first_line, _resolve_optimizer

_NETWORKS = ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b")


@keras.saving.register_keras_serializable(package="keras_gan")
class CycleGAN(keras.Model):
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

    def __init__(self, generator_ab, generator_ba, discriminator_a, discriminator_b, *,
                 cycle_weight=10.0, identity_weight=5.0, pool_size=50, seed=None, name="cyclegan", **kwargs):
        super().__init__(name=name, **kwargs)
        networks = (generator_ab, generator_ba, discriminator_a, discriminator_b)
        for role, network in zip(_NETWORKS, networks):
            if not isinstance(network, keras.layers.Layer):
                raise TypeError(f"`{role}` must be a Keras model or layer. Received: {type(network).__name__}.")
        if len({id(n) for n in networks}) != 4:
            raise ValueError("CycleGAN needs four different networks (two generators, two discriminators).")
        for key, value in (("cycle_weight", cycle_weight), ("identity_weight", identity_weight)):
            if not isinstance(value, numbers.Real) or value < 0:
                raise ValueError(f"`{key}` must be a number >= 0. Received: {value!r}.")
        self.generator_ab, self.generator_ba = generator_ab, generator_ba
        self.discriminator_a, self.discriminator_b = discriminator_a, discriminator_b
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        self.pool_size = int(pool_size)
        self.seed = seed
        self.pool_a = ImagePool(self.pool_size, seed=seed, name="pool_a")
        self.pool_b = ImagePool(self.pool_size, seed=None if seed is None else seed + 1, name="pool_b")
        self.loss_fn = None
        self.d_optimizer = None
        self.g_optimizer = None
        self._trackers = {n: keras.metrics.Mean(name=n) for n in ("g_loss", "d_loss", "cycle_loss", "identity_loss")}

    @property
    def generator_variables(self):
        return self.generator_ab.trainable_variables + self.generator_ba.trainable_variables

    @property
    def discriminator_variables(self):
        return self.discriminator_a.trainable_variables + self.discriminator_b.trainable_variables

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
                scores = getattr(self, disc)(out, training=False)
            except Exception as error:  # noqa: BLE001
                raise GANConfigurationError(
                    f"`{disc}` cannot take images of shape {target}: {_first_line(error)}."
                ) from None
            _check_logits_shape_map(scores, disc)
        if self.identity_weight and a_shape != b_shape:
            raise GANConfigurationError(
                f"The identity loss needs both domains to have one shape; A has {a_shape}, "
                f"B has {b_shape}. Pass identity_weight=0."
            )
        self.pool_a.build((None,) + a_shape)
        self.pool_b.build((None,) + b_shape)
        self._domain_shapes = (a_shape, b_shape)
        self.built = True

    def compile(self, g_optimizer="auto", d_optimizer="auto", loss="least_squares", *, run_eagerly=False,
                steps_per_execution=1, jit_compile="auto"):
        """Configures training.

        Args:
            g_optimizer: Optimizer of both generators (`"auto"`: Adam 2e-4, beta_1 0.5).
            d_optimizer: Optimizer of both discriminators (likewise).
            loss: The adversarial objective (least squares, as in the paper).
            run_eagerly: Run eagerly, for debugging.
            steps_per_execution: Steps per compiled call.
            jit_compile: XLA compilation.
        """
        self.loss_fn = gan_losses.get(loss)
        g_optimizer = _resolve_optimizer(g_optimizer, "g_optimizer")
        d_optimizer = _resolve_optimizer(d_optimizer, "d_optimizer")
        if g_optimizer is d_optimizer:
            raise ValueError("`g_optimizer` and `d_optimizer` must be two optimizer instances.")
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        self._compile_args = {"g_optimizer": g_optimizer, "d_optimizer": d_optimizer, "loss": self.loss_fn,
                              "run_eagerly": run_eagerly, "steps_per_execution": steps_per_execution,
                              "jit_compile": jit_compile}
        super().compile(optimizer=None, loss=None, run_eagerly=run_eagerly,
                        steps_per_execution=steps_per_execution, jit_compile=jit_compile)
        self.build()
        self.g_optimizer.build(self.generator_variables)
        self.d_optimizer.build(self.discriminator_variables)

    def get_compile_config(self):
        if not getattr(self, "_compile_args", None):
            return {}
        return {k: keras.saving.serialize_keras_object(v) for k, v in self._compile_args.items()}

    def compile_from_config(self, config):
        self.compile(**{k: keras.saving.deserialize_keras_object(v) for k, v in config.items()})

    def get_config(self):
        config = super().get_config()
        config.update({name: keras.saving.serialize_keras_object(getattr(self, name)) for name in _NETWORKS})
        config.update({"cycle_weight": self.cycle_weight, "identity_weight": self.identity_weight,
                       "pool_size": self.pool_size, "seed": self.seed})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for name in _NETWORKS:
            config[name] = keras.saving.deserialize_keras_object(config[name], custom_objects=custom_objects)
        return cls(**config)

    def get_build_config(self):
        return {"built": bool(self.built)}

    def build_from_config(self, config):
        if config.get("built", True):
            self.build()

    # ----------------------------------------------------------------- metrics

    @property
    def metrics(self):
        return list(self._trackers.values())

    def update_metrics(self, values):
        for name, value in values.items():
            self._trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self._trackers.items()}

    # ------------------------------------------------------------------- hooks

    def split_data(self, data):
        """`(a, b)` from a batch: `fit(a, b)`, `fit((a, b))`, or a dataset of `(a, b)` pairs."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None and isinstance(x, (tuple, list)) and len(x) == 2:
            x, y = x
        return x, y

    def generator_losses(self, a, b, training=True):
        """The generators' cost and its parts, and the translated images (keras.ops)."""
        fake_b = self.generator_ab(a, training=training)
        fake_a = self.generator_ba(b, training=training)
        cycled_a = self.generator_ba(fake_b, training=training)
        cycled_b = self.generator_ab(fake_a, training=training)
        adversarial = self.loss_fn.generator_loss(
            ops.cast(self.discriminator_b(fake_b, training=training), "float32")
        ) + self.loss_fn.generator_loss(ops.cast(self.discriminator_a(fake_a, training=training), "float32"))
        cycle = _l1(cycled_a, a) + _l1(cycled_b, b)
        total = adversarial + self.cycle_weight * cycle
        identity = ops.zeros((), "float32")
        if self.identity_weight:
            identity = _l1(self.generator_ba(a, training=training), a) + _l1(
                self.generator_ab(b, training=training), b
            )
            total = total + self.identity_weight * identity
        parts = {"g_loss": total, "cycle_loss": cycle, "identity_loss": identity}
        return total, parts, (fake_a, fake_b)

    def discriminator_loss(self, a, b, fake_a, fake_b, training=True):
        """Both discriminators' cost, each halved, on real images and pooled translations."""
        pooled_a = self.pool_a(fake_a, training=training)
        pooled_b = self.pool_b(fake_b, training=training)
        loss_a = self.loss_fn.discriminator_loss(
            ops.cast(self.discriminator_a(a, training=training), "float32"),
            ops.cast(self.discriminator_a(pooled_a, training=training), "float32"),
        )
        loss_b = self.loss_fn.discriminator_loss(
            ops.cast(self.discriminator_b(b, training=training), "float32"),
            ops.cast(self.discriminator_b(pooled_b, training=training), "float32"),
        )
        return 0.5 * (loss_a + loss_b)

    def train_step(self, data):
        return get_trainer().cycle_train_step(self, data)

    def test_step(self, data):
        a, b = self.split_data(data)
        total, parts, (fake_a, fake_b) = self.generator_losses(a, b, training=False)
        parts["d_loss"] = self.discriminator_loss(a, b, fake_a, fake_b, training=False)
        return self.update_metrics(parts)

    def _check(self, method, x, y):
        if not self.compiled or self.g_optimizer is None:
            raise ValueError(f"Call `compile()` before `{method}()`: CycleGAN needs its optimizers and loss.")
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

    def fit(self, x=None, y=None, **kwargs):
        self._check("fit", x, y)
        if hasattr(x, "element_spec"):
            kwargs.setdefault("shuffle", False)
        return super().fit(x, y, **kwargs)

    def evaluate(self, x=None, y=None, **kwargs):
        self._check("evaluate", x, y)
        return super().evaluate(x, y, **kwargs)

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
