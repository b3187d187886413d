"""`SampleSaver`: PNG grids of samples from fixed latent vectors during training."""

import os

import keras

from keras_gan.callbacks.tensorboard import tensorboard_train_dir
from keras_gan.utils.arguments import check_int, check_seed, check_value_range, received
from keras_gan.utils.images import save_image_grid


class SampleSaver(keras.callbacks.Callback):
    """Saves a PNG grid of generated samples every `every` epochs and at the end.

    The latent vectors are drawn once, at the start of training, so the grids
    show the same samples evolving. Files are named `epoch_0005.png` (the
    1-based epoch that just ended) and written atomically: a crash never
    leaves a half-written PNG. When the generator's optimizer keeps a moving
    average of its weights (`use_ema=True`), the grids show the averaged
    generator.

    Args:
        directory: Folder for the PNG files (created if needed).
        n: Number of samples per grid.
        every: Save after every `every` epochs; the last epoch is always saved.
        seed: Seed of the fixed latent vectors.
        scale: Integer upscaling of the PNG, for legibility.
        value_range: Range of the generator's output (tanh: (-1, 1)).
        tensorboard: Also write each grid as a TensorBoard image (tag
            `samples`). A `keras.callbacks.TensorBoard` callback: into its
            run (`log_dir/train`), at the steps of its epoch scalars (the
            0-based epoch), so the grids sit beside `epoch_d_loss`. Or a log
            folder, written at the same steps. Default: the `TensorBoard`
            callback among `fit`'s callbacks (a keras-gan model's `fit` hands
            it over with `keras_gan.callbacks.tensorboard.share_tensorboard`),
            else none.

    Example:

    >>> saver = SampleSaver("samples/", n=16, every=5)
    >>> # gan.fit(images, epochs=20, callbacks=[saver])

    With a `TensorBoard` callback in `fit`, the grids also appear under
    "Images" in the run of the losses, at the same steps:

    >>> board = keras.callbacks.TensorBoard("logs/")
    >>> saver = SampleSaver("samples/", every=5)
    >>> # gan.fit(images, epochs=20, callbacks=[board, saver])

    Attributes:
        paths: The files written so far, in order.
    """

    def __init__(
        self,
        directory,
        n=64,
        every=1,
        seed=0,
        scale=2,
        value_range=(-1.0, 1.0),
        tensorboard=None,
    ):
        super().__init__()
        if not isinstance(directory, (str, os.PathLike)):
            raise TypeError("`directory` must be a folder path (a string or os.PathLike). "
                            + received("directory", directory))
        self.directory = os.fspath(directory)
        self.n = check_int(n, "n")
        self.every = check_int(every, "every")
        self.seed = check_seed(seed)
        self.scale = check_int(scale, "scale", what="the PNG's integer upscaling")
        self.value_range = check_value_range(value_range)
        if tensorboard is not None and not isinstance(tensorboard, (keras.callbacks.TensorBoard, str, os.PathLike)):
            raise TypeError(
                "`tensorboard` must be a keras.callbacks.TensorBoard, a log folder or None. "
                + received("tensorboard", tensorboard)
            )
        self.tensorboard = tensorboard
        self._shared_tensorboard = None  # set by `share_tensorboard` for each fit
        self._tensorboard_dir = None
        self.inputs = None
        self.rows = None
        self.paths = []
        self._last_saved_epoch = None
        self._last_epoch = None
        self._epochs = None
        self._writer = None

    @property
    def latent(self):
        """The fixed latent vectors of the grid (None before training)."""
        return None if self.inputs is None else self.inputs["n_or_z"]

    def output_locations(self):
        """`[(argument, path, kind)]`: where this callback writes, checked before training starts.

        A keras-gan model's `fit` checks them before any callback runs; `on_train_begin` checks
        them again (for other `fit`s), so a folder that is an existing file fails at once, never
        after the first epoch.
        """
        locations = [(f"SampleSaver(directory={self.directory!r})", self.directory, "directory")]
        if isinstance(self.tensorboard, (str, os.PathLike)):
            locations.append((f"SampleSaver(tensorboard={os.fspath(self.tensorboard)!r})",
                              os.fspath(self.tensorboard), "directory"))
        return locations

    def _check_output_locations(self):
        from keras_gan.utils.files import check_output_location

        for argument, path, kind in self.output_locations():
            check_output_location(path, argument, kind)

    def check_before_training(self, model):
        """Checks, before any callback starts, that `model`'s samples make image grids (keras-gan's `fit` calls it).

        Args:
            model: The model about to train.
        """
        self.set_model(model)
        self._check_samples_are_images()

    def _check_samples_are_images(self):
        shape = getattr(self.model, "_sample_shape", None)
        if shape is None or len(shape) == 2 or (len(shape) == 3 and shape[-1] in (1, 3)):
            return
        raise ValueError(
            f"SampleSaver draws grids of images, but the generator makes samples of shape {tuple(shape)}, not "
            "images (height, width) or (height, width, 1 or 3 channels). Leave SampleSaver out for such data "
            "(plot `model.generate(n)` yourself), or reshape the generator's output into images."
        )

    def on_train_begin(self, logs=None):
        self._check_output_locations()
        if not hasattr(self.model, "generate"):
            raise TypeError(
                "SampleSaver needs a keras_gan model (with `generate`); received "
                f"{type(self.model).__name__}."
            )
        self._check_samples_are_images()
        if self.inputs is None:
            # Conditional models give one row per class.
            self.inputs, self.rows = self.model.grid_inputs(self.n, seed=self.seed)
        self._epochs = self.params.get("epochs") if self.params else None
        target = self.tensorboard if self.tensorboard is not None else self._shared_tensorboard
        self._tensorboard_dir = None if target is None else tensorboard_train_dir(target)

    def on_epoch_end(self, epoch, logs=None):
        self._last_epoch = epoch + 1
        if self._last_epoch % self.every == 0 or self._last_epoch == self._epochs:
            self.save(self._last_epoch)

    def on_train_end(self, logs=None):
        # Training stopped before its last epoch (EarlyStopping, TerminateOnNaN):
        # still leave a grid of the final state.
        if self._last_epoch is not None and self._last_saved_epoch != self._last_epoch:
            self.save(self._last_epoch)
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def save(self, epoch):
        """Generates the grid from the fixed latent vectors and writes it.

        Args:
            epoch: The 1-based epoch that just ended: the file is
                `epoch_{epoch:04d}.png`, the TensorBoard step `epoch - 1`.

        Returns:
            The path of the PNG file.
        """
        with self.model.averaged_generator():
            images = self.model.generate(**self.inputs)
        path = os.path.join(self.directory, f"epoch_{epoch:04d}.png")
        save_image_grid(images, path, rows=self.rows, scale=self.scale, value_range=self.value_range)
        self.paths.append(path)
        self._last_saved_epoch = epoch
        if self._tensorboard_dir is None and self.tensorboard is not None:  # saved outside fit
            self._tensorboard_dir = tensorboard_train_dir(self.tensorboard)
        if self._tensorboard_dir is not None:
            # Keras's TensorBoard logs the epoch that just ended at step `epoch - 1`.
            self._write_tensorboard(images, step=epoch - 1)
        return path

    def _write_tensorboard(self, images, step):
        import tensorflow as tf

        from keras_gan.utils.images import image_grid

        if self._writer is None:
            self._writer = tf.summary.create_file_writer(self._tensorboard_dir)
        grid = image_grid(images, rows=self.rows, value_range=self.value_range)
        with self._writer.as_default():
            tf.summary.image("samples", grid[None], step=step)
        self._writer.flush()
