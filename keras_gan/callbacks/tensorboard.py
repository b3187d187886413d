"""Writing into the run of a `keras.callbacks.TensorBoard` callback, at its steps."""

import os

import keras


def tensorboard_train_dir(tensorboard):
    """The folder a `keras.callbacks.TensorBoard` callback writes its training summaries to.

    Keras writes the epoch scalars (`epoch_d_loss`, `epoch_digit_fd`, ...) of
    `fit` to `log_dir/train`, at step `epoch` (0-based). Summaries written to
    the same folder at the same steps appear in the same TensorBoard run,
    beside those scalars.

    Args:
        tensorboard: A `keras.callbacks.TensorBoard` instance, or a log
            folder (returned unchanged).

    Returns:
        The folder, a string.

    Example:

    >>> import os
    >>> tensorboard_train_dir(keras.callbacks.TensorBoard("logs")) == os.path.join("logs", "train")
    True
    """
    if isinstance(tensorboard, keras.callbacks.TensorBoard):
        # Keras sets `_train_dir` in `set_model`; before that it is log_dir/train too.
        return os.fspath(getattr(tensorboard, "_train_dir", None) or os.path.join(tensorboard.log_dir, "train"))
    return os.fspath(tensorboard)


def share_tensorboard(callbacks):
    """Points the keras-gan callbacks of a list at the list's `keras.callbacks.TensorBoard`.

    A `SampleSaver` built without `tensorboard=` then writes its grids into
    that TensorBoard's run, at the steps of its epoch scalars. A model's
    `fit` calls this on its `callbacks` before training; callbacks given
    `tensorboard=` explicitly keep their own. Calling it again (for another
    `fit`) replaces what the previous call found, so a callback never writes
    to the TensorBoard of an earlier `fit`.

    Args:
        callbacks: A list of callbacks, or a `keras.callbacks.CallbackList`,
            or None.

    Returns:
        The `keras.callbacks.TensorBoard` found, or None.

    Example:

    >>> from keras_gan.callbacks import SampleSaver
    >>> saver, board = SampleSaver("samples/"), keras.callbacks.TensorBoard("logs")
    >>> share_tensorboard([saver, board]) is board
    True
    """
    if callbacks is None:
        return None
    callbacks = list(getattr(callbacks, "callbacks", callbacks))
    found = next((c for c in callbacks if isinstance(c, keras.callbacks.TensorBoard)), None)
    for callback in callbacks:
        if hasattr(callback, "_shared_tensorboard"):
            callback._shared_tensorboard = found
    return found
