"""Adversarial objectives: each a `keras.losses.Loss`, each also a function.

`get(identifier)` resolves the names accepted by `GAN.compile(loss=...)`:
`"minimax"`, `"non_saturating"`, `"maximum_likelihood"`, `"least_squares"`,
`"wasserstein"` and `"hinge"`.
"""

import keras

from keras_gan.losses.base import AdversarialLoss
from keras_gan.losses.cross_entropy import (
    MaximumLikelihoodLoss,
    MinimaxLoss,
    NonSaturatingLoss,
    binary_cross_entropy_from_logits,
    discriminator_cross_entropy,
    maximum_likelihood_generator_loss,
    minimax_generator_loss,
    non_saturating_generator_loss,
)
from keras_gan.losses.hinge import HingeLoss, hinge_discriminator_loss, hinge_generator_loss
from keras_gan.losses.least_squares import (
    LeastSquaresLoss,
    least_squares_discriminator_loss,
    least_squares_generator_loss,
)
from keras_gan.losses.mutual_information import (
    MutualInformationLoss,
    categorical_code_loss,
    gaussian_code_loss,
)
from keras_gan.losses.wasserstein import (
    WassersteinLoss,
    wasserstein_critic_loss,
    wasserstein_generator_loss,
)

ALL_OBJECTS = {
    "minimax": MinimaxLoss,
    "non_saturating": NonSaturatingLoss,
    "maximum_likelihood": MaximumLikelihoodLoss,
    "least_squares": LeastSquaresLoss,
    "wasserstein": WassersteinLoss,
    "hinge": HingeLoss,
}
_ALIASES = {"nonsaturating": "non_saturating", "lsgan": "least_squares", "wgan": "wasserstein"}


def get(identifier):
    """Returns an `AdversarialLoss` from a name, a config dict or an instance.

    Args:
        identifier: One of the names in `keras_gan.losses.ALL_OBJECTS`, a
            serialized loss config, or an `AdversarialLoss` instance.

    Returns:
        An `AdversarialLoss` instance.

    Example:

    >>> get("least_squares").name
    'least_squares'
    """
    if identifier is None:
        return NonSaturatingLoss()
    if isinstance(identifier, AdversarialLoss):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower().replace("-", "_")
        key = _ALIASES.get(key, key)
        if key not in ALL_OBJECTS:
            raise ValueError(
                f"Unknown GAN loss {identifier!r}. Use one of "
                f"{sorted(ALL_OBJECTS)} or pass a "
                "`keras_gan.losses.AdversarialLoss` instance."
            )
        return ALL_OBJECTS[key]()
    if isinstance(identifier, dict):
        obj = keras.saving.deserialize_keras_object(identifier)
        if isinstance(obj, AdversarialLoss):
            return obj
    if isinstance(identifier, type) and issubclass(identifier, AdversarialLoss):
        return identifier()
    raise ValueError(
        f"Cannot use {identifier!r} as a GAN loss: a GAN needs a discriminator "
        "cost and a generator cost. Pass a name such as 'non_saturating' or a "
        "`keras_gan.losses.AdversarialLoss` instance."
    )


def serialize(loss):
    """Serializes an `AdversarialLoss` to a config dict.

    Args:
        loss: A `keras_gan.losses.AdversarialLoss` instance.

    Returns:
        A JSON-serializable dict, as `keras.saving.serialize_keras_object` writes.

    Example:

    >>> config = serialize(NonSaturatingLoss(label_smoothing=0.1))
    >>> deserialize(config).label_smoothing
    0.1
    """
    return keras.saving.serialize_keras_object(loss)


def deserialize(config):
    """Restores an `AdversarialLoss` from `serialize`'s output.

    Args:
        config: A dict from `serialize` (or a loss name).

    Returns:
        The `AdversarialLoss` instance.

    Example:

    >>> deserialize(serialize(LeastSquaresLoss())).name
    'least_squares'
    """
    return get(config)


__all__ = [
    "AdversarialLoss",
    "MinimaxLoss",
    "NonSaturatingLoss",
    "MaximumLikelihoodLoss",
    "LeastSquaresLoss",
    "WassersteinLoss",
    "HingeLoss",
    "binary_cross_entropy_from_logits",
    "discriminator_cross_entropy",
    "minimax_generator_loss",
    "non_saturating_generator_loss",
    "maximum_likelihood_generator_loss",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "wasserstein_critic_loss",
    "wasserstein_generator_loss",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "MutualInformationLoss",
    "categorical_code_loss",
    "gaussian_code_loss",
    "get",
    "serialize",
    "deserialize",
    "ALL_OBJECTS",
]
