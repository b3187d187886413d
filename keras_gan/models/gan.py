"""`GAN`: a `keras.Model` whose `fit` plays the adversarial game."""

import math
import numbers
import os
import random

import keras
import numpy as np
from keras import ops

from keras_gan.backend import draw_for_replica, stateless_latent
from keras_gan.errors import GANConfigurationError
from keras_gan.models import validation
from keras_gan.models.base import AdversarialModel
from keras_gan.models.step import GANStep
from keras_gan.utils.requirements import Requirement
from keras_gan.utils.sources import channels_first_fix

LATENT_DISTRIBUTIONS = ("normal", "uniform")


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(AdversarialModel):
    """A generative adversarial network that `fit` trains.

    Wraps any Keras generator and discriminator (Sequential, functional or
    subclassed). The discriminator must return one logit (or critic score)
    per sample, shape `(batch, 1)` or `(batch,)`; the generator maps a batch
    of latent vectors of length `latent_dim` to a batch shaped like the data.

    Each training step consumes one batch of real data: it updates the
    discriminator on it and on a freshly generated batch, then (every
    `discriminator_steps` discriminator updates) updates the generator through
    the just-updated discriminator, as in Algorithm 1 of Goodfellow et al.
    Each optimizer updates only its own network's variables. With
    `simultaneous=True`, both gradients come from one forward pass instead
    (faster; the TensorFlow DCGAN tutorial's scheme).

    Logged metrics (History, progress bar): `d_loss`, `g_loss`, and, for
    objectives whose output reads as a probability, `p_real` and `p_fake`,
    the discriminator's mean probability that real and generated samples are
    real (both approach 0.5 at equilibrium). Critic objectives (Wasserstein,
    hinge) log `critic_gap`, the mean critic score on real minus generated
    samples, instead: for WGAN, the estimate of the Wasserstein distance.

    Args:
        generator: A Keras model or layer, latent vectors -> samples.
        discriminator: A Keras model or layer, samples -> one logit each.
        latent_dim: Length of a latent vector.
        latent_distribution: `"normal"` (standard normal, the default) or
            `"uniform"` (uniform on [-1, 1], as in the cs231n notebook).
        schedule: The order of the players' updates, a
            `keras_gan.schedules.UpdateSchedule`: `Alternating(k)` (default),
            `Simultaneous(k)` or `GeneratorFirst(k)`.
        discriminator_steps: Discriminator updates per generator update (the
            k of Algorithm 1; 1 by default). Each discriminator update uses a
            fresh batch of real data. Stored in a Keras variable of the
            schedule (`gan.discriminator_steps`), so a callback can change it
            during training without retracing.
        simultaneous: Compute both players' gradients from one forward pass
            (shorthand for `schedule=Simultaneous(discriminator_steps)`).
        tricks: A list of `keras_gan.tricks.Trick` (gradient penalty, weight
            clipping, ...) that add terms to the players' costs or act after
            updates. Each term is logged under its own name.
        seed: Seed of the latent sampling, for reproducible runs.
        name: Name of the model.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((8,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(generator=G, discriminator=D, latent_dim=8)
    >>> gan.compile(loss="non_saturating")
    >>> history = gan.fit(np.random.normal(size=(64, 2)), batch_size=32, verbose=0)
    >>> sorted(history.history)
    ['d_loss', 'g_loss', 'p_fake', 'p_real']
    >>> gan.generate(4).shape
    (4, 2)

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim,
        *,
        latent_distribution="normal",
        schedule=None,
        discriminator_steps=None,
        simultaneous=None,
        tricks=None,
        seed=None,
        name="gan",
        **kwargs,
    ):
        for role, network in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(network, keras.layers.Layer):
                raise TypeError(
                    f"`{role}` must be a Keras model or layer (Sequential, "
                    f"functional or subclassed). Received: {type(network).__name__}."
                )
        if generator is discriminator:
            raise ValueError("`generator` and `discriminator` must be two different networks.")
        latent_dim = validation.check_latent_dim(latent_dim)
        if latent_distribution not in LATENT_DISTRIBUTIONS:
            raise ValueError(
                f"`latent_distribution` must be one of {LATENT_DISTRIBUTIONS}. "
                f"Received: latent_distribution={latent_distribution!r}."
            )
        super().__init__(schedule=schedule, discriminator_steps=discriminator_steps, simultaneous=simultaneous,
                         tricks=tricks, name=name, **kwargs)
        self.latent_dim = latent_dim
        self.latent_distribution = latent_distribution
        self.generator = generator
        self.discriminator = discriminator
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise TypeError(f"`seed` must be an int or None. Received: seed={seed!r} ({validation.describe(seed)}).")
        self.seed = seed
        base_seed = random.randint(0, 2**31 - 1) if seed is None else int(seed)
        self.latent_seed = self._state_variable("latent_seed", base_seed)
        self.latent_draws = self._state_variable("latent_draws", 0)

    _network_config_keys = ("generator", "discriminator")
    requirements = (
        Requirement("one_logit_per_sample", "The discriminator must return one logit (or critic score) per sample",
                    "compile", enforced_by="GAN.build (validation.check_logits_shape)"),
    )

    #: The batches `fit` takes (checked by `validation.check_structure`): samples, or samples and labels
    #: (which a GAN ignores).
    batch_structure = ("x", "labels?")

    def player_networks(self, role):
        """`[generator]` or `[discriminator]`."""
        return [self.generator] if role == "generator" else [self.discriminator]

    # ------------------------------------------------------------------ set-up

    def build_step(self, batch_size=2):
        """A `GANStep` of zero generator inputs, used to build and check the networks."""
        return GANStep(z=ops.zeros((batch_size, self.latent_dim), dtype="float32"), training=False)

    def build(self, input_shape=None):
        """Builds both networks on a tiny batch and checks that they fit together."""
        if self.built:
            return
        # A batch every trick accepts (Packing(m) needs a multiple of m samples).
        step = self.build_step(math.lcm(2, self.trick_chain.batch_multiple))
        try:
            fake = self.generate_batch(step, training=False)
        except GANConfigurationError:
            raise
        except Exception as error:  # noqa: BLE001 - re-raised with the fix
            raise ValueError(
                f"The generator cannot take this model's inputs (latent vectors of "
                f"length latent_dim={self.latent_dim}{self._extra_input_note()}): "
                f"calling it failed with: {validation.informative_line(error).rstrip('.')}. "
                "Make the generator's input size equal `latent_dim`."
            ) from None
        self._sample_shape = tuple(int(d) for d in fake.shape[1:])
        step.real = step.fake = fake
        try:
            logits = self.discriminate(fake, step, training=False, role="real")
        except GANConfigurationError:
            raise
        except Exception as error:  # noqa: BLE001
            raise ValueError(
                f"The discriminator cannot take the generator's output of shape "
                f"{tuple(fake.shape)}{self._extra_input_note()}: {validation.informative_line(error).rstrip('.')}. "
                "Make the discriminator's input shape equal the generator's output shape."
            ) from None
        validation.check_logits_shape(logits)
        self.built = True

    def _extra_input_note(self):
        return ""

    def check_networks(self):
        """Warns when the discriminator squashes its output (the losses take logits)."""
        if validation.output_range(self.discriminator) == (0.0, 1.0):
            import warnings

            warnings.warn(
                "The discriminator ends with a sigmoid, but keras-gan's objectives take logits "
                f"(the {self.loss_fn.name} loss applies the sigmoid itself, stably). Remove the "
                "final sigmoid activation (end with Dense(1)), or the model learns from "
                "sigmoid(sigmoid(.)) and saturates.",
                UserWarning,
                stacklevel=3,
            )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "latent_dim": self.latent_dim,
                "latent_distribution": self.latent_distribution,
                "seed": self.seed,
            }
        )
        return config

    # ----------------------------------------------------------------- metrics

    def all_log_names(self):
        return ("d_loss", "g_loss", "p_real", "p_fake", "critic_gap") + tuple(self.extra_log_names())

    def log_names(self):
        probabilities = ("p_real", "p_fake") if self.loss_fn.probabilistic else ("critic_gap",)
        return ("d_loss", "g_loss") + probabilities + tuple(self.extra_log_names())

    def extra_log_names(self):
        """Names a subclass logs beyond the losses, the discriminator's statistics and the tricks."""
        return ()

    def discriminator_statistics(self, step):
        """`p_real` and `p_fake` (or `critic_gap`, for critic objectives) of the step's logits."""
        real = ops.cast(ops.reshape(step.real_logits, (-1,)), "float32")
        fake = ops.cast(ops.reshape(step.fake_logits, (-1,)), "float32")
        if self.loss_fn.probabilistic:
            return {"p_real": ops.mean(ops.sigmoid(real)), "p_fake": ops.mean(ops.sigmoid(fake))}
        return {"critic_gap": ops.mean(real) - ops.mean(fake)}

    # ------------------------------------------------------------------- hooks

    #: The step object this model's hooks fill in (a subclass adds the fields its hooks share).
    step_class = GANStep

    def prepare_step(self, data, training):
        """Unpacks a batch (`x`, `(x,)`, `(x, y)` or `(x, y, w)`) into a `GANStep`."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        return self.step_class(real=x, labels=y, training=training)

    def sample_latent(self, step):
        """Draws one latent vector per real sample in `step`."""
        batch_size = ops.shape(step.real)[0]
        return self.sample_latent_vectors(batch_size)

    def sample_latent_vectors(self, batch_size, seed=None):
        """Draws `batch_size` latent vectors from the latent distribution.

        Without `seed`, draws from the model's own random stream: a stateless
        draw keyed by `(latent_seed, latent_draws)`, then `latent_draws`
        advances. The stream is part of the saved model, so a reloaded model
        continues it exactly. Data-parallel replicas each keep their own rows
        of the draw for the global batch (`keras_gan.backend.draw_for_replica`):
        they draw different vectors, together those one device draws.
        """
        shape = (batch_size, self.latent_dim)
        if seed is None:
            stream = self._next_stream_seed()
            return draw_for_replica(
                lambda n: stateless_latent((n, self.latent_dim), stream, self.latent_distribution), batch_size)
        if self.latent_distribution == "uniform":
            return keras.random.uniform(shape, minval=-1.0, maxval=1.0, seed=seed)
        return keras.random.normal(shape, seed=seed)

    def _next_stream_seed(self):
        """The `(2,)` seed of the next draw of the latent stream; advances the stream."""
        seed = ops.stack([ops.cast(self.latent_seed, "int32"), ops.cast(self.latent_draws, "int32")])
        self.latent_draws.assign_add(1)
        return seed

    def generate_batch(self, step, training):
        """Runs the generator on `step.z` (conditional models add the labels)."""
        return self.generator(step.z, training=training)

    def discriminator_objective(self, step):
        """The objective's discriminator cost on real and generated logits, with `discriminator_statistics`."""
        step.real_logits = self.discriminate(step.real, step, training=step.training, role="real")
        step.fake_logits = self.discriminate(step.fake, step, training=step.training, role="fake")
        loss = self.loss_fn.discriminator_loss(
            ops.cast(step.real_logits, "float32"), ops.cast(step.fake_logits, "float32")
        )
        return loss, self.discriminator_statistics(step)

    def generator_objective(self, step):
        """The objective's generator cost on the generated logits (through the tricks' `generator_logits`).

        Reuses `step.fake_logits` when the step already holds them (simultaneous
        updates, evaluation); otherwise runs the discriminator on `step.fake`.
        """
        if step.fake_logits is None:
            step.fake_logits = self.discriminate(step.fake, step, training=step.training, role="fake")
        if self.trick_chain.replaces_generator_objective:
            return ops.zeros((), "float32"), {}
        logits = self.trick_chain.generator_logits(self, ops.cast(step.fake_logits, "float32"), step)
        return self.loss_fn.generator_loss(logits), {}

    # ---------------------------------------------------------------- training

    def check_data(self, x, y=None):
        """Checks the data before training: sample shape, finite float values, scale."""
        validation.check_values(x, validation.output_range(self.generator))
        sample_shape = validation.sample_shape_of(x)
        if sample_shape is None:
            return
        expected = getattr(self, "_sample_shape", None)
        if expected is not None and tuple(sample_shape) != tuple(expected):
            hint = channels_first_fix(sample_shape, expected)
            hint = f" {hint}" if hint else ""
            if hint:
                pass
            elif tuple(sample_shape) + (1,) == tuple(expected):
                hint = " The data lacks the channel axis: pass x[..., None]."
            elif tuple(sample_shape) == tuple(expected) + (1,) or tuple(sample_shape)[1:] == tuple(expected):
                hint = " The data has one axis too many: check how it was stacked or batched."
            elif int(np.prod(sample_shape)) == int(np.prod(expected)):
                hint = f" The data holds as many values per sample: reshape it, x.reshape((-1,) + {tuple(expected)})."
            raise ValueError(
                f"The generator's output shape {expected} (per sample) differs from "
                f"the data's sample shape {tuple(sample_shape)}. Make the generator "
                "produce samples shaped like the data (check its final Reshape or "
                f"its number of upsampling layers and channels).{hint}"
            )

    def averaged_generator(self):
        """Swaps the generator's moving-average weights in, for the `with` block.

        With `g_optimizer` built with `use_ema=True`, samples drawn inside the
        block come from the exponential moving average of the generator's
        weights, usually the better samples. Without EMA (or before the first
        update) the block changes nothing.

        Returns:
            A context manager.

        Example:

        >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, seed=0)
        >>> gan.compile(g_optimizer=keras.optimizers.Adam(0.1, use_ema=True))
        >>> _ = gan.fit(np.ones((32, 2), "float32"), batch_size=16, verbose=0)
        >>> z = np.ones((1, 4), "float32")
        >>> average = gan.generate(z)  # fit leaves the average in the generator
        >>> _ = G.layers[0].kernel.assign(G.layers[0].kernel + 1.0)  # weights that are not the average
        >>> with gan.averaged_generator():
        ...     inside = gan.generate(z)
        >>> bool(np.allclose(inside, average)), bool(np.allclose(gan.generate(z), average))
        (True, False)
        """
        return self.averaged_weights("generator")

    # ---------------------------------------------------------------- shipping

    def export_generator(self, path, *, averaged=True, overwrite=True):
        """Saves the generator alone as a plain Keras model, to load without keras-gan.

        With `averaged=True` (default) and a generator optimizer built with
        `use_ema=True`, the saved weights are the moving average (usually the
        better samples). The file is written atomically (a reader sees the old
        file or the complete new one). It loads with
        `keras.models.load_model(path)` alone, unless the generator itself
        uses keras-gan layers (then `import keras_gan` first; a warning says so).

        The path is checked before anything is saved: a name without
        `.keras`, an existing folder, a location under a file or in a folder
        that cannot be written, or (with `overwrite=False`) an existing file
        is refused with a message naming the path and the fix.

        Args:
            path: A `.keras` file.
            averaged: Save the moving-average weights when there are any.
            overwrite: Replace an existing file at `path` (as Keras's
                `Model.save`); with False, an existing file is refused
                (`FileExistsError`) and left as it is.

        Returns:
            The path written.

        Example:

        >>> import os, tempfile
        >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> gan = keras_gan.models.GAN(G, D, latent_dim=4)
        >>> gan.compile()
        >>> path = gan.export_generator(os.path.join(tempfile.mkdtemp(), "generator.keras"))
        >>> keras.models.load_model(path).output_shape
        (None, 2)
        """
        import contextlib
        import warnings

        from keras_gan.utils.files import atomic_path, check_output_location

        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"`path` must be a file path ending in '.keras' (a string or os.PathLike). Received: "
                            f"path={path!r} ({validation.describe(path)}).")
        path = os.fspath(path)
        for name, value in (("averaged", averaged), ("overwrite", overwrite)):
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"`{name}` must be True or False. Received: {name}={value!r} "
                                f"({validation.describe(value)}).")
        if not path.endswith(".keras"):
            inside = os.path.join(path, "generator.keras")
            folder = f" (an existing folder: pass a file inside it, e.g. {inside!r})" if os.path.isdir(path) else ""
            raise ValueError(
                f"`export_generator` writes the Keras format: give a path ending in '.keras'. Received: {path!r}"
                f"{folder}."
            )
        check_output_location(path, f"export_generator(path={path!r})", "file")
        if not overwrite and os.path.exists(path):
            raise FileExistsError(
                f"export_generator(path={path!r}): the file exists and overwrite=False; pass another path, or "
                "overwrite=True to replace it."
            )
        own = sorted({type(layer).__name__ for layer in _all_layers(self.generator)
                      if type(layer).__module__.startswith("keras_gan")})
        if own:
            warnings.warn(
                f"The generator uses keras-gan layers ({', '.join(own)}): loading {path} needs "
                "`import keras_gan` first.", UserWarning, stacklevel=2)
        with self.averaged_generator() if averaged else contextlib.nullcontext(), atomic_path(path) as tmp:
            self.generator.save(tmp)
        return path

    def functional_view(self):
        """The game as one functional model, latent inputs -> generator -> discriminator.

        For drawing (`keras.utils.plot_model(gan.functional_view(), expand_nested=True)`)
        and inspecting; it shares the networks (and their weights) with the GAN.

        Returns:
            A `keras.Model` from the generator's inputs to the discriminator's outputs.

        Example:

        >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)], name="G")
        >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)], name="D")
        >>> gan = keras_gan.models.GAN(G, D, latent_dim=4)
        >>> [layer.name for layer in gan.functional_view().layers[1:]]
        ['G', 'D']
        """
        inputs = self._view_inputs()
        fake = self.generator(inputs[0] if len(inputs) == 1 else inputs)
        return keras.Model(inputs, self._view_discriminator(fake, inputs), name=f"{self.name}_game")

    def _view_inputs(self):
        return [keras.Input((self.latent_dim,), name="z")]

    def _view_discriminator(self, fake, inputs):
        return self.discriminator(fake)

    def plot(self, to_file="gan.png", **kwargs):
        """Draws the generator -> discriminator structure with `keras.utils.plot_model`.

        Args:
            to_file: The image to write.
            **kwargs: Passed to `keras.utils.plot_model` (defaults: shapes
                shown, nested networks expanded).

        Returns:
            What `keras.utils.plot_model` returns (an image in a notebook).

        Example:

        >>> # gan.plot("gan.png")   # needs pydot and Graphviz, as keras.utils.plot_model does
        """
        kwargs.setdefault("show_shapes", True)
        kwargs.setdefault("expand_nested", True)
        try:
            import pydot  # noqa: F401
        except ImportError:
            raise ImportError(
                "`plot` draws with keras.utils.plot_model, which needs pydot and Graphviz: "
                "`pip install pydot` and install Graphviz (e.g. `apt install graphviz`). "
                "`gan.functional_view().summary()` shows the same structure as text."
            ) from None
        return keras.utils.plot_model(self.functional_view(), to_file=to_file, **kwargs)

    # -------------------------------------------------------------- generation

    def grid_inputs(self, n, seed=0):
        """Fixed inputs for a grid of `n` samples: `(generate kwargs, rows)`.

        `SampleSaver` draws them once and calls `generate(**kwargs)` each
        time; conditional models arrange one row per class.
        """
        z = ops.convert_to_numpy(self.sample_latent_vectors(n, keras.random.SeedGenerator(seed)))
        return {"n_or_z": np.asarray(z)}, None

    def call(self, inputs, training=False):
        """Generates samples from latent vectors `inputs`, so `predict(z)` works."""
        return self.generator(inputs, training=training)

    def generate(self, n_or_z, *, seed=None, batch_size=256):
        """Generates samples.

        Args:
            n_or_z: A number of samples, or an array of latent vectors of shape
                `(n, latent_dim)`.
            seed: With a number, seeds the latent vectors for reproducible
                samples.
            batch_size: Samples generated per generator call.

        Returns:
            A NumPy array of `n` samples, in the generator's output range.
        """
        batch_size = validation.check_positive_int(batch_size, "batch_size")
        z = self._latent_from(n_or_z, seed)
        outputs = [
            ops.convert_to_numpy(self.generator(z[i : i + batch_size], training=False))
            for i in range(0, len(z), batch_size)
        ]
        return np.concatenate(outputs, axis=0)

    def _latent_from(self, n_or_z, seed):
        if not (hasattr(n_or_z, "shape") or isinstance(n_or_z, (list, tuple))):  # a number of samples
            n = validation.check_sample_count(
                n_or_z, "n_or_z", fix=f"generate(16) for 16 samples, or generate(z) with latent vectors z of "
                f"shape (n, latent_dim={self.latent_dim})")
            if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
                raise TypeError(f"`seed` must be an int or None; received {validation.describe(seed)}.")
            sampler = keras.random.SeedGenerator(seed) if seed is not None else None
            return ops.convert_to_numpy(self.sample_latent_vectors(n, sampler))
        try:
            z = np.asarray(ops.convert_to_numpy(n_or_z), dtype="float32")
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"`generate` takes a number of samples or latent vectors of shape (n, latent_dim={self.latent_dim}); "
                f"received {validation.describe(n_or_z)}, which is not numeric ({validation.informative_line(error)})."
            ) from None
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            fix = (f"generate({z.shape[0]}) for {z.shape[0]} samples" if z.ndim == 1 else
                   f"z.reshape(-1, {self.latent_dim})" if z.ndim and z.size % self.latent_dim == 0 else
                   f"an array of shape (n, {self.latent_dim})")
            raise ValueError(
                f"Latent vectors must have shape (n, latent_dim={self.latent_dim}); received "
                f"{validation.describe(n_or_z)}. Pass a number of samples, or such an array (here: {fix})."
            )
        if len(z) == 0:
            raise ValueError("`generate` received no latent vectors (an array of shape (0, latent_dim)); "
                             "pass at least one, or a number of samples.")
        return z


def _all_layers(network):
    """`network` and every layer nested in it."""
    layers = [network]
    for layer in getattr(network, "layers", None) or []:
        layers += _all_layers(layer)
    return layers
