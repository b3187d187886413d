"""`Trick`: something added to a GAN's game without writing a new model."""


import keras

from keras_gan.utils.arguments import check_number
from keras_gan.utils.requirements import Requirement, batch_norm_problem, cannot_use
from keras_gan.utils.seeds import SavesSeedState


def _one_discriminator(trick, model, context):
    """A trick that declares `needs_single_discriminator`, on a model with several discriminators."""
    count = len(model.player_networks("discriminator"))
    if not trick.needs_single_discriminator or count <= 1:
        return None
    return cannot_use(model, trick, f"{trick.single_discriminator_reason}, and {type(model).__name__} has {count} "
                                    "discriminators", trick.single_discriminator_alternative)


def _penalty_batch_norm(trick, model, context):
    """A trick that declares `penalizes_input_gradients`, on a discriminator with batch normalization."""
    problem = trick.penalizes_input_gradients and batch_norm_problem(model)
    return f"{type(trick).__name__}: {problem}" if problem else None


@keras.saving.register_keras_serializable(package="keras_gan")
class Trick(SavesSeedState, keras.layers.Layer):
    """The base class of training tricks that compose with any keras-gan model.

    A trick is given to a model (`GAN(..., tricks=[GradientPenalty(10.0)])`)
    and takes part in every training step through the hooks below, all
    declared here with a default that does nothing; a trick overrides the
    ones it needs. The model folds its tricks together in one place
    (`keras_gan.tricks.TrickChain`, in the order given), and the backend
    trainers call the model, never a trick directly.

    Cost terms (added to a player's cost, `weight * term`, and logged):

    - `discriminator_terms(model, step)` / `generator_terms(model, step)`:
      `{name: unweighted scalar}`, computed inside that player's gradient.

    Logged values (never added to a cost):

    - `discriminator_logs(model, step)` / `generator_logs(model, step)`:
      `{name: scalar}`, logged beside `d_loss` / `g_loss`.

    The game itself:

    - `transform_discriminator_input(model, x, step, role)`: what the
      discriminator sees (packing, instance noise); the model applies every
      trick's transform around its discriminator call, for every role
      (`"real"`, `"fake"`, `"penalty"`).
    - `replaces_generator_objective`: True drops the adversarial generator
      cost, keeping only the tricks' terms (feature matching as in the paper).
    - `generator_logits(model, logits, step)`: the discriminator outputs on
      generated samples that the generator's adversarial cost is computed on
      (top-k training reweights their gradient).
    - `discriminator_gate(model)` / `generator_gate(model)`: None (no
      opinion) or a boolean scalar; a player updates only when every gate
      is open (and, for the generator, when its k-step turn is due).
    - `record_losses(model, d_loss, g_loss)`: sees the step's losses
      (for schedules that read them at the next step).
    - `after_discriminator_update(model)` / `after_generator_update(model)`:
      run after each update of that player (weight clipping, running averages).
    - `build_for(model)`: creates state that depends on the networks, at
      `compile()`.

    A hook may assign the trick's own Keras variables: the step runs under
    a stateless scope on JAX, so the assignments travel with the state.
    Each logged name must be listed in `term_names`; a trick is a Keras
    layer, so its state (random seeds, running averages) is saved with the
    model.

    Declared properties say what the checks need to know, and the rules a
    trick states are declared beside its code, in its `requirements`
    (`keras_gan.utils.requirements.Requirement`), which `compile` and `fit`
    run. Every trick inherits two: a trick that declares
    `needs_single_discriminator` requires a model with one discriminator
    (compile refuses it on CycleGAN, naming `single_discriminator_reason`
    and `single_discriminator_alternative`); with a trick that declares
    `penalizes_input_gradients`, the discriminator should not use batch
    normalization (compile warns).

    `weight` is handled here, once: a trick whose class sets `weighted =
    False` adds no cost term and takes no `weight`.

    Args:
        weight: Multiplier of every cost term this trick adds (default 1);
            not taken by tricks with `weighted = False`.
        name: Name of the trick.

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

    #: Names of the values this trick logs (cost terms and logged values), fixed at construction.
    term_names = ()

    #: Batches this trick accepts hold a multiple of this many samples.
    batch_multiple = 1

    #: Samples one discriminator input holds (m under PacGAN's packing): penalties take
    #: one gradient norm per input, over its `samples_per_input` consecutive samples.
    samples_per_input = 1

    #: True: the generator's adversarial cost is dropped (only the tricks' terms remain).
    replaces_generator_objective = False

    #: True: the trick needs a model with one discriminator and one generator network
    #: (it reads `model.discriminate` on single batches); compile refuses it on CycleGAN.
    needs_single_discriminator = False

    #: Why the trick needs one discriminator, and what works with several instead: the
    #: refusal's words, `"<Model> cannot use <Trick>: <reason>, ... Use <alternative> instead."`.
    single_discriminator_reason = "it reads one discriminator's output on single batches"
    single_discriminator_alternative = (
        "a trick that acts on the players' weights or on the discriminators' inputs (WeightClipping, "
        "HistoricalAveraging, OrthogonalRegularization, InstanceNoise, Packing, TrainLosingPlayer)")

    #: True: the trick's cost is a per-sample gradient penalty on the discriminator's input,
    #: which batch normalization in the discriminator breaks (the checks at `compile` warn).
    penalizes_input_gradients = False

    #: True: the trick keeps the discriminator (critic) roughly Lipschitz, as the Wasserstein
    #: loss needs (clipping, gradient penalties).
    keeps_critic_lipschitz = False

    #: True: the trick adds cost terms, scaled by `weight`. Tricks that add none (they gate,
    #: transform or clip) set False: they take no `weight`, and their config has none.
    weighted = True

    #: The rules every trick states; a subclass declares its own the same way (the bases' still apply).
    requirements = (
        Requirement("trick_term_names", "Each logged name must be listed in `term_names`", "trace",
                    enforced_by="AdversarialModel.update_metrics, at the first trace of the step (a trick "
                    "author's rule)"),
        Requirement("single_discriminator", "requires a model with one discriminator", "compile",
                    _one_discriminator),
        Requirement("input_gradient_penalty_no_batch_norm", "should not use batch normalization", "compile",
                    _penalty_batch_norm, severity="warning"),
    )

    def __init__(self, weight=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.weight = self._checked_weight(weight)
        # A trick has no input-dependent weights: built from the start, so its
        # state (seed generators, ...) is saved and restored with the model.
        self.built = True

    # ------------------------------------------------------------- cost terms

    def discriminator_terms(self, model, step):
        """Extra terms of the discriminator's cost, `{name: unweighted scalar}`."""
        return {}

    def generator_terms(self, model, step):
        """Extra terms of the generator's cost, `{name: unweighted scalar}`."""
        return {}

    # ---------------------------------------------------------- logged values

    def discriminator_logs(self, model, step):
        """Values logged with each discriminator update, `{name: scalar}`; not costs."""
        return {}

    def generator_logs(self, model, step):
        """Values logged with each generator update, `{name: scalar}`; not costs."""
        return {}

    # --------------------------------------------------------------- the game

    def transform_discriminator_input(self, model, x, step, role):
        """What the discriminator sees instead of `x` (default: `x`)."""
        return x

    def generator_logits(self, model, logits, step):
        """The discriminator's outputs on generated samples, as the generator's adversarial cost sees them."""
        return logits

    def discriminator_gate(self, model):
        """None, or a boolean scalar: whether the discriminator updates in this step."""
        return None

    def generator_gate(self, model):
        """None, or a boolean scalar: whether the generator may update in this step."""
        return None

    def record_losses(self, model, d_loss, g_loss):
        """Sees the losses of each step (after both players' losses are known)."""

    def after_discriminator_update(self, model):
        """Runs after every discriminator update."""

    def after_generator_update(self, model):
        """Runs after every generator update."""

    def build_for(self, model):
        """Creates state that depends on the model's networks; called by `model.compile()`."""

    def call(self, inputs):  # a trick is not applied to tensors directly
        return inputs

    def _checked_weight(self, weight):
        """`weight` as a float >= 0 (1.0 when None); None for a trick with `weighted = False`."""
        name = type(self).__name__
        if not self.weighted:
            if weight is not None:
                raise TypeError(f"{name} adds no cost term, so it takes no `weight`; received weight={weight!r}. "
                                "Remove `weight=`.")
            return None
        if weight is None:
            return 1.0
        return check_number(weight, "weight", low=0, what=f"the factor of {name}'s cost term")

    def get_config(self):
        config = super().get_config()
        if self.weighted:
            config["weight"] = self.weight
        return config

