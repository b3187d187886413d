"""Feature matching: the generator matches the discriminator's mean features on real data."""

import keras
from keras import ops

from keras_gan.errors import GANConfigurationError
from keras_gan.tricks.base import Trick


@keras.saving.register_keras_serializable(package="keras_gan")
class FeatureMatching(Trick):
    """`||E f(x) - E f(G(z))||^2` on an intermediate discriminator layer, for the generator.

    Salimans et al. (2016), Section 3.1: the generator is trained to match the
    expected value of the discriminator's features on real data instead of
    (`replace_objective=True`) or besides maximizing the discriminator's
    output. `f` is the output of the discriminator layer `layer` (a name or
    an index into `discriminator.layers`; default: the layer before the last,
    the features the final logit reads). The expectation is the batch mean;
    the real batch's features are a fixed target (no gradient). Logged as
    `feature_matching` (the squared distance averaged over features).

    Needs a Sequential or functional discriminator with one input.

    Args:
        weight: Weight of the term in the generator's cost.
        layer: The discriminator layer whose output is `f`.
        replace_objective: Drop the adversarial generator cost, as the paper
            does, keeping only feature matching.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8), keras.layers.LeakyReLU(0.2),
    ...                       keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[keras_gan.tricks.FeatureMatching(layer=-2)])
    >>> gan.compile()
    >>> history = gan.fit(np.random.normal(size=(64, 2)).astype("float32"), batch_size=16, verbose=0)
    >>> "feature_matching" in history.history
    True

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    """

    term_names = ("feature_matching",)

    def __init__(self, weight=1.0, layer=-2, replace_objective=False, name="feature_matching", **kwargs):
        super().__init__(weight=weight, name=name, **kwargs)
        self.layer = layer
        self.replace_objective = bool(replace_objective)
        self._features = None

    needs_single_discriminator = True

    @property
    def replaces_generator_objective(self):
        """True with `replace_objective=True`: only feature matching drives the generator."""
        return self.replace_objective

    def feature_model(self, discriminator):
        """The discriminator cut at `layer` (built once)."""
        if self._features is None:
            try:
                target = (discriminator.get_layer(self.layer) if isinstance(self.layer, str)
                          else discriminator.layers[self.layer])
                self._features = keras.Model(discriminator.inputs, target.output)
            except (AttributeError, ValueError, IndexError) as error:
                raise GANConfigurationError(
                    f"FeatureMatching cannot read layer {self.layer!r} of the discriminator "
                    f"({error}). Use a Sequential or functional discriminator and name an existing layer."
                ) from None
        return self._features

    def generator_terms(self, model, step):
        features = self.feature_model(model.discriminator)
        real = ops.stop_gradient(ops.cast(features(step.real, training=True), "float32"))
        fake = ops.cast(features(step.fake, training=True), "float32")
        real = ops.reshape(ops.mean(real, axis=0), (-1,))
        fake = ops.reshape(ops.mean(fake, axis=0), (-1,))
        return {"feature_matching": ops.mean(ops.square(real - fake))}

    def get_config(self):
        config = super().get_config()
        config.update({"layer": self.layer, "replace_objective": self.replace_objective})
        return config
