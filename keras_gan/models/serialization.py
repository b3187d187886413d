"""`ConfigMixin`: how an adversarial model saves and rebuilds its config, its compile arguments and its build."""

import keras


class ConfigMixin:
    """Mixed into `AdversarialModel`: `get_config` / `from_config` and Keras's compile and build configs.

    The networks named in `_network_config_keys`, the tricks and the update
    schedule are serialized with the model; `compile` arguments (both
    optimizers and the loss) travel through Keras's compile config, so
    `keras.models.load_model` gives a compiled model whose optimizers resume.
    """

    #: Constructor arguments that are networks, serialized with the model.
    _network_config_keys = ()

    def get_config(self):
        config = super().get_config()
        config["schedule"] = keras.saving.serialize_keras_object(self.schedule)
        config["tricks"] = [keras.saving.serialize_keras_object(t) for t in self.tricks]
        for key in self._network_config_keys:
            config[key] = keras.saving.serialize_keras_object(getattr(self, key))
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in cls._network_config_keys:
            if config.get(key) is not None:
                config[key] = keras.saving.deserialize_keras_object(config[key], custom_objects=custom_objects)
        config["tricks"] = [
            keras.saving.deserialize_keras_object(t, custom_objects=custom_objects)
            for t in config.get("tricks") or []
        ]
        if isinstance(config.get("schedule"), dict):
            config["schedule"] = keras.saving.deserialize_keras_object(config["schedule"],
                                                                       custom_objects=custom_objects)
        return cls(**config)

    def get_compile_config(self):
        if not getattr(self, "_compile_args", None):
            return {}
        return {key: keras.saving.serialize_keras_object(value) for key, value in self._compile_args.items()}

    def compile_from_config(self, config):
        config = {key: keras.saving.deserialize_keras_object(value) for key, value in config.items()}
        self.compile(**config)

    def get_build_config(self):
        return {"built": bool(self.built)}

    def build_from_config(self, config):
        if config.get("built", True):
            self.build()
