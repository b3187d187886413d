"""Backend-specific training steps.

The models in `keras_gan.models` define what a step computes through the
hooks of the step protocol (declared in `keras_gan.backend.protocol`), written in
`keras.ops`. The algorithm that calls them is written once, in
`keras_gan.backend.algorithm`, over a handful of primitives (gradients of a
function, a conditional update, applying an optimizer, input gradients) that
each backend's `trainer.py` implements: `tensorflow/` with `tf.GradientTape`
and `tf.cond`, `jax/` with `jax.vjp`, `jax.lax.cond` and a stateless scope,
`torch/` with `torch.autograd.grad`.
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


def replica_id():
    """The index of the `tf.distribute` replica running this code (0 outside one)."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        context = tf.distribute.get_replica_context()
        if context is not None:
            return context.replica_id_in_sync_group
    return 0


def uses_distribution_strategy(model):
    """Whether `model` was built under a `tf.distribute` strategy (not the default one)."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        strategy = getattr(model, "distribute_strategy", None) or tf.distribute.get_strategy()
        # Outside any scope, `get_strategy()` is TensorFlow's default (one-device) strategy.
        return tf.distribute.has_strategy() or strategy is not tf.distribute.get_strategy()
    return False


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
