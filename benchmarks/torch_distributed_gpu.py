"""PyTorch data parallelism on a GPU: the CPU suite's equivalence cases with Keras's tensors on CUDA.

    python benchmarks/torch_distributed_gpu.py --json OUT.json   # on a machine with a GPU (no TensorFlow needed)

`tests/backend/test_torch_distribution.py` runs on CPUs (gloo). This script runs
the same cases (`tests/backend/torch_distribution_cases.py`: k = 1, k = 2, a
penalty, the model's own random draws, tricks that read batch statistics, and a
SIGKILLed run resumed by `BackupAndRestore`) where Keras puts every tensor on the
GPU, and reports each case's largest difference from the one-process run:

- `gloo_cuda`: 2 processes, gloo collectives on CUDA tensors, both on GPU 0.
- `nccl_two_processes`: 2 processes with nccl. NCCL refuses two processes on one
  GPU, so with one GPU this records NCCL's refusal; with two it compares as above.
- `nccl_one_process_forced`: one process in an nccl group of 1, with keras-gan's
  collectives forced on (they are skipped for a group of one), so every
  collective the step issues (the branch flag's broadcast, the weights' broadcast,
  the gradients', the logs' and the penalties' all_reduce, the batch gathers)
  runs through nccl on CUDA tensors; its weights must equal a plain run's.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _launch(out, extra, backend, seconds=300):
    from tests.backend.torch_distribution_cases import launch

    env = dict(os.environ, KERAS_BACKEND="torch", KERAS_GAN_DIST_BACKEND=backend, OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([ROOT] + sys.path))
    return launch(out, extra, env, seconds)


def _load(folder, name):
    import numpy as np

    with open(os.path.join(folder, f"{name}.json")) as f:
        return dict(np.load(os.path.join(folder, f"{name}.npz"))), json.load(f)


def _difference(folder, ref_folder, name, history_slice=slice(None)):
    """The largest |difference| over every variable and logged value, and whether the iteration counts agree."""
    import numpy as np

    state, record = _load(folder, name)
    ref_state, ref_record = _load(ref_folder, name)
    worst = max(float(np.max(np.abs(state[k] - v))) if v.size else 0.0 for k, v in ref_state.items())
    logs = max(float(np.max(np.abs(np.asarray(record["history"][k]) - np.asarray(v)[history_slice])))
               for k, v in ref_record["history"].items())
    return {"weights": worst, "history": logs, "iterations_equal": record["iterations"] == ref_record["iterations"],
            "same_variables": sorted(state) == sorted(ref_state)}


def _errors(results):
    lines = []
    for rank, (code, stderr) in enumerate(results):
        text = stderr.splitlines()
        tail = [line for i, line in enumerate(text) if "Error" in line or "error" in line or "NCCL" in line
                or (i and "Last error" in text[i - 1])]  # NCCL's reason follows its "Last error:" line
        lines.append({"rank": rank, "exit": code, "error": tail[-4:]})
    return lines


def two_processes(out, backend, seconds=300):
    cases = ("k1", "k2", "gradient_penalty", "own_random_draws", "batch_statistics")
    start = time.monotonic()
    results = _launch(out, [], backend, seconds)
    report = {"seconds": round(time.monotonic() - start, 1)}
    if any(code != 0 for code, _ in results):
        report["failed"] = _errors(results)
        return report
    report["cases"] = {f"{case} rank {rank}": _difference(os.path.join(out, f"worker_{rank}"), os.path.join(out, "one"),
                                                          case)
                       for case in cases for rank in range(2)}
    start = time.monotonic()
    killed = _launch(out, ["--resume", "killed"], backend)
    resumed = _launch(out, ["--resume", "resumed"], backend)
    report["resume_seconds"] = round(time.monotonic() - start, 1)
    report["killed_exit"] = [code for code, _ in killed]
    if any(code != 0 for code, _ in resumed):
        report["resume_failed"] = _errors(resumed)
    else:
        report["resume"] = {f"rank {rank}": _difference(os.path.join(out, f"resumed_{rank}"), os.path.join(out, "one"),
                                                        "resume", slice(2, None)) for rank in range(2)}
    return report


def forced(out):
    """One nccl process with keras-gan's collectives on: its results against a plain run's (same process)."""
    os.environ["KERAS_BACKEND"] = "torch"
    import keras
    import torch
    import torch.distributed as dist

    from keras_gan.backend.torch import trainer
    from tests.backend import torch_distribution_cases as cases

    names = ("k1", "k2", "gradient_penalty", "own_random_draws", "batch_statistics")
    for name in names:
        keras.utils.set_random_seed(0)
        gan, args, kwargs = cases._cases(0)[name]()
        cases._save(os.path.join(out, "one"), name, cases._result(gan, gan.fit(*args, shuffle=False, verbose=0,
                                                                                **kwargs).history))
    backend = os.environ.get("KERAS_GAN_DIST_BACKEND", "nccl")  # gloo: a dry run of this script on a CPU
    if torch.cuda.is_available():
        torch.cuda.set_device(0)
    dist.init_process_group(backend, init_method=f"tcp://{cases.free_address()}", rank=0, world_size=1,
                            timeout=datetime.timedelta(seconds=120))
    try:  # what the branch flag's broadcast did before it was put on Keras's device
        dist.broadcast(torch.tensor([1], dtype=torch.int32), src=0)
        cpu_tensor = "accepted"
    except Exception as error:  # noqa: BLE001 - recorded, not raised
        cpu_tensor = f"{type(error).__name__}: {str(error).splitlines()[0][:300]}"
    calls = {}
    for primitive in ("all_reduce", "broadcast", "all_gather"):
        original = getattr(dist, primitive)

        def counted(*a, _original=original, _name=primitive, **k):
            devices = {str(t.device) for t in a if isinstance(t, torch.Tensor)}
            devices |= {str(t.device) for t in (a[0] if a and isinstance(a[0], list) else [])}
            calls.setdefault(_name, {"count": 0, "devices": set()})
            calls[_name]["count"] += 1
            calls[_name]["devices"] |= devices
            return _original(*a, **k)

        setattr(dist, primitive, counted)
    trainer._world = lambda: dist  # the collectives run although the group has one process
    try:
        for name in names:
            keras.utils.set_random_seed(0)
            gan, args, kwargs = cases._cases(0)[name]()
            cases._save(os.path.join(out, "forced"), name,
                        cases._result(gan, gan.fit(*args, shuffle=False, verbose=0, **kwargs).history))
    finally:
        dist.destroy_process_group()
    report = {name: _difference(os.path.join(out, "forced"), os.path.join(out, "one"), name) for name in names}
    with open(os.path.join(out, "forced.json"), "w") as f:
        collectives = {k: {"count": v["count"], "devices": sorted(v["devices"])} for k, v in calls.items()}
        json.dump({"cases": report, "cpu_tensor_broadcast": cpu_tensor, "collectives": collectives}, f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default=os.path.join(ROOT, "benchmarks", "results", "torch_distributed_gpu.json"))
    parser.add_argument("--work", default="/tmp/torch_distributed_gpu")
    parser.add_argument("--forced-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.forced_worker:
        return forced(args.forced_worker)
    import torch

    gpus = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    record = {"torch": torch.__version__, "gpus": gpus,
              "nccl": ".".join(map(str, torch.cuda.nccl.version())) if torch.cuda.is_available() else None}
    print(json.dumps(record), flush=True)
    record["gloo_cuda"] = two_processes(os.path.join(args.work, "gloo"), "gloo")
    print(json.dumps({"gloo_cuda": record["gloo_cuda"]}), flush=True)
    record["nccl_two_processes"] = two_processes(os.path.join(args.work, "nccl"), "nccl", seconds=150)
    print(json.dumps({"nccl_two_processes": record["nccl_two_processes"]}), flush=True)
    folder = os.path.join(args.work, "forced")
    start = time.monotonic()
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--forced-worker", folder],
                          env=dict(os.environ, KERAS_BACKEND="torch", PYTHONPATH=os.pathsep.join([ROOT] + sys.path)),
                          capture_output=True, text=True, timeout=300)
    if done.returncode:
        record["nccl_one_process_forced"] = {"failed": done.stderr[-3000:]}
    else:
        with open(os.path.join(folder, "forced.json")) as f:
            record["nccl_one_process_forced"] = dict(json.load(f), seconds=round(time.monotonic() - start, 1))
    print(json.dumps({"nccl_one_process_forced": record["nccl_one_process_forced"]}), flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(record, f, indent=1)


if __name__ == "__main__":
    main()
