"""The runs of `tests/backend/test_torch_distribution.py`: 2 `torch.distributed` processes (gloo) against one.

    python torch_distribution_cases.py OUT ADDRESS COUNT RANK [CASE ...]   # under KERAS_BACKEND=torch
    python torch_distribution_cases.py OUT ADDRESS COUNT RANK --resume PHASE   # PHASE: killed, resumed

Each process joins `torch.distributed.init_process_group("gloo")` at
`tcp://ADDRESS`, builds each case of `CASES`, and `fit`s it on its 1/COUNT
share of every global batch (rows `[rank * b, (rank + 1) * b)` of each,
`b` = global batch / COUNT); it writes its result to `worker_RANK/`. Before
joining, rank 0 trains every case in a plain process on the global batches
(`one/`), the reference.

The cases are those of `equivalence_cases.py` (fixed weights, injected latent
vectors, fixed interpolation weights), one with the model's own random draws
that starts each process from different weights (seeded by its rank: `fit`
gives every process the first one's), and one whose tricks read statistics
of the batch (feature means, the top-k of the batch, the last losses).
"""

import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))

GLOBAL_BATCH = 8
#: The process group's backend: gloo here; `benchmarks/torch_distributed_gpu.py` also tries nccl on a GPU.
BACKEND = os.environ.get("KERAS_GAN_DIST_BACKEND", "gloo")


def free_address():
    """`127.0.0.1:PORT` with a port free now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def launch(out, extra, env, seconds=240):
    """This script as processes 0 and 1 (`OUT ADDRESS 2 RANK *extra`) on a free port of 127.0.0.1:
    `[(returncode, stderr)]`; a process still running at the deadline is killed (its code is then None)."""
    import signal
    import subprocess
    import time

    address = free_address()
    processes, results = [], []
    deadline = time.monotonic() + seconds
    try:
        for rank in range(2):
            processes.append(subprocess.Popen([sys.executable, os.path.abspath(__file__), str(out), address, "2",
                                               str(rank), *extra], env=env, cwd=os.path.dirname(os.path.dirname(HERE)),
                                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                              start_new_session=True))
        for process in processes:
            try:
                _, stderr = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                stderr = f"still running after {seconds} s"
            results.append((process.returncode, stderr))
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
    return results


def _join(address, rank, count):
    """Joins the process group of `count` processes at `tcp://address` (`BACKEND`)."""
    import torch.distributed as dist

    if BACKEND == "nccl":  # one GPU per process (NCCL refuses two processes on one GPU)
        import torch

        torch.cuda.set_device(rank % max(1, torch.cuda.device_count()))
    dist.init_process_group(BACKEND, init_method=f"tcp://{address}", rank=rank, world_size=count,
                            timeout=datetime.timedelta(seconds=240))


def _cases(rank):
    import keras

    import keras_gan
    from tests.backend import equivalence_cases as ec

    def own_draws():
        keras.utils.set_random_seed(rank)  # each process starts elsewhere; fit syncs them to process 0
        G, D = ec.mlp_generator(), ec.mlp_discriminator()
        if rank == 0:
            ec.set_weights(G, D)
        gan = keras_gan.models.GAN(G, D, latent_dim=ec.LATENT, seed=rank,
                                   tricks=[keras_gan.tricks.GradientPenalty(1.0, seed=3)])
        gan.compile(d_optimizer=ec.adam(), g_optimizer=ec.adam(use_ema=True, ema_momentum=0.9))
        return gan, (ec.data(),), {"batch_size": GLOBAL_BATCH, "epochs": 2}

    t = keras_gan.tricks
    return {
        "k1": lambda: ec.gan_case(),
        "k2": lambda: ec.gan_case({"discriminator_steps": 2}),
        "gradient_penalty": lambda: ec.gan_case(tricks=[ec.FixedPenalty(10.0)], compile_kwargs={"loss": "wasserstein"}),
        "own_random_draws": own_draws,
        "batch_statistics": lambda: ec.gan_case(tricks=[t.FeatureMatching(0.5), t.TopK(0.5, 0.5, decay_steps=2),
                                                        t.TrainLosingPlayer(0.3, 0.3)]),
    }


def _result(gan, history):
    from keras import ops

    from tests.backend import equivalence_cases as ec

    iterations = [int(ops.convert_to_numpy(gan.d_optimizer.iterations)),
                  int(ops.convert_to_numpy(gan.g_optimizer.iterations))]
    return ec.state_of(gan), iterations, {k: [float(v) for v in vs] for k, vs in history.items()}


def _save(folder, name, result):
    import numpy as np

    os.makedirs(folder, exist_ok=True)
    state, iterations, history = result
    np.savez(os.path.join(folder, f"{name}.npz"), **state)
    with open(os.path.join(folder, f"{name}.json"), "w") as f:
        json.dump({"iterations": iterations, "history": history}, f)


#: The killed-and-resumed run: 4 epochs of 4 steps, k = 2, the model's own random draws (its latent stream,
#: a penalty's interpolation weights), killed (SIGKILL) in the middle of epoch 3 (index 2), after its step 2.
RESUME_EPOCHS, KILL_EPOCH, KILL_BATCH = 4, 2, 1


def _resume_case(rank):
    import keras

    import keras_gan
    from tests.backend import equivalence_cases as ec

    keras.utils.set_random_seed(rank)
    G, D = ec.mlp_generator(), ec.mlp_discriminator()
    if rank == 0:
        ec.set_weights(G, D)
    gan = keras_gan.models.GAN(G, D, latent_dim=ec.LATENT, seed=rank, discriminator_steps=2,
                               tricks=[keras_gan.tricks.GradientPenalty(1.0, seed=3)])
    gan.compile(d_optimizer=ec.adam(), g_optimizer=ec.adam(use_ema=True, ema_momentum=0.9))
    return gan, ec.data()


def _kill_callback(epoch, batch):
    """A callback that SIGKILLs its own process after step `batch` of epoch `epoch`: a machine lost mid-epoch."""
    import signal

    import keras

    class Kill(keras.callbacks.Callback):
        def on_epoch_begin(self, e, logs=None):
            self.epoch = e

        def on_train_batch_end(self, b, logs=None):
            if self.epoch == epoch and b == batch:
                os.kill(os.getpid(), signal.SIGKILL)

    return Kill()


def resume(out, address, count, rank, phase):
    """`killed`: 2 processes fit with `keras.callbacks.BackupAndRestore` (one folder per process) and are
    killed mid-epoch; `resumed`: the same command again, which continues from the last end-of-epoch backup.
    Rank 0 first trains the uninterrupted reference in a plain process on the global batches (`one/`)."""
    import keras
    import torch.distributed as dist

    if rank == 0 and phase == "killed":
        keras.utils.set_random_seed(0)
        gan, x = _resume_case(0)
        history = gan.fit(x, batch_size=GLOBAL_BATCH, epochs=RESUME_EPOCHS, shuffle=False, verbose=0).history
        _save(os.path.join(out, "one"), "resume", _result(gan, history))
    _join(address, rank, count)
    try:
        local = GLOBAL_BATCH // count
        keras.utils.set_random_seed(0)
        gan, x = _resume_case(rank)
        share = x.reshape((-1, count, local) + x.shape[1:])[:, rank].reshape((-1,) + x.shape[1:])
        callbacks = [keras.callbacks.BackupAndRestore(os.path.join(out, f"backup_{rank}"), save_freq="epoch",
                                                      double_checkpoint=True, delete_checkpoint=False)]
        if phase == "killed":
            callbacks.append(_kill_callback(KILL_EPOCH, KILL_BATCH))
        history = gan.fit(share, batch_size=local, epochs=RESUME_EPOCHS, shuffle=False, verbose=0,
                          callbacks=callbacks).history
        _save(os.path.join(out, f"{phase}_{rank}"), "resume", _result(gan, history))
    finally:
        dist.destroy_process_group()


def main(out, address, count, rank, names):
    import keras
    import torch.distributed as dist

    names = names or list(_cases(rank))
    if rank == 0:  # the reference: one process, the global batches
        for name in names:
            keras.utils.set_random_seed(0)
            gan, args, kwargs = _cases(0)[name]()
            _save(os.path.join(out, "one"), name, _result(gan, gan.fit(*args, shuffle=False, verbose=0,
                                                                        **kwargs).history))
    _join(address, rank, count)
    try:
        local = GLOBAL_BATCH // count
        for name in names:
            keras.utils.set_random_seed(0)
            gan, (x,), kwargs = _cases(rank)[name]()
            share = x.reshape((-1, count, local) + x.shape[1:])[:, rank].reshape((-1,) + x.shape[1:])
            history = gan.fit(share, shuffle=False, verbose=0, **dict(kwargs, batch_size=local)).history
            _save(os.path.join(out, f"worker_{rank}"), name, _result(gan, history))
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    os.environ["KERAS_BACKEND"] = "torch"
    if sys.argv[5:6] == ["--resume"]:
        resume(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[6])
    else:
        main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
