"""What keras-gan's JAX trainer relies on in Keras's private API, checked against the installed Keras.

`keras_gan/backend/jax/state.py` puts both players' optimizers in the state
that Keras's JAX `fit` threads through its pure step, by overriding four
private methods of `keras.src.backend.jax.trainer.JAXTrainer`; the JAX
trainer runs hooks inside `keras.StatelessScope` and applies optimizers with
`stateless_apply`. If a Keras release renames or re-signs any of these, these
tests fail with what changed and where to adapt, instead of a JAX `fit` that
silently drops an optimizer's state.
"""

import importlib.util
import inspect

import keras
import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")

FIX = (" keras-gan's overrides live in keras_gan/backend/jax/state.py (called from "
       "AdversarialModel in keras_gan/models/base.py); adapt them to this Keras release "
       f"(installed: {keras.__version__}).")

OVERRIDDEN = {
    "_get_jax_state": ["trainable_variables", "non_trainable_variables", "optimizer_variables",
                       "metrics_variables", "purge_model_variables"],
    "_purge_model_variables": ["trainable_variables", "non_trainable_variables", "optimizer_variables",
                               "metrics_variables"],
    "jax_state_sync": [],
    "_get_state_sharding_spec": [],
}


@pytest.fixture(scope="module")
def jax_trainer():
    from keras.src.backend.jax import trainer

    return trainer.JAXTrainer


@pytest.mark.parametrize("method", sorted(OVERRIDDEN))
def test_the_overridden_private_methods_keep_their_signatures(jax_trainer, method):
    assert hasattr(jax_trainer, method), f"Keras's JAXTrainer no longer has `{method}`." + FIX
    parameters = list(inspect.signature(getattr(jax_trainer, method)).parameters)[1:]
    assert parameters == OVERRIDDEN[method], (
        f"JAXTrainer.{method} now takes {parameters}, keras-gan expects {OVERRIDDEN[method]}." + FIX)


def test_fit_threads_the_optimizer_slot_through_these_methods(jax_trainer):
    source = inspect.getsource(jax_trainer.fit)
    for needle in ("self._get_jax_state(", "optimizer_variables=True", '"optimizer_variables": optimizer_variables',
                   "self.jax_state_sync()", "self._jax_state_synced", "self.train_function(state, iterator)"):
        assert needle in source, f"JAXTrainer.fit no longer contains `{needle}`." + FIX
    sync = inspect.getsource(jax_trainer.jax_state_sync)
    assert 'self._jax_state.get("optimizer_variables"' in sync, "jax_state_sync reads its state differently." + FIX


def test_train_step_is_a_pure_function_of_a_four_part_state(jax_trainer):
    assert list(inspect.signature(jax_trainer.train_step).parameters) == ["self", "state", "data"], (
        "JAXTrainer.train_step is no longer train_step(self, state, data)." + FIX)
    source = inspect.getsource(jax_trainer.train_step)
    assert "optimizer_variables," in source and "metrics_variables," in source, (
        "JAXTrainer's state is no longer (trainable, non_trainable, optimizer, metrics)." + FIX)


def test_stateless_scope_and_stateless_apply_are_as_used():
    scope = keras.StatelessScope()
    assert isinstance(getattr(scope, "state_mapping", None), dict), (
        "keras.StatelessScope no longer keeps its values in `state_mapping`; "
        "keras_gan/backend/jax/trainer.py reads and extends it." + FIX)
    parameters = list(inspect.signature(keras.optimizers.Optimizer.stateless_apply).parameters)
    assert parameters == ["self", "optimizer_variables", "grads", "trainable_variables"], (
        "Optimizer.stateless_apply changed its signature; keras_gan/backend/jax/trainer.apply calls it." + FIX)
