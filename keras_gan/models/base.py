"""`AdversarialModel`: the base of every keras-gan model, the model side of the step protocol."""

import keras
from keras import ops

from keras_gan import losses as gan_losses
from keras_gan import schedules
from keras_gan.backend import get_trainer, replica_mean
from keras_gan.backend.state_mixin import JaxStateMixin
from keras_gan.models import validation
from keras_gan.models.fitting import FitMixin
from keras_gan.models.logs import LogsMixin
from keras_gan.models.presets import PresetMixin
from keras_gan.models.serialization import ConfigMixin
from keras_gan.tricks.base import Trick
from keras_gan.tricks.chain import TrickChain
from keras_gan.utils.requirements import Requirement

#: The two players of every keras-gan model, with the attribute holding each one's optimizer.
PLAYERS = {"discriminator": "d_optimizer", "generator": "g_optimizer"}

#: The name each player's cost is logged under.
LOSS_NAMES = {"discriminator": "d_loss", "generator": "g_loss"}


def _default_optimizer():
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


@keras.saving.register_keras_serializable(package="keras_gan")
class AdversarialModel(ConfigMixin, FitMixin, LogsMixin, PresetMixin, JaxStateMixin, keras.Model):
    """The base of every keras-gan model: two players, their optimizers, their schedule and tricks.

    A subclass describes its networks (`player_networks`) and its costs
    (`discriminator_objective`, `generator_objective`); the backend trainers
    run the one step of `keras_gan.backend.algorithm`, whose update schedule
    (`keras_gan.schedules`) calls the model's hooks in the order
    `keras_gan.backend.protocol` declares. So one model trains on every Keras
    backend, under every schedule.

    The base owns what every adversarial model shares: the two players (the
    `"discriminator"` and the `"generator"`, each one or more networks with
    its own optimizer), `compile` with keyword-only optimizers and `"auto"`
    defaults, the update schedule, the tricks (`tricks=[...]`, folded by one
    `TrickChain`), one metrics channel (`compute_*_loss` return their logs,
    which the schedule hands to `update_metrics`; nothing else feeds the
    trackers: `keras_gan.models.logs`), and, through its mixins, config and saving
    (`keras_gan.models.serialization`), the checks before `fit` and the
    moving averages (`keras_gan.models.fitting`) and Keras's JAX state with
    two optimizers (`keras_gan.backend.state_mixin`).

    Hooks may assign Keras variables (the latent stream, the schedule's
    counters, the tricks' state): on JAX the whole step runs in a stateless
    scope, and the assignments travel with the training state.

    Args:
        schedule: A `keras_gan.schedules.UpdateSchedule` (or its name): the
            order and frequency of the players' updates. Default: the
            model's `default_schedule` with `discriminator_steps`.
        discriminator_steps: Discriminator updates per generator update (the
            k of Algorithm 1), changeable without retracing.
        simultaneous: Shorthand for `schedule=Simultaneous(discriminator_steps)`.
        tricks: A list of `keras_gan.tricks.Trick`.
        name: Name of the model.
        **kwargs: Passed to `keras.Model`.

    Example:

    >>> issubclass(keras_gan.models.CycleGAN, keras_gan.models.AdversarialModel)
    True
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> type(keras_gan.models.GAN(G, D, 4, simultaneous=True).schedule).__name__
    'Simultaneous'

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (Algorithm 1).
    """

    #: The schedule a model plays when none is given.
    default_schedule = schedules.Alternating

    #: The objective `compile(loss="auto")` uses.
    default_loss = "non_saturating"

    #: Whether the generator's cost has an adversarial term computed on the
    #: discriminator's outputs (what `Trick.generator_logits` acts on).
    has_adversarial_generator_cost = True
    requirements = (
        Requirement("distinct_optimizers", "Must be a different instance from `d_optimizer`", "compile",
                    enforced_by="AdversarialModel.compile"),
    )

    def __init__(self, *, schedule=None, discriminator_steps=None, simultaneous=None, tricks=None, name=None,
                 **kwargs):
        super().__init__(name=name, **kwargs)
        self.tricks = validation.check_tricks(tricks)
        self.trick_chain = TrickChain(self.tricks)
        self.schedule = self._make_schedule(schedule, discriminator_steps, simultaneous)
        self.loss_fn = None
        self.d_optimizer = None
        self.g_optimizer = None
        self._make_trackers()

    def _make_schedule(self, schedule, discriminator_steps, simultaneous):
        if schedule is None:
            steps = 1 if discriminator_steps is None else schedules.check_discriminator_steps(discriminator_steps)
            return schedules.Simultaneous(steps) if simultaneous else self.default_schedule(steps)
        schedule = schedules.get(schedule)
        steps = int(schedule._initial_steps)
        if simultaneous is not None or (discriminator_steps is not None and discriminator_steps != steps):
            raise ValueError(
                f"{type(self).__name__} got `schedule={type(schedule).__name__}(discriminator_steps={steps})` and "
                f"also discriminator_steps={discriminator_steps!r}, simultaneous={simultaneous!r}: the schedule "
                "holds both. Give k to the schedule (e.g. schedule=keras_gan.schedules.Alternating(5)) and leave "
                "the other two out."
            )
        return schedule

    # ------------------------------------------------------------ the players

    def player_networks(self, role):
        """The networks of a player (`"discriminator"` or `"generator"`), a list."""
        raise NotImplementedError(f"{type(self).__name__} must define `player_networks(role)`.")

    def player_variables(self, role):
        """The trainable variables a player's optimizer updates."""
        if role not in PLAYERS:  # a subclass's `player_networks` may treat any other role as the discriminator
            raise ValueError(f"A player is one of {sorted(PLAYERS)}. Received: role={role!r}.")
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

    def _state_variable(self, name, value):
        """An int32 scalar Keras variable of the model's state (saved; a tf.distribute replica may assign it)."""
        return self.add_weight(shape=(), dtype="int32", initializer=keras.initializers.Constant(value),
                               trainable=False, aggregation="only_first_replica", name=name)

    # --------------------------------------------------------------- schedule

    @property
    def discriminator_steps(self):
        """k, the discriminator updates per generator update: the schedule's Keras variable."""
        return self.schedule.discriminator_steps

    @property
    def d_step_counter(self):
        """Discriminator turns since the generator's last update: the schedule's Keras variable."""
        return self.schedule.d_step_counter

    def set_discriminator_steps(self, steps):
        """Sets k, the discriminator updates per generator update, without retracing.

        Args:
            steps: The new k (an int >= 1).
        """
        self.schedule.set_discriminator_steps(schedules.check_discriminator_steps(steps))

    # ---------------------------------------------------------------- compile

    def default_optimizer(self, role):
        """The optimizer `compile` uses for `"auto"` (Adam 2e-4, beta_1 0.5 for both players)."""
        return _default_optimizer()

    def compile(self, *, d_optimizer="auto", g_optimizer="auto", loss="auto", run_eagerly=False,
                steps_per_execution=1, jit_compile="auto", auto_scale_loss=True, **kwargs):
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
        self._compile_args = {"d_optimizer": d_optimizer, "g_optimizer": g_optimizer, "loss": self.loss_fn,
                              "run_eagerly": run_eagerly, "steps_per_execution": steps_per_execution,
                              "jit_compile": jit_compile}
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
        super().compile(optimizer=None, loss=None, run_eagerly=run_eagerly, steps_per_execution=steps_per_execution,
                        jit_compile=jit_compile, auto_scale_loss=False)
        self._select_trackers()
        try:
            validation.check_requirements(self, "compile")  # the rules their owners declare, before any call
            self.build()
            self.check_networks()
        except Exception:
            self.d_optimizer = self.g_optimizer = None  # a refused compile leaves the model uncompiled
            raise
        for role in PLAYERS:
            self.optimizer_for(role).build(self.player_variables(role))
        self.trick_chain.build_for(self)

    def check_networks(self):
        """Checks run at `compile`, once the networks and the loss are known (default: none)."""

    # ---------------------------------------------------------- step protocol

    def prepare_step(self, data, training):
        """Unpacks a batch into a step object (a `GANStep`)."""
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

    def discriminator_objective(self, step):
        """`(cost, logs)`: the discriminator's own cost on `step` and the values logged with it."""
        raise NotImplementedError

    def generator_objective(self, step):
        """`(cost, logs)`: the generator's own cost on `step` and the values logged with it."""
        raise NotImplementedError

    def compute_discriminator_loss(self, step):
        """`(loss, logs)`: the discriminator's objective, the tricks' terms and its layers' losses, logged."""
        return self.finish_loss(*self.discriminator_objective(step), step, "discriminator")

    def compute_generator_loss(self, step):
        """`(loss, logs)`: the generator's objective, the tricks' terms and its layers' losses, logged."""
        return self.finish_loss(*self.generator_objective(step), step, "generator")

    def finish_loss(self, loss, logs, step, role):
        """Adds the tricks' cost terms and the player's layer losses; returns `(loss, logs)`.

        The logs hold the total under `d_loss` / `g_loss`, the model's own
        values, each trick term (unweighted) and each trick's logged values.
        """
        total, terms = self.trick_chain.cost(self, step, role)
        loss = ops.cast(loss, "float32") + total
        extra = [ops.cast(x, "float32") for network in self.player_networks(role) for x in network.losses]
        if extra:
            loss = loss + ops.sum(ops.stack(extra))
        out = {LOSS_NAMES[role]: loss}
        out.update(logs)
        out.update(terms)
        out.update(self.trick_chain.logs(self, step, role))
        return loss, out

    def update_gate(self, role):
        """None (the tricks let `role` update), or the logical and of the tricks' gates."""
        return self.trick_chain.gate(self, role)

    def record_step_losses(self, d_loss, g_loss):
        """Hands the step's losses, averaged over the data-parallel replicas, to the tricks that schedule on them.

        Averaged, every replica holds the losses of the global batch, and the
        gates read from them open alike on every replica.
        """
        if any(type(trick).record_losses is not Trick.record_losses for trick in self.tricks):
            d_loss, g_loss = replica_mean(d_loss), replica_mean(g_loss)  # only where a trick reads them
        self.trick_chain.record_losses(self, d_loss, g_loss)

    def after_discriminator_update(self):
        """Runs after each discriminator update: the tricks' `after_discriminator_update`."""
        self.trick_chain.after_update(self, "discriminator")

    def after_generator_update(self):
        """Runs after each generator update: the tricks' `after_generator_update`."""
        self.trick_chain.after_update(self, "generator")

    def train_step(self, *args):
        """One adversarial step, by the active backend's trainer (JAX passes `(state, data)`)."""
        return get_trainer().train_step(self, *args)

    def test_step(self, *args):
        """Both players' losses and the metrics on a batch, without updates."""
        return get_trainer().test_step(self, *args)
