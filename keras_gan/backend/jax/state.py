"""The training state Keras's JAX trainer threads, with both players' optimizers in it.

Keras's JAX `fit` passes `state = (trainable, non_trainable, optimizer,
metrics)` values through a pure `train_step(state, data)` and writes them
back to the variables with `jax_state_sync`. It knows one optimizer,
`model.optimizer`; a GAN has two. `AdversarialModel` overrides exactly four
private methods of Keras's JAX trainer (`_get_jax_state`,
`_purge_model_variables`, `jax_state_sync`, `_get_state_sharding_spec`) and
sends them here, where the optimizer slot holds both players' optimizer
variables (`model.optimizer_variables()`). `tests/backend/test_keras_contract.py`
checks that Keras still calls these methods with these arguments and fails
with an explanation if a Keras release changes them.
"""

import jax.numpy as jnp


def state_variables(model):
    """The four groups of variables of the state, in Keras's order."""
    return [
        list(model.trainable_variables),
        list(model.non_trainable_variables),
        list(model.optimizer_variables()),
        list(model.metrics_variables),
    ]


def _selected(model, trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables):
    """The groups of `state_variables` that Keras's flags select, in Keras's order."""
    flags = (trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables)
    return [group for wanted, group in zip(flags, state_variables(model)) if wanted]


def get_jax_state(
    model,
    trainable_variables=False,
    non_trainable_variables=False,
    optimizer_variables=False,
    metrics_variables=False,
    purge_model_variables=False,
):
    groups = _selected(model, trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables)
    seen = set()

    def value_of(variable):
        # The step donates its input buffers: two variables holding one array (an
        # `assign` of one variable's value to another) must not pass it twice.
        value = variable.value
        if id(value) in seen:
            value = jnp.array(value, copy=True)
        seen.add(id(value))
        return value

    state = tuple([value_of(v) for v in group] for group in groups)
    if purge_model_variables:
        # Kept until `jax_state_sync` writes the state back: a step that raises (while tracing, say) would
        # otherwise leave the variables without values (`restore_purged`).
        saved = [(v, v.value) for group in groups for v in group]
        object.__setattr__(model, "_jax_values_before_step", saved)  # untracked: not model state
        for group in groups:
            for variable in group:
                variable._value = None
    return state


def purge(
    model,
    trainable_variables=False,
    non_trainable_variables=False,
    optimizer_variables=False,
    metrics_variables=False,
):
    """Drops the variables' own copies while the state lives in the step (Keras does the same)."""
    for group in _selected(model, trainable_variables, non_trainable_variables, optimizer_variables,
                           metrics_variables):
        for variable in group:
            variable._value = None


def jax_state_sync(model):
    """Writes the state of the last step back into the variables."""
    state = getattr(model, "_jax_state", None)
    if not state or getattr(model, "_jax_state_synced", True):
        return
    groups = dict(
        zip(
            ("trainable_variables", "non_trainable_variables", "optimizer_variables", "metrics_variables"),
            state_variables(model),
        )
    )
    for key, variables in groups.items():
        values = state.get(key, None)
        if values:
            for variable, value in zip(variables, values):
                variable.assign(value)
    model._jax_state_synced = True
    # The variables hold their values again: the copies kept for `restore_purged`
    # (a second copy of every weight) are not needed past this point.
    object.__setattr__(model, "_jax_values_before_step", None)


def get_state_sharding_spec(model):
    """The layouts the jitted step returns the state with (read when a `keras.distribution` is set)."""
    from keras_gan.backend.jax.distribution import check_variable_layouts

    trainable, non_trainable, optimizer, metrics = state_variables(model)
    check_variable_layouts(model, (trainable, non_trainable, optimizer, metrics))
    return tuple([v.value.sharding for v in group] for group in (trainable, non_trainable, optimizer, metrics))


def restore_purged(model):
    """Gives purged variables back their last values (after a step raised before returning its state)."""
    saved = getattr(model, "_jax_values_before_step", None) or []
    for variable, value in saved:
        if variable._value is None:
            variable._value = value
    object.__setattr__(model, "_jax_values_before_step", None)
