"""Backend-specific training steps.

The models in `keras_gan.models` define what a step computes through hooks
written in `keras.ops`; the code here runs those hooks with a backend's
gradient machinery. Only TensorFlow is implemented; JAX and PyTorch steps
plug in beside `tensorflow/`.
"""

import keras


def get_trainer():
    """Returns the module holding `train_step` and `test_step` for the active backend."""
    name = keras.backend.backend()
    if name == "tensorflow":
        from keras_gan.backend.tensorflow import trainer

        return trainer
    raise NotImplementedError(
        f"keras-gan trains with the TensorFlow backend only; the active Keras "
        f"backend is {name!r}. Set the environment variable "
        "KERAS_BACKEND=tensorflow before importing keras. (Layers and losses "
        "in keras_gan run on every backend.)"
    )


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
        return tf.distribute.has_strategy() or type(strategy).__name__ != "_DefaultDistributionStrategy"
    return False


def stateless_latent(shape, seed, distribution):
    """Draws `shape` values, standard normal or uniform on [-1, 1], from a `(2,)` int seed."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        if distribution == "uniform":
            return tf.random.stateless_uniform(shape, seed=seed, minval=-1.0, maxval=1.0, alg="philox")
        return tf.random.stateless_normal(shape, seed=seed, alg="philox")
    get_trainer()  # raises the backend error


def input_gradients(fn, x):
    """The gradient of `sum(fn(x))` with respect to `x`, itself differentiable.

    For a function whose output for a sample depends on that sample only (no
    batch normalization), row `i` is the gradient of the `i`-th output with
    respect to the `i`-th input: the per-sample gradients a penalty needs.
    Called inside a training step's gradient tape, the result can be
    differentiated again (double backpropagation).
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(tf.cast(fn(x), tf.float32))
        return tape.gradient(total, x)
    get_trainer()  # raises the backend error
