"""`Alternating`: the discriminator, then (every k-th step) the generator through the updated one."""

import keras

from keras_gan.schedules.base import UpdateSchedule, stop_gradient


@keras.saving.register_keras_serializable(package="keras_gan")
class Alternating(UpdateSchedule):
    """The discriminator updates, then (every k-th step) the generator through the updated discriminator.

    Algorithm 1 of Goodfellow et al.: each step consumes one batch of real
    data and makes one discriminator update; every k-th step also updates
    the generator. The generated batch is produced once, inside the
    generator's gradient computation: the discriminator's update reads it
    with the gradient stopped and the generator's update reuses it, so no
    forward pass runs twice. Traced for k = 1, only the generator's
    `optimizer.apply` sits in a conditional; traced for k > 1, the whole
    step branches, so the k - 1 discriminator-only steps skip the
    generator's work. Either shape honours any k at run time.

    Args:
        discriminator_steps: k, discriminator updates per generator update.

    Example:

    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, schedule=keras_gan.schedules.Alternating(2))
    >>> gan.compile()
    >>> _ = gan.fit(np.ones((64, 2), "float32"), batch_size=16, verbose=0)
    >>> int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)
    (4, 2)

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (Algorithm 1).
    """

    call_order = (
        "update_gate",  # generator
        "update_gate",  # discriminator
        "generate_batch",
        "compute_discriminator_loss",
        "after_discriminator_update",
        "update_metrics",
        "compute_generator_loss",
        "record_step_losses",
        "after_generator_update",
        "update_metrics",
    )

    def _both(self, model, step, B, due, d_gate):
        def objective():
            fake = model.generate_batch(step, training=True)
            with B.pause_recording():
                d_loss = self.update_discriminator(model, step.replace(fake=stop_gradient(fake)), B, d_gate)
            g_loss, logs = model.compute_generator_loss(step.replace(fake=fake))
            return (B.scale_loss(model.g_optimizer, g_loss),), {"d_loss": d_loss, "g_loss": g_loss, "logs": logs}

        _, aux, (grads,) = B.value_and_grad(objective, [model.player_variables("generator")])
        model.record_step_losses(aux["d_loss"], aux["g_loss"])
        self.apply_update(model, "generator", grads, aux["logs"], B, due, log_always=False)

    def _discriminator_only(self, model, step, B, d_gate):
        fake = model.generate_batch(step, training=True)
        self.update_discriminator(model, step.replace(fake=stop_gradient(fake)), B, d_gate)

    def run(self, model, step, B):
        due = self.generator_update_due(model, B)
        d_gate = self.discriminator_update_gate(model, B)
        if due is None or self._traced_steps == 1:
            self._both(model, step, B, due, d_gate)
        else:
            B.cond(due, lambda: self._both(model, step, B, None, d_gate),
                   lambda: self._discriminator_only(model, step, B, d_gate))
        self.end_step(due)
