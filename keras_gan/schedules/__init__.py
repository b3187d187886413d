"""Update schedules: in which order, and how often, the two players update in a training step.

A schedule is the part of the step protocol (`keras_gan.backend.protocol`)
that decides. It owns its counters (k, the discriminator updates per
generator update, and the discriminator turns since the generator's last
update) as Keras variables, saved with the model and changeable without
retracing, and it asks the same gates for every model: k, and the tricks'
gates through `model.update_gate(role)` (`TrainLosingPlayer`). Each model
runs one schedule; `GAN` defaults to `Alternating`, `CycleGAN` to
`GeneratorFirst`, and any model takes any of them (`schedule=...`).

Every schedule counts the same way: the generator's update is due when the
discriminator turn of this step completes a round of k
(`d_step_counter + 1 >= k`) and every trick's generator gate is open; the
counter returns to 0 after a step in which the generator updated, else it
grows by one. So in N steps with open gates the discriminator updates N
times and the generator N // k times, in every order.

Each schedule declares `call_order`: the model's hooks it calls in one step
(k = 1, every gate open), in order. `tests/test_schedules.py` checks it
against an instrumented step.
"""

import keras

from keras_gan.schedules.alternating import Alternating
from keras_gan.schedules.base import UpdateSchedule, check_discriminator_steps
from keras_gan.schedules.generator_first import GeneratorFirst
from keras_gan.schedules.simultaneous import Simultaneous


def get(identifier):
    """A schedule from an instance, a name (`"alternating"`, `"simultaneous"`, `"generator_first"`) or a config.

    Args:
        identifier: An `UpdateSchedule`, one of the names, or a serialized schedule.

    Returns:
        An `UpdateSchedule`.

    Example:

    >>> type(get("simultaneous")).__name__
    'Simultaneous'

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (Algorithm 1).
    """
    if isinstance(identifier, UpdateSchedule):
        return identifier
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    names = {"alternating": Alternating, "simultaneous": Simultaneous, "generator_first": GeneratorFirst}
    if isinstance(identifier, str) and identifier in names:
        return names[identifier]()
    raise TypeError(
        "`schedule` must be a keras_gan.schedules.UpdateSchedule (Alternating(k), Simultaneous(k), "
        f"GeneratorFirst(k)) or one of the names {sorted(names)}. Received: {identifier!r}."
    )


__all__ = ["UpdateSchedule", "Alternating", "Simultaneous", "GeneratorFirst", "get", "check_discriminator_steps"]
