"""Historical averaging: each player is pulled towards the average of its past parameters."""

import keras
from keras import ops

from keras_gan.tricks.base import Trick
from keras_gan.utils.arguments import check_choice

PLAYERS = ("discriminator", "generator")


@keras.saving.register_keras_serializable(package="keras_gan")
class HistoricalAveraging(Trick):
    """Adds `||theta - (1/t) sum_{i=1}^t theta[i]||^2` to each player's cost (Salimans et al., 3.3).

    `theta[i]` is the player's parameters after its i-th update; the running
    average is kept in non-trainable Keras variables (saved with the model)
    and updated after each of the player's updates. Before a player's first
    update the average is its initial parameters, so the term starts at 0.
    The sum runs over all the player's trainable weights. Logged as
    `historical_averaging_d` and `historical_averaging_g` (unweighted).

    Args:
        weight: Weight of the term in each player's cost.
        players: Which players it applies to: `"both"`, `"discriminator"` or
            `"generator"`.

    Example:

    >>> import keras, keras_gan
    >>> G = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    >>> D = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8), keras.layers.LeakyReLU(0.2),
    ...                       keras.layers.Dense(1)])
    >>> gan = keras_gan.models.GAN(G, D, latent_dim=4, tricks=[keras_gan.tricks.HistoricalAveraging(1e-3)])
    >>> gan.compile()
    >>> history = gan.fit(np.random.normal(size=(64, 2)).astype("float32"), batch_size=16, verbose=0)
    >>> sorted(k for k in history.history if k.startswith("historical"))
    ['historical_averaging_d', 'historical_averaging_g']

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    """

    def __init__(self, weight=1e-3, players="both", name="historical_averaging", **kwargs):
        super().__init__(weight=weight, name=name, **kwargs)
        self.players = check_choice(players, "players", ("both",) + PLAYERS)
        self.term_names = tuple(
            f"historical_averaging_{p[0]}" for p in PLAYERS if players in (p, "both")
        )
        self._averages = {}

    def _applies(self, player):
        return self.players in (player, "both")

    def build_for(self, model):
        """Creates the running averages and update counters (called by `compile`)."""
        for player in PLAYERS:
            if not self._applies(player) or player in self._averages:
                continue
            variables = model.player_variables(player)
            averages = [
                self.add_weight(shape=v.shape, initializer="zeros", trainable=False, name=f"{player}_avg_{i}")
                for i, v in enumerate(variables)
            ]
            for average, variable in zip(averages, variables):
                average.assign(ops.cast(variable, "float32"))
            count = self.add_weight(shape=(), initializer="zeros", trainable=False, dtype="float32",
                                    name=f"{player}_count")
            self._averages[player] = (averages, count)

    def _distance(self, model, player):
        averages, _ = self._averages[player]
        total = 0.0
        for variable, average in zip(model.player_variables(player), averages):
            total = total + ops.sum(ops.square(ops.cast(variable, "float32") - average))
        return total

    def _update(self, model, player):
        averages, count = self._averages[player]
        count.assign_add(1.0)
        for variable, average in zip(model.player_variables(player), averages):
            average.assign_add((ops.cast(variable, "float32") - average) / count)

    def discriminator_terms(self, model, step):
        if not self._applies("discriminator"):
            return {}
        return {"historical_averaging_d": self._distance(model, "discriminator")}

    def generator_terms(self, model, step):
        if not self._applies("generator"):
            return {}
        return {"historical_averaging_g": self._distance(model, "generator")}

    def after_discriminator_update(self, model):
        if self._applies("discriminator"):
            self._update(model, "discriminator")

    def after_generator_update(self, model):
        if self._applies("generator"):
            self._update(model, "generator")

    def get_config(self):
        config = super().get_config()
        config["players"] = self.players
        return config
