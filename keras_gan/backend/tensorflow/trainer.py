"""The TensorFlow trainer: the step of `keras_gan.backend.algorithm` on `tf.GradientTape` and `tf.cond`.

Keras's TensorFlow trainer calls `model.train_step(data)` inside its
`tf.function`; this module supplies the primitives the shared algorithm
needs. Under a `tf.distribute` strategy each replica's loss is divided by
the number of replicas (the optimizer sums the replicas' gradients), and no
update is conditional (TensorFlow cannot synchronize replicas inside `tf.cond`).
"""

import contextlib

import tensorflow as tf

from keras_gan.backend import algorithm

_TAPES = []


def value_and_grad(fn, groups):
    """`fn() -> (losses, aux)`; returns `(losses, aux, grads)`, one forward pass under one tape."""
    with tf.GradientTape(persistent=len(groups) > 1) as tape:
        _TAPES.append(tape)
        try:
            losses, aux = fn()
        finally:
            _TAPES.pop()
    grads = [tape.gradient(loss, list(group)) for loss, group in zip(losses, groups)]
    del tape
    return losses, aux, grads


def pause_recording():
    """Stops the innermost tape from recording (a nested update is not differentiated)."""
    return _TAPES[-1].stop_recording() if _TAPES else contextlib.nullcontext()


def cond(pred, true_fn, false_fn=None):
    """`true_fn()` if `pred` is None, else `tf.cond` on it."""
    if pred is None:
        true_fn()
        return

    def branch(fn):
        def run():
            if fn is not None:
                fn()
            return tf.constant(0)

        return run

    tf.cond(pred, branch(true_fn), branch(false_fn))


def scale_loss(optimizer, loss):
    """The loss to differentiate: divided by the replicas, then scaled for mixed precision.

    Under a `tf.distribute` strategy each replica computes the mean over its
    share of the batch and the optimizer sums the replicas' gradients, so
    the summed gradient is the gradient of the mean over the global batch.
    """
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    if replicas > 1:
        loss = loss * (1.0 / replicas)
    return optimizer.scale_loss(loss)


def apply(optimizer, grads, variables):
    optimizer.apply(grads, variables)


def conditional_updates_supported():
    return not tf.distribute.has_strategy()


def concrete_int(variable):
    """A variable's value now, as a Python int, even while a tf.function traces."""
    with tf.init_scope():
        return int(variable.numpy())


def input_gradients(fn, x):
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(tf.cast(fn(x), tf.float32))
    return tape.gradient(total, x)


def stateless_latent(shape, seed, distribution):
    if distribution == "uniform":
        return tf.random.stateless_uniform(shape, seed=seed, minval=-1.0, maxval=1.0, alg="philox")
    return tf.random.stateless_normal(shape, seed=seed, alg="philox")


def train_step(model, data):
    """One adversarial step (see `keras_gan.backend.algorithm.train_step`)."""
    import sys

    return algorithm.train_step(model, data, sys.modules[__name__])


def test_step(model, data):
    return algorithm.test_step(model, data)
