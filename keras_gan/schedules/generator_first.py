"""`GeneratorFirst`: the generator, then the discriminator on its output (CycleGAN's order)."""

import keras

from keras_gan.schedules.base import UpdateSchedule, stop_gradient


@keras.saving.register_keras_serializable(package="keras_gan")
class GeneratorFirst(UpdateSchedule):
    """The generator updates (every k-th step), then the discriminator on its (pooled) output.

    CycleGAN's order (the authors' code): the discriminators judge the
    translations of the generators' new weights, through their image pools.

    Args:
        discriminator_steps: k, discriminator updates per generator update.

    Example:

    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, schedule=keras_gan.schedules.GeneratorFirst(2))
    >>> gan.compile()
    >>> _ = gan.fit(np.ones((64, 2), "float32"), batch_size=16, verbose=0)
    >>> int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)
    (4, 2)

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017.
    """

    call_order = (
        "update_gate",
        "update_gate",
        "generate_batch",
        "compute_generator_loss",
        "after_generator_update",
        "update_metrics",
        "compute_discriminator_loss",
        "after_discriminator_update",
        "update_metrics",
        "record_step_losses",
    )

    def run(self, model, step, B):
        due = self.generator_update_due(model, B)
        d_gate = self.discriminator_update_gate(model, B)

        def objective():
            fake = model.generate_batch(step, training=True)
            loss, logs = model.compute_generator_loss(step.replace(fake=fake))
            return (B.scale_loss(model.g_optimizer, loss),), {"loss": loss, "logs": logs, "fake": fake}

        _, aux, (grads,) = B.value_and_grad(objective, [model.player_variables("generator")])
        self.apply_update(model, "generator", grads, aux["logs"], B, due, log_always=False)
        d_loss = self.update_discriminator(model, step.replace(fake=stop_gradient(aux["fake"])), B, d_gate)
        model.record_step_losses(d_loss, aux["loss"])
        self.end_step(due)
