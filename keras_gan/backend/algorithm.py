"""The adversarial training step, written once for every backend.

`train_step(model, data, B)` runs the step protocol of
`keras_gan.models.base.AdversarialModel` with the primitives of a backend
module `B` (`keras_gan/backend/{tensorflow,jax,torch}/trainer.py`):

- `B.value_and_grad(fn, groups)`: `fn()` returns `(losses, aux)`, one loss
  per group of variables; returns `(losses, aux, grads)`, `grads[i]` the
  gradient of `losses[i]` with respect to `groups[i]`, all from one forward
  pass. `aux` holds arrays only (JAX carries it out of the trace).
- `B.pause_recording()`: a context in which work is not differentiated
  (a player's update nested in the other player's gradient computation).
- `B.cond(pred, true_fn, false_fn=None)`: runs the branch `pred` selects;
  `pred` None means always `true_fn`. Branches act through variables only.
- `B.apply(optimizer, grads, variables)` and `B.scale_loss(optimizer, loss)`.
- `B.conditional_updates_supported()` and `B.concrete_int(variable)`.

Alternating updates (Algorithm 1 of Goodfellow et al.; the default). Each call
consumes one batch of real data and makes one discriminator update. After every
`discriminator_steps`-th discriminator update, the same call also updates the
generator through the just-updated discriminator. The generated batch is
produced once, inside the generator's gradient computation: the discriminator's
update reads it with the gradient stopped, and the generator's update reuses
it, so no forward pass runs twice. Whether the generator updates is decided
inside the compiled step from Keras variables, so changing `discriminator_steps`
never retraces (see `train_step` for the two shapes of the step).

Simultaneous updates (`simultaneous=True`): both players' gradients from one
forward pass, as in the TensorFlow DCGAN tutorial.

Generator first (`update_order = ("generator", "discriminator")`, CycleGAN):
the generators update, then the discriminators on their (pooled) outputs.
"""

from keras import ops


def _discriminator_update(model, step, B):
    """One discriminator update on `step` (its `fake` already without gradient); returns d_loss."""
    variables = model.player_variables("discriminator")

    def objective():
        d_loss = model.compute_discriminator_loss(step)
        logs = model.discriminator_logs(step, d_loss)
        return (B.scale_loss(model.d_optimizer, d_loss),), {"d_loss": d_loss, "logs": logs}

    _, aux, (grads,) = B.value_and_grad(objective, [variables])
    _discriminator_apply(model, grads, aux["logs"], B)
    return aux["d_loss"]


def _discriminator_apply(model, grads, logs, B):
    """Applies the discriminator's update (unless a trick's gate holds it), counts it, logs it."""
    variables = model.player_variables("discriminator")

    def apply():
        B.apply(model.d_optimizer, grads, variables)
        model.after_discriminator_update()

    gate = model.discriminator_update_gate() if B.conditional_updates_supported() else None
    B.cond(gate, apply)
    model.d_step_counter.assign_add(1)
    model.update_metrics(logs)


def _generator_apply(model, grads, logs, B):
    """The closure that applies the generator's update, ends the round of k and logs it."""
    variables = model.player_variables("generator")

    def apply():
        B.apply(model.g_optimizer, grads, variables)
        model.after_generator_update()
        model.d_step_counter.assign(0)
        model.update_metrics(logs)

    return apply


def _alternating(model, step, gate, B):
    """D update, then G update through the updated D; only G's apply is gated."""

    def objective():
        fake = model.generate_batch(step, training=True)
        with B.pause_recording():
            d_loss = _discriminator_update(model, step.replace(fake=ops.stop_gradient(fake)), B)
        g_step = step.replace(fake=fake)
        g_loss = model.compute_generator_loss(g_step)
        logs = model.generator_logs(g_step, g_loss)
        return (B.scale_loss(model.g_optimizer, g_loss),), {"d_loss": d_loss, "g_loss": g_loss, "logs": logs}

    _, aux, (grads,) = B.value_and_grad(objective, [model.player_variables("generator")])
    model.record_step_losses(aux["d_loss"], aux["g_loss"])
    B.cond(gate, _generator_apply(model, grads, aux["logs"], B))


def _discriminator_only(model, step, B):
    """A discriminator update alone (a step in which the generator's turn is not due)."""
    fake = model.generate_batch(step, training=True)
    _discriminator_update(model, step.replace(fake=ops.stop_gradient(fake)), B)


def _simultaneous(model, step, gate, B):
    d_vars = model.player_variables("discriminator")
    g_vars = model.player_variables("generator")

    def objective():
        both = step.replace(fake=model.generate_batch(step, training=True))
        d_loss = model.compute_discriminator_loss(both)
        g_loss = model.compute_generator_loss(both)
        aux = {
            "d_loss": d_loss,
            "g_loss": g_loss,
            "d_logs": model.discriminator_logs(both, d_loss),
            "g_logs": model.generator_logs(both, g_loss),
        }
        return (B.scale_loss(model.d_optimizer, d_loss), B.scale_loss(model.g_optimizer, g_loss)), aux

    _, aux, (d_grads, g_grads) = B.value_and_grad(objective, [d_vars, g_vars])
    _discriminator_apply(model, d_grads, aux["d_logs"], B)
    model.record_step_losses(aux["d_loss"], aux["g_loss"])
    B.cond(gate, _generator_apply(model, g_grads, aux["g_logs"], B))


def _generator_first(model, step, B):
    """G update, then D update on the generated batch (gradient stopped); CycleGAN's order."""
    g_vars = model.player_variables("generator")

    def objective():
        fake = model.generate_batch(step, training=True)
        g_step = step.replace(fake=fake)
        g_loss = model.compute_generator_loss(g_step)
        logs = model.generator_logs(g_step, g_loss)
        return (B.scale_loss(model.g_optimizer, g_loss),), {"g_loss": g_loss, "logs": logs, "fake": fake}

    _, aux, (grads,) = B.value_and_grad(objective, [g_vars])
    B.apply(model.g_optimizer, grads, g_vars)
    model.after_generator_update()
    model.update_metrics(aux["logs"])
    fake = _stop_gradient(aux["fake"])
    d_loss = _discriminator_update(model, step.replace(fake=fake), B)
    model.d_step_counter.assign(0)
    model.record_step_losses(d_loss, aux["g_loss"])


def _stop_gradient(x):
    if isinstance(x, (tuple, list)):
        return type(x)(ops.stop_gradient(v) for v in x)
    return ops.stop_gradient(x)


def train_step(model, data, B):
    """One adversarial training step of `model` on the batch `data`; returns the metrics.

    The generator's update is gated by `model.generator_update_due()`. How the
    gate is built is chosen when the step is traced, for speed only; every
    shape honours any `discriminator_steps` value at run time, so changing it
    never retraces:

    - where the backend cannot branch (a `tf.distribute` strategy): no gate
      (`fit` requires k = 1 there);
    - k = 1 when traced (the default): the step runs straight-line and only
      the generator's `optimizer.apply` sits in a conditional. A conditional
      around the whole step costs about a third of the throughput on CPU;
    - k > 1 when traced (WGAN's 5, say): the whole step branches, so the
      k - 1 discriminator-only steps skip the generator's work entirely.
    """
    step = model.prepare_step(data, training=True)
    step.z = model.sample_latent(step)
    if model.update_order[0] == "generator":
        _generator_first(model, step, B)
        return model.get_metrics_result()
    gate = model.generator_update_due() if B.conditional_updates_supported() else None
    if model.simultaneous:
        _simultaneous(model, step, gate, B)
    else:
        k = B.concrete_int(model.discriminator_steps)
        if k is None:
            k = getattr(model, "_discriminator_steps_at_fit", 1)
        if gate is None or k == 1:
            _alternating(model, step, gate, B)
        else:
            B.cond(gate, lambda: _alternating(model, step, None, B), lambda: _discriminator_only(model, step, B))
    return model.get_metrics_result()


def test_step(model, data):
    """Both players' losses and the metrics on `data`, without updates."""
    step = model.prepare_step(data, training=False)
    step.z = model.sample_latent(step)
    step.fake = model.generate_batch(step, training=False)
    d_loss = model.compute_discriminator_loss(step)
    model.update_metrics(model.discriminator_logs(step, d_loss))
    g_loss = model.compute_generator_loss(step)
    model.update_metrics(model.generator_logs(step, g_loss))
    return model.get_metrics_result()
