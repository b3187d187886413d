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
generator updates is decided in the graph from Keras variables, so changing
`discriminator_steps` during training never retraces the step (see
`train_step` for how the gate is built).

Simultaneous updates (`simultaneous=True`): both players' gradients come from
one forward pass, as in the TensorFlow DCGAN tutorial; faster, but the
generator sees the discriminator before its update.
"""

import tensorflow as tf


def _current_value(variable):
    """A variable's value now, as a Python int, even while a tf.function traces."""
    with tf.init_scope():
        return int(variable.numpy())


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
        step.real_logits = model.discriminate(step.real, step, training=True, role="real")
        step.fake_logits = model.discriminate(fake, step, training=True, role="fake")
        d_loss = model.compute_discriminator_loss(step)
        scaled = _for_gradients(model.d_optimizer, d_loss)
    grads = tape.gradient(scaled, variables)
    _apply_discriminator(model, grads, variables)
    model.d_step_counter.assign_add(1)
    model.update_discriminator_metrics(d_loss, step)
    return d_loss


def _apply_discriminator(model, grads, variables):
    """Applies the discriminator's update, under `tf.cond` only if a trick gates it."""

    def apply():
        model.d_optimizer.apply(grads, variables)
        model.after_discriminator_update()

    gate = None if tf.distribute.has_strategy() else model.discriminator_update_gate()
    _gated(gate, apply)


def _generator_update(model, grads, variables, g_loss, step):
    """Returns the closure that applies the generator's update and logs it."""

    def apply():
        model.g_optimizer.apply(grads, variables)
        model.after_generator_update()
        model.d_step_counter.assign(0)
        model.update_generator_metrics(g_loss, step)

    return apply


def _gated(update_generator, apply):
    """Runs `apply` now (gate None) or under `tf.cond` on the gate."""
    if update_generator is None:
        apply()
    else:
        tf.cond(update_generator, lambda: (apply(), tf.constant(0))[1], lambda: tf.constant(0))


def _alternating(model, step, update_generator):
    """D update, then G update through the updated D; only G's apply is gated."""
    step = step.replace()
    g_vars = model.generator.trainable_variables
    with tf.GradientTape() as g_tape:
        step.z = model.sample_latent(step)
        step.fake = model.generate_batch(step, training=True)
        with g_tape.stop_recording():
            d_loss = _discriminator_update(model, step)
        g_step = step.replace()
        g_step.fake_logits = model.discriminate(step.fake, g_step, training=True, role="fake")
        g_loss = model.compute_generator_loss(g_step)
        scaled = _for_gradients(model.g_optimizer, g_loss)
    g_grads = g_tape.gradient(scaled, g_vars)
    model.record_step_losses(d_loss, g_loss)
    _gated(update_generator, _generator_update(model, g_grads, g_vars, g_loss, g_step))


def _discriminator_only(model, step):
    step = step.replace()
    step.z = model.sample_latent(step)
    step.fake = model.generate_batch(step, training=True)
    _discriminator_update(model, step)


def _simultaneous(model, step, update_generator):
    d_vars = model.discriminator.trainable_variables
    g_vars = model.generator.trainable_variables
    with tf.GradientTape(persistent=True) as tape:
        step.z = model.sample_latent(step)
        step.fake = model.generate_batch(step, training=True)
        step.real_logits = model.discriminate(step.real, step, training=True, role="real")
        step.fake_logits = model.discriminate(step.fake, step, training=True, role="fake")
        d_loss = model.compute_discriminator_loss(step)
        g_loss = model.compute_generator_loss(step)
        d_scaled = _for_gradients(model.d_optimizer, d_loss)
        g_scaled = _for_gradients(model.g_optimizer, g_loss)
    d_grads = tape.gradient(d_scaled, d_vars)
    g_grads = tape.gradient(g_scaled, g_vars)
    del tape
    _apply_discriminator(model, d_grads, d_vars)
    model.d_step_counter.assign_add(1)
    model.update_discriminator_metrics(d_loss, step)
    model.record_step_losses(d_loss, g_loss)
    _gated(update_generator, _generator_update(model, g_grads, g_vars, g_loss, step))


def train_step(model, data):
    """One adversarial training step of `model` on the batch `data`.

    The generator's update is gated by `model.generator_update_due()`. How the
    gate is built is chosen when the step is traced, for speed only; every
    path honours any `discriminator_steps` value at run time, so changing it
    never retraces:

    - under a `tf.distribute` strategy: no gate (TensorFlow cannot
      synchronize replicas inside `tf.cond`; `GAN.fit` requires k = 1 there);
    - k = 1 when traced (the default): the step runs straight-line and only
      the generator's `optimizer.apply` sits in a `tf.cond`. A `tf.cond`
      around the whole step costs about a third of the throughput on CPU,
      since TensorFlow optimizes the branches' graphs less;
    - k > 1 when traced (WGAN's 5, say): the whole step branches, so the
      k - 1 discriminator-only steps skip the generator's work entirely.
    """
    step = model.prepare_step(data, training=True)
    if tf.distribute.has_strategy():
        gate = None
    else:
        gate = model.generator_update_due()
    if model.simultaneous:
        _simultaneous(model, step, gate)
    elif gate is None or _current_value(model.discriminator_steps) == 1:
        _alternating(model, step, gate)
    else:
        tf.cond(
            gate,
            lambda: (_alternating(model, step, None), tf.constant(0))[1],
            lambda: (_discriminator_only(model, step), tf.constant(0))[1],
        )
    return model.get_metrics_result()


def test_step(model, data):
    """Computes both players' losses and the metrics on `data`, without updates."""
    step = model.prepare_step(data, training=False)
    step.z = model.sample_latent(step)
    step.fake = model.generate_batch(step, training=False)
    step.real_logits = model.discriminate(step.real, step, training=False, role="real")
    step.fake_logits = model.discriminate(step.fake, step, training=False, role="fake")
    model.update_discriminator_metrics(model.compute_discriminator_loss(step), step)
    model.update_generator_metrics(model.compute_generator_loss(step), step)
    return model.get_metrics_result()


def cycle_train_step(model, data):
    """One CycleGAN step: both generators, then both discriminators on pooled translations.

    The generators' update uses one forward pass of each network per path;
    the discriminators then see real images and translated images drawn
    through the image pools (gradient stopped), as in the authors' code.
    """
    a, b = model.split_data(data)
    g_vars = model.generator_variables
    d_vars = model.discriminator_variables
    with tf.GradientTape() as g_tape:
        g_loss, parts, (fake_a, fake_b) = model.generator_losses(a, b, training=True)
        g_scaled = _for_gradients(model.g_optimizer, g_loss)
    _minimize(model.g_optimizer, g_tape, g_scaled, g_vars)
    fake_a, fake_b = tf.stop_gradient(fake_a), tf.stop_gradient(fake_b)
    with tf.GradientTape() as d_tape:
        d_loss = model.discriminator_loss(a, b, fake_a, fake_b, training=True)
        d_scaled = _for_gradients(model.d_optimizer, d_loss)
    _minimize(model.d_optimizer, d_tape, d_scaled, d_vars)
    parts["d_loss"] = d_loss
    return model.update_metrics(parts)
