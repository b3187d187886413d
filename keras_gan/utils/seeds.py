"""Saving the state of a layer's `keras.random.SeedGenerator`s with the model.

Keras saves a layer's trainable and non-trainable variables but not the state
of its seed generators, so a reloaded layer would restart its random stream
and a resumed run would draw different numbers from an uninterrupted one.
Layers that draw random numbers during training (tricks, `ImagePool`) mix this
in to save and restore that state too.
"""

_PREFIX = "seed_generator_"


class SavesSeedState:
    """Mixin for a `keras.layers.Layer`: its seed generators' states are saved with it."""

    def save_own_variables(self, store):
        super().save_own_variables(store)
        for i, generator in enumerate(self._seed_generators):
            store[f"{_PREFIX}{i}"] = generator.state

    def load_own_variables(self, store):
        keys = list(store.keys())
        own = {k: store[k] for k in keys if not k.startswith(_PREFIX)}
        super().load_own_variables(own)
        for i, generator in enumerate(self._seed_generators):
            key = f"{_PREFIX}{i}"
            if key in keys:
                generator.state.assign(store[key])
