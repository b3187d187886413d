"""Reads TensorBoard event files back: what a person would see in TensorBoard."""

import collections
import pathlib


def read_events(folder):
    """`{tag: {step: value}}` of every summary in the event files directly in `folder`.

    Scalars are floats; images are `(height, width, channels)` uint8 arrays.
    """
    import numpy as np
    import tensorflow as tf

    found = collections.defaultdict(dict)
    for path in sorted(pathlib.Path(folder).glob("events.out.tfevents.*")):
        for record in tf.data.TFRecordDataset(str(path)):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                plugin = value.metadata.plugin_data.plugin_name
                tensor = tf.make_ndarray(value.tensor) if value.HasField("tensor") else None
                if plugin == "images":
                    # [width, height, png_1, ...]: the first image, decoded.
                    found[value.tag][event.step] = tf.io.decode_png(tensor[2]).numpy()
                elif plugin == "scalars" and tensor is not None:
                    found[value.tag][event.step] = float(np.asarray(tensor))
    return dict(found)
