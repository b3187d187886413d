"""Feature matching: the generator matches the discriminator's mean features on real data."""

import numbers

import keras
from keras import ops

from keras_gan.backend import replica_mean
from keras_gan.errors import GANConfigurationError
from keras_gan.tricks.base import Trick
from keras_gan.utils.arguments import received
from keras_gan.utils.requirements import Requirement, cannot_use, network_io

_INSTEAD = "HistoricalAveraging or OrthogonalRegularization"


def _only_discriminator(model):
    networks = model.player_networks("discriminator")
    return networks[0] if len(networks) == 1 else None  # several: the inherited `single_discriminator` rule refuses


def _one_input(trick, model, context):
    """A discriminator FeatureMatching can cut: Sequential or functional, taking the samples alone."""
    discriminator = _only_discriminator(model)
    if discriminator is None:
        return None
    inputs, _ = network_io(discriminator)
    if inputs is None and isinstance(discriminator, keras.Sequential):
        return None  # a Sequential without `keras.Input`, not built yet: one input, its layers checked by name
    if inputs is None:
        return ("FeatureMatching needs a Sequential or functional discriminator (with `keras.Input`), to read "
                f"its layer {trick.layer!r}; the discriminator is a subclassed {type(discriminator).__name__}. "
                "Build it as a keras.Sequential or a functional keras.Model instead.")
    if len(inputs) != 1:
        names = ", ".join(repr(getattr(i, "name", "?")) for i in inputs)
        return cannot_use(model, trick, f"it runs the discriminator on the samples alone, and {type(model).__name__}'s "
                          f"discriminator takes {len(inputs)} inputs ({names})", _INSTEAD)
    return None


def _named_layer(trick, model, context):
    """`layer` names a layer the discriminator has (by name, when the discriminator has several outputs)."""
    discriminator = _only_discriminator(model)
    inputs, outputs = network_io(discriminator)
    if inputs is None and isinstance(discriminator, keras.Sequential):  # not built yet: check the reference only
        return _missing_layer(trick, discriminator.layers)
    if inputs is None or len(inputs) != 1:
        return None  # refused by `_one_input`
    if len(outputs) > 1 and not isinstance(trick.layer, str):
        names = [layer.name for layer in getattr(discriminator, "layers", [])
                 if not isinstance(layer, keras.layers.InputLayer)]
        return cannot_use(model, f"FeatureMatching(layer={trick.layer!r})",
                          f"{type(model).__name__}'s discriminator has {len(outputs)} outputs, so the layer at index "
                          f"{trick.layer} need not hold the features its logit reads (its layers: "
                          f"{', '.join(map(repr, names[:8]))}{', ...' if len(names) > 8 else ''})",
                          "FeatureMatching(layer='<the features layer's name>')")
    try:
        trick.feature_model(discriminator)
    except GANConfigurationError as error:
        return str(error)
    return None


def _missing_layer(trick, layers):
    """The message for a `layer` that names no layer of `layers` (or indexes past them), else None."""
    names = [layer.name for layer in layers]
    if isinstance(trick.layer, str) and trick.layer in names:
        return None
    if not isinstance(trick.layer, str) and -len(names) <= trick.layer < len(names):
        return None
    return (f"FeatureMatching cannot read layer {trick.layer!r} of the discriminator (its layers: "
            f"{', '.join(map(repr, names))}). Use a Sequential or functional discriminator and name an existing "
            "layer.")


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

    Needs a Sequential or functional discriminator with one input, so
    compile refuses it on ConditionalGAN (whose discriminator also takes the
    labels); with a discriminator of several outputs (InfoGAN,
    SemiSupervisedGAN), `layer` must name the layer. It reads one
    discriminator, so compile refuses it on CycleGAN. Under `Packing`, the
    features are those of the packs, as the discriminator sees them.

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
    requirements = (
        Requirement("feature_matching_one_input", "Needs a Sequential or functional discriminator with one input",
                    "compile", _one_input),
        Requirement("feature_matching_named_layer", "`layer` must name the layer", "compile", _named_layer),
    )

    def __init__(self, weight=1.0, layer=-2, replace_objective=False, name="feature_matching", **kwargs):
        super().__init__(weight=weight, name=name, **kwargs)
        if isinstance(layer, bool) or not isinstance(layer, (str, numbers.Integral)):
            raise TypeError("FeatureMatching's `layer` must be a layer name or an int index into "
                            f"`discriminator.layers`. {received('layer', layer)}")
        self.layer = layer if isinstance(layer, str) else int(layer)
        self.replace_objective = bool(replace_objective)
        self._features = None

    needs_single_discriminator = True
    single_discriminator_reason = "it matches the features of one discriminator on a real and a generated batch"
    single_discriminator_alternative = _INSTEAD

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
        features = self.feature_model(model.player_networks("discriminator")[0])
        # What the discriminator sees: packs under Packing, noisy samples under InstanceNoise.
        seen = model.trick_chain.transform_discriminator_input
        # The discriminator's mode of the step: training in a training step, inference in `evaluate`.
        real = ops.stop_gradient(ops.cast(features(seen(model, step.real, step, "real"), training=step.training),
                                          "float32"))
        fake = ops.cast(features(seen(model, step.fake, step, "fake"), training=step.training), "float32")
        # The means over the global batch: data-parallel replicas average their shares' means.
        real = ops.reshape(replica_mean(ops.mean(real, axis=0)), (-1,))
        fake = ops.reshape(replica_mean(ops.mean(fake, axis=0)), (-1,))
        return {"feature_matching": ops.mean(ops.square(real - fake))}

    def get_config(self):
        config = super().get_config()
        config.update({"layer": self.layer, "replace_objective": self.replace_objective})
        return config
