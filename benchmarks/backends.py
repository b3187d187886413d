"""keras-gan's `fit` on TensorFlow, JAX and PyTorch against a hand-written loop in each framework.

    python benchmarks/backends.py                     # all three backends, one process each, interleaved
    python benchmarks/backends.py --backend jax       # one backend (its fit and its own loop)
    python benchmarks/backends.py --nets main --steps 40

Two sets of networks, the same on every backend (Keras models):

- `tutorial`: the TensorFlow DCGAN tutorial's MNIST generator and discriminator, batch 256;
- `main`: the main job's DCGAN (`keras-gan train`: `keras_gan.networks` for 28x28x1,
  latent 64, width 64), batch 32.

Patterns, per backend (each backend runs in its own process, as `KERAS_BACKEND`
is fixed at import):

1. keras-gan `GAN.fit`, alternating updates (Algorithm 1, the default);
2. keras-gan `GAN.fit`, `simultaneous=True`;
3. a hand-written loop in that framework, both gradients from one forward pass
   (the TensorFlow tutorial's shape): `tf.function` + `GradientTape` on
   TensorFlow, a `jax.jit` step over `stateless_call` and `stateless_apply` on
   JAX, plain `torch.autograd` + `torch.optim.Adam` on PyTorch.

Each pattern is timed over several epochs of `--steps` steps inside one `fit`
(or one loop), the first epoch dropped (compilation); `--rounds` rounds go
through the backends in turn so machine noise hits each alike; the median epoch
is reported. Ratios are against the same backend's own loop and against the
TensorFlow loop, all measured in this one run; the machine's float32 matmul
rate is printed beside the absolute figures.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BACKENDS = ("tensorflow", "jax", "torch")
NOISE = {"tutorial": 100, "main": 64}
BATCH = {"tutorial": 256, "main": 32}


# ------------------------------------------------------------------ networks


def tutorial_networks():
    """The TensorFlow DCGAN tutorial's networks, as `benchmarks/throughput.py` builds them."""
    from throughput import tutorial_discriminator, tutorial_generator

    return tutorial_generator(), tutorial_discriminator()


def main_networks():
    from keras_gan import networks

    return (networks.dcgan_generator((28, 28, 1), NOISE["main"], width=64),
            networks.dcgan_discriminator((28, 28, 1), width=64))


def networks_of(name):
    import keras

    keras.utils.set_random_seed(0)
    return tutorial_networks() if name == "tutorial" else main_networks()


def adam():
    import keras

    return keras.optimizers.Adam(2e-4, beta_1=0.5)


# ------------------------------------------------------------------ patterns


class _Timer:
    def __init__(self):
        import keras

        class EpochTimer(keras.callbacks.Callback):
            def on_train_begin(inner, logs=None):
                inner.times = []

            def on_epoch_begin(inner, epoch, logs=None):
                inner.start = time.perf_counter()

            def on_epoch_end(inner, epoch, logs=None):
                inner.times.append(time.perf_counter() - inner.start)

        self.callback = EpochTimer()


def fit_runner(nets, images, steps, simultaneous):
    import keras_gan

    generator, discriminator = networks_of(nets)
    gan = keras_gan.models.GAN(generator, discriminator, NOISE[nets], simultaneous=simultaneous, seed=0)
    gan.compile(d_optimizer=adam(), g_optimizer=adam())
    batch = BATCH[nets]
    x = images[: batch * steps]

    def run(epochs):
        timer = _Timer()
        gan.fit(x, batch_size=batch, epochs=epochs + 1, verbose=0, shuffle=False, callbacks=[timer.callback],
                stop_on_divergence=False)
        return timer.callback.times[1:]

    return run


def loop_timer(step, batches, steps):
    """Times rounds of `steps` calls of `step(batch)`; the first round (compilation) is dropped."""

    def run(epochs):
        times = []
        for _ in range(epochs + 1):
            start = time.perf_counter()
            out = None
            for i in range(steps):
                out = step(batches[i % len(batches)])
            _block(out)
            times.append(time.perf_counter() - start)
        return times[1:]

    return run


def _block(x):
    if x is None:
        return
    if hasattr(x, "block_until_ready"):
        x.block_until_ready()
    else:
        float(x)


def tensorflow_loop(nets, images, steps):
    import keras
    import tensorflow as tf

    generator, discriminator = networks_of(nets)
    g_opt, d_opt = adam(), adam()
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    noise_dim = NOISE[nets]

    @tf.function
    def step(real):
        noise = tf.random.normal([tf.shape(real)[0], noise_dim])
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = generator(noise, training=True)
            real_out, fake_out = discriminator(real, training=True), discriminator(fake, training=True)
            g_loss = bce(tf.ones_like(fake_out), fake_out)
            d_loss = bce(tf.ones_like(real_out), real_out) + bce(tf.zeros_like(fake_out), fake_out)
        g_opt.apply(g_tape.gradient(g_loss, generator.trainable_variables), generator.trainable_variables)
        d_opt.apply(d_tape.gradient(d_loss, discriminator.trainable_variables), discriminator.trainable_variables)
        return g_loss

    batch = BATCH[nets]
    batches = [tf.constant(images[i * batch:(i + 1) * batch]) for i in range(steps)]
    return loop_timer(step, batches, steps)


def jax_loop(nets, images, steps):
    import jax
    import jax.numpy as jnp

    generator, discriminator = networks_of(nets)
    g_opt, d_opt = adam(), adam()
    g_opt.build(generator.trainable_variables)
    d_opt.build(discriminator.trainable_variables)
    noise_dim = NOISE[nets]

    def bce(logits, target):
        return jnp.mean(jnp.maximum(logits, 0) - logits * target + jnp.log1p(jnp.exp(-jnp.abs(logits))))

    def losses(g_train, d_train, g_rest, d_rest, real, key):
        noise = jax.random.normal(key, (real.shape[0], noise_dim))
        fake, g_rest = generator.stateless_call(g_train, g_rest, noise, training=True)
        real_out, d_rest1 = discriminator.stateless_call(d_train, d_rest, real, training=True)
        fake_out, d_rest2 = discriminator.stateless_call(d_train, d_rest1, fake, training=True)
        g_loss = bce(fake_out, 1.0)
        d_loss = bce(real_out, 1.0) + bce(fake_out, 0.0)
        return g_loss, d_loss, (g_rest, d_rest2)

    @jax.jit
    def step(state, real):
        g_train, d_train, g_rest, d_rest, g_opt_vars, d_opt_vars, key = state
        key, sub = jax.random.split(key)
        (g_loss, d_loss), pullback, rest = _vjp(losses, g_train, d_train, g_rest, d_rest, real, sub)
        g_grads = pullback((jnp.ones_like(g_loss), jnp.zeros_like(d_loss)))[0]
        d_grads = pullback((jnp.zeros_like(g_loss), jnp.ones_like(d_loss)))[1]
        g_train, g_opt_vars = g_opt.stateless_apply(g_opt_vars, g_grads, g_train)
        d_train, d_opt_vars = d_opt.stateless_apply(d_opt_vars, d_grads, d_train)
        g_rest, d_rest = rest
        return (g_train, d_train, g_rest, d_rest, g_opt_vars, d_opt_vars, key), g_loss

    state = [(
        [v.value for v in generator.trainable_variables], [v.value for v in discriminator.trainable_variables],
        [v.value for v in generator.non_trainable_variables],
        [v.value for v in discriminator.non_trainable_variables],
        [v.value for v in g_opt.variables], [v.value for v in d_opt.variables], jax.random.PRNGKey(0),
    )]
    batch = BATCH[nets]
    batches = [jnp.asarray(images[i * batch:(i + 1) * batch]) for i in range(steps)]

    def run_step(real):
        state[0], g_loss = step(state[0], real)
        return g_loss

    run = loop_timer(run_step, batches, steps)
    run.jitted, run.state = step, state  # for profiling (cost analysis of the compiled step)
    return run


def _vjp(losses, g_train, d_train, g_rest, d_rest, real, key):
    import jax

    def f(g, d):
        g_loss, d_loss, rest = losses(g, d, g_rest, d_rest, real, key)
        return (g_loss, d_loss), rest

    (g_loss, d_loss), pullback, rest = jax.vjp(f, g_train, d_train, has_aux=True)
    return (g_loss, d_loss), pullback, rest


def torch_loop(nets, images, steps):
    import torch

    generator, discriminator = networks_of(nets)
    # Trainable parameters only (batch-norm statistics are parameters without gradients).
    g_params = [p for p in generator.parameters() if p.requires_grad]
    d_params = [p for p in discriminator.parameters() if p.requires_grad]
    g_opt = torch.optim.Adam(g_params, 2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(d_params, 2e-4, betas=(0.5, 0.999))
    bce = torch.nn.BCEWithLogitsLoss()
    noise_dim = NOISE[nets]

    def step(real):
        noise = torch.randn(real.shape[0], noise_dim)
        fake = generator(noise, training=True)
        real_out, fake_out = discriminator(real, training=True), discriminator(fake, training=True)
        g_loss = bce(fake_out, torch.ones_like(fake_out))
        d_loss = bce(real_out, torch.ones_like(real_out)) + bce(fake_out, torch.zeros_like(fake_out))
        g_grads = torch.autograd.grad(g_loss, g_params, retain_graph=True)
        d_grads = torch.autograd.grad(d_loss, d_params)
        for p, g in zip(g_params, g_grads):
            p.grad = g
        for p, g in zip(d_params, d_grads):
            p.grad = g
        g_opt.step()
        d_opt.step()
        return g_loss.detach()

    batch = BATCH[nets]
    batches = [torch.from_numpy(images[i * batch:(i + 1) * batch].copy()) for i in range(steps)]
    return loop_timer(step, batches, steps)


LOOPS = {"tensorflow": tensorflow_loop, "jax": jax_loop, "torch": torch_loop}


def matmul_rate(n=2048, repeats=5):
    import numpy as np

    a = np.random.default_rng(0).standard_normal((n, n)).astype("float32")
    a @ a
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeats):
            a @ a
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 * repeats / best


# ---------------------------------------------------------------- one backend


def worker(backend, nets_list, steps, epochs, request):
    """Builds every pattern once, then times `epochs` epochs per request line on stdin; prints JSON."""
    os.environ["KERAS_BACKEND"] = backend
    sys.path.insert(0, os.path.join(HERE, ".."))
    import keras_gan

    images = keras_gan.datasets.load_digits()[0].astype("float32")
    images = images[: max(BATCH.values()) * steps]
    runners = {}
    for nets in nets_list:
        runners[(nets, "alternating")] = fit_runner(nets, images, steps, simultaneous=False)
        runners[(nets, "simultaneous")] = fit_runner(nets, images, steps, simultaneous=True)
        runners[(nets, "loop")] = LOOPS[backend](nets, images, steps)
    warm = False
    for line in request:
        if not line.strip():
            break
        if not warm:  # on the first request, so backends warm up one at a time: compilation, PyTorch's slow rounds
            for run in runners.values():
                run(2)
            warm = True
        result = {f"{nets}/{pattern}": run(epochs) for (nets, pattern), run in runners.items()}
        print(json.dumps(result), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=BACKENDS + ("all",), default="all")
    parser.add_argument("--nets", choices=("tutorial", "main", "both"), default="both")
    parser.add_argument("--steps", type=int, default=20, help="steps per timed epoch")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per pattern and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds through the backends")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    nets_list = ("tutorial", "main") if args.nets == "both" else (args.nets,)
    if args.worker:
        worker(args.backend, nets_list, args.steps, args.epochs, sys.stdin)
        return
    backends = BACKENDS if args.backend == "all" else (args.backend,)
    if "tensorflow" not in backends:
        backends = ("tensorflow",) + backends  # the TensorFlow loop is every row's second reference
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    workers = {}
    for backend in backends:
        command = [sys.executable, __file__, "--worker", "--backend", backend, "--nets", args.nets,
                   "--steps", str(args.steps), "--epochs", str(args.epochs)]
        workers[backend] = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                            env=dict(env, KERAS_BACKEND=backend))
    times = {}
    for _ in range(args.rounds):
        for backend, process in workers.items():  # one at a time: the 2 cores are not shared
            process.stdin.write("go\n")
            process.stdin.flush()
            line = process.stdout.readline()
            if not line:
                raise SystemExit(f"the {backend} worker failed (run it with --backend {backend} --worker)")
            for key, values in json.loads(line).items():
                times.setdefault((backend, key), []).extend(values)
    for process in workers.values():
        process.stdin.write("\n")
        process.stdin.close()
        process.wait()

    rate = {key: BATCH[key[1].split("/")[0]] * args.steps / statistics.median(v) for key, v in times.items()}
    print(f"{args.rounds} rounds x {args.epochs} timed epochs of {args.steps} steps per pattern; median epoch; "
          f"float32 matmul (2048^2, NumPy) on this machine: {matmul_rate() / 1e9:.0f} GFLOP/s")
    for nets in nets_list:
        tf_loop = rate[("tensorflow", f"{nets}/loop")]
        print(f"\n{nets} networks, batch {BATCH[nets]}")
        print("| backend | pattern | images/s | vs own loop | vs TensorFlow loop |")
        print("| --- | --- | --- | --- | --- |")
        for backend in backends:
            own = rate[(backend, f"{nets}/loop")]
            for pattern in ("alternating", "simultaneous", "loop"):
                value = rate[(backend, f"{nets}/{pattern}")]
                label = {"alternating": "fit, alternating", "simultaneous": "fit, simultaneous",
                         "loop": "hand-written loop"}[pattern]
                print(f"| {backend} | {label} | {value:.0f} | {value / own:.2f}x | {value / tf_loop:.2f}x |")


if __name__ == "__main__":
    main()
