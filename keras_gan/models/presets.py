"""`PresetMixin`: `from_preset` / `save_to_preset` on every keras-gan model, in keras-hub's style."""


class PresetMixin:
    """Mixed into `AdversarialModel`: load a trained model in one call, or save one as a preset."""

    @classmethod
    def from_preset(cls, preset):
        """Builds a trained model from a preset, offline.

        Args:
            preset: The name of a preset shipped with keras-gan (see
                `keras_gan.presets.list()`), or a folder written by
                `save_to_preset`. The preset's model must be an instance of
                this class (`GAN.from_preset` also loads a DCGAN preset).

        Returns:
            The built model with the preset's weights, not compiled:
            `generate` works at once; `compile` it to train further.

        Example:

        >>> import keras_gan
        >>> gan = keras_gan.models.ConditionalGAN.from_preset("conditional_gan_digits")
        >>> gan.generate(labels=[3, 7], seed=0).shape
        (2, 28, 28, 1)

        Reference:
            keras-hub's `from_preset` (the same name and folder layout).
        """
        from keras_gan.presets import load_preset

        return load_preset(preset, cls=cls)

    def save_to_preset(self, preset_dir, *, metadata=None, overwrite=False, weights_dtype=None):
        """Writes this model as a preset folder (config, weights, card); see `keras_gan.presets.save_to_preset`.

        Args:
            preset_dir: The folder to write (refused if it exists and is not
                empty, unless `overwrite`).
            metadata: A dict added to the card (`command`, `figures`, ...).
            overwrite: Replace an existing folder.
            weights_dtype: None, or `"float16"` to store the weights at half
                precision (half the size).

        Returns:
            The folder's path.
        """
        from keras_gan.presets import save_to_preset

        return save_to_preset(self, preset_dir, metadata=metadata, overwrite=overwrite, weights_dtype=weights_dtype)
