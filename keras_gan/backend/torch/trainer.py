"""The PyTorch trainer: the step of `keras_gan.backend.algorithm` on `torch.autograd`.

Keras's PyTorch trainer calls `model.train_step(data)` eagerly; gradients come
from `torch.autograd.grad` (per player, from one forward pass), updates are
applied under `torch.no_grad()` (as in Keras's "Customizing fit() with
PyTorch" GAN), and conditional updates are plain Python branches.
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


def cond(pred, true_fn, false_fn=None):
    if pred is None or bool(pred):
        true_fn()
    elif false_fn is not None:
        false_fn()


def scale_loss(optimizer, loss):
    return optimizer.scale_loss(loss)


def apply(optimizer, grads, variables):
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


def train_step(model, data):
    """One adversarial step (see `keras_gan.backend.algorithm.train_step`)."""
    return algorithm.train_step(model, data, sys.modules[__name__])


def test_step(model, data):
    with torch.no_grad():
        return algorithm.test_step(model, data)
