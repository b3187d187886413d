"""Backend-specific training steps.

The models in `keras_gan.models` define what a step computes through the
hooks of the step protocol (declared in `keras_gan.backend.protocol`), written in
`keras.ops`. The algorithm that calls them is written once, in
`keras_gan.backend.algorithm`, over a handful of primitives (gradients of a
function, a conditional update, applying an optimizer, input gradients) that
each backend's `trainer.py` implements: `tensorflow/` with `tf.GradientTape`
and `tf.cond`, `jax/` with `jax.vjp`, `jax.lax.cond` and a stateless scope,
`torch/` with `torch.autograd.grad`.

Data parallelism uses each backend's own engine (`docs/guides/distributed.md`):
`tf.distribute` replicas, `keras.distribution` on JAX (one program over the
global batch), `torch.distributed` processes. The helpers below let a hook
compute what one device would on the global batch: `draw_for_replica` (a
replica's rows of the global batch's random draw), `replica_mean` and
`replica_gather` (statistics of the global batch).
"""

import importlib

import keras

BACKENDS = ("tensorflow", "jax", "torch")

#: The pip extra that installs each backend's package.
EXTRAS = {"tensorflow": "keras-gan", "jax": 'keras-gan[jax]', "torch": 'keras-gan[torch]'}


def get_trainer():
    """Returns the trainer module of the active Keras backend.

    Returns:
        The module with `train_step`, `test_step` and the backend primitives.
    """
    name = keras.backend.backend()
    if name not in BACKENDS:
        raise NotImplementedError(
            f"keras-gan trains on the TensorFlow, JAX and PyTorch backends; the active Keras "
            f"backend is {name!r}. Set KERAS_BACKEND to one of {BACKENDS} before importing keras."
        )
    return importlib.import_module(f"keras_gan.backend.{name}.trainer")


def replica_index_and_count():
    """`(index, count)` of the data-parallel replica running this code: `(0, 1)` on one device.

    A `tf.distribute` replica inside the step, or a `torch.distributed`
    process. On JAX under `keras.distribution` the step is one program over
    the global batch: `(0, 1)`.
    """
    return get_trainer().replica_index_and_count()


def replica_mean(x):
    """The mean of `x` over the data-parallel replicas, differentiable; `x` itself on one device.

    A statistic of the batch computed on each replica's share (the mean of a
    feature, of the logits, a loss) becomes the statistic of the global
    batch, when every replica holds as many samples.
    """
    return get_trainer().replica_mean(x)


def replica_gather(x):
    """Every replica's `x` concatenated along the first axis, in replica order (the global batch's rows)."""
    return get_trainer().replica_gather(x)


def draw_for_replica(draw, rows):
    """This replica's `rows` rows of a random draw made for the global batch.

    `draw(n)` returns `n` rows of random values from a seed every replica
    holds alike (a `keras.random.SeedGenerator`, a stateless seed). With `R`
    replicas each draws `R * rows` rows and keeps its own share, so the
    replicas draw different values and, together, the values one device
    draws for the whole batch: a step on `R` replicas equals the step on one
    device. On one device (and on JAX, whose distributed step sees the global
    batch), `draw(rows)`.

    Args:
        draw: `n -> values` with `n` rows (the first axis).
        rows: The rows of this replica's share of the batch.

    Returns:
        This replica's rows of the draw.

    Example:

    >>> import keras
    >>> t = draw_for_replica(lambda n: keras.random.uniform((n,), seed=keras.random.SeedGenerator(1)), 4)
    >>> tuple(t.shape)
    (4,)
    """
    index, count = replica_index_and_count()
    if count == 1:
        return draw(rows)
    return draw(rows * count)[index * rows:(index + 1) * rows]


def check_distributed_input(model, method, x):
    """Refuses, before `fit`/`evaluate` starts, input the active backend's distribution cannot split.

    On JAX under a multi-process `keras.distribution`, Keras auto-shards only a
    `tf.data.Dataset`; other input gets one line saying what to pass instead.
    """
    if keras.backend.backend() == "jax":
        from keras_gan.backend.jax.distribution import check_input

        check_input(model, method, x)


def average_logs(logs):
    """`{name: scalar}` logs averaged over `torch.distributed` processes (every process then logs alike).

    `tf.distribute` aggregates Keras metrics itself, and a JAX step already sees the global batch: there
    the logs are returned as they are.
    """
    if keras.backend.backend() == "torch":
        return get_trainer().average_logs(logs)
    return logs


def before_distributed_fit(model):
    """Run as `fit` starts: under `torch.distributed`, every process takes the first process's weights and state."""
    if keras.backend.backend() == "torch":
        get_trainer().sync_weights(model)


def stateless_latent(shape, seed, distribution):
    """Draws `shape` values, standard normal or uniform on [-1, 1], from a `(2,)` int seed.

    The same seed gives the same values on one backend; each backend has its
    own generator (Philox on TensorFlow, threefry on JAX, the CPU generator
    on PyTorch).
    """
    return get_trainer().stateless_latent(shape, seed, distribution)


def input_gradients(fn, x):
    """The gradient of `sum(fn(x))` with respect to `x`, itself differentiable.

    For a function whose output for a sample depends on that sample only (no
    batch normalization), row `i` is the gradient of the `i`-th output with
    respect to the `i`-th input: the per-sample gradients a penalty needs.
    Called inside a training step, the result can be differentiated again
    (double backpropagation).
    """
    return get_trainer().input_gradients(fn, x)
