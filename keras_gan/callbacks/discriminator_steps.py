"""`DiscriminatorSteps`: k discriminator updates per generator update, on a schedule."""

import numbers

import keras


class DiscriminatorSteps(keras.callbacks.Callback):
    """Sets a GAN's k (discriminator updates per generator update) during training.

    k lives in a Keras variable read inside the compiled step, so changing it
    never retraces the step function (tested by counting traces).

    Args:
        schedule: One of
            - an int: a constant k;
            - a callable `epoch -> k` (0-based epochs), applied at each epoch's start;
            - `"wgan"`: the WGAN paper's schedule, 100 critic updates per
              generator update for the first 25 generator updates and every
              500th, else `k` (5). Applied before every batch.
        k: The base k of the `"wgan"` schedule.

    Example:

    >>> schedule = DiscriminatorSteps(lambda epoch: 5 if epoch < 2 else 1)
    >>> # gan.fit(images, epochs=10, callbacks=[schedule])

    Reference:
        Arjovsky et al., "Wasserstein GAN", ICML 2017 (Algorithm 1 and its code).
    """

    def __init__(self, schedule, k=5):
        super().__init__()
        if not (callable(schedule) or schedule == "wgan"
                or (isinstance(schedule, numbers.Integral) and not isinstance(schedule, bool))):
            raise ValueError(
                "`schedule` must be an int, a function of the epoch, or 'wgan'. "
                f"Received: {schedule!r}."
            )
        self.schedule = schedule
        self.k = int(k)
        self.history = []

    def _set(self, steps):
        steps = int(steps)
        if int(keras.ops.convert_to_numpy(self.model.discriminator_steps)) != steps:
            self.model.set_discriminator_steps(steps)
        return steps

    def on_train_begin(self, logs=None):
        if not hasattr(self.model, "set_discriminator_steps"):
            raise TypeError("DiscriminatorSteps needs a keras_gan model with `set_discriminator_steps`.")
        if isinstance(self.schedule, numbers.Integral):
            self._set(self.schedule)

    def on_epoch_begin(self, epoch, logs=None):
        if callable(self.schedule):
            self.history.append((epoch, self._set(self.schedule(epoch))))

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
