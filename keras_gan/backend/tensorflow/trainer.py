"""The TensorFlow trainer: the step of `keras_gan.backend.algorithm` on `tf.GradientTape` and `tf.cond`.

Keras's TensorFlow trainer calls `model.train_step(data)` inside its
`tf.function`; this module supplies the primitives the shared algorithm
needs. Under a `tf.distribute` strategy each replica's loss is divided by
the number of replicas (the optimizer sums the replicas' gradients), and a
conditional update is taken in the cross-replica context, on the first
replica's predicate, so that every replica runs the same branch and the
updates inside it synchronize the replicas as outside one (`cond`).
"""

import contextlib
import threading

import tensorflow as tf

from keras_gan.backend import algorithm

# The tapes the running step opened, innermost last, per thread: a `MirroredStrategy` runs each replica's
# step in a thread of its own and switches between them at every synchronization.
_LOCAL = threading.local()


def _tapes():
    if not hasattr(_LOCAL, "tapes"):
        _LOCAL.tapes = []
    return _LOCAL.tapes


def value_and_grad(fn, groups):
    """`fn() -> (losses, aux)`; returns `(losses, aux, grads)`, one forward pass under one tape."""
    tapes = _tapes()
    with tf.GradientTape(persistent=len(groups) > 1) as tape:
        tapes.append(tape)
        try:
            losses, aux = fn()
        finally:
            tapes.remove(tape)
    grads = [tape.gradient(loss, list(group)) for loss, group in zip(losses, groups)]
    del tape
    return losses, aux, grads


def pause_recording():
    """Stops the innermost tape from recording (a nested update is not differentiated)."""
    tapes = _tapes()
    return tapes[-1].stop_recording() if tapes else contextlib.nullcontext()


def _branch(fn):
    def run():
        if fn is not None:
            fn()
        return tf.constant(0)

    return run


def _synchronizes_in_merge_call():
    """Whether replicas synchronize through `merge_call` here (a strategy other than TF's default one)."""
    return (tf.distribute.has_strategy() and not tf.distribute.in_cross_replica_context()
            and not tf.__internal__.distribute.strategy_supports_no_merge_call())


def _cross_replica_cond(strategy, pred, true_fns, false_fns):
    """`tf.cond` on the first replica's `pred`, each branch run by every replica (its own closure)."""
    first = strategy.experimental_local_results(pred)[0]

    def on_every_replica(fns):
        def run():
            strategy.extended.call_for_each_replica(lambda fn: _branch(fn)(), args=(fns,))
            return tf.constant(0)

        return run

    tf.cond(first, on_every_replica(true_fns), on_every_replica(false_fns))


def cond(pred, true_fn, false_fn=None):
    """`true_fn()` if `pred` is None, else `tf.cond` on it.

    Under a `tf.distribute` strategy, an update inside a branch synchronizes
    the replicas (`merge_call`), which TensorFlow does not allow inside a
    `tf.cond` of the replica context. The conditional is then taken in the
    cross-replica context, on the first replica's predicate, and each branch
    runs on every replica with that replica's own closure, as Keras's
    `LossScaleOptimizer` skips an update. The predicates keras-gan gates on
    (the step counter, a trick's state, losses averaged over the replicas)
    are the same on every replica.
    """
    if pred is None:
        true_fn()
        return
    if _synchronizes_in_merge_call():
        tf.distribute.get_replica_context().merge_call(_cross_replica_cond, args=(pred, true_fn, false_fn))
        return
    tf.cond(pred, _branch(true_fn), _branch(false_fn))


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
    return True


def replica_mean(x):
    """The mean of `x` over the replicas (itself outside a strategy); differentiable."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return x
    return context.all_reduce(tf.distribute.ReduceOp.MEAN, x)


def replica_gather(x):
    """Every replica's `x`, concatenated along the first axis in replica order (`x` outside a strategy)."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return x
    return context.all_gather(x, axis=0)


def replica_index_and_count():
    """`(this replica's index, the replicas in sync)`: `(0, 1)` outside a strategy."""
    context = tf.distribute.get_replica_context()
    if context is None:
        return 0, 1
    return context.replica_id_in_sync_group, context.num_replicas_in_sync


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


def _across_workers(logs):
    """The logs, shaped `(1,)` under a `MultiWorkerMirroredStrategy` of several workers.

    Keras 3's TensorFlow `fit` reduces a step's outputs across workers with
    `strategy.reduce("MEAN", value, axis=0)`, which fails on the scalar logs every model returns
    ("Invalid reduction dimension 0 for input with 0 dimensions", tensorflow/tensorflow#72388).
    One axis of length 1 gives that reduction the axis it averages over; the result is a scalar again.
    """
    strategy = tf.distribute.get_strategy()
    extended = getattr(strategy, "extended", None)
    multi_worker = getattr(extended, "_in_multi_worker_mode", None)
    if not (isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and multi_worker and multi_worker()):
        return logs
    return {key: tf.reshape(value, (1,)) if value.shape.rank == 0 else value for key, value in logs.items()}


def train_step(model, data):
    """One adversarial step (see `keras_gan.backend.algorithm.train_step`)."""
    import sys

    return _across_workers(algorithm.train_step(model, data, sys.modules[__name__]))


def test_step(model, data):
    return _across_workers(algorithm.test_step(model, data))
