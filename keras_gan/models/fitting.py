"""`FitMixin`: what `fit` and `evaluate` add around Keras's loop: checks first, guards, the moving average last."""

import contextlib

import keras
from keras import ops

from keras_gan.backend import before_distributed_fit, check_distributed_input
from keras_gan.backend.state_mixin import restore_after_failed_step
from keras_gan.models import validation
from keras_gan.utils import sources


class FitMixin:
    """Mixed into `AdversarialModel`: `fit` and `evaluate` with the checks before any step, and EMA weights."""

    def check_data(self, x, y=None):
        """Checks the data before training (default: none)."""

    def before_fit(self, x, y, source, kwargs):
        """Runs after the checks, before the first step of `fit` (default: nothing).

        Args:
            x: The data as the checks read it: arrays (NumPy) or a `tf.data.Dataset` of batches (a
                stream's first batch for other sources).
            y: `fit`'s `y` as NumPy, or None.
            source: The source in words, for messages.
            kwargs: `fit`'s keyword arguments (a model may add callbacks).
        """

    def _check_before_run(self, method, x, y=None, kwargs=None):
        if not self.compiled or self.d_optimizer is None:
            raise ValueError(
                f"Call `compile()` before `{method}()`: {type(self).__name__} needs its two "
                "optimizers and its loss. `compile()` with no arguments uses the model's "
                "defaults for both players and its default loss."
            )
        check_distributed_input(self, method, x)
        # Every source seen one way (a stream's first batch, peeked at without consuming it), so each
        # mistake gets one message whatever the source.
        seen = sources.checkable(x, y)
        # Arguments, data structure, callbacks' output locations, the declared rules: before any write or step.
        validation.check_run(self, method, seen.x, seen.y, kwargs, seen=seen)
        self.check_data(seen.x, seen.y)
        if method == "fit":
            self.before_fit(seen.x, seen.y, seen.source, kwargs)
        return seen.fit_x

    def fit(self, x=None, y=None, stop_on_divergence=True, **kwargs):
        """Trains the model; Keras's `fit`, plus checks and a divergence guard.

        Before any step runs, checks that the model is compiled and that the
        data fits the networks. Callbacks that write epoch logs
        (`keras_gan.callbacks.Evaluate`, `HealthMonitor`) are moved to the
        front, so the metrics they write reach `ModelCheckpoint`,
        `EarlyStopping`, `TensorBoard` and tuners. With `stop_on_divergence`
        (default), a `keras_gan.callbacks.StopOnDivergence` is added (unless
        `callbacks` already holds one): a NaN or Inf loss stops training with
        a message naming the step and the player, and the last good weights
        are restored. After training, an optimizer built with `use_ema=True`
        leaves its moving average of the weights in its player's networks, as
        Keras does.

        Args:
            x: The training data (see the model's docstring for its structure).
            y: Labels or a second domain, where the model takes them.
            stop_on_divergence: Add the divergence guard.
            **kwargs: Keras's `fit` arguments.

        Returns:
            A `keras.callbacks.History`.
        """
        stream = hasattr(x, "element_spec") or sources.is_stream(x)
        x = self._check_before_run("fit", x, y, kwargs)
        if stream:
            kwargs.setdefault("shuffle", False)  # a dataset, a DataLoader or a generator orders its own batches
        callbacks = _epoch_log_writers_first(kwargs.get("callbacks"))
        if stop_on_divergence:
            from keras_gan.callbacks.divergence import StopOnDivergence

            callbacks = list(callbacks or [])
            if not any(isinstance(c, StopOnDivergence) for c in callbacks):
                callbacks.append(StopOnDivergence())
        if callbacks is not None:
            kwargs["callbacks"] = callbacks
        from keras_gan.callbacks.tensorboard import share_tensorboard

        share_tensorboard(kwargs.get("callbacks"))  # sample grids go into the TensorBoard callback's run
        self.schedule.read_traced_steps()
        before_distributed_fit(self)
        try:
            history = super().fit(x, y, **kwargs)
        except BaseException:
            restore_after_failed_step(self)  # the model stays usable (and savable) after a failed step
            raise
        for role in ("discriminator", "generator"):
            self.optimizer_for(role).finalize_variable_values(self.player_variables(role))
        return history

    def evaluate(self, x=None, y=None, **kwargs):
        x = self._check_before_run("evaluate", x, y)
        return super().evaluate(x, y, **kwargs)

    @contextlib.contextmanager
    def averaged_weights(self, role="generator"):
        """Swaps a player's moving-average weights in, for the `with` block.

        With the player's optimizer built with `use_ema=True`, the networks
        hold the exponential moving average of their weights inside the block.
        Without EMA (or before the first update) the block changes nothing.

        Args:
            role: `"generator"` or `"discriminator"`.

        Example:

        >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> gan = keras_gan.models.GAN(G, D, latent_dim=4)
        >>> gan.compile(g_optimizer=keras.optimizers.Adam(0.1, use_ema=True))
        >>> _ = gan.fit(np.ones((32, 2), "float32"), batch_size=16, verbose=0)
        >>> kernel = G.layers[0].kernel
        >>> average = keras.ops.convert_to_numpy(kernel)  # fit leaves the average in the weights
        >>> _ = kernel.assign(average + 1.0)  # weights that are not the average
        >>> with gan.averaged_weights("generator"):
        ...     inside = keras.ops.convert_to_numpy(kernel)
        >>> after = keras.ops.convert_to_numpy(kernel)
        >>> bool(np.allclose(inside, average)), bool(np.allclose(after, average + 1.0))
        (True, True)
        """
        pairs = _ema_pairs(self.optimizer_for(role), self.player_variables(role))
        for variable, average in pairs:
            current = ops.copy(variable.value)
            variable.assign(average)
            average.assign(current)
        try:
            yield self
        finally:
            for variable, average in pairs:
                current = ops.copy(variable.value)
                variable.assign(average)
                average.assign(current)


def _ema_pairs(optimizer, variables):
    """(variable, moving average) pairs of an optimizer with `use_ema`, else []."""
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    if optimizer is None or not getattr(optimizer, "use_ema", False):
        return []
    if int(ops.convert_to_numpy(optimizer.iterations)) == 0:
        return []
    averages = getattr(optimizer, "_model_variables_moving_average", None) or []
    pairs = []
    for variable in variables:
        index = optimizer._get_variable_index(variable)
        if index < len(averages) and averages[index] is not None:
            pairs.append((variable, averages[index]))
    return pairs


def _epoch_log_writers_first(callbacks):
    """Callbacks that write epoch logs (`writes_epoch_logs`: `Evaluate`, `HealthMonitor`) first."""
    if callbacks is None or isinstance(callbacks, keras.callbacks.CallbackList):
        return callbacks

    def writes(callback):
        return bool(getattr(callback, "writes_epoch_logs", False))

    callbacks = list(callbacks)
    return [c for c in callbacks if writes(c)] + [c for c in callbacks if not writes(c)]
