"""The PyTorch trainer: the step of `keras_gan.backend.algorithm` on `torch.autograd`.

Keras's PyTorch trainer calls `model.train_step(data)` eagerly; gradients come
from `torch.autograd.grad` (per player, from one forward pass), updates are
applied under `torch.no_grad()` (as in Keras's "Customizing fit() with
PyTorch" GAN), and conditional updates are plain Python branches.

Data parallelism with `torch.distributed`: once `init_process_group` has run
with several processes, each process trains on its share of every global
batch, and before each update the player's gradients are averaged over the
processes (one `all_reduce` per update), so every process applies the
gradient of the global batch's mean and the copies stay one model.
`sync_weights` (called as `fit` starts) gives every process the first
process's weights and state, as `DistributedDataParallel` does at
construction; a conditional update takes the first process's predicate, so
every process runs the same collectives.
"""

import contextlib
import sys

import torch
from keras import ops

from keras_gan.backend import algorithm


def value_and_grad(fn, groups):
    """`fn() -> (losses, aux)`; returns `(losses, aux, grads)`, one forward pass."""
    losses, aux = fn()
    grads = []
    for i, (loss, group) in enumerate(zip(losses, groups)):
        tensors = [v.value for v in group]
        if not loss.requires_grad:
            grads.append([torch.zeros_like(t) for t in tensors])
            continue
        found = torch.autograd.grad(loss, tensors, retain_graph=i < len(losses) - 1, allow_unused=True)
        grads.append([torch.zeros_like(t) if g is None else g for g, t in zip(found, tensors)])
    return losses, aux, grads


def pause_recording():
    return contextlib.nullcontext()


def _world():
    """`torch.distributed` when a process group of several processes is initialized, else None."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        return dist
    return None


def replica_index_and_count():
    """`(rank, world size)` of this `torch.distributed` process; `(0, 1)` without a process group."""
    dist = _world()
    return (dist.get_rank(), dist.get_world_size()) if dist is not None else (0, 1)


class _Mean(torch.autograd.Function):
    """The mean over the processes; its gradient is the mean of the processes' gradients, times 1."""

    @staticmethod
    def forward(ctx, x):
        import torch.distributed as dist

        out = x.clone(memory_format=torch.contiguous_format)
        dist.all_reduce(out)
        return out / dist.get_world_size()

    @staticmethod
    def backward(ctx, grad):
        # Each process's loss is a function of the mean; the sum of their gradients, over the world size,
        # is what every process's share contributes to the averaged parameter gradient.
        import torch.distributed as dist

        grad = grad.clone(memory_format=torch.contiguous_format)
        dist.all_reduce(grad)
        return grad / dist.get_world_size()


def replica_mean(x):
    """The mean of `x` over the processes (differentiable); `x` without a process group."""
    if _world() is None:
        return x
    return _Mean.apply(ops.convert_to_tensor(x))


def replica_gather(x):
    """Every process's `x` concatenated along the first axis, in rank order (not differentiated)."""
    dist = _world()
    if dist is None:
        return x
    x = ops.convert_to_tensor(x).detach().contiguous()
    parts = [torch.empty_like(x) for _ in range(dist.get_world_size())]
    dist.all_gather(parts, x)
    return torch.cat(parts, dim=0)


def _first_process(pred):
    """The first process's `pred` on every process (each then runs the same branch and collectives)."""
    dist = _world()
    if dist is None:
        return bool(pred)
    # On Keras's device (a GPU's under nccl, which refuses CPU tensors), as every other collective's tensor.
    flag = ops.convert_to_tensor([1 if bool(pred) else 0], dtype="int32")
    dist.broadcast(flag, src=0)
    return bool(flag.item())


def average_gradients(grads):
    """The gradients averaged over the processes, in one `all_reduce` (themselves without a process group)."""
    dist = _world()
    if dist is None or not grads:
        return grads
    tensors = [ops.convert_to_tensor(g) for g in grads]
    flat = torch.cat([t.detach().reshape(-1).float() for t in tensors])
    dist.all_reduce(flat)
    flat = flat / dist.get_world_size()
    out, start = [], 0
    for t in tensors:
        out.append(flat[start:start + t.numel()].reshape(t.shape).to(t.dtype))
        start += t.numel()
    return out


def sync_weights(model):
    """Gives every process the first process's variables (networks, optimizers, schedule, tricks, seeds)."""
    dist = _world()
    if dist is None:
        return
    variables = list(model.variables) + list(model.optimizer_variables()) + list(model.metrics_variables)
    with torch.no_grad():
        for variable in variables:
            value = ops.convert_to_tensor(variable.value).detach().clone().contiguous()
            dist.broadcast(value, src=0)
            variable.assign(value)


def cond(pred, true_fn, false_fn=None):
    if pred is None or _first_process(pred):
        true_fn()
    elif false_fn is not None:
        false_fn()


def scale_loss(optimizer, loss):
    return optimizer.scale_loss(loss)


def apply(optimizer, grads, variables):
    """Applies `grads` (averaged over the `torch.distributed` processes, if any) under `torch.no_grad()`."""
    grads = average_gradients(grads)
    with torch.no_grad():
        optimizer.apply(grads, variables)


def conditional_updates_supported():
    return True


def concrete_int(variable):
    return int(ops.convert_to_numpy(variable))


def input_gradients(fn, x):
    with torch.enable_grad():  # evaluation runs under no_grad; a penalty still needs its gradient
        x = ops.convert_to_tensor(x).detach().requires_grad_(True)
        total = torch.sum(fn(x).float())
        (grads,) = torch.autograd.grad(total, x, create_graph=torch.is_grad_enabled())
    return grads


def stateless_latent(shape, seed, distribution):
    seed = [int(s) for s in ops.convert_to_numpy(seed)]
    generator = torch.Generator(device="cpu")
    generator.manual_seed((seed[0] % 2**31) * 2**31 + seed[1] % 2**31)
    shape = tuple(int(d) for d in shape)
    if distribution == "uniform":
        values = torch.rand(shape, generator=generator) * 2.0 - 1.0
    else:
        values = torch.randn(shape, generator=generator)
    return ops.convert_to_tensor(values)


def average_logs(logs):
    """The logged values averaged over the processes (one `all_reduce`), so every process logs the global batch's.

    Every process then sees the same History, and callbacks (early stopping, checkpoints) decide alike.
    """
    dist = _world()
    if dist is None or not logs:
        return logs
    scalars = [key for key, value in logs.items() if int(ops.size(value)) == 1]
    if not scalars:
        return logs
    values = torch.stack([ops.convert_to_tensor(logs[key]).detach().float().reshape(()) for key in scalars])
    dist.all_reduce(values)
    values = values / dist.get_world_size()
    return dict(logs, **{key: values[i] for i, key in enumerate(scalars)})


def train_step(model, data):
    """One adversarial step (see `keras_gan.backend.algorithm.train_step`)."""
    return algorithm.train_step(model, data, sys.modules[__name__])


def test_step(model, data):
    with torch.no_grad():
        return algorithm.test_step(model, data)
