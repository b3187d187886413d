"""The TensorFlow training and evaluation steps of every keras-gan model.

The models define *what* a step computes through hooks in `keras.ops`
(`sample_latent`, `generate_batch`, `discriminate`,
`compute_discriminator_loss`, `compute_generator_loss`); this module runs
them with `tf.GradientTape`. A JAX or PyTorch step would be a sibling module
that calls the same hooks.

Alternating updates (Algorithm 1 of the chapter-13 seed). Each call of
`train_step` consumes one batch of real data and makes one discriminator
update. After every `discriminator_steps`-th discriminator update, the same
call also updates the generator through the just-updated discriminator. The
generated batch of that call is produced once, under a tape that records the
generator: the discriminator's update reads it with the gradient stopped, and
the generator's update reuses it, so no forward pass runs twice. Whether the
generator updates is decided by `tf.cond` on Keras variables, so changing
`discriminator_steps` during training never retraces the step.

Simultaneous updates (`simultaneous=True`): both players' gradients come from
one forward pass, as in the TensorFlow DCGAN tutorial; faster, but the
generator sees the discriminator before its update.
"""

import tensorflow as tf


def _for_gradients(optimizer, loss):
    """The loss to differentiate: scaled for replicas, then for mixed precision.

    Under a `tf.distribute` strategy each replica computes the mean over its
    share of the batch and the optimizer sums the replicas' gradients, so each
    replica's loss is divided by the number of replicas: the summed gradient
    is then the gradient of the mean over the global batch (as Keras does).
    """
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    if replicas > 1:
        loss = loss * (1.0 / replicas)
    return optimizer.scale_loss(loss)


def _minimize(optimizer, tape, loss, variables):
    grads = tape.gradient(loss, variables)
    optimizer.apply(grads, variables)


def _discriminator_update(model, step):
    """One discriminator update on `step.real` and `step.fake` (gradient stopped)."""
    variables = model.discriminator.trainable_variables
    fake = tf.stop_gradient(step.fake)
    with tf.GradientTape() as tape:
        step.real_logits = model.discriminate(step.real, step, training=True)
        step.fake_logits = model.discriminate(fake, step, training=True)
        d_loss = model.compute_discriminator_loss(step)
        scaled = _for_gradients(model.d_optimizer, d_loss)
    _minimize(model.d_optimizer, tape, scaled, variables)
    model.d_step_counter.assign_add(1)
    model.update_discriminator_metrics(d_loss, step)


def _alternating(model, step, update_generator):
    step = step.replace()
    g_vars = model.generator.trainable_variables
    if not update_generator:
        step.z = model.sample_latent(step)
        step.fake = model.generate_batch(step, training=True)
        _discriminator_update(model, step)
        return tf.constant(0)
    with tf.GradientTape() as g_tape:
        step.z = model.sample_latent(step)
        step.fake = model.generate_batch(step, training=True)
        with g_tape.stop_recording():
            _discriminator_update(model, step)
        g_step = step.replace()
        g_step.fake_logits = model.discriminate(step.fake, g_step, training=True)
        g_loss = model.compute_generator_loss(g_step)
        scaled = _for_gradients(model.g_optimizer, g_loss)
    _minimize(model.g_optimizer, g_tape, scaled, g_vars)
    model.d_step_counter.assign(0)
    model.update_generator_metrics(g_loss, g_step)
    return tf.constant(0)


def _simultaneous(model, step, update_generator):
    d_vars = model.discriminator.trainable_variables
    g_vars = model.generator.trainable_variables
    with tf.GradientTape(persistent=True) as tape:
        step.z = model.sample_latent(step)
        step.fake = model.generate_batch(step, training=True)
        step.real_logits = model.discriminate(step.real, step, training=True)
        step.fake_logits = model.discriminate(step.fake, step, training=True)
        d_loss = model.compute_discriminator_loss(step)
        g_loss = model.compute_generator_loss(step)
        d_scaled = _for_gradients(model.d_optimizer, d_loss)
        g_scaled = _for_gradients(model.g_optimizer, g_loss)
    d_grads = tape.gradient(d_scaled, d_vars)
    g_grads = tape.gradient(g_scaled, g_vars)
    del tape
    model.d_optimizer.apply(d_grads, d_vars)
    model.d_step_counter.assign_add(1)
    model.update_discriminator_metrics(d_loss, step)

    def apply_generator():
        model.g_optimizer.apply(g_grads, g_vars)
        model.d_step_counter.assign(0)
        model.update_generator_metrics(g_loss, step)
        return tf.constant(0)

    if update_generator is None:
        apply_generator()
    else:
        tf.cond(update_generator, apply_generator, lambda: tf.constant(0))


def train_step(model, data):
    """One adversarial training step of `model` on the batch `data`."""
    step = model.prepare_step(data, training=True)
    if tf.distribute.get_strategy().num_replicas_in_sync > 1:
        # Replicas synchronize inside `optimizer.apply`, which TensorFlow does
        # not allow within `tf.cond`: both players update every step (k = 1,
        # which `GAN.fit` checks).
        if model.simultaneous:
            _simultaneous(model, step, None)
        else:
            _alternating(model, step, True)
        return model.get_metrics_result()
    update_generator = model.generator_update_due()
    if model.simultaneous:
        _simultaneous(model, step, update_generator)
    else:
        tf.cond(
            update_generator,
            lambda: _alternating(model, step, True),
            lambda: _alternating(model, step, False),
        )
    return model.get_metrics_result()


def test_step(model, data):
    """Computes both players' losses and the metrics on `data`, without updates."""
    step = model.prepare_step(data, training=False)
    step.z = model.sample_latent(step)
    step.fake = model.generate_batch(step, training=False)
    step.real_logits = model.discriminate(step.real, step, training=False)
    step.fake_logits = model.discriminate(step.fake, step, training=False)
    model.update_discriminator_metrics(model.compute_discriminator_loss(step), step)
    model.update_generator_metrics(model.compute_generator_loss(step), step)
    return model.get_metrics_result()
