"""`AdversarialModel`: the base of every keras-gan model, and the step protocol its trainers call."""

import contextlib
import numbers

import keras
from keras import ops

from keras_gan import losses as gan_losses
from keras_gan.backend import get_trainer, uses_distribution_strategy
from keras_gan.models import validation
from keras_gan.tricks.chain import TrickChain

#: The two players of every keras-gan model, with the attribute holding each one's optimizer.
PLAYERS = {"discriminator": "d_optimizer", "generator": "g_optimizer"}

#: The hooks a backend trainer may call, the whole protocol between a model and its trainers.
STEP_PROTOCOL = (
    # data and generation
    "prepare_step",
    "sample_latent",
    "generate_batch",
    # each player's cost and logs (the costs call `discriminate`, which applies the tricks' transforms)
    "compute_discriminator_loss",
    "discriminator_logs",
    "compute_generator_loss",
    "generator_logs",
    # the order and gating of the updates
    "update_order",
    "simultaneous",
    "discriminator_steps",
    "d_step_counter",
    "generator_update_due",
    "discriminator_update_gate",
    # after the updates
    "record_step_losses",
    "after_discriminator_update",
    "after_generator_update",
    # the players and the one metrics channel
    "player_variables",
    "d_optimizer",
    "g_optimizer",
    "update_metrics",
    "get_metrics_result",
)


def _default_optimizer():
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


@keras.saving.register_keras_serializable(package="keras_gan")
class AdversarialModel(keras.Model):
    """The base of every keras-gan model: two players, their optimizers, and the step protocol.

    A subclass describes its networks and its costs through the hooks of
    the step protocol; the backend trainers (`keras_gan/backend/{tensorflow,
    jax,torch}/trainer.py`, all running `keras_gan.backend.algorithm`) call
    those hooks and nothing else, so one model trains on every Keras backend.

    The base owns what every adversarial model shares: the two players (the
    `"discriminator"` and the `"generator"`, each one or more networks with
    its own optimizer), `compile` with keyword-only optimizers and `"auto"`
    defaults, the tricks (`tricks=[...]`, folded by one `TrickChain`), config
    and saving, loss scaling under mixed precision, one metrics channel (the
    step hands the values it logs to `update_metrics`; nothing else feeds the
    trackers), the checks before `fit`, the divergence guard and the final
    swap-in of the optimizers' moving averages (`use_ema=True`).

    The step protocol (`STEP_PROTOCOL`), in the order a step calls it:

    1. `prepare_step(data, training)` -> a `GANStep` holding the real batch;
    2. `sample_latent(step)` -> the generator's random inputs (or None);
    3. `generate_batch(step, training)` -> the generated batch;
    4. `compute_discriminator_loss(step)` and `discriminator_logs(step, loss)`:
       the discriminator's cost (it calls `discriminate`, which applies the
       tricks' input transforms around the overridable `call_discriminator`,
       and adds the tricks' terms) and the values logged with it;
    5. `compute_generator_loss(step)` and `generator_logs(step, loss)`, likewise;
    6. the order and gates: `update_order` (which player updates first),
       `simultaneous`, `discriminator_steps` / `d_step_counter`,
       `generator_update_due()`, `discriminator_update_gate()`;
    7. after the updates: `record_step_losses(d_loss, g_loss)`,
       `after_discriminator_update()`, `after_generator_update()`;
    8. `player_variables(role)`, `d_optimizer`, `g_optimizer`,
       `update_metrics(logs)` and `get_metrics_result()`.

    Hooks may assign Keras variables (the latent stream, the step counter,
    the tricks' state): on JAX the whole step runs in a stateless scope, and
    the assignments travel with the training state.

    Args:
        discriminator_steps: Discriminator updates per generator update (the
            k of Algorithm 1), a Keras variable changeable without retracing.
        simultaneous: Both players' gradients from one forward pass.
        tricks: A list of `keras_gan.tricks.Trick`.
        name: Name of the model.
        **kwargs: Passed to `keras.Model`.

    Example:

    >>> issubclass(keras_gan.models.CycleGAN, keras_gan.models.AdversarialModel)
    True
    >>> from keras_gan.models.base import STEP_PROTOCOL
    >>> STEP_PROTOCOL[:3]
    ('prepare_step', 'sample_latent', 'generate_batch')

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (Algorithm 1).
    """

    #: Which player updates first in the alternating game.
    update_order = ("discriminator", "generator")

    #: The objective `compile(loss="auto")` uses.
    default_loss = "non_saturating"

    #: Whether the generator's cost has an adversarial term computed on the
    #: discriminator's outputs (what `Trick.generator_logits` acts on).
    has_adversarial_generator_cost = True

    def __init__(self, *, discriminator_steps=1, simultaneous=False, tricks=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.tricks = validation.check_tricks(tricks)
        self.trick_chain = TrickChain(self.tricks)
        self.simultaneous = bool(simultaneous)
        self._initial_discriminator_steps = self._check_steps(discriminator_steps)
        # State lives in Keras variables, saved with the model. "only_first_replica"
        # lets a tf.distribute replica update them inside the training step.
        self.discriminator_steps = self._state_variable("discriminator_steps", self._initial_discriminator_steps)
        self.d_step_counter = self._state_variable("d_step_counter", 0)
        self.loss_fn = None
        self.d_optimizer = None
        self.g_optimizer = None
        names = list(self.all_log_names()) + list(self.trick_chain.log_names)
        if len(set(names)) != len(names):
            duplicates = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(
                f"Two tricks (or a trick and the model) log under the same name ({duplicates}). "
                "Give each trick only once."
            )
        self._all_trackers = {name: keras.metrics.Mean(name=name) for name in names}
        self._metric_trackers = {}

    # ------------------------------------------------------------ the players

    def player_networks(self, role):
        """The networks of a player (`"discriminator"` or `"generator"`), a list."""
        raise NotImplementedError(f"{type(self).__name__} must define `player_networks(role)`.")

    def player_variables(self, role):
        """The trainable variables a player's optimizer updates."""
        variables = []
        for network in self.player_networks(role):
            variables += list(network.trainable_variables)
        return variables

    def optimizer_for(self, role):
        """The optimizer of a player."""
        return getattr(self, PLAYERS[role])

    def optimizer_variables(self):
        """Every variable of both players' optimizers (the optimizer state a JAX step threads)."""
        variables, seen = [], set()
        for attribute in PLAYERS.values():
            optimizer = getattr(self, attribute, None)
            for variable in getattr(optimizer, "variables", None) or []:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    variables.append(variable)
        return variables

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
        """Sets k, the discriminator updates per generator update, without retracing.

        Args:
            steps: The new k (an int >= 1).
        """
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

    def default_optimizer(self, role):
        """The optimizer `compile` uses for `"auto"` (Adam 2e-4, beta_1 0.5 for both players)."""
        return _default_optimizer()

    def compile(
        self,
        *,
        d_optimizer="auto",
        g_optimizer="auto",
        loss="auto",
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
        **kwargs,
    ):
        """Configures the model for training.

        Args:
            d_optimizer: The discriminator's optimizer: an instance, a Keras
                name, or `"auto"` for the model's default (`default_optimizer`).
            g_optimizer: The generator's optimizer, likewise. Must be a
                different instance from `d_optimizer`.
            loss: An objective name (`"minimax"`, `"non_saturating"`,
                `"maximum_likelihood"`, `"least_squares"`, `"wasserstein"`,
                `"hinge"`), a `keras_gan.losses.AdversarialLoss` instance, or
                `"auto"` for the model's `default_loss`.
            run_eagerly: Run the step eagerly, for debugging.
            steps_per_execution: Training steps per compiled call.
            jit_compile: Compile the step with XLA (`"auto"`: as Keras decides).
            auto_scale_loss: Under the `"mixed_float16"` policy, wrap both
                optimizers in `keras.optimizers.LossScaleOptimizer`.
            **kwargs: None: Keras's `optimizer=`, `metrics=`, ... are refused
                with a message saying what a GAN takes instead.
        """
        validation.check_compile_arguments(self, kwargs, run_eagerly, steps_per_execution, jit_compile)
        self.loss_fn = gan_losses.get(self.default_loss if isinstance(loss, str) and loss == "auto" else loss)
        d_optimizer = validation.resolve_optimizer(
            d_optimizer, "d_optimizer", lambda: self.default_optimizer("discriminator"))
        g_optimizer = validation.resolve_optimizer(
            g_optimizer, "g_optimizer", lambda: self.default_optimizer("generator"))
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
        names = list(self.log_names()) + list(self.trick_chain.log_names)
        self._metric_trackers = {name: self._all_trackers[name] for name in names}
        try:
            self.build()
            self.check_networks()
            validation.check_requirements(self, "compile")  # the docstrings' rules (validation.REQUIREMENTS)
        except Exception:
            self.d_optimizer = self.g_optimizer = None  # a refused compile leaves the model uncompiled
            raise
        for role in PLAYERS:
            self.optimizer_for(role).build(self.player_variables(role))
        self.trick_chain.build_for(self)

    def check_networks(self):
        """Checks run at `compile`, once the networks and the loss are known (default: none)."""

    def get_compile_config(self):
        if not getattr(self, "_compile_args", None):
            return {}
        return {key: keras.saving.serialize_keras_object(value) for key, value in self._compile_args.items()}

    def compile_from_config(self, config):
        config = {key: keras.saving.deserialize_keras_object(value) for key, value in config.items()}
        self.compile(**config)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "discriminator_steps": self._initial_discriminator_steps,
                "simultaneous": self.simultaneous,
                "tricks": [keras.saving.serialize_keras_object(t) for t in self.tricks],
            }
        )
        for key in self._network_config_keys:
            config[key] = keras.saving.serialize_keras_object(getattr(self, key))
        return config

    #: Constructor arguments that are networks, serialized with the model.
    _network_config_keys = ()

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in cls._network_config_keys:
            if config.get(key) is not None:
                config[key] = keras.saving.deserialize_keras_object(config[key], custom_objects=custom_objects)
        config["tricks"] = [
            keras.saving.deserialize_keras_object(t, custom_objects=custom_objects)
            for t in config.get("tricks") or []
        ]
        return cls(**config)

    def get_build_config(self):
        return {"built": bool(self.built)}

    def build_from_config(self, config):
        if config.get("built", True):
            self.build()

    # ----------------------------------------------------------------- metrics

    def all_log_names(self):
        """Every name this model may log, whatever its loss (trackers are made for all at construction)."""
        return ("d_loss", "g_loss")

    def log_names(self):
        """The names this model logs with its compiled loss (tricks' names come on top)."""
        return ("d_loss", "g_loss")

    @property
    def metrics(self):
        return list(self._metric_trackers.values())

    def update_metrics(self, logs):
        """The one metrics channel: `{name: value}` from a step's hooks into the trackers."""
        for name, value in logs.items():
            tracker = self._metric_trackers.get(name)
            if tracker is None:
                raise KeyError(
                    f"{type(self).__name__} logged {name!r}, which is not among its log names "
                    f"{sorted(self._metric_trackers)}: list it in `log_names()` (a model) or "
                    "`term_names` (a trick)."
                )
            tracker.update_state(value)

    def get_metrics_result(self):
        return {name: tracker.result() for name, tracker in self._metric_trackers.items()}

    # ---------------------------------------------------------- step protocol

    def prepare_step(self, data, training):
        """Unpacks a batch into a `GANStep`."""
        raise NotImplementedError

    def sample_latent(self, step):
        """The generator's random inputs for `step` (None: the generator takes only data)."""
        return None

    def generate_batch(self, step, training):
        """The generated batch of `step`."""
        raise NotImplementedError

    def discriminate(self, x, step, training, role="real", network=None):
        """Runs a discriminator on `x`, through the tricks' input transforms.

        Subclasses change how the network is called in `call_discriminator`;
        the transforms (packing, instance noise) are applied here, for every
        role, so no subclass has to remember them.

        Args:
            x: A batch of samples.
            step: The `GANStep` being computed.
            training: Whether the networks run in training mode.
            role: What `x` is: `"real"`, `"fake"` (generated), or `"penalty"`
                (points a trick evaluates the discriminator at).
            network: Which discriminator (models with several); None: the only one.

        Returns:
            One logit (or critic score) per sample (or per patch).
        """
        x = self.trick_chain.transform_discriminator_input(self, x, step, role)
        return self.call_discriminator(x, step, training, role, network)

    def call_discriminator(self, x, step, training, role, network):
        """Calls the discriminator network on an already transformed `x`."""
        network = network if network is not None else self.player_networks("discriminator")[0]
        return network(x, training=training)

    def finish_loss(self, loss, step, role):
        """Adds the tricks' cost terms and the player's layer losses; keeps the terms for the logs."""
        total, terms = self.trick_chain.cost(self, step, role)
        step.extras[f"{role}_terms"] = terms
        loss = ops.cast(loss, "float32") + total
        extra = [ops.cast(x, "float32") for network in self.player_networks(role) for x in network.losses]
        if extra:
            loss = loss + ops.sum(ops.stack(extra))
        return loss

    def compute_discriminator_loss(self, step):
        """The discriminator's cost on `step` (fills the step's discriminator outputs)."""
        raise NotImplementedError

    def compute_generator_loss(self, step):
        """The generator's cost on `step`."""
        raise NotImplementedError

    def discriminator_logs(self, step, loss):
        """What is logged with a discriminator update: `d_loss`, the tricks' terms and logs."""
        logs = {"d_loss": loss}
        logs.update(step.extras.get("discriminator_terms", {}))
        logs.update(self.trick_chain.logs(self, step, "discriminator"))
        return logs

    def generator_logs(self, step, loss):
        """What is logged with a generator update: `g_loss`, the tricks' terms and logs."""
        logs = {"g_loss": loss}
        logs.update(step.extras.get("generator_terms", {}))
        logs.update(self.trick_chain.logs(self, step, "generator"))
        return logs

    def generator_update_due(self):
        """Whether the generator updates in this step.

        True when the discriminator update about to run completes a round of
        k, and no trick's `generator_gate` holds the generator back.
        """
        due = ops.greater_equal(self.d_step_counter + 1, self.discriminator_steps)
        gate = self.trick_chain.gate(self, "generator")
        return due if gate is None else ops.logical_and(due, gate)

    def discriminator_update_gate(self):
        """None (the discriminator always updates), or the tricks' combined gate."""
        return self.trick_chain.gate(self, "discriminator")

    def record_step_losses(self, d_loss, g_loss):
        """Hands the step's losses to the tricks that schedule on them."""
        self.trick_chain.record_losses(self, d_loss, g_loss)

    def after_discriminator_update(self):
        """Runs after each discriminator update: the tricks' `after_discriminator_update`."""
        self.trick_chain.after_update(self, "discriminator")

    def after_generator_update(self):
        """Runs after each generator update: the tricks' `after_generator_update`."""
        self.trick_chain.after_update(self, "generator")

    # ---------------------------------------------------------------- training

    def train_step(self, *args):
        """One adversarial step, by the active backend's trainer (JAX passes `(state, data)`)."""
        return get_trainer().train_step(self, *args)

    def test_step(self, *args):
        """Both players' losses and the metrics on a batch, without updates."""
        return get_trainer().test_step(self, *args)

    def check_data(self, x, y=None):
        """Checks the data before training (default: none)."""

    def _check_before_run(self, method, x, y=None, kwargs=None):
        if not self.compiled or self.d_optimizer is None:
            raise ValueError(
                f"Call `compile()` before `{method}()`: {type(self).__name__} needs its two "
                "optimizers and its loss. `compile()` with no arguments uses the model's "
                "defaults for both players and its default loss."
            )
        self._check_steps_supported(int(ops.convert_to_numpy(self.discriminator_steps)))
        # Arguments, data structure, callbacks' output locations, the docstrings' rules: before any write or step.
        validation.check_run(self, method, x, y, kwargs)
        self.check_data(x, y)

    def fit(self, x=None, y=None, stop_on_divergence=True, **kwargs):
        """Trains the model; Keras's `fit`, plus checks and a divergence guard.

        Before any step runs, checks that the model is compiled and that the
        data fits the networks. `keras_gan.callbacks.Evaluate` callbacks are
        moved to the front, so the metrics they write into the epoch's logs
        reach `ModelCheckpoint`, `EarlyStopping`, `TensorBoard` and tuners.
        With `stop_on_divergence` (default), a
        `keras_gan.callbacks.StopOnDivergence` is added (unless `callbacks`
        already holds one): a NaN or Inf loss stops training with a message
        naming the step and the player, and the last good weights are restored.
        After training, an optimizer built with `use_ema=True` leaves its
        moving average of the weights in its player's networks, as Keras does.

        Args:
            x: The training data (see the model's docstring for its structure).
            y: Labels or a second domain, where the model takes them.
            stop_on_divergence: Add the divergence guard.
            **kwargs: Keras's `fit` arguments.

        Returns:
            A `keras.callbacks.History`.
        """
        self._check_before_run("fit", x, y, kwargs)
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
        from keras_gan.callbacks.tensorboard import share_tensorboard

        share_tensorboard(kwargs.get("callbacks"))  # sample grids go into the TensorBoard callback's run
        # The step's structure (not its results) may depend on k when it is
        # traced; backends that cannot read a variable while tracing read this.
        self._discriminator_steps_at_fit = int(ops.convert_to_numpy(self.discriminator_steps))
        try:
            history = super().fit(x, y, **kwargs)
        except BaseException:
            if keras.backend.backend() == "jax":
                from keras_gan.backend.jax import state

                state.restore_purged(self)  # the model stays usable (and savable) after a failed step
            raise
        for role in PLAYERS:
            self.optimizer_for(role).finalize_variable_values(self.player_variables(role))
        return history

    def evaluate(self, x=None, y=None, **kwargs):
        self._check_before_run("evaluate", x, y)
        return super().evaluate(x, y, **kwargs)

    @contextlib.contextmanager
    def averaged_weights(self, role="generator"):
        """Swaps a player's moving-average weights in, for the `with` block.

        With the player's optimizer built with `use_ema=True`, the networks
        hold the exponential moving average of their weights inside the block.
        Without EMA (or before the first update) the block changes nothing.

        Args:
            role: `"generator"` or `"discriminator"`.

        Example:

        >>> # with gan.averaged_weights("generator"):
        >>> #     images = gan.generate(16)
        """
        pairs = _ema_pairs(self.optimizer_for(role), self.player_variables(role))
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

    # ------------------------------------------- the JAX trainer's state (JAX only)
    # Keras's JAX trainer threads `self.optimizer`'s variables through its pure
    # step; a GAN has two optimizers. These overrides (the only ones) put both
    # optimizers' variables in that slot; see keras_gan/backend/jax/state.py.

    def _get_jax_state(self, *args, **kwargs):
        from keras_gan.backend.jax import state

        return state.get_jax_state(self, *args, **kwargs)

    def _purge_model_variables(self, *args, **kwargs):
        from keras_gan.backend.jax import state

        return state.purge(self, *args, **kwargs)

    def jax_state_sync(self):
        from keras_gan.backend.jax import state

        return state.jax_state_sync(self)

    def _get_state_sharding_spec(self):
        from keras_gan.backend.jax import state

        return state.get_state_sharding_spec(self)


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


def _evaluate_first(callbacks):
    """Callbacks that write epoch logs (`Evaluate`, `HealthMonitor`) first, so the others read them."""
    if callbacks is None or isinstance(callbacks, keras.callbacks.CallbackList):
        return callbacks
    from keras_gan.callbacks.evaluate import Evaluate

    def writes(callback):
        return isinstance(callback, Evaluate) or getattr(callback, "writes_epoch_logs", False)

    callbacks = list(callbacks)
    return [c for c in callbacks if writes(c)] + [c for c in callbacks if not writes(c)]

