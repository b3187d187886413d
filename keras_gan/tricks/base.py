"""`Trick`: something added to a GAN's game without writing a new model."""

import keras
from keras import ops

from keras_gan.utils.seeds import SavesSeedState


@keras.saving.register_keras_serializable(package="keras_gan")
class Trick(SavesSeedState, keras.layers.Layer):
    """The base class of training tricks that compose with any keras-gan model.

    A trick is given to a model (`GAN(..., tricks=[GradientPenalty(10.0)])`)
    and takes part in every training step through three hooks; each may be
    left as is:

    - `discriminator_terms(model, step)`: extra terms of the discriminator's
      cost, computed inside its gradient tape;
    - `generator_terms(model, step)`: extra terms of the generator's cost;
    - `after_discriminator_update(model)` and `after_generator_update(model)`:
      run after each update of that player (weight clipping, running averages);
    - `transform_discriminator_input(model, x, step, role)` (optional): changes
      what the discriminator sees (packing, instance noise);
    - `build_for(model)`: creates state that depends on the networks, at
      `compile()`.

    Each term is returned unweighted in a dict `{name: scalar}`; the model adds
    `weight * term` to the player's cost and logs the unweighted term under
    its name (History, progress bar, TensorBoard). A trick is a Keras layer, so
    its state (random seeds, running averages) lives in Keras variables and is
    saved with the model.

    Args:
        weight: Multiplier of every cost term this trick adds.
        name: Name of the trick; also the prefix of nothing: terms are logged
            under the names that `term_names` lists.

    Example:

    >>> @keras.saving.register_keras_serializable(package="doc")
    ... class MeanMatching(Trick):
    ...     # The generator also matches the real batch's mean.
    ...     term_names = ("mean_gap",)
    ...     def generator_terms(self, model, step):
    ...         gap = keras.ops.mean(step.real, axis=0) - keras.ops.mean(step.fake, axis=0)
    ...         return {"mean_gap": keras.ops.mean(keras.ops.square(gap))}
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[MeanMatching(weight=0.5)])
    >>> gan.compile()
    >>> "mean_gap" in gan.fit(np.ones((32, 2), "float32"), batch_size=16, verbose=0).history
    True
    """

    #: Names of the terms this trick logs, fixed at construction.
    term_names = ()

    #: Batches this trick accepts hold a multiple of this many samples.
    batch_multiple = 1

    def __init__(self, weight=1.0, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        weight = float(weight)
        if weight < 0:
            raise ValueError(f"A trick's `weight` must be >= 0. Received: weight={weight}.")
        self.weight = weight
        # A trick has no input-dependent weights: built from the start, so its
        # state (seed generators, ...) is saved and restored with the model.
        self.built = True

    def discriminator_terms(self, model, step):
        """Extra terms of the discriminator's cost, `{name: unweighted scalar}`."""
        return {}

    def generator_terms(self, model, step):
        """Extra terms of the generator's cost, `{name: unweighted scalar}`."""
        return {}

    def after_discriminator_update(self, model):
        """Runs after every discriminator update."""

    def after_generator_update(self, model):
        """Runs after every generator update."""

    def build_for(self, model):
        """Creates state that depends on the model's networks; called by `model.compile()`."""

    def call(self, inputs):  # a trick is not applied to tensors directly
        return inputs

    def get_config(self):
        config = super().get_config()
        config["weight"] = self.weight
        return config


def weighted_sum(terms, weights):
    """`sum(weight * term)` over a list of term dicts and their weights, float32."""
    total = None
    for term_dict, weight in zip(terms, weights):
        for value in term_dict.values():
            value = ops.cast(value, "float32") * weight
            total = value if total is None else total + value
    return total
