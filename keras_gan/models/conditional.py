"""`ConditionalGAN`: both players see the class label (Mirza & Osindero, 2014)."""

import numbers

import keras
import numpy as np
from keras import ops

from keras_gan.models.gan import GAN


@keras.saving.register_keras_serializable(package="keras_gan")
class ConditionalGAN(GAN):
    """A GAN whose generator and discriminator both receive the class label.

    The generator is called as `generator([z, y])` and the discriminator as
    `discriminator([x, y])`, where `y` is the one-hot label, shape
    `(batch, num_classes)` (the seed concatenates it to z and to x; the
    builders in `keras_gan.networks.conditional` do so). The data gives
    `(x, y)` pairs with integer labels in `[0, num_classes)` (shape `(n,)` or
    `(n, 1)`) or one-hot labels of width `num_classes`. Generated samples
    are conditioned on the real batch's labels, so both players see the data's
    class frequencies.

    Args:
        generator: A two-input Keras model, `[z, one_hot_y]` -> samples.
        discriminator: A two-input Keras model, `[x, one_hot_y]` -> one logit.
        latent_dim: Length of z.
        num_classes: Number of classes.
        **kwargs: Passed to `GAN`.

    Example:

    >>> import keras_gan
    >>> from keras_gan.networks import conditional as nets
    >>> gan = keras_gan.models.ConditionalGAN(
    ...     nets.conditional_mlp_generator(8, 3, (2,)),
    ...     nets.conditional_mlp_discriminator((2,), 3), latent_dim=8, num_classes=3)
    >>> gan.compile()
    >>> x, y = np.random.normal(size=(64, 2)), np.arange(64) % 3
    >>> _ = gan.fit(x, y, batch_size=32, verbose=0)
    >>> gan.generate(labels=[0, 2, 2]).shape
    (3, 2)

    Reference:
        Mirza & Osindero, "Conditional Generative Adversarial Nets", 2014.
    """

    #: The batches `fit` takes (see `validation.check_structure`): samples and their labels.
    batch_structure = ("x", "labels")
    batch_structure_note = "it needs a label for every sample (an integer class in [0, num_classes) or a one-hot row)"

    def __init__(self, generator, discriminator, latent_dim, num_classes, *, name="conditional_gan", **kwargs):
        if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) or num_classes < 2:
            raise ValueError(f"`num_classes` must be an int >= 2. Received: num_classes={num_classes!r}.")
        self.num_classes = int(num_classes)
        super().__init__(generator, discriminator, latent_dim, name=name, **kwargs)

    def get_config(self):
        config = super().get_config()
        config["num_classes"] = self.num_classes
        return config

    # ------------------------------------------------------------------ labels

    def one_hot(self, labels):
        """Integer labels `(n,)`/`(n, 1)` or one-hot `(n, num_classes)` -> float one-hot."""
        labels = ops.convert_to_tensor(labels)
        if len(labels.shape) == 2 and labels.shape[-1] == self.num_classes:
            return ops.cast(labels, "float32")
        labels = ops.cast(ops.reshape(labels, (-1,)), "int32")
        return ops.one_hot(labels, self.num_classes, dtype="float32")

    def check_labels(self, y):
        """Checks the labels given to `fit`: present, in range, right width."""
        if y is None:
            raise ValueError(
                f"{type(self).__name__} needs a label for every sample: call "
                "`fit(x, y)` with integer labels in [0, num_classes), or give a "
                "dataset of `(x, y)` pairs."
            )
        y = np.asarray(y)
        if not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
            example = y.reshape(-1)[0].item() if y.size else None
            raise TypeError(
                f"Labels must be integer class indices in [0, num_classes={self.num_classes}); received labels of "
                f"dtype {y.dtype} (e.g. {example!r}). Map class names to integers first, e.g. with "
                "np.unique(names, return_inverse=True)[1]."
            )
        if y.ndim == 2 and y.shape[1] not in (1, self.num_classes):
            raise ValueError(
                f"One-hot labels must have width num_classes={self.num_classes}; "
                f"received labels of shape {y.shape}. Pass integer labels of shape "
                "(n,) or one-hot labels of shape (n, num_classes)."
            )
        if y.ndim > 2:
            raise ValueError(f"Labels must have shape (n,) or (n, num_classes); received {y.shape}.")
        if y.ndim == 2 and y.shape[1] == self.num_classes and self.num_classes > 1:
            if np.any((y != 0) & (y != 1)) or np.any(y.sum(axis=1) != 1):
                raise ValueError(
                    "Labels of shape (n, num_classes) must be one-hot (a single 1 "
                    "per row). Pass integer labels of shape (n,) otherwise."
                )
            return
        if not np.issubdtype(y.dtype, np.integer) and np.any(y != np.round(y)):
            example = y[y != np.round(y)].reshape(-1)[0].item()
            raise ValueError(
                f"Labels must be integer class indices in [0, num_classes={self.num_classes}); received "
                f"non-integer values (e.g. {example!r}). Pass class indices, e.g. y.astype('int32') if they "
                "were meant to be whole numbers."
            )
        if y.size and (y.min() < 0 or y.max() >= self.num_classes):
            raise ValueError(
                f"Labels must lie in [0, num_classes={self.num_classes}); received "
                f"labels from {y.min()} to {y.max()}. Set `num_classes` to the number "
                "of classes, or remap the labels."
            )

    def check_data(self, x, y=None):
        if hasattr(x, "element_spec"):
            spec = x.element_spec
            if not (isinstance(spec, (tuple, list)) and len(spec) >= 2):
                self.check_labels(None)
            for batch in x.take(1):
                self.check_labels(ops.convert_to_numpy(batch[1]))
        elif isinstance(x, (tuple, list)) and len(x) >= 2 and y is None:
            self.check_labels(x[1])
        else:
            self.check_labels(y)
        super().check_data(x)

    # ------------------------------------------------------------------- hooks

    def _extra_input_note(self):
        return f", with one-hot labels of width num_classes={self.num_classes}"

    def build_step(self, batch_size=2):
        step = super().build_step(batch_size)
        step.labels = self.one_hot(np.arange(batch_size) % self.num_classes)
        return step

    def prepare_step(self, data, training):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        return self.step_class(real=x, labels=self.one_hot(y), training=training)

    def generate_batch(self, step, training):
        return self.generator([step.z, step.labels], training=training)

    def call_discriminator(self, x, step, training, role, network):
        return self.discriminator([x, step.labels], training=training)

    def _view_inputs(self):
        return [keras.Input((self.latent_dim,), name="z"), keras.Input((self.num_classes,), name="label")]

    def _view_discriminator(self, fake, inputs):
        return self.discriminator([fake, inputs[1]])

    # -------------------------------------------------------------- generation

    def call(self, inputs, training=False):
        """Generates samples from `[z, labels]`, so `predict([z, labels])` works."""
        z, labels = inputs
        return self.generator([z, self.one_hot(labels)], training=training)

    def generate(self, n_or_z=None, *, labels=None, seed=None, batch_size=256):
        """Generates samples of the requested classes.

        Args:
            n_or_z: A number of samples or latent vectors `(n, latent_dim)`;
                optional when `labels` is given (one sample per label).
            labels: Integer class of each sample (or one int for all);
                default: the classes in turn, 0, 1, ..., num_classes - 1, 0, ...
            seed: Seeds the latent vectors.
            batch_size: Samples per generator call.

        Returns:
            A NumPy array of samples.
        """
        if n_or_z is None:
            if labels is None:
                raise ValueError("Pass a number of samples, latent vectors, or `labels`.")
            labels = np.atleast_1d(np.asarray(labels))
            n_or_z = len(labels)
        z = self._latent_from(n_or_z, seed)
        n = len(z)
        if labels is None:
            labels = np.arange(n) % self.num_classes
        labels = np.asarray(labels)
        if labels.ndim == 0:
            labels = np.full((n,), int(labels))
        labels = labels.reshape(-1) if labels.ndim == 2 and labels.shape[1] == 1 else labels
        if len(labels) != n:
            raise ValueError(f"Got {len(labels)} labels for {n} samples; give one label per sample.")
        self.check_labels(labels)
        one_hot = ops.convert_to_numpy(self.one_hot(labels))
        outputs = [
            ops.convert_to_numpy(
                self.generator([z[i : i + batch_size], one_hot[i : i + batch_size]], training=False)
            )
            for i in range(0, n, batch_size)
        ]
        return np.concatenate(outputs, axis=0)

    def grid_inputs(self, n, seed=0):
        """One row per class: `n // num_classes` samples of each (at least one)."""
        per_class = max(1, n // self.num_classes)
        labels = np.repeat(np.arange(self.num_classes), per_class)
        kwargs, _ = super().grid_inputs(len(labels), seed)
        kwargs["labels"] = labels
        return kwargs, self.num_classes
