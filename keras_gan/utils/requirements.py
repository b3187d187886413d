"""Rules declared by their owners: a trick, model, loss, layer or callback states what it needs.

Each owner class lists its rules in a `requirements` tuple next to its code,
each a `Requirement` with the docstring words it enforces and a small check.
`keras_gan.models.validation.check_requirements` collects them from a model,
its loss, its tricks, the layers of its networks and the callbacks of a run,
and runs them at `compile` or `fit`; nothing is looked up by class name.
This module imports nothing from keras-gan, so any part of it may declare
rules.
"""

import dataclasses
import inspect

import keras

STAGES = ("construction", "compile", "fit", "trace")
SEVERITIES = ("error", "warning")


@dataclasses.dataclass(frozen=True)
class Requirement:
    """A rule a docstring states ("must", "should not", "requires"), with its check or where it is enforced.

    An owner class declares its rules as a class attribute,
    `requirements = (Requirement(...), ...)`; the rules of a class's bases
    apply too (`declared_requirements`). `check(owner, model, context)` gets
    the owner instance (the trick, loss, layer, callback, or the model
    itself), the model, and what the stage knows (`context`: at `fit`,
    `batch_sizes`, `batch_text` and `callbacks`), and returns None when the
    rule holds, else a message that names what was passed and the fix.

    Args:
        name: A short identifier (tests name it).
        quote: The owner's docstring words that state the rule (a test
            checks they are still there).
        stage: When it is checked: `"construction"`, `"compile"`, `"fit"`,
            or `"trace"` (the first trace of the step, before any update).
        check: `check(owner, model, context) -> message or None`; None when
            the rule is enforced in place (see `enforced_by`).
        severity: `"error"` (`compile`/`fit` raises `GANConfigurationError`)
            or `"warning"` (a `UserWarning`: a rule a user may knowingly bend).
        enforced_by: Where a rule with no `check` is enforced.

    Example:

    >>> def one_discriminator(owner, model, context):
    ...     count = len(model.player_networks("discriminator"))
    ...     return None if count == 1 else f"{type(owner).__name__} needs one discriminator, not {count}."
    >>> rule = Requirement("one_discriminator", "needs one discriminator", "compile", one_discriminator)
    >>> rule.severity
    'error'
    """

    name: str
    quote: str
    stage: str
    check: object = None
    severity: str = "error"
    enforced_by: str = ""

    def __post_init__(self):
        if self.stage not in STAGES:
            raise ValueError(f"`stage` must be one of {STAGES}; received stage={self.stage!r}.")
        if self.severity not in SEVERITIES:
            raise ValueError(f"`severity` must be one of {SEVERITIES}; received severity={self.severity!r}.")
        if self.check is None and not self.enforced_by:
            raise ValueError(f"Requirement {self.name!r} needs a `check`, or `enforced_by` saying where it is "
                             "enforced.")


def declared_requirements(owner):
    """The rules an object (or class) declares: each class's own `requirements`, bases first.

    Each class of `owner`'s method resolution order contributes the
    `requirements` tuple it defines itself (so a subclass that declares its
    own keeps its bases' rules). Keras's and third-party classes declare
    none; attributes named `requirements` that hold no `Requirement` are
    ignored.

    Args:
        owner: A trick, model, loss, layer or callback, or its class.

    Returns:
        A tuple of `Requirement`.

    Example:

    >>> class Owner:
    ...     requirements = (Requirement("a", "must be a", "compile", enforced_by="doc"),)
    >>> class Child(Owner):
    ...     requirements = (Requirement("b", "must be b", "compile", enforced_by="doc"),)
    >>> [r.name for r in declared_requirements(Child())]
    ['a', 'b']
    """
    cls = owner if inspect.isclass(owner) else type(owner)
    found = []
    for klass in reversed(inspect.getmro(cls)):
        own = vars(klass).get("requirements", ())
        if isinstance(own, (tuple, list)):
            found += [r for r in own if isinstance(r, Requirement) and r not in found]
    return tuple(found)


def layers_of(network):
    """Every layer of a network, nested models' layers included (the network itself first).

    Args:
        network: A Keras layer or model.

    Returns:
        A list of layers.

    Example:

    >>> import keras
    >>> inner = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    >>> outer = keras.Sequential([keras.Input((2,)), inner, keras.layers.Dense(1)])
    >>> [type(layer).__name__ for layer in layers_of(outer) if not isinstance(layer, keras.layers.InputLayer)]
    ['Sequential', 'Sequential', 'Dense', 'Dense']
    """
    if hasattr(network, "_flatten_layers"):
        return list(network._flatten_layers(include_self=True, recursive=True))
    return [network]


def network_io(network):
    """`(inputs, outputs)` of a Sequential or functional network; `(None, None)` for a subclassed one.

    Args:
        network: A Keras layer or model.

    Returns:
        Two lists of symbolic tensors, or `(None, None)` when the network
        declares no `keras.Input`.

    Example:

    >>> import keras
    >>> x = keras.Input((4,))
    >>> two_heads = keras.Model(x, [keras.layers.Dense(1)(x), keras.layers.Dense(3)(x)])
    >>> [len(part) for part in network_io(two_heads)]
    [1, 2]
    """
    try:
        inputs, outputs = getattr(network, "inputs", None), getattr(network, "outputs", None)
    except (AttributeError, ValueError):
        return None, None
    if not inputs or not outputs:
        return None, None
    return list(inputs), list(outputs)


def batch_norm_problem(model):
    """What is wrong with batch normalization in a model's discriminators under a gradient penalty, or None.

    Args:
        model: A keras-gan model (its `player_networks("discriminator")` are searched, nested layers included).

    Returns:
        A phrase naming the batch-normalization layers and the fix, or None
        when there are none.

    Example:

    >>> class Model:
    ...     def player_networks(self, role):
    ...         return [keras.Sequential([keras.Input((2,)), keras.layers.BatchNormalization(name="bn")])]
    >>> batch_norm_problem(Model())[:58]
    'the discriminator (critic) has batch normalization (bn), b'
    """
    found = []
    for network in model.player_networks("discriminator"):
        found += [layer.name for layer in layers_of(network) if isinstance(layer, keras.layers.BatchNormalization)]
    if not found:
        return None
    return (f"the discriminator (critic) has batch normalization ({', '.join(found[:3])}), but a gradient penalty "
            "is defined per sample and batch normalization makes each score depend on the whole batch "
            "(Gulrajani et al., section 4). Use keras.layers.LayerNormalization, or no normalization, in the critic.")


def cannot_use(model, trick, reason, instead):
    """The refusal of a model × trick pair: `"<Model> cannot use <Trick>: <reason>. Use <instead> instead."`.

    Every compatibility refusal has this form, so it names the model class,
    the trick class, why they cannot work together and what to use instead.

    Args:
        model: The model (its class name is printed).
        trick: The trick, or a label for it such as `"Packing(m=2)"`.
        reason: Why the pair cannot work (no final period).
        instead: What to use instead (no final period).

    Returns:
        The message.

    Example:

    >>> class CycleGAN: pass
    >>> class FeatureMatching: pass
    >>> cannot_use(CycleGAN(), FeatureMatching(), "it reads one discriminator", "HistoricalAveraging")
    'CycleGAN cannot use FeatureMatching: it reads one discriminator. Use HistoricalAveraging instead.'
    """
    label = trick if isinstance(trick, str) else type(trick).__name__
    return f"{type(model).__name__} cannot use {label}: {reason}. Use {instead} instead."
