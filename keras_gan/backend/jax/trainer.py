"""The JAX trainer: the step of `keras_gan.backend.algorithm` as a pure function of the state.

Keras's JAX trainer calls `model.train_step(state, data)` under `jax.jit`,
with `state = (trainable, non_trainable, optimizer, metrics)` values (the
optimizer slot holds both players' optimizers, see `state.py`). The step
runs the shared algorithm inside a `keras.StatelessScope` that maps every
variable to its value in the state, so hooks that assign variables (the
latent stream, the step counter, the tricks' state, the optimizers) work
unchanged, as in keras-hub's `make_generate_function`; the new values are
read back from the scope into the returned state.

Primitives: gradients come from `jax.vjp` of a function that runs `fn` in
a scope of its own (the values assigned inside leave through the auxiliary
output, so nothing leaks out of the trace); `cond` is `jax.lax.cond` over
every variable's value; optimizers apply through `stateless_apply`.
"""

import contextlib
import sys

import jax
import jax.numpy as jnp
import keras
from keras import ops

from keras_gan.backend import algorithm

# The scopes the running step opened, innermost last, each with the step's
# `{id(variable): variable}`: empty between steps, so no variable (nor model)
# outlives its step here.
_SCOPES = []


@contextlib.contextmanager
def _scope(mapping, variables=None):
    """A `keras.StatelessScope` over `{id(variable): value}` (every variable of the step).

    `variables` (`{id(variable): variable}`) is given by the step's outermost
    scope; a nested scope uses the one of the scope it is opened in.
    """
    if variables is None:
        variables = _SCOPES[-1][1]
    with keras.StatelessScope([(variables[key], value) for key, value in mapping.items()]) as scope:
        _SCOPES.append((scope, variables))
        try:
            yield scope
        finally:
            _SCOPES.pop()


def _current():
    return _SCOPES[-1][0].state_mapping


def _read(scope, keys):
    return [scope.state_mapping[key] for key in keys]


def value_and_grad(fn, groups):
    """`fn() -> (losses, aux)`; returns `(losses, aux, grads)` from one forward pass (`jax.vjp`)."""
    base = dict(_current())
    keys = list(base)
    groups = [list(group) for group in groups]

    def pure(*values):
        mapping = dict(base)
        for group, group_values in zip(groups, values):
            for variable, value in zip(group, group_values):
                mapping[id(variable)] = value
        with _scope(mapping) as scope:
            losses, aux = fn()
        return tuple(losses), (aux, _read(scope, keys))

    initial = [[base[id(v)] for v in group] for group in groups]
    losses, vjp, (aux, state) = jax.vjp(pure, *initial, has_aux=True)
    grads = []
    for i in range(len(losses)):
        cotangent = tuple(jnp.ones_like(loss) if j == i else jnp.zeros_like(loss) for j, loss in enumerate(losses))
        grads.append(list(vjp(cotangent)[i]))
    _current().update(zip(keys, state))
    return losses, aux, grads


def pause_recording():
    return contextlib.nullcontext()


def cond(pred, true_fn, false_fn=None):
    """`jax.lax.cond` over the values of every variable; `pred` None runs `true_fn`."""
    if pred is None:
        true_fn()
        return
    keys = list(_current())

    def branch(fn):
        def run(values):
            with _scope(dict(zip(keys, values))) as scope:
                if fn is not None:
                    fn()
            return _read(scope, keys)

        return run

    pred = ops.convert_to_tensor(pred, "bool")
    values = jax.lax.cond(pred, branch(true_fn), branch(false_fn), _read(_SCOPES[-1][0], keys))
    _current().update(zip(keys, values))


def scale_loss(optimizer, loss):
    return optimizer.scale_loss(loss)


def apply(optimizer, grads, variables):
    """`optimizer.stateless_apply` on the scope's values; the new values are assigned back."""
    mapping = _current()
    optimizer_values = [mapping[id(v)] for v in optimizer.variables]
    values = [mapping[id(v)] for v in variables]
    new_values, new_optimizer_values = optimizer.stateless_apply(optimizer_values, grads, values)
    for variable, value in zip(variables, new_values):
        variable.assign(value)
    for variable, value in zip(optimizer.variables, new_optimizer_values):
        variable.assign(value)


def conditional_updates_supported():
    return True


def concrete_int(variable):
    """The variable's value if it is concrete (outside a trace), else None."""
    try:
        return int(ops.convert_to_numpy(variable))
    except (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError, TypeError, ValueError):
        return None


def input_gradients(fn, x):
    """`jax.grad` of `sum(fn(x))`; values the call assigns (batch statistics) are kept."""
    base = dict(_current())
    keys = list(base)

    def total(x):
        with _scope(dict(base)) as scope:
            out = fn(x)
        return jnp.sum(out.astype("float32")), _read(scope, keys)

    grads, state = jax.grad(total, has_aux=True)(ops.convert_to_tensor(x))
    _current().update(zip(keys, state))
    return grads


def replica_index_and_count():
    """`(0, 1)`: under `keras.distribution` the step is one program over the global batch."""
    return 0, 1


def replica_mean(x):
    return x


def replica_gather(x):
    return x


def stateless_latent(shape, seed, distribution):
    seed = ops.convert_to_tensor(seed, "int32")
    key = jax.random.fold_in(jax.random.fold_in(jax.random.PRNGKey(0), seed[0]), seed[1])
    shape = tuple(int(d) for d in shape)
    if distribution == "uniform":
        return jax.random.uniform(key, shape, minval=-1.0, maxval=1.0)
    return jax.random.normal(key, shape)


def _run(model, state, fn):
    """Runs `fn()` in a scope over `state`; returns its result and the new state."""
    from keras_gan.backend.jax.state import state_variables

    groups = state_variables(model)
    if len(state) == 3:  # evaluation: (trainable, non_trainable, metrics)
        groups = [groups[0], groups[1], groups[3]]
    mapping, variables = {}, {}
    for group, values in zip(groups, state):
        for variable, value in zip(group, values):
            variables[id(variable)] = variable
            mapping[id(variable)] = value
    with _scope(mapping, variables) as scope:
        result = fn()
        new_state = tuple([scope.state_mapping[id(v)] for v in group] for group in groups)
    return result, new_state


def train_step(model, state, data):
    """One adversarial step as a pure function: `(logs, new_state)`."""
    return _run(model, state, lambda: algorithm.train_step(model, data, sys.modules[__name__]))


def test_step(model, state, data):
    return _run(model, state, lambda: algorithm.test_step(model, data))
