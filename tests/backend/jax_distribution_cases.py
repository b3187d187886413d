"""The runs of `tests/backend/test_jax_distribution.py`, each in a process of its own under KERAS_BACKEND=jax.

    python jax_distribution_cases.py one_process OUT            # XLA_FLAGS=--xla_force_host_platform_device_count=2
    python jax_distribution_cases.py worker OUT ADDRESS COUNT ID  # one of COUNT processes, one CPU device each

`one_process` trains every case of `CASES` on one device, then again under
`keras.distribution.set_distribution(DataParallel(devices=jax.devices()))`
over the process's 2 host devices, and writes both results (`one/`,
`data_parallel/`) with what the distributed run was laid out on. `worker`
joins `keras.distribution.initialize(ADDRESS, COUNT, ID)` (gloo collectives on
CPU), feeds its 1/COUNT share of every global batch under a `DataParallel`
with `auto_shard_dataset=False`, and writes its result (`worker_ID/`), and
the message keras-gan refuses NumPy input with under auto-sharding.

The cases are those of `equivalence_cases.py` (fixed weights, latent vectors
injected as functions of the data, fixed interpolation weights), and one
with the model's own random draws (its latent stream, a penalty's seeded
interpolation weights): on JAX the distributed step is one program over the
global batch, so even those draws are the one-device draws.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))

GLOBAL_BATCH = 8  # equivalence_cases.BATCH


def _cases():
    import keras_gan
    from tests.backend import equivalence_cases as ec

    def own_draws():
        G, D = ec.mlp_generator(), ec.mlp_discriminator()
        ec.set_weights(G, D)
        gan = keras_gan.models.GAN(G, D, latent_dim=ec.LATENT, seed=0,
                                   tricks=[keras_gan.tricks.GradientPenalty(1.0, seed=3)])
        gan.compile(d_optimizer=ec.adam(), g_optimizer=ec.adam(use_ema=True, ema_momentum=0.9))
        return gan, (ec.data(),), {"batch_size": GLOBAL_BATCH, "epochs": 2}

    return {
        "k1": lambda: ec.gan_case(),
        "k2": lambda: ec.gan_case({"discriminator_steps": 2}),
        "gradient_penalty": lambda: ec.gan_case(tricks=[ec.FixedPenalty(10.0)], compile_kwargs={"loss": "wasserstein"}),
        "r1_penalty": lambda: ec.gan_case(tricks=[keras_gan.tricks.R1Penalty(1.0)]),
        "ema": lambda: ec.gan_case(compile_kwargs={"g_optimizer": ec.adam(use_ema=True, ema_momentum=0.9)}),
        # Batch norm in the generator: the distributed step normalizes by the global batch's statistics.
        "batch_norm": lambda: ec.gan_case(
            tricks=[keras_gan.tricks.Packing(2), keras_gan.tricks.TrainLosingPlayer(0.3, 0.3)], batch_norm=True,
            d_inputs=8),
        "own_random_draws": own_draws,
    }


def _fast_compilation():
    import jax

    jax.config.update("jax_disable_most_optimizations", True)  # tiny networks: compiling dominates


def _result(gan, history):
    from keras import ops

    from tests.backend import equivalence_cases as ec

    iterations = [int(ops.convert_to_numpy(gan.d_optimizer.iterations)),
                  int(ops.convert_to_numpy(gan.g_optimizer.iterations))]
    return ec.state_of(gan), iterations, {k: [float(v) for v in vs] for k, vs in history.items()}


def _save(folder, name, result, extra=None):
    import numpy as np

    os.makedirs(folder, exist_ok=True)
    state, iterations, history = result
    np.savez(os.path.join(folder, f"{name}.npz"), **state)
    with open(os.path.join(folder, f"{name}.json"), "w") as f:
        json.dump(dict(extra or {}, iterations=iterations, history=history), f)


def _layouts(gan):
    """`{devices a variable's value spans: count}` over every variable of the training state."""
    counts = {}
    for variable in gan.variables + gan.optimizer_variables() + gan.metrics_variables:
        n = len(variable.value.sharding.device_set)
        counts[str(n)] = counts.get(str(n), 0) + 1
    return counts


def one_process(out):
    import jax
    import keras

    _fast_compilation()
    cases = _cases()
    for name, make in cases.items():
        keras.utils.set_random_seed(0)
        gan, args, kwargs = make()
        history = gan.fit(*args, shuffle=False, verbose=0, **kwargs).history
        _save(os.path.join(out, "one"), name, _result(gan, history))
    early, _, _ = cases["k1"]()
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
    # A model built before the distribution was set: refused in keras-gan's words before any step.
    gan = early
    try:
        gan.fit(*args, shuffle=False, verbose=0, **kwargs)
        refusal = None
    except ValueError as error:
        refusal = str(error)
    for name, make in cases.items():
        keras.utils.set_random_seed(0)
        gan, args, kwargs = make()
        inputs = []
        original = gan.prepare_step

        def recording(data, training, original=original, inputs=inputs):
            step = original(data, training)
            jax.debug.inspect_array_sharding(step.real, callback=lambda s: inputs.append(len(s.device_set)))
            return step

        gan.prepare_step = recording
        history = gan.fit(*args, shuffle=False, verbose=0, **kwargs).history
        del gan.prepare_step
        _save(os.path.join(out, "data_parallel"), name, _result(gan, history),
              {"devices": len(jax.devices()), "layouts": _layouts(gan), "input_devices": sorted(set(inputs))})
    with open(os.path.join(out, "refusals.json"), "w") as f:
        json.dump({"built_before": refusal}, f)


def worker(out, address, count, index):
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    import keras
    import numpy as np

    _fast_compilation()
    keras.distribution.initialize(address, count, index)
    assert jax.process_count() == count and len(jax.devices()) == count, jax.devices()
    cases = _cases()
    # Keras's default auto-sharding takes only a tf.data.Dataset: NumPy input is refused in one line.
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
    gan, args, _ = cases["k1"]()
    try:
        gan.fit(*args, batch_size=GLOBAL_BATCH, verbose=0)
        refusal = None
    except ValueError as error:
        refusal = str(error)
    with open(os.path.join(out, f"refusals_{index}.json"), "w") as f:
        json.dump({"numpy_auto_shard": refusal}, f)
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=jax.devices(), auto_shard_dataset=False))
    local = GLOBAL_BATCH // count
    for name in sys_names or cases:
        keras.utils.set_random_seed(0)
        gan, (x,), kwargs = cases[name]()
        # This process's share of every global batch: rows [index * local, (index + 1) * local) of each.
        share = x.reshape((-1, count, local) + x.shape[1:])[:, index].reshape((-1,) + x.shape[1:])
        history = gan.fit(share, shuffle=False, verbose=0, **dict(kwargs, batch_size=local)).history
        _save(os.path.join(out, f"worker_{index}"), name, _result(gan, history))
    np.save(os.path.join(out, f"done_{index}.npy"), np.ones(1))


sys_names = []

if __name__ == "__main__":
    os.environ["KERAS_BACKEND"] = "jax"
    mode, out = sys.argv[1], sys.argv[2]
    if mode == "one_process":
        one_process(out)
    else:
        address, count, index = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        sys_names[:] = sys.argv[6:]
        worker(out, address, count, index)
