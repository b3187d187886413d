"""A DCGAN on several devices with tf.distribute.MirroredStrategy, and a check against one device.

    python examples/distributed_digits.py            # all local GPUs, or 2 logical CPU devices
    python examples/distributed_digits.py --quick    # a few steps

Builds and compiles the same DCGAN twice, once under a `MirroredStrategy` over
the local devices (all GPUs; without GPUs, the CPU split into 2 logical
devices, so the script runs anywhere) and once on one device, starting from
the same weights, and trains both on the same batches in the same order. The
global batch is split across the replicas and each replica's loss is divided
by their number, so the summed gradients are those of the global batch's mean.
The two runs' losses are close but not equal: each replica draws its own latent
vectors, and the generator's batch normalization uses per-replica statistics
(`tests/backend/test_distribution.py` removes both differences and gets the
same losses and weights to float32 rounding). The script prints both runs'
losses and their largest difference, and writes `distributed_digits.png` (the
mirrored model's samples).
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402


def devices():
    """The GPUs, or the CPU split into two logical devices (possible only before TensorFlow starts)."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return [f"/gpu:{i}" for i in range(len(gpus))]
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    except RuntimeError:  # TensorFlow already started: use the logical devices it has
        pass
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64, help="the global batch")
    parser.add_argument("--out", default="distributed_digits.png")
    parser.add_argument("--quick", action="store_true", help="1 epoch of 4 steps, tiny networks")
    args = parser.parse_args(argv)

    names = devices()
    import keras
    import numpy as np

    import keras_gan

    # On logical CPU devices, reduce through one device rather than with collective ops (which TensorFlow
    # may order differently on the two replicas once other strategies ran in the same process).
    cross_device_ops = None if names[0].lower().startswith("/gpu") else tf.distribute.ReductionToOneDevice()
    strategy = tf.distribute.MirroredStrategy(names, cross_device_ops=cross_device_ops)
    print(f"{strategy.num_replicas_in_sync} replicas: {names}")
    images, _ = keras_gan.datasets.load("digits", as_numpy=True)
    if args.quick:
        images = images[: 4 * args.batch_size]
    width = 4 if args.quick else 32

    def build():
        keras.utils.set_random_seed(0)
        gan = keras_gan.models.DCGAN(image_shape=(28, 28, 1), latent_dim=32, width=width, seed=0)
        gan.compile()
        return gan

    single = build()
    with strategy.scope():
        mirrored = build()
    mirrored.set_weights(single.get_weights())
    epochs = 1 if args.quick else args.epochs
    runs = {}
    for name, gan in (("one device", single), (f"{strategy.num_replicas_in_sync} replicas", mirrored)):
        runs[name] = gan.fit(images, batch_size=args.batch_size, epochs=epochs, shuffle=False, verbose=0).history
        print(f"{name:12s} d_loss {np.round(runs[name]['d_loss'], 5).tolist()}  "
              f"g_loss {np.round(runs[name]['g_loss'], 5).tolist()}")
    one, many = runs.values()
    gap = max(abs(a - b) for key in one for a, b in zip(one[key], many[key]))
    print(f"largest difference of the logged values: {gap:.2e}")
    keras_gan.utils.save_image_grid(mirrored.generate(64, seed=1), args.out, scale=2)
    return {"one_device": one, "mirrored": many, "largest_difference": gap}


if __name__ == "__main__":
    main()
