"""A DCGAN trained data-parallel on PyTorch with torch.distributed: several processes, one model.

    python examples/distributed_torch.py                       # 2 processes on 127.0.0.1 (gloo on CPU)
    python examples/distributed_torch.py --processes 4
    torchrun --nproc_per_node 2 examples/distributed_torch.py  # the same, started by torchrun
    python examples/distributed_torch.py --quick               # a few steps, tiny networks

The script is its own launcher (or torchrun is): each process has `RANK`,
`WORLD_SIZE`, `MASTER_ADDR` and `MASTER_PORT` in its environment, calls
`torch.distributed.init_process_group` (nccl with one GPU per process, else
gloo) before anything is built, then compiles and fits as on one device,
on its share of every global batch (`batch_size` = global batch / processes).
keras-gan sees the process group: `fit` starts every process from process 0's
weights, each update averages the players' gradients over the processes, the
logged values are averaged too, and random draws (latent vectors, penalty
weights, instance noise) are each process's rows of the global batch's draw.
Process 0 saves the model and writes `distributed_torch.png`.
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
    """Starts `args.processes` processes on this machine, as torchrun would; waits (killing them on failure)."""
    env = dict(os.environ, KERAS_BACKEND="torch", TF_CPP_MIN_LOG_LEVEL="3", MASTER_ADDR="127.0.0.1",
               MASTER_PORT=str(_free_port()), WORLD_SIZE=str(args.processes), OMP_NUM_THREADS="1")
    processes = []
    try:
        for rank in range(args.processes):
            processes.append(subprocess.Popen([sys.executable, os.path.abspath(__file__), *argv],
                                              env=dict(env, RANK=str(rank), LOCAL_RANK=str(rank)),
                                              start_new_session=True))
        for process in processes:
            process.wait(timeout=args.timeout)
            if process.returncode != 0:
                raise RuntimeError(f"a process failed (exit status {process.returncode})")
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    with open(f"{args.out}.json") as f:
        return types.SimpleNamespace(history=json.load(f))


def worker(args):
    import datetime

    import torch

    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))  # before Keras picks its device
    import torch.distributed as dist

    dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo",
                            timeout=datetime.timedelta(seconds=args.timeout))
    try:
        import keras
        import numpy as np

        import keras_gan

        rank, count = dist.get_rank(), dist.get_world_size()
        images, _ = keras_gan.datasets.load("digits", as_numpy=True)
        if args.quick:
            images = images[: 4 * args.batch_size]
        images = images[: len(images) // args.batch_size * args.batch_size]
        local = args.batch_size // count
        # This process's share of every global batch: rows [rank * local, (rank + 1) * local) of each.
        share = images.reshape((-1, count, local) + images.shape[1:])[:, rank].reshape((-1,) + images.shape[1:])

        keras.utils.set_random_seed(rank)  # any initial weights: fit starts every process from process 0's
        gan = keras_gan.models.DCGAN(image_shape=(28, 28, 1), latent_dim=32, width=4 if args.quick else 32, seed=0)
        gan.compile()
        epochs = 1 if args.quick else args.epochs
        history = gan.fit(share, batch_size=local, epochs=epochs, shuffle=False,
                          verbose=2 if rank == 0 else 0).history
        if rank == 0:  # every process holds the same weights; saving reads them locally
            gan.save(f"{args.out}.keras")
            keras_gan.utils.save_image_grid(gan.generate(64, seed=1), f"{args.out}.png", scale=2)
            with open(f"{args.out}.json", "w") as f:
                json.dump({key: [float(v) for v in values] for key, values in history.items()}, f)
            print(f"d_loss {np.round(history['d_loss'], 4).tolist()}  g_loss {np.round(history['g_loss'], 4).tolist()}")
    finally:
        dist.destroy_process_group()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64, help="the global batch")
    parser.add_argument("--out", default="distributed_torch", help="prefix of the .keras, .png and .json written")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before the processes are stopped")
    parser.add_argument("--quick", action="store_true", help="1 epoch of 4 steps, tiny networks")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    if args.quick:
        args.timeout = min(args.timeout, 300)
    if "RANK" not in os.environ:  # not started by torchrun nor by this launcher
        return launch(args, argv)
    worker(args)
    return None


if __name__ == "__main__":
    main()
