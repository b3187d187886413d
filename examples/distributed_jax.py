"""A DCGAN trained data-parallel on JAX with keras.distribution, in one process or several.

    python examples/distributed_jax.py                  # one process, every local device (2 CPU devices without one)
    python examples/distributed_jax.py --processes 2    # 2 processes on 127.0.0.1, one device each
    python examples/distributed_jax.py --quick          # a few steps, tiny networks

The script is its own launcher: it starts each process (`--worker`) with
`KERAS_BACKEND=jax`. A worker calls `keras.distribution.initialize` when there
are several processes (gloo collectives on CPU), then
`keras.distribution.set_distribution(DataParallel(devices=jax.devices()))`
before building anything, so the networks, both optimizers, the schedule's
counters, the seed generators and the metrics are all laid out over the
devices. `fit` then splits every global batch over the devices: the step is
one program over the global batch, with the one-device step's latent vectors
and batch statistics. With several processes each feeds its share of every
global batch (`auto_shard_dataset=False`, `batch_size` = global batch /
processes); process 0 saves the model and writes `distributed_jax.png`.
On machines of their own, start one worker per machine with the first
machine's address (see docs/guides/distributed.md).
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import types


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(args, argv):
    """Starts `args.processes` workers on this machine, waits for them (killing them on failure)."""
    address = f"127.0.0.1:{_free_port()}"
    devices = 2 if args.processes == 1 else 1  # CPU devices per process (an accelerator ignores this)
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3",
               XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}")
    processes = []
    try:
        for index in range(args.processes):
            command = [sys.executable, os.path.abspath(__file__), *argv, "--worker", str(index), "--address", address]
            processes.append(subprocess.Popen(command, env=env, start_new_session=True))
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
    import jax

    if args.processes > 1:
        jax.config.update("jax_cpu_collectives_implementation", "gloo")  # CPU processes talk through gloo
    import keras
    import numpy as np

    import keras_gan

    if args.processes > 1:
        keras.distribution.initialize(args.address, args.processes, args.worker)
    # Before anything is built: every variable is then laid out over every device of every process.
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=jax.devices(), auto_shard_dataset=args.processes == 1))
    index, count = jax.process_index(), jax.process_count()
    print(f"process {index} of {count}: {len(jax.local_devices())} of {len(jax.devices())} devices", flush=True)

    images, _ = keras_gan.datasets.load("digits", as_numpy=True)
    if args.quick:
        images = images[: 4 * args.batch_size]
    images = images[: len(images) // args.batch_size * args.batch_size]
    local = args.batch_size // count
    # This process's share of every global batch: rows [index * local, (index + 1) * local) of each.
    share = images.reshape((-1, count, local) + images.shape[1:])[:, index].reshape((-1,) + images.shape[1:])

    keras.utils.set_random_seed(0)  # the same initial weights in every process
    gan = keras_gan.models.DCGAN(image_shape=(28, 28, 1), latent_dim=32, width=4 if args.quick else 32, seed=0)
    gan.compile()
    epochs = 1 if args.quick else args.epochs
    history = gan.fit(share, batch_size=local, epochs=epochs, shuffle=False, verbose=2 if index == 0 else 0).history
    if index == 0:
        # The weights are replicated: process 0 holds them all. It saves outside the distribution, since
        # saving creates variables, which under a multi-process distribution every process must create alike.
        keras.distribution.set_distribution(None)
        gan.save(f"{args.out}.keras")
        generator = keras.models.clone_model(gan.generator)
        generator.set_weights(gan.generator.get_weights())
        z = np.random.default_rng(1).normal(size=(64, gan.latent_dim)).astype("float32")
        samples = keras.ops.convert_to_numpy(generator(z, training=False))
        keras_gan.utils.save_image_grid(samples, f"{args.out}.png", scale=2)
        with open(f"{args.out}.json", "w") as f:
            json.dump({key: [float(v) for v in values] for key, values in history.items()}, f)
        print(f"d_loss {np.round(history['d_loss'], 4).tolist()}  g_loss {np.round(history['g_loss'], 4).tolist()}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64, help="the global batch")
    parser.add_argument("--out", default="distributed_jax", help="prefix of the .keras, .png and .json written")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before the workers are stopped")
    parser.add_argument("--quick", action="store_true", help="1 epoch of 4 steps, tiny networks")
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--address", default=None, help=argparse.SUPPRESS)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    if args.quick:
        args.timeout = min(args.timeout, 300)
    if args.worker is None:
        return launch(args, argv)
    worker(args)
    return None


if __name__ == "__main__":
    main()
