# ruff: noqa: E501 - the table holds whole messages, one per line
"""Every trick's arguments: a wrong one is refused when the trick is built, in the shared format:
what it must be, what it is for, and the value received (`keras_gan/utils/arguments.py`)."""

import pytest

from keras_gan import tricks

REFUSALS = [
    ("GradientPenalty", dict(weight=-1), ValueError,
     "`weight` must be a number >= 0 (the factor of GradientPenalty's cost term). Received: weight=-1 (the int -1)."),
    ("GradientPenalty", dict(weight='10'), TypeError,
     "`weight` must be a number >= 0 (the factor of GradientPenalty's cost term). Received: weight='10' (the string '10')."),
    ("GradientPenalty", dict(target=-1), ValueError,
     '`target` must be a number >= 0 (the gradient norm it pulls toward: 1 in WGAN-GP, 0 zero-centred). Received: target=-1 (the int -1).'),
    ("GradientPenalty", dict(seed=-3), ValueError,
     '`seed` must be an int >= 0 or None (a random seed). Received: seed=-3 (the int -3).'),
    ("R1Penalty", dict(gamma=-1), ValueError,
     "`gamma` must be a number >= 0 (R1's strength: gamma / 2 times the squared gradient norm). Received: gamma=-1 (the int -1)."),
    ("R1Penalty", dict(gamma='1'), TypeError,
     "`gamma` must be a number >= 0 (R1's strength: gamma / 2 times the squared gradient norm). Received: gamma='1' (the string '1')."),
    ("HistoricalAveraging", dict(players='critic'), ValueError,
     "`players` must be one of 'both', 'discriminator', 'generator'. Received: players='critic' (the string 'critic')."),
    ("OrthogonalRegularization", dict(player='both'), ValueError,
     "`player` must be one of 'generator', 'discriminator'. Received: player='both' (the string 'both')."),
    ("Packing", dict(m=0), ValueError,
     '`m` must be an int >= 1 (samples per pack). Received: m=0 (the int 0).'),
    ("Packing", dict(m=2.5), TypeError,
     '`m` must be an int >= 1 (samples per pack). Received: m=2.5 (the float 2.5).'),
    ("TopK", dict(min_fraction=0.0), ValueError,
     '`min_fraction` must be a number in (0, 1] (the smallest share of the batch kept). Received: min_fraction=0.0 (the float 0.0).'),
    ("TopK", dict(min_fraction=True), TypeError,
     '`min_fraction` must be a number in (0, 1] (the smallest share of the batch kept). Received: min_fraction=True (the bool True).'),
    ("TopK", dict(decay=1.5), ValueError,
     "`decay` must be a number in (0, 1] (the kept share's factor every decay_steps generator updates). Received: decay=1.5 (the float 1.5)."),
    ("TopK", dict(decay_steps=0), ValueError,
     '`decay_steps` must be an int >= 1 (generator updates between decays). Received: decay_steps=0 (the int 0).'),
    ("TopK", dict(decay_steps=1.5), TypeError,
     '`decay_steps` must be an int >= 1 (generator updates between decays). Received: decay_steps=1.5 (the float 1.5).'),
    ("WeightClipping", dict(clip_value=0), ValueError,
     '`clip_value` must be a number > 0 (c: every discriminator weight is clipped to [-c, c]). Received: clip_value=0 (the int 0).'),
    ("WeightClipping", dict(clip_value=float("nan")), ValueError,
     '`clip_value` must be a number > 0 (c: every discriminator weight is clipped to [-c, c]). Received: clip_value=nan (the float nan).'),
    ("FeatureMatching", dict(layer=1.5), TypeError,
     "FeatureMatching's `layer` must be a layer name or an int index into `discriminator.layers`. Received: layer=1.5 (the float 1.5)."),
    ("InstanceNoise", dict(stddev=-0.1), ValueError,
     "`stddev` must be a number >= 0 (the noise's initial standard deviation). Received: stddev=-0.1 (the float -0.1)."),
    ("InstanceNoise", dict(anneal_steps=2.5), TypeError,
     '`anneal_steps` must be an int >= 0 (discriminator updates over which it falls to 0; 0 keeps it constant). Received: anneal_steps=2.5 (the float 2.5).'),
    ("InstanceNoise", dict(seed='0'), TypeError,
     "`seed` must be an int >= 0 or None (a random seed). Received: seed='0' (the string '0')."),
    ("InstanceNoise", dict(weight=1.0), TypeError,
     'InstanceNoise adds no cost term, so it takes no `weight`; received weight=1.0. Remove `weight=`.'),
    ("TrainLosingPlayer", dict(discriminator_threshold='low'), TypeError,
     "`discriminator_threshold` must be a finite number (the discriminator's update is skipped while its last loss is below it). Received: discriminator_threshold='low' (the string 'low')."),
    ("TrainLosingPlayer", dict(generator_threshold=float("inf")), ValueError,
     "`generator_threshold` must be a finite number (the generator's update is skipped while its last loss is below it). Received: generator_threshold=inf (the float inf)."),
    ("LeCam", dict(decay=1.0), ValueError,
     "`decay` must be a number in [0, 1) (the moving averages' decay). Received: decay=1.0 (the float 1.0)."),
    ("LeCam", dict(one_sided='yes'), TypeError,
     "`one_sided` must be True or False. Received: one_sided='yes' (the string 'yes')."),
    ("LeCam", dict(weight=-0.3), ValueError,
     "`weight` must be a number >= 0 (the factor of LeCam's cost term). Received: weight=-0.3 (the float -0.3)."),
    ("ADA", dict(target=1.0), ValueError,
     '`target` must be a number in [0, 1) (the target of E[sign(D(x_real))]). Received: target=1.0 (the float 1.0).'),
    ("ADA", dict(interval=0), ValueError,
     '`interval` must be an int >= 1 (discriminator updates between adjustments). Received: interval=0 (the int 0).'),
    ("ADA", dict(kimg=0), ValueError,
     '`kimg` must be a number > 0 (thousands of images for p to go from 0 to 1). Received: kimg=0 (the int 0).'),
    ("ADA", dict(p_init=1.5), ValueError,
     '`p_init` must be a number in [0, 1] (the initial probability). Received: p_init=1.5 (the float 1.5).'),
    ("ADA", dict(policy='flip,zoom'), ValueError,
     "`policy` must be a comma-separated string of 'color', 'translation', 'cutout', 'flip' (e.g. 'color,translation,cutout'). Received: policy='flip,zoom' (the string 'flip,zoom')."),
    ("ADA", dict(seed=-1), ValueError,
     '`seed` must be an int >= 0 or None (a random seed). Received: seed=-1 (the int -1).'),
    ("DiffAugment", dict(policy=''), ValueError,
     "`policy` must be a comma-separated string of 'color', 'translation', 'cutout', 'flip' (e.g. 'color,translation,cutout'). Received: policy='' (the string '')."),
    ("DiffAugment", dict(policy=3), TypeError,
     "`policy` must be a comma-separated string of 'color', 'translation', 'cutout', 'flip' (e.g. 'color,translation,cutout'). Received: policy=3 (the int 3)."),
    ("ConsistencyRegularization", dict(augment=3), TypeError,
     "`augment` must be a policy string of DiffAugment's operations (e.g. 'flip,translation') or a callable, batch -> augmented batch. Received: augment=3 (the int 3)."),
    ("ConsistencyRegularization", dict(balanced='no'), TypeError,
     "`balanced` must be True or False. Received: balanced='no' (the string 'no')."),
]


@pytest.mark.parametrize("name, kwargs, error, message", REFUSALS, ids=[f"{n}-{next(iter(k))}" for n, k, _, _ in REFUSALS])
def test_a_wrong_argument_is_refused_with_its_purpose_and_the_value(name, kwargs, error, message):
    with pytest.raises(error) as raised:
        getattr(tricks, name)(**kwargs)
    assert str(raised.value) == message


def test_every_public_trick_is_listed():
    import keras

    public = {name for name in tricks.__all__
              if isinstance(getattr(tricks, name), type) and issubclass(getattr(tricks, name), keras.layers.Layer)}
    assert public - {"Trick"} == {name for name, _, _, _ in REFUSALS}
