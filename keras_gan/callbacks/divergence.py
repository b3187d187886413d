"""`StopOnDivergence`: stop when a loss turns NaN or Inf, keeping the last good weights."""

import math

import keras
import numpy as np

from keras_gan.errors import GANConfigurationError
from keras_gan.utils.arguments import check_bool, check_int


class TrainingDivergedError(GANConfigurationError):
    """Raised (optionally) when a GAN's loss became NaN or Inf."""


_PLAYERS = {"d_loss": "discriminator", "g_loss": "generator"}


class StopOnDivergence(keras.callbacks.Callback):
    """Stops training at the first NaN or Inf loss and restores the last finite weights.

    Unlike `keras.callbacks.TerminateOnNaN`, it names the step and the player
    whose loss diverged, and puts back the weights (and optimizer state) of
    the last snapshot taken while every loss was finite: snapshots are taken
    every `every` steps (in memory, a copy of the model's variables). `GAN.fit`
    adds one automatically unless the callbacks already hold one; pass
    `stop_on_divergence=False` to `fit` to train without it.

    Args:
        every: Steps between snapshots of the weights.
        raise_error: Raise `TrainingDivergedError` instead of only stopping.

    Attributes:
        diverged: None, or a dict `{"step", "player", "loss", "restored_step"}`.
        message: The message printed when training stopped.

    Example:

    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4)
    >>> gan.compile(d_optimizer=keras.optimizers.SGD(1e30), g_optimizer=keras.optimizers.SGD(1e30))
    >>> stop = StopOnDivergence(every=1)
    >>> _ = gan.fit(np.ones((64, 2), "float32"), batch_size=8, epochs=3, verbose=0, callbacks=[stop])
    Training diverged at step ...
    >>> stop.diverged is not None and all(np.isfinite(w).all() for w in gan.get_weights())
    True
    """

    def __init__(self, every=100, raise_error=False):
        super().__init__()
        self.every = check_int(every, "every", what="steps between snapshots of the weights")
        self.raise_error = check_bool(raise_error, "raise_error")
        self.diverged = None
        self.message = None
        self._snapshot = None
        self._snapshot_step = 0
        self._step = 0

    def _variables(self):
        variables = list(self.model.variables)
        seen = {id(v) for v in variables}
        for name in ("d_optimizer", "g_optimizer"):
            optimizer = getattr(self.model, name, None)
            for v in getattr(optimizer, "variables", []) or []:
                if id(v) not in seen:
                    variables.append(v)
                    seen.add(id(v))
        return variables

    def _take_snapshot(self):
        snapshot = [np.array(v.numpy(), copy=True) for v in self._variables()]
        # The losses of a step are computed before its updates: an update can still overflow the weights.
        if all(np.isfinite(a).all() for a in snapshot if np.issubdtype(a.dtype, np.floating)):
            self._snapshot = snapshot
            self._snapshot_step = self._step

    def on_train_begin(self, logs=None):
        self.diverged = None
        self._step = 0
        self._take_snapshot()

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        logs = logs or {}
        for key, value in logs.items():
            if not key.endswith("loss"):
                continue
            try:
                value = float(value)
            except (TypeError, ValueError):
                continue
            if not math.isfinite(value):
                self._stop(key, value)
                return
        if self._step % self.every == 0:
            self._take_snapshot()

    def _stop(self, key, value):
        for variable, saved in zip(self._variables(), self._snapshot):
            variable.assign(saved)
        player = _PLAYERS.get(key, key)
        self.diverged = {"step": self._step, "player": player, "loss": key,
                         "restored_step": self._snapshot_step}
        self.message = (
            f"Training diverged at step {self._step}: the {player}'s loss ({key}) became {value}. "
            f"Stopped, and restored the weights and optimizer state of step {self._snapshot_step}, the "
            "last snapshot with finite losses. Lower the learning rates, check the data for NaN/Inf, "
            "or add a gradient penalty."
        )
        print(self.message)
        self.model.stop_training = True
        if self.raise_error:
            raise TrainingDivergedError(self.message)
