"""`TrickChain`: a model's tricks folded into one, the way optax's `chain` folds transforms."""

from keras import ops


class TrickChain:
    """Applies a list of tricks in order, as one trick.

    The model owns one chain and the training step talks only to the model,
    so this is the single place where tricks meet: cost terms are summed
    (weighted) and logged (unweighted), input transforms are composed in
    order, gates are combined with a logical and, and the after-update hooks
    run in order.

    Args:
        tricks: A list of `keras_gan.tricks.Trick`.

    Example:

    >>> from keras_gan.tricks import Packing, InstanceNoise, TrickChain
    >>> chain = TrickChain([Packing(2), InstanceNoise(0.1)])
    >>> chain.batch_multiple, chain.log_names
    (2, ('instance_noise',))
    """

    def __init__(self, tricks):
        self.tricks = list(tricks)

    def __iter__(self):
        return iter(self.tricks)

    def __len__(self):
        return len(self.tricks)

    @property
    def log_names(self):
        """Every name the tricks log, in order."""
        return tuple(name for trick in self.tricks for name in trick.term_names)

    @property
    def batch_multiple(self):
        """The least common multiple of the tricks' batch multiples."""
        import math

        multiple = 1
        for trick in self.tricks:
            multiple = math.lcm(multiple, int(trick.batch_multiple))
        return multiple

    @property
    def samples_per_input(self):
        """Samples per discriminator input: the product of the tricks' (m under packing)."""
        count = 1
        for trick in self.tricks:
            count *= int(trick.samples_per_input)
        return count

    @property
    def replaces_generator_objective(self):
        """Whether any trick drops the generator's adversarial cost."""
        return any(trick.replaces_generator_objective for trick in self.tricks)

    def cost(self, model, step, player):
        """`(weighted sum of the player's terms, {name: unweighted term})`; the sum is 0.0 for none."""
        total = 0.0
        terms = {}
        for trick in self.tricks:
            own = (trick.discriminator_terms(model, step) if player == "discriminator"
                   else trick.generator_terms(model, step))
            for name, value in own.items():
                value = ops.cast(value, "float32")
                terms[name] = value
                if trick.weight:
                    total = total + trick.weight * value
        return total, terms

    def logs(self, model, step, player):
        """`{name: value}` the tricks log beside the player's loss (not costs)."""
        logs = {}
        for trick in self.tricks:
            own = (trick.discriminator_logs(model, step) if player == "discriminator"
                   else trick.generator_logs(model, step))
            for name, value in own.items():
                # A copy: a logged variable must show its value at this step, not one assigned later
                # in the step (PyTorch hands out the variable's own tensor, updated in place).
                logs[name] = ops.copy(ops.cast(value, "float32"))
        return logs

    def transform_discriminator_input(self, model, x, step, role):
        """`x` through every trick's input transform, in order."""
        for trick in self.tricks:
            x = trick.transform_discriminator_input(model, x, step, role)
        return x

    def generator_logits(self, model, logits, step):
        """The fake logits through every trick's `generator_logits`, in order."""
        for trick in self.tricks:
            logits = trick.generator_logits(model, logits, step)
        return logits

    def gate(self, model, player):
        """None (no trick gates the player) or the logical and of the tricks' gates."""
        gate = None
        for trick in self.tricks:
            own = trick.discriminator_gate(model) if player == "discriminator" else trick.generator_gate(model)
            if own is not None:
                gate = own if gate is None else ops.logical_and(gate, own)
        return gate

    def record_losses(self, model, d_loss, g_loss):
        for trick in self.tricks:
            trick.record_losses(model, d_loss, g_loss)

    def after_update(self, model, player):
        for trick in self.tricks:
            if player == "discriminator":
                trick.after_discriminator_update(model)
            else:
                trick.after_generator_update(model)

    def build_for(self, model):
        for trick in self.tricks:
            trick.build_for(model)
