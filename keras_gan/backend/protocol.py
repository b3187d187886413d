"""The step protocol, written once: what a backend provides, what a model provides, and who calls what.

Three parties take part in a training step, each calling only the next:

1. A backend trainer (`keras_gan/backend/{tensorflow,jax,torch}/trainer.py`),
   called by Keras's `fit` through `model.train_step`, calls
   `keras_gan.backend.algorithm.train_step(model, data, B)` with itself as
   `B`, the `Primitives` below. It calls no model hook itself.
2. The algorithm calls the model's data hooks (`prepare_step`,
   `sample_latent`), hands the step to the model's update schedule
   (`model.schedule.run(model, step, B)`, a `keras_gan.schedules.UpdateSchedule`)
   and reads `get_metrics_result`.
3. The schedule calls the rest of `ModelHooks`, in the order its
   `call_order` declares; nothing else calls the update hooks
   (`after_discriminator_update`, `after_generator_update`,
   `record_step_losses`). The model reaches its tricks only through its
   `TrickChain` (`model.trick_chain`): costs and logs inside
   `compute_*_loss`, input transforms inside `discriminate`, gates inside
   `update_gate`, and the after-update hooks.

`step_call_order(schedule)` is the whole order of one step (k = 1, every
gate open); `tests/test_schedules.py` checks it against an instrumented step
for every schedule.
"""

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager as ContextManager
from typing import Any, Protocol

#: Hooks the algorithm calls before the schedule runs, and after.
STEP_START = ("prepare_step", "sample_latent")
STEP_END = ("get_metrics_result",)


def step_call_order(schedule):
    """The model hooks one training step calls, in order, under `schedule` (k = 1, gates open).

    Args:
        schedule: A `keras_gan.schedules.UpdateSchedule`.

    Returns:
        A tuple of hook names.

    Example:

    >>> from keras_gan.schedules import Alternating
    >>> step_call_order(Alternating())[:4]
    ('prepare_step', 'sample_latent', 'update_gate', 'update_gate')
    """
    return STEP_START + tuple(schedule.call_order) + STEP_END


class Primitives(Protocol):
    """What each backend's `trainer.py` provides to the algorithm and the schedules (the `B` they take)."""

    def value_and_grad(self, fn: Callable[[], tuple], groups: Sequence[Sequence[Any]]) -> tuple:
        """`fn() -> (losses, aux)`; returns `(losses, aux, grads)`, `grads[i]` of `losses[i]` w.r.t.
        `groups[i]`, all from one forward pass. `aux` holds arrays only."""

    def pause_recording(self) -> ContextManager:
        """A context in which work is not differentiated (an update nested in the other player's gradient)."""

    def cond(self, pred: Any, true_fn: Callable[[], None], false_fn: Callable[[], None] | None = None) -> None:
        """Runs the branch `pred` selects (`pred` None: `true_fn`); branches act through variables only."""

    def apply(self, optimizer: Any, grads: Sequence[Any], variables: Sequence[Any]) -> None:
        """Applies `grads` to `variables` with `optimizer`."""

    def scale_loss(self, optimizer: Any, loss: Any) -> Any:
        """The loss to differentiate (divided by the replicas, scaled for mixed precision)."""

    def conditional_updates_supported(self) -> bool:
        """Whether updates may sit in a conditional (every backend keras-gan ships: yes, with replicas too)."""

    def replica_index_and_count(self) -> tuple:
        """`(index, count)` of the data-parallel replica running the step (`(0, 1)` on one device)."""

    def replica_mean(self, x: Any) -> Any:
        """The mean of `x` over the data-parallel replicas, differentiable (`x` on one device)."""

    def replica_gather(self, x: Any) -> Any:
        """Every replica's `x`, concatenated along the first axis in replica order (`x` on one device)."""

    def concrete_int(self, variable: Any) -> int | None:
        """The variable's value as an int where it is known while tracing, else None."""

    def input_gradients(self, fn: Callable[[Any], Any], x: Any) -> Any:
        """The gradient of `sum(fn(x))` with respect to `x`, itself differentiable."""

    def stateless_latent(self, shape: Sequence[int], seed: Any, distribution: str) -> Any:
        """`shape` values, standard normal or uniform on [-1, 1], from a `(2,)` int seed."""

    def train_step(self, model: Any, *args: Any) -> dict:
        """One training step (JAX: `(state, data) -> (logs, state)`)."""

    def test_step(self, model: Any, *args: Any) -> dict:
        """Both players' losses and the metrics on a batch, without updates."""


class ModelHooks(Protocol):
    """What a model provides to the algorithm and its schedule (`AdversarialModel` implements it)."""

    schedule: Any
    d_optimizer: Any
    g_optimizer: Any

    def prepare_step(self, data: Any, training: bool) -> Any:
        """Unpacks a batch into a step object (`keras_gan.models.GANStep`)."""

    def sample_latent(self, step: Any) -> Any:
        """The generator's random inputs of the step, or None."""

    def generate_batch(self, step: Any, training: bool) -> Any:
        """The generated batch of the step."""

    def compute_discriminator_loss(self, step: Any) -> tuple:
        """`(loss, logs)`: the discriminator's cost with the tricks' terms, and what is logged with it."""

    def compute_generator_loss(self, step: Any) -> tuple:
        """`(loss, logs)`: the generator's cost with the tricks' terms, and what is logged with it."""

    def update_gate(self, role: str) -> Any:
        """None, or a boolean scalar: whether the tricks let `role` update in this step."""

    def after_discriminator_update(self) -> None:
        """Runs after each discriminator update."""

    def after_generator_update(self) -> None:
        """Runs after each generator update."""

    def record_step_losses(self, d_loss: Any, g_loss: Any) -> None:
        """Hands the step's losses to what schedules on them."""

    def update_metrics(self, logs: dict) -> None:
        """The one metrics channel."""

    def get_metrics_result(self) -> dict:
        """The metrics' values."""

    def player_variables(self, role: str) -> list:
        """The trainable variables of a player."""

    def optimizer_for(self, role: str) -> Any:
        """The optimizer of a player."""


#: Every hook of `ModelHooks` a step may call.
MODEL_HOOKS = tuple(name for name in vars(ModelHooks) if not name.startswith("_") and callable(vars(ModelHooks)[name]))
