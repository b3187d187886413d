"""`keras.distribution` on JAX: the checks keras-gan adds around Keras's own data parallelism.

Under `keras.distribution.set_distribution(DataParallel(...))` Keras's JAX
`fit` shards every batch along its first axis over the device mesh and jits
the step with the state's layouts (`state.get_state_sharding_spec`). The step
is one SPMD program over the global batch: its random draws (the latent
stream, a penalty's interpolation weights) and its batch statistics are those
of the one-device step, so a GAN trains to the one-device weights
(`tests/backend/test_jax_distribution.py`). Two things Keras reports late or
in its own words are checked here first:

- every variable of the training state (both players' networks, both
  optimizers with their EMA slots, the schedule, the tricks and their seed
  generators, the metrics) must be laid out on the distribution's mesh, that
  is created after `set_distribution` (or inside `distribution.scope()`);
- with several processes, Keras auto-shards only a `tf.data.Dataset`.
"""

import jax
import keras


def _distribution():
    return keras.distribution.distribution()


def _mesh_size(distribution):
    mesh = getattr(distribution, "device_mesh", None)
    return int(mesh.devices.size) if mesh is not None else 1


def check_variable_layouts(model, groups):
    """Refuses a state whose variables live on one device while the distribution spans several.

    Args:
        model: The model whose step is about to be compiled.
        groups: The state's variables, `[trainable, non_trainable, optimizer, metrics]`.
    """
    distribution = _distribution()
    devices = _mesh_size(distribution)
    if distribution is None or devices < 2:
        return
    for group in groups:
        for variable in group:
            if isinstance(variable.value.sharding, jax.sharding.SingleDeviceSharding):
                raise ValueError(
                    f"{type(model).__name__}'s variable {variable.path!r} lives on one device, but the "
                    f"keras.distribution set spans {devices}: it was created before "
                    "`keras.distribution.set_distribution(...)`. Call set_distribution first (or build and "
                    "compile inside `distribution.scope()`), then build, compile and fit the model."
                )


def check_input(model, method, x):
    """Refuses input Keras cannot auto-shard over several processes, in one line saying what to pass.

    Args:
        model: The model.
        method: `"fit"` or `"evaluate"`.
        x: The data given to `method`.
    """
    distribution = _distribution()
    if distribution is None or not getattr(distribution, "_is_multi_process", False):
        return
    if not getattr(distribution, "auto_shard_dataset", False) or hasattr(x, "element_spec"):
        return
    processes = jax.process_count()
    raise ValueError(
        f"{type(model).__name__}.{method}() on {processes} processes under keras.distribution auto-shards only "
        f"a tf.data.Dataset of global batches (got {type(x).__name__}): pass one, or give each process its "
        f"1/{processes} share of every global batch (batch_size = the global batch / {processes}) and create "
        "the distribution with auto_shard_dataset=False."
    )
