"""The context object that carries what one training step computed."""

import dataclasses
from typing import Any


@dataclasses.dataclass
class GANStep:
    """What a training step computed, handed to the loss hooks and tricks.

    The training step fills it in as it goes, so a loss hook or a trick reads
    what it needs (the real batch, the generated batch, the latent vectors,
    the discriminator outputs) without a new argument anywhere.

    Attributes:
        real: The real batch.
        labels: The labels of the real batch, or None.
        z: The latent vectors the generator received.
        fake: The generated batch.
        real_logits: Discriminator outputs on `real`.
        fake_logits: Discriminator outputs on `fake`.
        training: Whether this is a training step.

    A model whose hooks share more declares a subclass with typed fields
    (`InfoGANStep`, `SemiSupervisedStep`) as its `step_class`.

    Example:

    >>> step = GANStep(real=np.ones((2, 3)), labels=None)
    >>> step.replace(fake=np.zeros((2, 3))).fake.shape
    (2, 3)
    """

    real: Any = None
    labels: Any | None = None
    z: Any = None
    fake: Any = None
    real_logits: Any = None
    fake_logits: Any = None
    training: bool = True

    def replace(self, **changes):
        """Returns a copy with some fields changed."""
        return dataclasses.replace(self, **changes)
