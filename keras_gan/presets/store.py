"""Reading and writing preset folders: config, weights and card, written whole or not at all."""

import builtins
import json
import os
import pathlib
import shutil
import tempfile

import keras

#: Where the shipped presets live (one folder each).
PRESET_DIR = pathlib.Path(__file__).parent / "data"
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"


def list_presets():
    """The names of the presets shipped with keras-gan.

    Returns:
        A sorted list of names, each loadable with `<ModelClass>.from_preset(name)`.

    Example:

    >>> from keras_gan.presets import list_presets
    >>> "dcgan_digits" in list_presets()
    True
    """
    if not PRESET_DIR.is_dir():
        return []
    return sorted(p.name for p in PRESET_DIR.iterdir() if (p / CONFIG_FILE).is_file())


def preset_path(preset):
    """The folder of `preset`: a shipped preset's name, or a folder written by `save_to_preset`.

    Args:
        preset: A name from `keras_gan.presets.list()` or a path.

    Returns:
        A `pathlib.Path`.

    Raises:
        ValueError: `preset` is neither, or the folder holds no preset.
    """
    if not isinstance(preset, (str, os.PathLike)):
        raise TypeError(f"`preset` must be a preset name or a folder path (a string). Received: preset={preset!r} "
                        f"of type {type(preset).__name__}")
    text = os.fspath(preset)
    if text in list_presets():
        return PRESET_DIR / text
    path = pathlib.Path(text).expanduser()
    if path.is_dir():
        if not (path / CONFIG_FILE).is_file() or not (path / WEIGHTS_FILE).is_file():
            raise ValueError(f"The folder {text!r} is not a preset: it must hold {CONFIG_FILE} and {WEIGHTS_FILE}, "
                             "as written by `model.save_to_preset(folder)`. Received: preset=" + repr(text))
        return path
    raise ValueError(f"Unknown preset {text!r}: it is neither a shipped preset ({', '.join(list_presets())}) "
                     "nor an existing folder written by `model.save_to_preset(folder)`. "
                     f"Received: preset={text!r}")


def metadata(preset):
    """The card of `preset`: versions, the command that trained it and its measured figures.

    Args:
        preset: A shipped preset's name or a preset folder.

    Returns:
        A dict (empty when the folder has no `metadata.json`).

    Example:

    >>> import keras_gan
    >>> card = keras_gan.presets.metadata("conditional_gan_digits")
    >>> card["class_name"], sorted(card["figures"])[:1]
    ('ConditionalGAN', ['conditional_accuracy'])
    """
    path = preset_path(preset) / METADATA_FILE
    if not path.is_file():
        return {}
    with open(path) as f:
        return json.load(f)


def _preset_class(config, preset):
    registered = config.get("registered_name") or config.get("class_name")
    cls = keras.saving.get_registered_object(registered)
    if cls is None:
        import keras_gan

        keras_gan._import_subpackages()  # registers keras-gan's classes
        cls = keras.saving.get_registered_object(registered)
    if cls is None:
        raise ValueError(f"The preset {preset!r} holds a {registered}, which is not a registered Keras class: import "
                         "the package that defines it before loading.")
    return cls


def load_preset(preset, cls=None):
    """Builds the model of `preset` and loads its weights.

    Args:
        preset: A shipped preset's name (`keras_gan.presets.list()`) or a
            folder written by `save_to_preset`.
        cls: If given, the preset's model must be an instance of this class
            (`DCGAN.from_preset` passes `DCGAN`).

    Returns:
        The model, built and uncompiled: `generate` works at once; call
        `compile` before fitting it further.
    """
    path = preset_path(preset)
    with open(path / CONFIG_FILE) as f:
        config = json.load(f)
    held = _preset_class(config, preset)
    if cls is not None and not issubclass(held, cls):
        raise ValueError(f"The preset {os.fspath(preset)!r} holds a {held.__name__}, which is not a {cls.__name__}: "
                         f"load it with keras_gan.models.{held.__name__}.from_preset({os.fspath(preset)!r}) "
                         "(or keras_gan.presets.load_preset).")
    model = keras.saving.deserialize_keras_object(config)
    model.build()
    model.load_weights(path / WEIGHTS_FILE)
    return model


def _store_as_float16(path):
    """Rewrites a Keras weights file with its float32 arrays as float16 (`load_weights` casts them back).

    The arrays are written to a new file (HDF5 does not reclaim the space of
    deleted datasets), which then replaces `path`.
    """
    import h5py
    import numpy as np

    half = f"{path}.float16"
    with h5py.File(path, "r") as source, h5py.File(half, "w") as target:
        target.attrs.update(source.attrs)

        def copy(name, item):
            if isinstance(item, h5py.Group):
                target.require_group(name).attrs.update(item.attrs)
            else:
                data = item[()]
                if item.dtype == np.float32:
                    data = data.astype(np.float16)
                target.create_dataset(name, data=data).attrs.update(item.attrs)

        source.visititems(copy)
    os.replace(half, path)


def save_to_preset(model, preset_dir, *, metadata=None, overwrite=False, weights_dtype=None):
    """Writes `model` as a preset folder: its config, its weights and a card.

    The folder is written beside its final place and renamed into it, so it
    is either complete or absent. The optimizers' state is not saved (a
    preset is for sampling and fine-tuning; save a `.keras` file to resume
    training exactly).

    Args:
        model: A built keras-gan model (or any serializable, built Keras model).
        preset_dir: The folder to write.
        metadata: A dict added to the card (for example `command`, `figures`,
            `description`); the Keras and keras-gan versions, the backend and
            the class are added to it.
        overwrite: Replace an existing preset folder. Without it, an existing
            non-empty folder is refused.
        weights_dtype: None stores the weights as they are; `"float16"`
            stores the float32 weights at half precision (half the size;
            loading casts them back to the variables' dtype, so samples
            differ from the unrounded model's by about 1e-3). The card says
            which was used; measure figures on the loaded preset.

    Returns:
        The folder's path, as a string.

    Example:

    >>> import os, tempfile, keras, keras_gan
    >>> gan = keras_gan.models.DCGAN.from_preset("dcgan_digits")
    >>> folder = os.path.join(tempfile.mkdtemp(), "my_dcgan")
    >>> _ = gan.save_to_preset(folder, metadata={"command": "see my notebook"})
    >>> sorted(os.listdir(folder))
    ['config.json', 'metadata.json', 'model.weights.h5']
    >>> again = keras_gan.models.DCGAN.from_preset(folder)
    >>> bool((again.generate(2, seed=3) == gan.generate(2, seed=3)).all())
    True
    """
    import keras_gan

    if weights_dtype not in (None, "float16"):
        raise ValueError(f"`weights_dtype` must be None (as the model holds them) or 'float16'. "
                         f"Received: weights_dtype={weights_dtype!r}")
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"`metadata` must be a dict or None. Received: metadata={metadata!r}")
    if not getattr(model, "built", False):
        raise ValueError(f"save_to_preset needs a built model; call {type(model).__name__}.build() (or fit it) first. "
                         f"Received: a {type(model).__name__} that is not built.")
    target = pathlib.Path(os.fspath(preset_dir)).expanduser()
    if target.exists() and not target.is_dir():
        raise ValueError(f"`preset_dir` must be a folder; {str(target)!r} is a file. "
                         f"Received: preset_dir={str(target)!r}")
    if target.is_dir() and builtins.any(target.iterdir()) and not overwrite:
        raise ValueError(f"The folder {str(target)!r} is not empty; save_to_preset does not overwrite it. Choose a new "
                         f"folder, or pass overwrite=True. Received: preset_dir={str(target)!r}")
    if target.resolve().is_relative_to(PRESET_DIR.resolve()) and not overwrite:
        raise ValueError("save_to_preset does not write into keras-gan's shipped presets; "
                         f"choose a folder of your own (overwrite=True lets scripts/build_presets.py do it). "
                         f"Received: preset_dir={str(target)!r}")
    # An uncompiled copy holds the model's own weights only, not its optimizers' slots.
    config = keras.saving.serialize_keras_object(model)
    config.pop("compile_config", None)  # a preset loads uncompiled: its user chooses the optimizers
    text = json.dumps(config, indent=1)  # before deserializing, which consumes parts of `config`
    copy = keras.saving.deserialize_keras_object(json.loads(text))
    copy.build()
    for mine, theirs in zip(copy.weights, model.weights, strict=True):
        mine.assign(theirs)
    card = {"class_name": type(model).__name__, "keras_version": keras.__version__,
            "keras_gan_version": keras_gan.__version__, "backend": keras.backend.backend(),
            "weights_dtype": weights_dtype or "as saved"}
    card.update(metadata or {})
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # mkdtemp's folder is private; a preset folder is an ordinary one
    try:
        with open(staging / CONFIG_FILE, "w") as f:
            f.write(text)
        copy.save_weights(staging / WEIGHTS_FILE)
        if weights_dtype == "float16":
            _store_as_float16(staging / WEIGHTS_FILE)
        with open(staging / METADATA_FILE, "w") as f:
            json.dump(card, f, indent=1)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return str(target)
