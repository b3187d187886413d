"""A DCGAN trained data-parallel with tf.distribute: MirroredStrategy on one machine, or several workers.

    python examples/distributed_tf.py                  # all local GPUs, or 2 logical CPU devices; and one device
    python examples/distributed_tf.py --workers 2      # MultiWorkerMirroredStrategy, 2 workers on 127.0.0.1
    python examples/distributed_tf.py --quick          # a few steps, tiny networks

Without `--workers`, builds and compiles the same DCGAN twice, under a
`MirroredStrategy` over the local devices (all GPUs; without GPUs, the CPU
split into 2 logical devices, so the script runs anywhere) and on one device,
from the same weights, and trains both on the same batches. Each replica
takes its share of every global batch, draws its rows of the global batch's
latent vectors, and divides its loss by the replicas, so the summed
gradients are the global batch's. The runs still differ a little: batch
normalization (the DCGAN generator has it) normalizes by each replica's own
statistics. The script prints both runs' losses and their largest difference
and writes `distributed_tf.png` (the mirrored model's samples).

With `--workers N`, the script launches N workers on this machine, each with
its `TF_CONFIG`, as one would start one per machine; each creates its
`MultiWorkerMirroredStrategy` first thing, and `fit` shards every global
batch of a `tf.data.Dataset` over the workers. Every worker saves (the chief
to `distributed_tf.keras`, the others to a scratch folder), as TensorFlow's
multi-worker saving requires.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def devices():
    """The GPUs, or the CPU split into two logical devices (possible only before TensorFlow starts)."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return [f"/gpu:{i}" for i in range(len(gpus))]
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    except RuntimeError:  # TensorFlow already started: use the logical devices it has
        pass
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def _images(args):
    import keras_gan

    images, _ = keras_gan.datasets.load("digits", as_numpy=True)
    return images[: 4 * args.batch_size] if args.quick else images


def _build(args):
    import keras

    import keras_gan

    keras.utils.set_random_seed(0)
    gan = keras_gan.models.DCGAN(image_shape=(28, 28, 1), latent_dim=32, width=4 if args.quick else 32, seed=0)
    gan.compile()
    return gan


def mirrored(args):
    """One machine: MirroredStrategy over the local devices, against one device."""
    names = devices()
    import numpy as np
    import tensorflow as tf

    import keras_gan

    # On logical CPU devices, reduce through one device rather than with collective ops (which TensorFlow
    # may order differently on the two replicas once other strategies ran in the same process).
    cross_device_ops = None if names[0].lower().startswith("/gpu") else tf.distribute.ReductionToOneDevice()
    strategy = tf.distribute.MirroredStrategy(names, cross_device_ops=cross_device_ops)
    print(f"{strategy.num_replicas_in_sync} replicas: {names}")
    images = _images(args)
    single = _build(args)
    with strategy.scope():
        replicated = _build(args)
    replicated.set_weights(single.get_weights())
    epochs = 1 if args.quick else args.epochs
    runs = {}
    for name, gan in (("one device", single), (f"{strategy.num_replicas_in_sync} replicas", replicated)):
        runs[name] = gan.fit(images, batch_size=args.batch_size, epochs=epochs, shuffle=False, verbose=0).history
        print(f"{name:12s} d_loss {np.round(runs[name]['d_loss'], 5).tolist()}  "
              f"g_loss {np.round(runs[name]['g_loss'], 5).tolist()}")
    one, many = runs.values()
    gap = max(abs(a - b) for key in one for a, b in zip(one[key], many[key]))
    print(f"largest difference of the logged values: {gap:.2e}")
    keras_gan.utils.save_image_grid(replicated.generate(64, seed=1), f"{args.out}.png", scale=2)
    return types.SimpleNamespace(history=many, one_device=one, largest_difference=gap)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(args, argv):
    """Starts `args.workers` workers on 127.0.0.1, each with its TF_CONFIG; waits (killing them on failure)."""
    cluster = {"worker": [f"127.0.0.1:{_free_port()}" for _ in range(args.workers)]}
    processes = []
    try:
        for index in range(args.workers):
            config = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})
            env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CONFIG=config)
            processes.append(subprocess.Popen([sys.executable, os.path.abspath(__file__), *argv, "--worker"],
                                              env=env, start_new_session=True))
        for process in processes:
            process.wait(timeout=args.timeout)
            if process.returncode != 0:
                raise RuntimeError(f"a worker failed (exit status {process.returncode})")
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    with open(f"{args.out}.json") as f:
        return types.SimpleNamespace(history=json.load(f))


def worker(args):
    """One worker of a MultiWorkerMirroredStrategy (its TF_CONFIG in the environment)."""
    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # first thing, before any other TensorFlow work
    import numpy as np

    import keras_gan

    chief = json.loads(os.environ["TF_CONFIG"])["task"]["index"] == 0
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    dataset = (tf.data.Dataset.from_tensor_slices(_images(args)).batch(args.batch_size, drop_remainder=True)
               .with_options(options))  # global batches; each worker gets its share of every one
    with strategy.scope():
        gan = _build(args)
    epochs = 1 if args.quick else args.epochs
    history = gan.fit(dataset, epochs=epochs, verbose=2 if chief else 0).history
    # Every worker saves (saving reads the variables collectively); only the chief's copy is kept.
    gan.save(f"{args.out}.keras" if chief else os.path.join(tempfile.mkdtemp(), "scratch.keras"))
    if chief:
        keras_gan.utils.save_image_grid(gan.generate(64, seed=1), f"{args.out}.png", scale=2)
        with open(f"{args.out}.json", "w") as f:
            json.dump({key: [float(v) for v in values] for key, values in history.items()}, f)
        print(f"{strategy.num_replicas_in_sync} replicas: d_loss {np.round(history['d_loss'], 4).tolist()}  "
              f"g_loss {np.round(history['g_loss'], 4).tolist()}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=0, help="MultiWorkerMirroredStrategy workers on 127.0.0.1")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64, help="the global batch")
    parser.add_argument("--out", default="distributed_tf", help="prefix of the files written")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before the workers are stopped")
    parser.add_argument("--quick", action="store_true", help="1 epoch of 4 steps, tiny networks")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    if args.quick:
        args.timeout = min(args.timeout, 300)
    if args.worker:
        worker(args)
        return None
    if args.workers:
        return launch(args, argv)
    return mirrored(args)


if __name__ == "__main__":
    main()
