"""Train only the player that is losing: thresholds on the last step's losses."""

import keras
from keras import ops

from keras_gan.tricks.base import Trick
from keras_gan.utils.arguments import check_number
from keras_gan.utils.requirements import Requirement, cannot_use

#: The thresholds' defaults: cross-entropy values (a non-saturating `g_loss < 0.3` means `D(G(z)) > 0.74`).
DEFAULT_THRESHOLDS = (0.3, 0.3)


def _thresholds_on_the_loss_scale(trick, model, context):
    """The default thresholds under a critic's loss (unbounded scores): the players would stop updating."""
    loss = getattr(model, "loss_fn", None)
    if loss is None or getattr(loss, "probabilistic", True) or trick._thresholds != DEFAULT_THRESHOLDS:
        return None
    return cannot_use(
        model, f"TrainLosingPlayer with its default thresholds {DEFAULT_THRESHOLDS}",
        f"they are cross-entropy values, and the {loss.name} loss is a critic's unbounded score, often below "
        "0.3 or negative, so the players soon stop updating for good",
        "thresholds on that loss's scale, TrainLosingPlayer(discriminator_threshold=..., generator_threshold=...), "
        "or a fixed schedule (discriminator_steps=k, keras_gan.callbacks.DiscriminatorSteps)")


@keras.saving.register_keras_serializable(package="keras_gan")
class TrainLosingPlayer(Trick):
    """Skips the update of a player that is winning comfortably (the DCGAN notes' scheduling).

    "The most intuitive way to enforce a Nash equilibrium is to only update
    the current worst of the two networks at each iteration." After each
    step the players' losses are kept in Keras variables; at the next step,
    the discriminator's update is skipped when its last loss was below
    `discriminator_threshold` (it separates real from generated too well),
    and the generator's when its last loss was below `generator_threshold`
    (it fools the discriminator too well). Otherwise both update. The
    defaults suit the cross-entropy objectives (a non-saturating
    `g_loss < 0.3` means `D(G(z)) > 0.74`). With a critic's loss
    (Wasserstein, hinge: `probabilistic = False`), the thresholds must be
    given on that loss's scale: compile refuses the defaults there. Logged:
    `d_updates` and `g_updates`, the share of steps in which each player
    updated. The trick adds no cost term, so it takes no `weight`.

    The gates are evaluated inside the compiled step, so changing the
    thresholds (`trick.discriminator_threshold.assign(...)`) does not retrace.

    Args:
        discriminator_threshold: Skip the discriminator's update below this loss.
        generator_threshold: Skip the generator's update below this loss.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8), keras.layers.LeakyReLU(0.2),
    ...                       keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[keras_gan.tricks.TrainLosingPlayer(0.3, 0.3)])
    >>> gan.compile()
    >>> history = gan.fit(np.random.normal(size=(64, 2)).astype("float32"), batch_size=16, verbose=0)
    >>> 0.0 <= history.history["d_updates"][0] <= 1.0
    True
    """

    term_names = ("d_updates", "g_updates")
    weighted = False
    requirements = (
        Requirement("train_losing_player_loss_scale", "the thresholds must be given on that loss's scale",
                    "compile", _thresholds_on_the_loss_scale),
    )

    def __init__(self, discriminator_threshold=DEFAULT_THRESHOLDS[0], generator_threshold=DEFAULT_THRESHOLDS[1],
                 name="train_losing_player", **kwargs):
        super().__init__(name=name, **kwargs)
        # Any finite number: a critic's loss (Wasserstein, hinge) can be negative.
        self._thresholds = (
            check_number(discriminator_threshold, "discriminator_threshold",
                         what="the discriminator's update is skipped while its last loss is below it"),
            check_number(generator_threshold, "generator_threshold",
                         what="the generator's update is skipped while its last loss is below it"))
        self.discriminator_threshold = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(self._thresholds[0]), trainable=False,
            name="discriminator_threshold")
        self.generator_threshold = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(self._thresholds[1]), trainable=False,
            name="generator_threshold")
        # Large initial losses: both players update at the first step.
        self.last_d_loss = self.add_weight(shape=(), initializer=keras.initializers.Constant(1e9),
                                           trainable=False, name="last_d_loss")
        self.last_g_loss = self.add_weight(shape=(), initializer=keras.initializers.Constant(1e9),
                                           trainable=False, name="last_g_loss")

    def discriminator_gate(self, model):
        return ops.greater_equal(self.last_d_loss, self.discriminator_threshold)

    def generator_gate(self, model):
        return ops.greater_equal(self.last_g_loss, self.generator_threshold)

    def discriminator_logs(self, model, step):
        # Logged with every discriminator update, so each is the share of steps its player updated.
        return {
            "d_updates": ops.cast(self.discriminator_gate(model), "float32"),
            "g_updates": ops.cast(self.generator_gate(model), "float32"),
        }

    def record_losses(self, model, d_loss, g_loss):
        self.last_d_loss.assign(ops.cast(d_loss, "float32"))
        self.last_g_loss.assign(ops.cast(g_loss, "float32"))

    def get_config(self):
        config = super().get_config()
        config.update({"discriminator_threshold": self._thresholds[0], "generator_threshold": self._thresholds[1]})
        return config
