"""Trained models shipped inside keras-gan, loadable offline in one call.

A preset is a folder holding a model's config (`config.json`), its weights
(`model.weights.h5`) and a card (`metadata.json`: the Keras and keras-gan
versions, the exact command that trained it and its measured figures). The
shipped ones live in the package; a folder written by `save_to_preset` loads
the same way:

>>> import keras_gan
>>> keras_gan.presets.list()
['conditional_gan_digits', 'dcgan_digits', 'infogan_digits', 'self_conditioned_digits']
>>> gan = keras_gan.models.SelfConditionedGAN.from_preset("self_conditioned_digits")  # the main job
>>> gan.generate(4, seed=0).shape
(4, 28, 28, 1)

`scripts/build_presets.py` rebuilds every shipped preset from its command.
"""

from keras_gan.presets.store import (
    CONFIG_FILE,
    METADATA_FILE,
    WEIGHTS_FILE,
    list_presets,
    load_preset,
    metadata,
    preset_path,
    save_to_preset,
)

list = list_presets  # noqa: A001 - `keras_gan.presets.list()`, as the issue and keras-hub's users expect

__all__ = ["list", "list_presets", "load_preset", "save_to_preset", "metadata", "preset_path", "CONFIG_FILE",
           "WEIGHTS_FILE", "METADATA_FILE"]
