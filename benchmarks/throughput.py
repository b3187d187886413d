"""Training throughput: keras-gan against a hand-written loop, in one run.

    python benchmarks/throughput.py                 # about 5 minutes on 2 CPU cores
    python benchmarks/throughput.py --torch         # also PyTorch eager (pip install -e ".[bench]")

Same networks (the TensorFlow DCGAN tutorial's MNIST generator and
discriminator), same batch (256 of the embedded digits, scaled to [-1, 1]),
same optimizers (Adam 1e-4). Each pattern runs as it would for a user (one
`fit` call, or one loop over one data iterator) for several epochs, the first
dropped as warm-up; the patterns take turns in interleaved passes so machine
noise hits each alike, and the median epoch of each is reported, then every
call's epochs (a fit call can run at one of two speeds: see
`benchmarks/fit_speeds.py`):

1. keras-gan `GAN.fit`, alternating updates (the default);
2. keras-gan `GAN.fit`, `simultaneous=True`;
3. a hand-written `tf.function` + `GradientTape` loop, both gradients from one
   forward pass (the TensorFlow tutorial's shape): the reference, 1.00x;
4. the keras.io "overriding train_step" GAN (concatenated real/fake batch for
   the discriminator, a second generator forward pass for the generator);
5. optionally (`--torch`) the same networks in PyTorch eager on the CPU.

Also prints each step's floating-point operations (counted analytically from
the layer shapes), the rate each pattern achieves, and the machine's measured
float32 matrix-multiply rate.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import keras_gan  # noqa: E402

NOISE = 100
layers = keras.layers


def tutorial_generator():
    return keras.Sequential([
        keras.Input((NOISE,)),
        layers.Dense(7 * 7 * 256, use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
    ])


def tutorial_discriminator():
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Flatten(), layers.Dense(1),
    ])


def forward_flops(model):
    """Multiply-adds x 2 of one sample's forward pass through Dense and convolution layers."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, layers.Dense):
            total += 2 * layer.kernel.shape[0] * layer.kernel.shape[1]
        elif isinstance(layer, layers.Conv2DTranspose):
            h, w, c_in = layer.input.shape[1:]
            k = layer.kernel_size
            total += 2 * h * w * k[0] * k[1] * c_in * layer.filters
        elif isinstance(layer, layers.Conv2D):
            h, w, _ = layer.output.shape[1:]
            k = layer.kernel_size
            total += 2 * h * w * k[0] * k[1] * layer.input.shape[-1] * layer.filters
    return total


def step_flops(f_g, f_d, pattern):
    """FLOPs of one step per sample; a backward pass costs about two forwards (input and weight
    gradients), one where only input gradients are needed."""
    simultaneous = 3 * f_g + 2 * f_d + 2 * 2 * f_d + f_d  # G fwd+bwd; D fwd x2, bwd x2; D input grads
    return {
        "alternating": simultaneous + 2 * f_d,  # + D forward and input grads on the updated D
        "simultaneous": simultaneous,
        "loop": simultaneous,
        "keras_io": simultaneous + 2 * f_d + f_g,  # + second G forward and D forward/back
        "torch": simultaneous,
    }[pattern]


def make_data(batch):
    images, _ = keras_gan.datasets.load_digits()
    ds = tf.data.Dataset.from_tensor_slices(images).shuffle(5000, seed=0).repeat()
    return ds.batch(batch, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def adam():
    return keras.optimizers.Adam(1e-4)


# ---------------------------------------------------------------- patterns


def keras_gan_runner(data, steps, simultaneous):
    keras.utils.set_random_seed(0)
    gan = keras_gan.models.GAN(tutorial_generator(), tutorial_discriminator(), NOISE,
                               simultaneous=simultaneous, seed=0)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    return _fit_runner(gan, data, steps)


class _EpochTimer(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.start)


def _fit_runner(model, data, steps):
    """One `fit` call of `epochs` + 1 epochs of `steps` steps: `(timed epochs (the first, warm-up, dropped),
    the whole call's seconds)`."""

    def run(epochs):
        timer = _EpochTimer()
        start = time.perf_counter()
        model.fit(data, steps_per_epoch=steps, epochs=epochs + 1, verbose=0, callbacks=[timer])
        return timer.times[1:], time.perf_counter() - start

    return run


def _loop_runner(step_fn, steps):
    """`epochs` + 1 rounds of `steps` calls of `step_fn`: `(timed rounds (the first dropped), the call's seconds)`."""

    def run(epochs):
        times = []
        begin = time.perf_counter()
        for _ in range(epochs + 1):
            start = time.perf_counter()
            for _ in range(steps):
                out = step_fn()
            if out is not None:
                float(out)
            times.append(time.perf_counter() - start)
        return times[1:], time.perf_counter() - begin

    return run


def loop_runner(data, steps):
    keras.utils.set_random_seed(0)
    generator, discriminator = tutorial_generator(), tutorial_discriminator()
    g_opt, d_opt = adam(), adam()
    bce = keras.losses.BinaryCrossentropy(from_logits=True)

    @tf.function
    def train_step(images):
        noise = tf.random.normal([tf.shape(images)[0], NOISE])
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            generated = generator(noise, training=True)
            real_output = discriminator(images, training=True)
            fake_output = discriminator(generated, training=True)
            g_loss = bce(tf.ones_like(fake_output), fake_output)
            d_loss = bce(tf.ones_like(real_output), real_output) + bce(
                tf.zeros_like(fake_output), fake_output)
        g_opt.apply_gradients(zip(g_tape.gradient(g_loss, generator.trainable_variables),
                                  generator.trainable_variables))
        d_opt.apply_gradients(zip(d_tape.gradient(d_loss, discriminator.trainable_variables),
                                  discriminator.trainable_variables))
        return g_loss, d_loss

    iterator = iter(data)
    return _loop_runner(lambda: train_step(next(iterator))[0], steps)


class KerasIOGAN(keras.Model):
    """The keras.io "DCGAN: overriding train_step" pattern."""

    def __init__(self, discriminator, generator):
        super().__init__()
        self.discriminator, self.generator = discriminator, generator
        self.seed_generator = keras.random.SeedGenerator(0)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        z = keras.random.normal((batch_size, NOISE), seed=self.seed_generator)
        generated = self.generator(z)
        combined = tf.concat([generated, real_images], axis=0)
        labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(combined))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        z = keras.random.normal((batch_size, NOISE), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            g_loss = self.loss_fn(tf.zeros((batch_size, 1)), self.discriminator(self.generator(z)))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        return {"d_loss": d_loss, "g_loss": g_loss}


def keras_io_runner(data, steps):
    keras.utils.set_random_seed(0)
    gan = KerasIOGAN(tutorial_discriminator(), tutorial_generator())
    gan.compile(adam(), adam(), keras.losses.BinaryCrossentropy(from_logits=True))
    return _fit_runner(gan, data, steps)


def torch_runner(data, steps, batch):
    import torch
    from torch import nn

    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count())

    class Reshape(nn.Module):
        def forward(self, x):
            return x.view(-1, 256, 7, 7)

    generator = nn.Sequential(
        nn.Linear(NOISE, 7 * 7 * 256, bias=False), nn.BatchNorm1d(7 * 7 * 256), nn.LeakyReLU(0.3),
        Reshape(),
        nn.ConvTranspose2d(256, 128, 5, 1, 2, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.3),
        nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False), nn.BatchNorm2d(64),
        nn.LeakyReLU(0.3),
        nn.ConvTranspose2d(64, 1, 5, 2, 2, output_padding=1, bias=False), nn.Tanh(),
    )
    discriminator = nn.Sequential(
        nn.Conv2d(1, 64, 5, 2, 2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
        nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1),
    )
    g_opt = torch.optim.Adam(generator.parameters(), 1e-4)
    d_opt = torch.optim.Adam(discriminator.parameters(), 1e-4)
    bce = nn.BCEWithLogitsLoss()
    images = torch.from_numpy(keras_gan.datasets.load_digits()[0].transpose(0, 3, 1, 2).copy())

    def step(real):
        noise = torch.randn(real.shape[0], NOISE)
        fake = generator(noise)
        real_out, fake_out = discriminator(real), discriminator(fake)
        g_loss = bce(fake_out, torch.ones_like(fake_out))
        d_loss = bce(real_out, torch.ones_like(real_out)) + bce(fake_out, torch.zeros_like(fake_out))
        g_grads = torch.autograd.grad(g_loss, list(generator.parameters()), retain_graph=True)
        d_grads = torch.autograd.grad(d_loss, list(discriminator.parameters()))
        for p, g in zip(generator.parameters(), g_grads):
            p.grad = g
        for p, g in zip(discriminator.parameters(), d_grads):
            p.grad = g
        g_opt.step()
        d_opt.step()

    position = [0]

    def next_step():
        start = position[0] % (len(images) - batch)
        position[0] += batch
        step(images[start : start + batch])

    return _loop_runner(next_step, steps)


def matmul_rate(n=2048, repeats=10):
    a = tf.random.normal((n, n))
    b = tf.random.normal((n, n))

    @tf.function
    def chain(x):
        for _ in range(repeats):
            x = tf.matmul(a, x) * 1e-3
        return x

    chain(b)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        chain(b).numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 * repeats / best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--steps", type=int, default=15, help="steps per timed epoch")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per pass")
    parser.add_argument("--passes", type=int, default=3, help="interleaved passes over the patterns")
    parser.add_argument("--torch", action="store_true", help="also PyTorch eager (needs torch)")
    args = parser.parse_args()

    data = make_data(args.batch)
    runners = {
        "alternating": keras_gan_runner(data, args.steps, simultaneous=False),
        "simultaneous": keras_gan_runner(data, args.steps, simultaneous=True),
        "loop": loop_runner(data, args.steps),
        "keras_io": keras_io_runner(data, args.steps),
    }
    if args.torch:
        runners["torch"] = torch_runner(data, args.steps, args.batch)
    times = {name: [] for name in runners}
    calls = []  # every call: (pattern, pass, its timed epochs, its whole time)
    for index in range(args.passes):
        for name, run in runners.items():
            epochs, seconds = run(args.epochs)
            times[name].extend(epochs)
            calls.append((name, index, epochs, seconds))

    f_g, f_d = forward_flops(tutorial_generator()), forward_flops(tutorial_discriminator())
    peak = matmul_rate()
    labels = {
        "alternating": "1. keras-gan fit, alternating",
        "simultaneous": "2. keras-gan fit, simultaneous",
        "loop": "3. hand-written tf.function loop",
        "keras_io": "4. keras.io train_step pattern",
        "torch": "5. PyTorch eager",
    }
    reference = args.batch * args.steps / statistics.median(times["loop"])
    print(f"devices: {[d.device_type for d in tf.config.list_physical_devices()]}, batch {args.batch}, "
          f"{args.passes} interleaved passes x {args.epochs} timed epochs of {args.steps} steps; median epoch")
    print(f"{'pattern':36s} {'images/s':>9s} {'vs loop':>8s} {'GFLOP/s':>8s}")
    rates = {}
    for name, measured in times.items():
        rate = args.batch * args.steps / statistics.median(measured)
        rates[name] = rate
        gflops = rate * step_flops(f_g, f_d, name) / 1e9
        print(f"{labels[name]:36s} {rate:9.1f} {rate / reference:7.2f}x {gflops:8.1f}")
    print("every call (a fit call, or a round of the loop): images/s of each timed epoch; the call's seconds "
          "beyond its epochs (setup, the warm-up epoch, teardown)")
    for name, index, epochs, seconds in calls:
        rates_of_call = " ".join(f"{args.batch * args.steps / t:7.1f}" for t in epochs)
        print(f"  {labels[name]:34s} pass {index}: {rates_of_call}   call {seconds:6.2f} s, "
              f"outside the timed epochs {seconds - sum(epochs):5.2f} s")
    if "torch" in rates:
        for name in ("alternating", "simultaneous"):
            print(f"{labels[name]} vs PyTorch eager: {rates[name] / rates['torch']:.2f}x")
    print(f"forward FLOPs per sample: generator {f_g / 1e6:.1f} M, discriminator {f_d / 1e6:.1f} M")
    print(f"float32 matmul (2048^2) rate of this machine: {peak / 1e9:.1f} GFLOP/s")


if __name__ == "__main__":
    main()
