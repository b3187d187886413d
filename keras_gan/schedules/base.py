"""`UpdateSchedule`: the counters, the gates and the building blocks every update order shares."""

import numbers

import keras
from keras import ops


def check_discriminator_steps(steps):
    """k, checked: an int >= 1, or an error naming `discriminator_steps` and the value received.

    Args:
        steps: The discriminator updates per generator update a user asked for.

    Returns:
        `steps` as an int.

    Example:

    >>> check_discriminator_steps(5)
    5
    >>> check_discriminator_steps(0)
    Traceback (most recent call last):
    ...
    ValueError: `discriminator_steps` must be an int >= 1 (discriminator updates per generator update). Received: 0.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (Algorithm 1, k).
    """
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise ValueError(
            "`discriminator_steps` must be an int >= 1 (discriminator updates "
            f"per generator update). Received: {steps!r}."
        )
    return int(steps)


def stop_gradient(x):
    """`ops.stop_gradient` of a batch or of each of a tuple of batches (CycleGAN's two translations)."""
    if isinstance(x, (tuple, list)):
        return type(x)(ops.stop_gradient(v) for v in x)
    return ops.stop_gradient(x)


class UpdateSchedule(keras.layers.Layer):
    """The base of update schedules: the counters, the gates, and the building blocks of a step.

    A subclass writes `run(model, step, B)` with the building blocks below
    and the backend primitives `B` (`keras_gan.backend.protocol.Primitives`),
    and declares the hooks it calls in `call_order`.

    Args:
        discriminator_steps: k, the discriminator updates per generator
            update (Algorithm 1 of Goodfellow et al.), kept in a Keras
            variable: `set_discriminator_steps` (or the `DiscriminatorSteps`
            callback) changes it without retracing the step.
        name: Name of the schedule.

    Example:

    >>> from keras_gan.schedules import UpdateSchedule
    >>> class EveryStep(UpdateSchedule):  # an order of one's own: the discriminator, then the generator
    ...     call_order = ("update_gate", "update_gate", "generate_batch", "compute_discriminator_loss",
    ...                   "after_discriminator_update", "update_metrics", "compute_generator_loss",
    ...                   "record_step_losses", "after_generator_update", "update_metrics")
    ...     def run(self, model, step, B):
    ...         due = self.generator_update_due(model, B)
    ...         gate = self.discriminator_update_gate(model, B)
    ...         fake = model.generate_batch(step, training=True)
    ...         d_loss = self.update_discriminator(model, step.replace(fake=keras.ops.stop_gradient(fake)), B, gate)
    ...         def objective():
    ...             loss, logs = model.compute_generator_loss(step.replace(fake=model.generate_batch(step, True)))
    ...             return (B.scale_loss(model.g_optimizer, loss),), {"loss": loss, "logs": logs}
    ...         _, aux, (grads,) = B.value_and_grad(objective, [model.player_variables("generator")])
    ...         model.record_step_losses(d_loss, aux["loss"])
    ...         self.apply_update(model, "generator", grads, aux["logs"], B, due, log_always=False)
    ...         self.end_step(due)
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, schedule=EveryStep(2))
    >>> gan.compile()
    >>> _ = gan.fit(np.ones((64, 2), "float32"), batch_size=16, verbose=0)
    >>> int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)
    (4, 2)

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (Algorithm 1).
    """

    #: The model hooks `run` calls in one step (k = 1, every gate open), in order.
    call_order = ()

    def __init__(self, discriminator_steps=1, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._initial_steps = check_discriminator_steps(discriminator_steps)
        self.discriminator_steps = self._counter("discriminator_steps", self._initial_steps)
        self.d_step_counter = self._counter("d_step_counter", 0)
        # The k the step is traced for (its shape only, never its result): kept by the schedule.
        self._traced_steps = self._initial_steps
        self.built = True

    def _counter(self, name, value):
        # "only_first_replica": a tf.distribute replica may update it inside the step.
        return self.add_weight(shape=(), dtype="int32", initializer=keras.initializers.Constant(value),
                               trainable=False, aggregation="only_first_replica", name=name)

    def set_discriminator_steps(self, steps):
        """Sets k without retracing.

        Args:
            steps: The new k, an int >= 1.
        """
        steps = check_discriminator_steps(steps)
        self.discriminator_steps.assign(steps)
        self._traced_steps = steps

    def read_traced_steps(self):
        """Reads k before a step is traced (at `fit`), so the step's shape suits it."""
        self._traced_steps = int(ops.convert_to_numpy(self.discriminator_steps))

    def at_round_start(self):
        """Whether the next step starts a round of k (no discriminator turn since the generator's update)."""
        return int(ops.convert_to_numpy(self.d_step_counter)) == 0

    # ------------------------------------------------------------------ gates

    def generator_update_due(self, model, B):
        """The generator's gate of this step: its k-step turn and the tricks' gates (None: always)."""
        if not B.conditional_updates_supported():
            return None
        due = ops.greater_equal(self.d_step_counter + 1, self.discriminator_steps)
        gate = model.update_gate("generator")
        return due if gate is None else ops.logical_and(due, gate)

    def discriminator_update_gate(self, model, B):
        """The discriminator's gate of this step: the tricks' gates (None: always)."""
        return model.update_gate("discriminator") if B.conditional_updates_supported() else None

    def end_step(self, due):
        """Counts the step: 0 after the generator updated, else one more discriminator turn."""
        if due is None:
            self.d_step_counter.assign(0)
        else:
            self.d_step_counter.assign(ops.cast(ops.where(due, 0, self.d_step_counter + 1), "int32"))

    # -------------------------------------------------------- building blocks

    @staticmethod
    def apply_update(model, role, grads, logs, B, gate, log_always=True):
        """Applies a player's update under `gate`, runs its after-update hook, logs `logs`.

        The discriminator's values are logged at every turn; the generator's
        (`log_always=False`) only with its update, so `g_loss` is the mean
        over the generator's updates.
        """
        variables = model.player_variables(role)
        after = model.after_discriminator_update if role == "discriminator" else model.after_generator_update

        def apply():
            B.apply(model.optimizer_for(role), grads, variables)
            after()
            if not log_always:
                model.update_metrics(logs)

        B.cond(gate, apply)
        if log_always:
            model.update_metrics(logs)

    def update_discriminator(self, model, step, B, gate):
        """One discriminator update on `step` (its `fake` without gradient); returns its loss."""

        def objective():
            loss, logs = model.compute_discriminator_loss(step)
            return (B.scale_loss(model.d_optimizer, loss),), {"loss": loss, "logs": logs}

        _, aux, (grads,) = B.value_and_grad(objective, [model.player_variables("discriminator")])
        self.apply_update(model, "discriminator", grads, aux["logs"], B, gate)
        return aux["loss"]

    def run(self, model, step, B):
        """Plays one step of the game on `step` (latent vectors drawn) with the primitives `B`."""
        raise NotImplementedError

    def get_config(self):
        config = super().get_config()
        config["discriminator_steps"] = self._initial_steps
        return config
