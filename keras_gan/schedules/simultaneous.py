"""`Simultaneous`: both players' gradients from one forward pass."""

import keras

from keras_gan.schedules.base import UpdateSchedule


@keras.saving.register_keras_serializable(package="keras_gan")
class Simultaneous(UpdateSchedule):
    """Both players' gradients from one forward pass, then both updates (the generator every k-th step).

    The TensorFlow DCGAN tutorial's scheme: faster than `Alternating` (one
    generated batch, one discriminator pass on it), but the generator's
    gradient comes from the discriminator before its update.

    Args:
        discriminator_steps: k, discriminator updates per generator update.

    Example:

    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, schedule=keras_gan.schedules.Simultaneous())
    >>> gan.compile()
    >>> _ = gan.fit(np.ones((64, 2), "float32"), batch_size=16, verbose=0)
    >>> int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)
    (4, 4)

    Reference:
        Radford et al., "Unsupervised Representation Learning with Deep
        Convolutional Generative Adversarial Networks", ICLR 2016 (as the
        TensorFlow DCGAN tutorial trains it); Mescheder et al., "The
        Numerics of GANs", NeurIPS 2017 (simultaneous gradient play).
    """

    call_order = (
        "update_gate",
        "update_gate",
        "generate_batch",
        "compute_discriminator_loss",
        "compute_generator_loss",
        "after_discriminator_update",
        "update_metrics",
        "record_step_losses",
        "after_generator_update",
        "update_metrics",
    )

    def run(self, model, step, B):
        due = self.generator_update_due(model, B)
        d_gate = self.discriminator_update_gate(model, B)

        def objective():
            both = step.replace(fake=model.generate_batch(step, training=True))
            d_loss, d_logs = model.compute_discriminator_loss(both)
            g_loss, g_logs = model.compute_generator_loss(both)
            aux = {"d_loss": d_loss, "g_loss": g_loss, "d_logs": d_logs, "g_logs": g_logs}
            return (B.scale_loss(model.d_optimizer, d_loss), B.scale_loss(model.g_optimizer, g_loss)), aux

        groups = [model.player_variables("discriminator"), model.player_variables("generator")]
        _, aux, (d_grads, g_grads) = B.value_and_grad(objective, groups)
        self.apply_update(model, "discriminator", d_grads, aux["d_logs"], B, d_gate)
        model.record_step_losses(aux["d_loss"], aux["g_loss"])
        self.apply_update(model, "generator", g_grads, aux["g_logs"], B, due, log_always=False)
        self.end_step(due)
