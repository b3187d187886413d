"""`JaxStateMixin`: the four overrides that put both players' optimizers in Keras's JAX training state.

Keras's JAX trainer threads `self.optimizer`'s variables through its pure
step; a GAN has two optimizers. These overrides (the only ones of Keras's
private trainer methods) send Keras's calls to `keras_gan.backend.jax.state`,
which puts both optimizers' variables in that slot. They are inert on the
other backends, whose trainers never call them. `tests/backend/test_keras_contract.py`
checks that Keras still calls them with these arguments.
"""


class JaxStateMixin:
    """Mixed into `AdversarialModel`: Keras's JAX trainer state with two optimizers."""

    def _get_jax_state(self, *args, **kwargs):
        from keras_gan.backend.jax import state

        return state.get_jax_state(self, *args, **kwargs)

    def _purge_model_variables(self, *args, **kwargs):
        from keras_gan.backend.jax import state

        return state.purge(self, *args, **kwargs)

    def jax_state_sync(self):
        from keras_gan.backend.jax import state

        return state.jax_state_sync(self)

    def _get_state_sharding_spec(self):
        from keras_gan.backend.jax import state

        return state.get_state_sharding_spec(self)


def restore_after_failed_step(model):
    """After a step raised: on JAX, gives the purged variables their values back (the model stays usable)."""
    import keras

    if keras.backend.backend() == "jax":
        from keras_gan.backend.jax import state

        state.restore_purged(model)
