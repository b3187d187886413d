"""`DiscriminatorSteps`: k discriminator updates per generator update, on a schedule."""

import numbers

import keras
import numpy as np

from keras_gan.utils.arguments import check_int, received
from keras_gan.utils.messages import describe


class DiscriminatorSteps(keras.callbacks.Callback):
    """Sets a GAN's k (discriminator updates per generator update) during training.

    k lives in a Keras variable read inside the compiled step, so changing it
    never retraces the step function (tested by counting traces).

    Args:
        schedule: One of
            - an int >= 1: a constant k;
            - a callable `epoch -> k` (0-based epochs), applied at each
              epoch's start. Its value at every epoch of the run is checked
              (an int >= 1) when training begins, before any step, so a
              schedule that would give k = 0 at epoch 30 fails at once,
              naming the epoch and the value;
            - `"wgan"`: the WGAN paper's schedule, 100 critic updates per
              generator update for the first 25 generator updates and every
              500th, else `k` (5). Applied before every batch.
        k: The base k of the `"wgan"` schedule, an int >= 1.

    Example:

    >>> schedule = DiscriminatorSteps(lambda epoch: 5 if epoch < 2 else 1)
    >>> [schedule.steps_at(epoch) for epoch in range(4)]
    [5, 5, 1, 1]
    >>> # gan.fit(images, epochs=10, callbacks=[schedule])

    Reference:
        Arjovsky et al., "Wasserstein GAN", ICML 2017 (Algorithm 1 and its code).
    """

    def __init__(self, schedule, k=5):
        super().__init__()
        expected = "`schedule` must be an int >= 1, a function of the epoch, or 'wgan'"
        if isinstance(schedule, str):
            if schedule != "wgan":
                raise ValueError(f"{expected}. {received('schedule', schedule)}")
        elif isinstance(schedule, (bool, np.bool_)) or not (callable(schedule)
                                                            or isinstance(schedule, numbers.Integral)):
            raise TypeError(f"{expected}. {received('schedule', schedule)}")
        elif isinstance(schedule, numbers.Integral) and schedule < 1:
            raise ValueError(f"{expected} (a constant k: discriminator updates per generator update). "
                             f"{received('schedule', schedule)}")
        self.schedule = int(schedule) if isinstance(schedule, numbers.Integral) else schedule
        self.k = check_int(k, "k", what="the base k of the 'wgan' schedule")
        self.history = []
        self._planned = {}

    def steps_at(self, epoch):
        """k at `epoch` (0-based) under a callable schedule, checked: an int >= 1.

        Args:
            epoch: The 0-based epoch.

        Returns:
            An int >= 1.

        Raises:
            TypeError, ValueError: naming the epoch and the value the schedule gave.
        """
        try:
            steps = self.schedule(epoch)
        except Exception as error:
            raise ValueError(
                f"DiscriminatorSteps: the schedule must give an int >= 1 at every epoch of the run; at epoch "
                f"{epoch} it raised {type(error).__name__}: {error}"
            ) from error
        if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, numbers.Integral):
            raise TypeError(
                f"DiscriminatorSteps: the schedule must give an int >= 1 (discriminator updates per generator "
                f"update) at every epoch; at epoch {epoch} it gave {steps!r} ({describe(steps)})."
            )
        if steps < 1:
            raise ValueError(
                f"DiscriminatorSteps: the schedule must give an int >= 1 (discriminator updates per generator "
                f"update) at every epoch; at epoch {epoch} it gave {int(steps)}."
            )
        return int(steps)

    def _set(self, steps):
        steps = int(steps)
        if int(keras.ops.convert_to_numpy(self.model.discriminator_steps)) != steps:
            self.model.set_discriminator_steps(steps)
        return steps

    def check_before_training(self, model):
        """Checks, before any callback starts (keras-gan's `fit` calls it), that `model` takes a k.

        Args:
            model: The model about to train.
        """
        if not hasattr(model, "set_discriminator_steps"):
            raise TypeError("DiscriminatorSteps needs a keras_gan model with `set_discriminator_steps`; received "
                            f"{type(model).__name__}.")

    def check_epochs(self, epochs):
        """Checks the schedule's k at every epoch of a run of `epochs` epochs (keras-gan's `fit` calls it first).

        Args:
            epochs: The run's `epochs`.
        """
        if callable(self.schedule):
            for epoch in range(int(epochs)):
                self.steps_at(epoch)

    def on_train_begin(self, logs=None):
        self.check_before_training(self.model)
        self._planned = {}
        if callable(self.schedule):
            # Every epoch's k, checked before the first step: a bad value fails now, not at its epoch.
            epochs = (self.params or {}).get("epochs")
            if epochs:
                self._planned = {epoch: self.steps_at(epoch) for epoch in range(int(epochs))}
        elif isinstance(self.schedule, numbers.Integral):
            self._set(self.schedule)

    def on_epoch_begin(self, epoch, logs=None):
        if callable(self.schedule):
            steps = self._planned[epoch] if epoch in self._planned else self.steps_at(epoch)
            self.history.append((epoch, self._set(steps)))

    def wgan_steps(self, generator_updates):
        """The WGAN schedule: 100 for the first 25 generator updates and every 500th, else k."""
        return 100 if generator_updates < 25 or generator_updates % 500 == 0 else self.k

    def on_train_batch_begin(self, batch, logs=None):
        if self.schedule != "wgan":
            return
        # Only between rounds: k changes when the next step starts a new round.
        if self.model.schedule.at_round_start():
            generator_updates = int(keras.ops.convert_to_numpy(self.model.g_optimizer.iterations))
            self._set(self.wgan_steps(generator_updates))
