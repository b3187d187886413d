"""The adversarial training step, written once for every backend (see `keras_gan.backend.protocol`).

`train_step(model, data, B)` runs with the primitives of a backend module
`B` (`keras_gan/backend/{tensorflow,jax,torch}/trainer.py`): it unpacks the
batch, draws the latent vectors, and hands the step to the model's update
schedule (`keras_gan.schedules`), which decides the order and the gates of
the players' updates.
"""


from keras import ops, tree


def as_tensors(data):
    """The batch's arrays as backend tensors (JAX's eager `fit`, `run_eagerly=True`, hands the step NumPy arrays,
    which a multi-input network refuses beside a tensor)."""
    return tree.map_structure(lambda value: value if value is None else ops.convert_to_tensor(value), data)


def train_step(model, data, B):
    """One adversarial training step of `model` on the batch `data`; returns the metrics."""
    step = model.prepare_step(as_tensors(data), training=True)
    step.z = model.sample_latent(step)
    model.schedule.run(model, step, B)
    return model.get_metrics_result()


def test_step(model, data):
    """Both players' losses and the metrics on `data`, without updates."""
    step = model.prepare_step(as_tensors(data), training=False)
    step.z = model.sample_latent(step)
    step.fake = model.generate_batch(step, training=False)
    _, d_logs = model.compute_discriminator_loss(step)
    model.update_metrics(d_logs)
    _, g_logs = model.compute_generator_loss(step)
    model.update_metrics(g_logs)
    return model.get_metrics_result()
