"""`GAN`: a `keras.Model` whose `fit` plays the adversarial game."""

import contextlib
import math
import numbers
import random

import keras
import numpy as np
from keras import ops

from keras_gan import losses as gan_losses
from keras_gan.backend import get_trainer, replica_id, stateless_latent, uses_distribution_strategy
from keras_gan.errors import GANConfigurationError
from keras_gan.models.step import GANStep

LATENT_DISTRIBUTIONS = ("normal", "uniform")


def _default_optimizer():
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


def _resolve_optimizer(identifier, role):
    if identifier is None or (isinstance(identifier, str) and identifier == "auto"):
        return _default_optimizer()
    try:
        optimizer = keras.optimizers.get(identifier)
    except ValueError as error:
        raise ValueError(
            f"`{role}={identifier!r}` is not an optimizer: pass a "
            "`keras.optimizers.Optimizer` instance, a Keras optimizer name such "
            f"as 'adam', or 'auto' (Adam 2e-4, beta_1=0.5). ({error})"
        ) from None
    return optimizer


def _check_latent_dim(latent_dim):
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, numbers.Integral):
        raise TypeError(
            "`latent_dim` must be a positive int, the length of one latent "
            f"vector. Received: latent_dim={latent_dim!r} of type "
            f"{type(latent_dim).__name__}."
        )
    if latent_dim <= 0:
        raise ValueError(
            f"`latent_dim` must be a positive int. Received: latent_dim={latent_dim}."
        )
    return int(latent_dim)


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(keras.Model):
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
        discriminator_steps: Discriminator updates per generator update (the
            k of Algorithm 1). Each discriminator update uses a fresh batch of
            real data. Stored in a Keras variable (`gan.discriminator_steps`),
            so a callback can change it during training without retracing.
        simultaneous: Compute both players' gradients from one forward pass.
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
        discriminator_steps=1,
        simultaneous=False,
        tricks=None,
        seed=None,
        name="gan",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        self.tricks = _check_tricks(tricks)
        for role, network in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(network, keras.layers.Layer):
                raise TypeError(
                    f"`{role}` must be a Keras model or layer (Sequential, "
                    f"functional or subclassed). Received: {type(network).__name__}."
                )
        if generator is discriminator:
            raise ValueError("`generator` and `discriminator` must be two different networks.")
        self.latent_dim = _check_latent_dim(latent_dim)
        if latent_distribution not in LATENT_DISTRIBUTIONS:
            raise ValueError(
                f"`latent_distribution` must be one of {LATENT_DISTRIBUTIONS}. "
                f"Received: latent_distribution={latent_distribution!r}."
            )
        self.latent_distribution = latent_distribution
        self.generator = generator
        self.discriminator = discriminator
        self.simultaneous = bool(simultaneous)
        self.seed = seed
        self._initial_discriminator_steps = self._check_steps(discriminator_steps)
        # State lives in Keras variables, saved with the model. "only_first_replica"
        # lets a tf.distribute replica update them inside the training step.
        self.discriminator_steps = self._state_variable(
            "discriminator_steps", self._initial_discriminator_steps
        )
        self.d_step_counter = self._state_variable("d_step_counter", 0)
        base_seed = random.randint(0, 2**31 - 1) if seed is None else int(seed)
        self.latent_seed = self._state_variable("latent_seed", base_seed)
        self.latent_draws = self._state_variable("latent_draws", 0)
        self.loss_fn = None
        self.d_optimizer = None
        self.g_optimizer = None
        names = ["d_loss", "g_loss", "p_real", "p_fake", "critic_gap"]
        names += self.extra_metric_names()
        names += [n for trick in self.tricks for n in trick.term_names]
        if len(set(names)) != len(names):
            raise ValueError(
                f"Two tricks (or a trick and the model) log under the same name: {names}. "
                "Give each trick only once."
            )
        self._all_trackers = {name: keras.metrics.Mean(name=name) for name in names}
        self._metric_trackers = {}

    # ------------------------------------------------------------------ set-up

    def _state_variable(self, name, value):
        return self.add_weight(
            shape=(),
            dtype="int32",
            initializer=keras.initializers.Constant(value),
            trainable=False,
            aggregation="only_first_replica",
            name=name,
        )

    @staticmethod
    def _check_steps(steps):
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
            raise ValueError(
                "`discriminator_steps` must be an int >= 1 (discriminator updates "
                f"per generator update). Received: {steps!r}."
            )
        return int(steps)

    def set_discriminator_steps(self, steps):
        """Sets k, the discriminator updates per generator update, without retracing."""
        steps = self._check_steps(steps)
        self._check_steps_supported(steps)
        self.discriminator_steps.assign(steps)

    def _check_steps_supported(self, steps):
        if steps != 1 and uses_distribution_strategy(self):
            raise ValueError(
                f"discriminator_steps={steps} is not supported under a tf.distribute "
                "strategy (its replicas): TensorFlow cannot synchronize replicas "
                "inside the conditional that skips the generator's update. Use "
                "discriminator_steps=1 there (each replica then updates both players "
                "every step), or train on one device."
            )

    def build_step(self, batch_size=2):
        """A `GANStep` of zero generator inputs, used to build and check the networks."""
        return GANStep(z=ops.zeros((batch_size, self.latent_dim), dtype="float32"), training=False)

    def build(self, input_shape=None):
        """Builds both networks on a tiny batch and checks that they fit together."""
        if self.built:
            return
        # A batch every trick accepts (Packing(m) needs a multiple of m samples).
        batch = 2
        for trick in self.tricks:
            batch = math.lcm(batch, int(trick.batch_multiple))
        step = self.build_step(batch)
        try:
            fake = self.generate_batch(step, training=False)
        except GANConfigurationError:
            raise
        except Exception as error:  # noqa: BLE001 - re-raised with the fix
            raise ValueError(
                f"The generator cannot take this model's inputs (latent vectors of "
                f"length latent_dim={self.latent_dim}{self._extra_input_note()}): "
                f"calling it failed with: {_first_line(error)}. "
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
                f"{tuple(fake.shape)}{self._extra_input_note()}: {_first_line(error)}. "
                "Make the discriminator's input shape equal the generator's output shape."
            ) from None
        self._check_logits_shape(logits)
        self.built = True

    def _extra_input_note(self):
        return ""

    @staticmethod
    def _check_logits_shape(logits):
        shape = tuple(logits.shape)
        if not (len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)):
            raise ValueError(
                "The discriminator must return one logit per sample, of shape "
                f"(batch, 1) or (batch,); it returned shape {shape}. End it with "
                "`keras.layers.Dense(1)` and no activation (the losses expect logits)."
            )

    def compile(
        self,
        d_optimizer="auto",
        g_optimizer="auto",
        loss="non_saturating",
        *,
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Configures the GAN for training.

        Args:
            d_optimizer: The discriminator's optimizer: an instance, a Keras
                name, or `"auto"` for Adam(2e-4, beta_1=0.5).
            g_optimizer: The generator's optimizer, likewise. Must be a
                different instance from `d_optimizer`.
            loss: An objective name (`"minimax"`, `"non_saturating"`,
                `"maximum_likelihood"`, `"least_squares"`, `"wasserstein"`,
                `"hinge"`) or a `keras_gan.losses.AdversarialLoss` instance.
            run_eagerly: Run the step eagerly, for debugging.
            steps_per_execution: Training steps per compiled call.
            jit_compile: Compile the step with XLA (`"auto"`: as Keras decides).
            auto_scale_loss: Under the `"mixed_float16"` policy, wrap both
                optimizers in `keras.optimizers.LossScaleOptimizer`.
        """
        self.loss_fn = gan_losses.get(loss)
        d_optimizer = _resolve_optimizer(d_optimizer, "d_optimizer")
        g_optimizer = _resolve_optimizer(g_optimizer, "g_optimizer")
        if d_optimizer is g_optimizer:
            raise ValueError(
                "`d_optimizer` and `g_optimizer` are the same object; each player "
                "needs its own optimizer (its own moment estimates). Pass two "
                "instances, e.g. keras.optimizers.Adam(2e-4, beta_1=0.5) twice."
            )
        self._compile_args = {
            "d_optimizer": d_optimizer,
            "g_optimizer": g_optimizer,
            "loss": self.loss_fn,
            "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }
        if auto_scale_loss and self.dtype_policy.name == "mixed_float16":
            # Each player's loss is scaled, and its update skipped when its own
            # scaled gradients overflow (the scale then halves).
            d_optimizer, g_optimizer = (
                opt if isinstance(opt, keras.optimizers.LossScaleOptimizer)
                else keras.optimizers.LossScaleOptimizer(opt)
                for opt in (d_optimizer, g_optimizer)
            )
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        super().compile(
            optimizer=None,
            loss=None,
            run_eagerly=run_eagerly,
            steps_per_execution=steps_per_execution,
            jit_compile=jit_compile,
            auto_scale_loss=False,
        )
        self._make_metrics()
        self.build()
        self._warn_if_discriminator_squashes()
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        for trick in self.tricks:
            trick.build_for(self)

    def _warn_if_discriminator_squashes(self):
        if _output_range(self.discriminator) == (0.0, 1.0):
            import warnings

            warnings.warn(
                "The discriminator ends with a sigmoid, but keras-gan's objectives take logits "
                f"(the {self.loss_fn.name} loss applies the sigmoid itself, stably). Remove the "
                "final sigmoid activation (end with Dense(1)), or the model learns from "
                "sigmoid(sigmoid(.)) and saturates.",
                UserWarning,
                stacklevel=3,
            )

    def get_compile_config(self):
        if not getattr(self, "_compile_args", None):
            return {}
        return {
            key: keras.saving.serialize_keras_object(value)
            for key, value in self._compile_args.items()
        }

    def compile_from_config(self, config):
        config = {
            key: keras.saving.deserialize_keras_object(value) for key, value in config.items()
        }
        self.compile(**config)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "latent_dim": self.latent_dim,
                "latent_distribution": self.latent_distribution,
                "discriminator_steps": self._initial_discriminator_steps,
                "simultaneous": self.simultaneous,
                "tricks": [keras.saving.serialize_keras_object(t) for t in self.tricks],
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in cls._network_config_keys:
            if config.get(key) is not None:
                config[key] = keras.saving.deserialize_keras_object(
                    config[key], custom_objects=custom_objects
                )
        config["tricks"] = [
            keras.saving.deserialize_keras_object(t, custom_objects=custom_objects)
            for t in config.get("tricks") or []
        ]
        return cls(**config)

    _network_config_keys = ("generator", "discriminator")

    def get_build_config(self):
        return {"built": bool(self.built)}

    def build_from_config(self, config):
        if config.get("built", True):
            self.build()

    # ----------------------------------------------------------------- metrics

    def extra_metric_names(self):
        """Names of metrics a subclass logs beyond the losses and tricks' terms."""
        return []

    def _make_metrics(self):
        names = ["d_loss", "g_loss"]
        names += ["p_real", "p_fake"] if self.loss_fn.probabilistic else ["critic_gap"]
        names += self.extra_metric_names()
        names += [n for trick in self.tricks for n in trick.term_names]
        self._metric_trackers = {name: self._all_trackers[name] for name in names}

    @property
    def metrics(self):
        return list(self._metric_trackers.values())

    def update_discriminator_metrics(self, d_loss, step):
        """Updates `d_loss` and the discriminator's output statistics."""
        trackers = self._metric_trackers
        trackers["d_loss"].update_state(d_loss)
        real = ops.reshape(step.real_logits, (-1,))
        fake = ops.reshape(step.fake_logits, (-1,))
        if self.loss_fn.probabilistic:
            trackers["p_real"].update_state(ops.sigmoid(ops.cast(real, "float32")))
            trackers["p_fake"].update_state(ops.sigmoid(ops.cast(fake, "float32")))
        else:
            trackers["critic_gap"].update_state(ops.mean(real) - ops.mean(fake))
        self._update_term_metrics(step.extras.get("d_terms", {}))

    def update_generator_metrics(self, g_loss, step):
        """Updates `g_loss` and the generator's trick terms."""
        self._metric_trackers["g_loss"].update_state(g_loss)
        self._update_term_metrics(step.extras.get("g_terms", {}))

    def _update_term_metrics(self, terms):
        for name, value in terms.items():
            tracker = self._metric_trackers.get(name)
            if tracker is not None:
                tracker.update_state(value)

    def get_metrics_result(self):
        return {name: tracker.result() for name, tracker in self._metric_trackers.items()}

    # ------------------------------------------------------------------- hooks

    def example_step(self, fake):
        """The `GANStep` used to build the networks on an example batch `fake`."""
        return GANStep(real=fake, fake=fake, training=False)

    def prepare_step(self, data, training):
        """Unpacks a batch (`x`, `(x,)`, `(x, y)` or `(x, y, w)`) into a `GANStep`."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        return GANStep(real=x, labels=y, training=training)

    def sample_latent(self, step):
        """Draws one latent vector per real sample in `step`."""
        batch_size = ops.shape(step.real)[0]
        return self.sample_latent_vectors(batch_size)

    def sample_latent_vectors(self, batch_size, seed=None):
        """Draws `batch_size` latent vectors from the latent distribution.

        Without `seed`, draws from the model's own random stream: a stateless
        draw keyed by `(latent_seed, latent_draws + replica)`, then
        `latent_draws` advances. The stream is part of the saved model, so a
        reloaded model continues it exactly, and each `tf.distribute` replica
        draws different vectors.
        """
        shape = (batch_size, self.latent_dim)
        if seed is None:
            replica = ops.cast(replica_id(), "int32")
            base = ops.cast(self.latent_seed, "int32") + replica * 1_000_003
            stream = ops.stack([base, ops.cast(self.latent_draws, "int32")])
            self.latent_draws.assign_add(1)
            return stateless_latent(shape, stream, self.latent_distribution)
        if self.latent_distribution == "uniform":
            return keras.random.uniform(shape, minval=-1.0, maxval=1.0, seed=seed)
        return keras.random.normal(shape, seed=seed)

    def generate_batch(self, step, training):
        """Runs the generator on `step.z` (conditional models add the labels)."""
        return self.generator(step.z, training=training)

    def discriminate(self, x, step, training, role="real"):
        """Runs the discriminator on `x` (conditional models add the labels).

        Args:
            x: A batch of samples.
            step: The `GANStep` being computed.
            training: Whether the networks run in training mode.
            role: What `x` is: `"real"`, `"fake"` (generated), or `"penalty"`
                (points a trick evaluates the discriminator at). Models with
                extra discriminator outputs (InfoGAN's Q head) use it to know
                where to keep them.

        Returns:
            One logit (or critic score) per sample.
        """
        return self.discriminator(self.transform_discriminator_input(x, step, role), training=training)

    def transform_discriminator_input(self, x, step, role):
        """Applies the tricks' input transforms (packing, instance noise) to a discriminator input."""
        for trick in self.tricks:
            transform = getattr(trick, "transform_discriminator_input", None)
            if transform is not None:
                x = transform(self, x, step, role)
        return x

    def compute_discriminator_loss(self, step):
        """The discriminator's cost: the objective, the tricks' terms and its own losses."""
        loss = self.loss_fn.discriminator_loss(
            ops.cast(step.real_logits, "float32"), ops.cast(step.fake_logits, "float32")
        )
        loss = self._add_trick_terms(loss, step, "d_terms", "discriminator_terms")
        return self._add_layer_losses(loss, self.discriminator)

    def compute_generator_loss(self, step):
        """The generator's cost: the objective, the tricks' terms and its own losses."""
        if any(getattr(trick, "replaces_generator_objective", False) for trick in self.tricks):
            loss = ops.zeros((), "float32")
        else:
            loss = self.loss_fn.generator_loss(ops.cast(step.fake_logits, "float32"))
        loss = self._add_trick_terms(loss, step, "g_terms", "generator_terms")
        return self._add_layer_losses(loss, self.generator)

    def _add_trick_terms(self, loss, step, key, method):
        terms = {}
        for trick in self.tricks:
            trick_terms = getattr(trick, method)(self, step)
            for name, value in trick_terms.items():
                value = ops.cast(value, "float32")
                terms[name] = value
                if trick.weight:
                    loss = loss + trick.weight * value
        step.extras[key] = terms
        return loss

    def after_discriminator_update(self):
        """Runs after each discriminator update: the tricks' `after_discriminator_update`."""
        for trick in self.tricks:
            trick.after_discriminator_update(self)

    def after_generator_update(self):
        """Runs after each generator update: the tricks' `after_generator_update`."""
        for trick in self.tricks:
            trick.after_generator_update(self)

    @staticmethod
    def _add_layer_losses(loss, network):
        extra = network.losses
        if extra:
            loss = loss + ops.sum(ops.stack([ops.cast(x, "float32") for x in extra]))
        return loss

    def generator_update_due(self):
        """Whether the generator updates in this step.

        True when the discriminator update about to run completes a round of
        k, and no trick's `generator_gate` holds the generator back.
        """
        due = ops.greater_equal(self.d_step_counter + 1, self.discriminator_steps)
        for trick in self.tricks:
            gate = getattr(trick, "generator_gate", None)
            if gate is not None:
                due = ops.logical_and(due, gate(self))
        return due

    def discriminator_update_gate(self):
        """None (the discriminator always updates), or a boolean tensor from the tricks' gates."""
        gates = [trick.discriminator_gate(self) for trick in self.tricks if hasattr(trick, "discriminator_gate")]
        if not gates:
            return None
        gate = gates[0]
        for other in gates[1:]:
            gate = ops.logical_and(gate, other)
        return gate

    def record_step_losses(self, d_loss, g_loss):
        """Hands the step's losses to tricks that schedule on them."""
        for trick in self.tricks:
            record = getattr(trick, "record_losses", None)
            if record is not None:
                record(d_loss, g_loss)

    # ---------------------------------------------------------------- training

    def train_step(self, data):
        return get_trainer().train_step(self, data)

    def test_step(self, data):
        return get_trainer().test_step(self, data)

    def _check_before_run(self, method, x, y=None):
        if not self.compiled or self.d_optimizer is None:
            raise ValueError(
                f"Call `compile()` before `{method}()`: the GAN needs its two "
                "optimizers and its loss. `gan.compile()` with no arguments uses "
                "Adam(2e-4, beta_1=0.5) for both players and the non-saturating loss."
            )
        self._check_steps_supported(int(ops.convert_to_numpy(self.discriminator_steps)))
        self.check_data(x, y)

    def check_data(self, x, y=None):
        """Checks the data before training: sample shape, finite float values, scale."""
        _check_values(x, _output_range(self.generator))
        sample_shape = _sample_shape_of(x)
        if sample_shape is None:
            return
        expected = getattr(self, "_sample_shape", None)
        if expected is not None and tuple(sample_shape) != tuple(expected):
            raise ValueError(
                f"The generator's output shape {expected} (per sample) differs from "
                f"the data's sample shape {tuple(sample_shape)}. Make the generator "
                "produce samples shaped like the data (check its final Reshape or "
                "its number of upsampling layers and channels)."
            )

    def fit(self, x=None, y=None, stop_on_divergence=True, **kwargs):
        """Trains the GAN; Keras's `fit`, plus checks and a divergence guard.

        Before any step runs, checks that the model is compiled and that the
        data fits the networks. `keras_gan.callbacks.Evaluate` callbacks are
        moved to the front, so the metrics they write into the epoch's logs
        reach `ModelCheckpoint`, `EarlyStopping`, `TensorBoard` and tuners.
        With `stop_on_divergence` (default), a
        `keras_gan.callbacks.StopOnDivergence` is added (unless `callbacks`
        already holds one): a NaN or Inf loss stops training with a message
        naming the step and the player, and the last good weights are restored.
        """
        self._check_before_run("fit", x, y)
        if hasattr(x, "element_spec"):
            kwargs.setdefault("shuffle", False)  # a tf.data.Dataset shuffles itself
        callbacks = _evaluate_first(kwargs.get("callbacks"))
        if callbacks is not None:
            kwargs["callbacks"] = callbacks
        if stop_on_divergence:
            from keras_gan.callbacks.divergence import StopOnDivergence

            callbacks = list(kwargs.get("callbacks") or [])
            if not any(isinstance(c, StopOnDivergence) for c in callbacks):
                callbacks.append(StopOnDivergence())
            kwargs["callbacks"] = callbacks
        history = super().fit(x, y, **kwargs)
        # As Keras does for `model.optimizer`: an optimizer with `use_ema=True`
        # leaves its moving average of the weights in the network.
        self.d_optimizer.finalize_variable_values(self.discriminator.trainable_variables)
        self.g_optimizer.finalize_variable_values(self.generator.trainable_variables)
        return history

    @contextlib.contextmanager
    def averaged_generator(self):
        """Swaps the generator's moving-average weights in, for the `with` block.

        With `g_optimizer` built with `use_ema=True`, samples drawn inside the
        block come from the exponential moving average of the generator's
        weights, usually the better samples. Without EMA (or before the first
        update) the block changes nothing.

        Example:

        >>> # with gan.averaged_generator():
        >>> #     images = gan.generate(16)
        """
        pairs = _ema_pairs(self.g_optimizer, self.generator.trainable_variables)
        for variable, average in pairs:
            current = ops.copy(variable.value)
            variable.assign(average)
            average.assign(current)
        try:
            yield self
        finally:
            for variable, average in pairs:
                current = ops.copy(variable.value)
                variable.assign(average)
                average.assign(current)

    def evaluate(self, x=None, y=None, **kwargs):
        self._check_before_run("evaluate", x, y)
        return super().evaluate(x, y, **kwargs)

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
        z = self._latent_from(n_or_z, seed)
        outputs = [
            ops.convert_to_numpy(self.generator(z[i : i + batch_size], training=False))
            for i in range(0, len(z), batch_size)
        ]
        return np.concatenate(outputs, axis=0)

    def _latent_from(self, n_or_z, seed):
        if isinstance(n_or_z, numbers.Integral) and not isinstance(n_or_z, bool):
            if n_or_z <= 0:
                raise ValueError(
                    f"`generate` needs a positive number of samples; received {n_or_z}."
                )
            sampler = keras.random.SeedGenerator(seed) if seed is not None else None
            return ops.convert_to_numpy(self.sample_latent_vectors(int(n_or_z), sampler))
        z = np.asarray(ops.convert_to_numpy(n_or_z), dtype="float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(
                f"Latent vectors must have shape (n, latent_dim={self.latent_dim}); "
                f"received shape {z.shape}. Pass a number of samples or such an array."
            )
        return z


def _check_logits_shape_map(scores, name):
    """A CycleGAN discriminator may return `(batch, 1)`, `(batch,)` or a map of patch scores."""
    shape = tuple(scores.shape)
    if len(shape) >= 3 and shape[-1] != 1:
        raise GANConfigurationError(
            f"`{name}` must return one score per image or per patch (last axis 1); it "
            f"returned shape {shape}. End it with a 1-filter convolution or Dense(1)."
        )
    if len(shape) == 2 and shape[1] != 1:
        raise GANConfigurationError(
            f"`{name}` must return one score per image, shape (batch, 1); it returned {shape}."
        )


def _first_line(error):
    text = str(error)
    return text.splitlines()[0] if text else repr(error)


def _check_tricks(tricks):
    from keras_gan.tricks import Trick

    tricks = list(tricks or [])
    for trick in tricks:
        if not isinstance(trick, Trick):
            raise TypeError(
                "Each of `tricks` must be a `keras_gan.tricks.Trick` instance, e.g. "
                f"keras_gan.tricks.GradientPenalty(10.0). Received: {trick!r}."
            )
    return tricks


def _ema_pairs(optimizer, variables):
    """(variable, moving average) pairs of an optimizer with `use_ema`, else []."""
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    if optimizer is None or not getattr(optimizer, "use_ema", False):
        return []
    if int(ops.convert_to_numpy(optimizer.iterations)) == 0:
        return []
    averages = getattr(optimizer, "_model_variables_moving_average", None) or []
    pairs = []
    for variable in variables:
        index = optimizer._get_variable_index(variable)
        if index < len(averages) and averages[index] is not None:
            pairs.append((variable, averages[index]))
    return pairs


def _first_array(x):
    """A NumPy view of the data (an array, a tuple's first array, or a dataset's first batch)."""
    if isinstance(x, (tuple, list)) and x:
        return _first_array(x[0])
    if hasattr(x, "element_spec"):
        for batch in x.take(1):
            return _first_array(batch)
        raise GANConfigurationError(
            "The dataset yields no batches: check its source, filters and `take`/`skip`, and that "
            "`batch(..., drop_remainder=True)` leaves at least one full batch."
        )
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "numpy") and hasattr(x, "dtype"):
        return np.asarray(x)
    return None


_BOUNDED_ACTIVATIONS = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


def _output_range(network):
    """The output range of a network ending in tanh or sigmoid (through reshapes), else None."""
    layers = getattr(network, "layers", None)
    if not layers:
        return None
    for layer in reversed(layers):
        activation = getattr(layer, "activation", None)
        if activation is not None:
            return _BOUNDED_ACTIVATIONS.get(getattr(activation, "__name__", ""))
        if isinstance(layer, keras.Model):
            return _output_range(layer)
        if not isinstance(layer, (keras.layers.Reshape, keras.layers.Flatten, keras.layers.Cropping2D)):
            return None
    return None


def _check_values(x, output_range=None):
    """Refuses integer, NaN or Inf data; warns about data outside a bounded generator's range."""
    import warnings

    array = _first_array(x)
    if array is None or array.size == 0:
        if array is not None:
            raise GANConfigurationError("The data holds no samples.")
        return
    if np.issubdtype(array.dtype, np.integer) or array.dtype == bool:
        raise GANConfigurationError(
            f"The data is of integer type ({array.dtype}); GANs train on floats scaled like the "
            "generator's output. Convert it, e.g. images.astype('float32') / 127.5 - 1 for a tanh "
            "generator (keras_gan.datasets.load does this)."
        )
    if not np.issubdtype(array.dtype, np.floating):
        return
    sample = array if array.size <= 10_000_000 else array[: max(1, len(array) // 10)]
    if not np.all(np.isfinite(sample)):
        bad = int(np.size(sample) - np.count_nonzero(np.isfinite(sample)))
        raise GANConfigurationError(
            f"The data contains {bad} NaN or Inf values; training on them makes every loss NaN. "
            "Remove or replace them (e.g. np.nan_to_num) before `fit`."
        )
    if output_range is None:
        return
    low, high = float(np.min(sample)), float(np.max(sample))
    bottom, top = output_range
    margin = 0.05 * (top - bottom)
    if high > top + margin or low < bottom - margin:
        warnings.warn(
            f"The data ranges over [{low:g}, {high:g}], but the generator's output layer can only "
            f"produce [{bottom:g}, {top:g}]. Scale the data to that range (images: x / 127.5 - 1 "
            "for tanh, x / 255 for sigmoid), or change the generator's output activation.",
            UserWarning,
            stacklevel=4,
        )


def _sample_shape_of(x):
    """The per-sample shape of fit's `x` (array, tuple or tf.data.Dataset), if known."""
    if x is None:
        return None
    if isinstance(x, (tuple, list)) and x:
        return _sample_shape_of(x[0])
    if isinstance(x, dict):
        return None
    shape = getattr(x, "shape", None)
    if shape is not None and not callable(shape):
        return tuple(shape[1:])
    spec = getattr(x, "element_spec", None)
    if spec is not None:
        if isinstance(spec, (tuple, list)):
            spec = spec[0]
        shape = getattr(spec, "shape", None)
        if shape is not None and shape.rank:
            dims = tuple(shape[1:])
            return None if any(d is None for d in dims) else tuple(int(d) for d in dims)
    return None


def _evaluate_first(callbacks):
    """Callbacks with the `Evaluate` ones first (they write the logs the others read)."""
    if callbacks is None or isinstance(callbacks, keras.callbacks.CallbackList):
        return callbacks
    from keras_gan.callbacks.evaluate import Evaluate

    callbacks = list(callbacks)
    return [c for c in callbacks if isinstance(c, Evaluate)] + [c for c in callbacks if not isinstance(c, Evaluate)]
