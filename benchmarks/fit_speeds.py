"""Why do separate `fit` calls of one compiled model run at one of two speeds? (issue 21, item 7)

    python benchmarks/fit_speeds.py                            # 20 fit calls of 16 steps, interleaved with a loop
    python benchmarks/fit_speeds.py --intraop-threads 2 --interop-threads 1
    python benchmarks/fit_speeds.py --threads                  # busiest threads of every call (slow vs fast)
    python benchmarks/fit_speeds.py --profile /tmp/fitprof     # a TensorBoard/xprof trace of every call
    python benchmarks/fit_speeds.py --calls 5 --steps 6 --step-times --dump-idle 3   # where a slow call waits
    python benchmarks/fit_speeds.py --calls 2 --steps 2 --batch 8    # smoke test, seconds

Self-contained (no keras-gan import): a plain `keras.Model` with the keras.io "DCGAN: overriding train_step"
step, the TensorFlow DCGAN tutorial's generator and discriminator, synthetic 28x28 images fed by the tutorial's
pipeline (`from_tensor_slices -> shuffle -> batch -> repeat -> prefetch`). It makes N separate
`model.fit(ds, steps_per_epoch=M, epochs=1)` calls on the same compiled model and, interleaved with them, N
rounds of M steps of a hand-written loop that runs *the same* `train_step` inside a `tf.function`, so the only
difference left is Keras's `fit` machinery. Every call is printed (never only the median): total img/s, the
steady-state img/s (median step after the first), the first step's time, the process CPU seconds per wall
second (`cpu/wall`, at most the core count), the CPU other processes used meanwhile (from /proc/stat), and the
context switches. How to read a slow call: `cpu/wall` near the core count with fewer img/s means CPU is burnt
on something other than the step (spinning pool threads, tf.data work; `--threads` lists each call's busiest threads by
name/tid, and how many threads the call created);
`cpu/wall` near 1 means the step lost its parallelism (one pool serialised, or waiting on data); a large
`others` column means the machine was not idle and the number says nothing.

What `fit` does that the loop does not (Keras 3.15.1, TF 2.21), each a candidate cause:

- a new `tf.data` iterator for every `fit` call: keras/src/trainers/epoch_iterator.py:110-111
  (`iter(self._get_iterator())` when `_current_iterator is None`; `fit` calls `epoch_iterator.reset()` at
  keras/src/backend/tensorflow/trainer.py:373). A fresh iterator refills the shuffle buffer and starts new
  prefetch/autotune threads, whose tuned buffer sizes and thread placement are decided anew each call, which
  would explain a speed that is fixed for a whole call but differs between calls. `--loop-new-iterator` gives
  the loop the same per-call iterator; if the loop then turns bimodal too, this is it.
- `IteratorGetNext` runs *inside* the traced function (trainer.py:150-155 `multi_step_on_iterator` calls
  `iterator.get_next()`; trainer.py:233 wraps it in `tf.function`), on the inter-op pool, instead of in Python
  before the call. `--loop-in-graph` makes the loop do the same.
- thread-pool oversubscription on 2 cores: TF's default inter-op and intra-op pools each size themselves to
  the core count (`tf.config.threading.get_*_parallelism_threads()` is 0 = "pick"), and tf.data adds its own
  threads (prefetch, the autotune model thread, `map(num_parallel_calls=AUTOTUNE)` in Keras's numpy adapter,
  keras/src/trainers/data_adapters/array_data_adapter.py:216-217 and :244). Eigen pool threads spin before
  sleeping, so an extra runnable thread on a 2-core box can halve a step. `--interop-threads`,
  `--intraop-threads` (set before any op runs; env TF_NUM_INTEROP_THREADS / TF_NUM_INTRAOP_THREADS do the same),
  `--private-threadpool N` (`tf.data.Options().threading.private_threadpool_size`: tf.data work on its own
  N threads instead of the shared pool), `--data-intraop 1` (`threading.max_intra_op_parallelism`).
- tf.data autotuning: `--no-autotune` (`Options().autotune.enabled = False`), `--prefetch N` (a fixed buffer
  instead of AUTOTUNE; 0 = no prefetch), `--cpu-budget N` (`autotune.cpu_budget`), `--warm-start`
  (`experimental_warm_start`: start the background threads when the iterator is created). See
  https://github.com/tensorflow/tensorflow/issues/62821 (autotune parallelism ignoring `cpu_budget`) and the
  `tf.data.ThreadingOptions` / `AutotuneOptions` docs.
- per-call Python/dispatch cost: `--steps-per-execution K` (`compile(steps_per_execution=K)`: K steps in one
  `tf.while_loop`, trainer.py:157-231), which also changes how often the iterator is touched from Python.
- oneDNN: `--onednn 0|1` sets TF_ENABLE_ONEDNN_OPTS before TensorFlow is imported.
- `--data numpy`: pass the images as a numpy array, so `fit` builds its own pipeline (the array adapter's
  parallel `map` + `prefetch(AUTOTUNE)`); the loop then uses that same adapter-built dataset.

Earlier reports of `fit` slower than a custom loop, none with this bimodal shape:
https://github.com/tensorflow/tensorflow/issues/33315 (repeated `fit` calls slowing down),
https://github.com/tensorflow/tensorflow/issues/48844 (few-batch `fit` overhead).

To find the cause, run on an otherwise idle machine with `--threads` (and `--profile DIR`, then open one slow and
one fast call's trace), then add one flag at a time and see which removes the slow calls.

Found (2026-11-26, this 2-core machine, TF 2.21.0 / Keras 3.15.1, batch 256, idle: `others` 0.00-0.01):

- The slow calls are not slower steps. Every step of a slow call takes what a fast call's steps take (1.5-2.3 s);
  the call then sits idle *after its last step*, before `fit` returns: 9.3-9.6 s for calls of 6 steps, about 19 s
  for calls of 12 (`cpu/wall` 1.02-1.12 over the call = both cores busy during the steps, none after).
  `--calls 5 --steps 6 --step-times`: 3 of 5 fit calls at 75 img/s (after the last step 9.57, 9.27, 9.52 s), 2 at
  144-150 (0.19, 0.00 s); the loop, 0 of 5 slow. `--calls 10 --steps 12 --threads`: 4 of 8 fit calls at 74-75
  img/s, no loop call slow.
- `fit` drops its tf.data iterator when it returns (a new one each call, epoch_iterator.py above). With the loop
  also dropping its iterator every round (`--loop-new-iterator`), the loop turns slow too: `--calls 4 --steps 6
  --step-times --loop-new-iterator`: fit 2 of 4 slow (9.38, 8.68 s after the last step), loop 1 of 4 (72.7 img/s,
  its steps 10.6 s of its 21 s: the rest went to `iter()` replacing the old iterator).
- **tf.data's autotuning is the cause**: `--calls 5 --steps 6 --step-times --no-autotune`
  (`tf.data.Options().autotune.enabled = False` on the dataset): 0 of 5 fit calls slow (133-166 img/s, 0.00 s
  after the last step in every call), 0 of 5 loop calls. Without the loop in between, `--calls 6 --steps 12
  --no-loop --step-times`: 0 of 6 slow too (139-154 img/s). So the idle wait is the teardown of an autotuned
  iterator (its autotuning thread, which sleeps between optimization rounds for periods that grow the longer the
  iterator lives, appears to be waited for; this matches the wait growing with the call's length).
- The profile (`--data keras-gan --autotune --calls 5 --steps 6 --step-times --no-loop --dump-idle 3`: py-spy's
  native stack of the main thread 3 s into the wait; 1 of 5 calls slow, idle 9.73 s after its last step):
  `EagerTensor_dealloc` -> `TFE_DeleteTensorHandle` -> `IteratorResource::~IteratorResource` ->
  `RootDataset::Iterator::~Iterator` -> `UnboundedThreadPool::LogicalThreadWrapper::~LogicalThreadWrapper` ->
  `absl::Notification::WaitForNotification`: Keras drops its iterator and the destructor joins a tf.data
  thread. The root iterator's autotuning thread is the one it owns. With `--data keras-gan` (the package's
  loader, autotuning off by default since): 0 of 5 slow, 0.00 s after every last step. Records in
  benchmarks/results/fit_speeds_loader_autotune_{on,off}.txt.
- The setting for users: `options = tf.data.Options(); options.autotune.enabled = False;
  ds = ds.with_options(options)` on a dataset that is handed to many short `fit` calls (a tuner's trials, a
  notebook's repeated `fit`). See docs/training-step.md.
"""

import argparse
import os
import resource
import statistics
import sys
import time


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--calls", type=int, default=20, help="separate fit calls (and loop rounds)")
    p.add_argument("--steps", type=int, default=16, help="steps per call")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--images", type=int, default=6000, help="synthetic images in the dataset")
    p.add_argument("--shuffle", type=int, default=5000, help="shuffle buffer (0: no shuffle)")
    p.add_argument("--data", choices=["dataset", "numpy", "keras-gan"], default="dataset",
                   help="keras-gan: keras_gan.datasets.load('digits') (autotuning as its `autotune` argument: "
                        "off unless --autotune)")
    p.add_argument("--autotune", action="store_true", help="with --data keras-gan: load(..., autotune=True)")
    p.add_argument("--no-loop", action="store_true", help="only the fit calls")
    p.add_argument("--loop-new-iterator", action="store_true", help="a new iterator for each loop round, like fit")
    p.add_argument("--loop-in-graph", action="store_true", help="call next(iterator) inside the tf.function, like fit")
    p.add_argument("--interop-threads", type=int, default=None)
    p.add_argument("--intraop-threads", type=int, default=None)
    p.add_argument("--onednn", choices=["0", "1"], default=None, help="TF_ENABLE_ONEDNN_OPTS")
    p.add_argument("--private-threadpool", type=int, default=None, help="Options.threading.private_threadpool_size")
    p.add_argument("--data-intraop", type=int, default=None, help="Options.threading.max_intra_op_parallelism")
    p.add_argument("--no-autotune", action="store_true", help="Options.autotune.enabled = False")
    p.add_argument("--cpu-budget", type=int, default=None, help="Options.autotune.cpu_budget")
    p.add_argument("--warm-start", action="store_true", help="Options.experimental_warm_start = True")
    p.add_argument("--prefetch", type=int, default=-1, help="prefetch buffer; -1 = AUTOTUNE, 0 = none")
    p.add_argument("--steps-per-execution", type=int, default=1)
    p.add_argument("--step-times", action="store_true", help="print every step's seconds (where a slow call loses)")
    p.add_argument("--threads", action="store_true", help="print each call's busiest threads (CPU s) and new threads")
    p.add_argument("--profile", default=None, metavar="DIR", help="trace every call into DIR/<kind>_<n>")
    p.add_argument("--dump-idle", type=float, default=None, metavar="S",
                   help="S seconds after a fit call's last step, if fit has not returned, dump this process's "
                        "native stacks (py-spy dump --native; pip install py-spy) and print the main thread's")
    return p.parse_args(argv)


ARGS = parse_args()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if ARGS.onednn is not None:
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = ARGS.onednn

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

NOISE = 100
layers = keras.layers


def generator():
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


def discriminator():
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Flatten(), layers.Dense(1),
    ])


class GAN(keras.Model):
    """The keras.io "DCGAN: overriding train_step" model."""

    def __init__(self):
        super().__init__()
        self.discriminator, self.generator = discriminator(), generator()
        self.seed_generator = keras.random.SeedGenerator(0)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
        self.d_optimizer, self.g_optimizer = keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4)

    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        z = keras.random.normal((batch_size, NOISE), seed=self.seed_generator)
        combined = tf.concat([self.generator(z), real_images], axis=0)
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


def make_dataset(images, args):
    ds = tf.data.Dataset.from_tensor_slices(images)
    if args.shuffle:
        ds = ds.shuffle(args.shuffle, seed=0)
    ds = ds.batch(args.batch, drop_remainder=True).repeat()
    if args.prefetch:
        ds = ds.prefetch(tf.data.AUTOTUNE if args.prefetch < 0 else args.prefetch)
    return with_options(ds, args)


def with_options(ds, args):
    options = tf.data.Options()
    if args.private_threadpool is not None:
        options.threading.private_threadpool_size = args.private_threadpool
    if args.data_intraop is not None:
        options.threading.max_intra_op_parallelism = args.data_intraop
    if args.no_autotune:
        options.autotune.enabled = False
    if args.cpu_budget is not None:
        options.autotune.cpu_budget = args.cpu_budget
    if args.warm_start:
        options.experimental_warm_start = True
    return ds.with_options(options)


def adapter_dataset(images, args):
    """The pipeline `fit` builds from a numpy array (for the loop, with `--data numpy`)."""
    from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

    ds = ArrayDataAdapter(images, batch_size=args.batch, shuffle=bool(args.shuffle)).get_tf_dataset()
    return with_options(ds.repeat(), args)


# ---------------------------------------------------------------- per-call measurements


def system_cpu():
    """(busy, steal) jiffies of the whole machine, from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    steal = fields[7] if len(fields) > 7 else 0
    return sum(fields[:8]) - idle - steal, steal


def thread_cpu():
    """CPU jiffies of each of this process's threads, keyed by (tid, name)."""
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2 :].split()
        out[(tid, name)] = int(rest[11]) + int(rest[12])  # utime + stime
    return out


class Meter:
    def __init__(self, threads):
        self.threads = threads

    def __enter__(self):
        self.usage, self.sys = resource.getrusage(resource.RUSAGE_SELF), system_cpu()
        self.per_thread = thread_cpu() if self.threads else None
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        usage, sys_cpu, hz = resource.getrusage(resource.RUSAGE_SELF), system_cpu(), os.sysconf("SC_CLK_TCK")
        self.cpu = (usage.ru_utime + usage.ru_stime) - (self.usage.ru_utime + self.usage.ru_stime)
        self.others = max(0.0, (sys_cpu[0] - self.sys[0]) / hz - self.cpu)
        self.steal = (sys_cpu[1] - self.sys[1]) / hz
        self.ctx = (usage.ru_nvcsw - self.usage.ru_nvcsw, usage.ru_nivcsw - self.usage.ru_nivcsw)
        if self.threads:
            after = thread_cpu()
            self.new_threads = sum(key not in self.per_thread for key in after)
            deltas = {key: (ticks - self.per_thread.get(key, 0)) / hz for key, ticks in after.items()}
            self.by_thread = sorted(deltas.items(), key=lambda kv: -kv[1])


class StepTimer(keras.callbacks.Callback):
    def __init__(self, steps=None, dump_after=None):
        super().__init__()
        self.steps, self.dump_after, self.dump, self._timer = steps, dump_after, None, None

    def on_train_begin(self, logs=None):
        self.ends = [time.perf_counter()]

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append(time.perf_counter())
        if self.dump_after is not None and len(self.ends) - 1 == self.steps:  # the last step: arm the dump
            import threading

            self._timer = threading.Timer(self.dump_after, self._dump)
            self._timer.start()

    def _dump(self):
        import subprocess

        done = subprocess.run(["py-spy", "dump", "--native", "--pid", str(os.getpid())], capture_output=True,
                              text=True, timeout=60)
        self.dump = done.stdout or done.stderr

    def cancel(self):
        """Called when `fit` has returned: a fast call returns before the dump fires (then there is none)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer.join()


def main_thread_stack(dump):
    """The main thread's part of a `py-spy dump` (the thread that is in `fit`)."""
    lines, keep = [], False
    for line in dump.splitlines():
        if line.startswith("Thread "):
            keep = '"MainThread"' in line
        if keep:
            lines.append(line)
    return "\n".join(lines) or dump


def report(kind, n, meter, step_times, args):
    steps = args.steps
    per_entry = steps / len(step_times)  # steps per timed entry: steps_per_execution for fit, 1 for the loop
    steady = (statistics.median(step_times[1:]) if len(step_times) > 1 else step_times[0]) / per_entry
    line = (f"{kind:4s} {n:3d}  {args.batch * steps / meter.wall:7.1f} img/s  steady {args.batch / steady:7.1f} img/s "
            f"({steady:.3f} s/step)  first {step_times[0]:.3f} s  cpu/wall {meter.cpu / meter.wall:4.2f}  "
            f"others {meter.others / meter.wall:4.2f}  steal {meter.steal / meter.wall:4.2f}  "
            f"ctx {meter.ctx[0]}/{meter.ctx[1]}")
    print(line, flush=True)
    if args.step_times:
        print("          steps (s): " + " ".join(f"{t:.2f}" for t in step_times), flush=True)
    if args.threads:
        top = "  ".join(f"{name}/{tid}={cpu:.2f}s" for (tid, name), cpu in meter.by_thread[:8] if cpu > 0)
        print(f"          {meter.new_threads} new threads; busiest (name/tid=cpu): {top}", flush=True)
    return args.batch * steps / meter.wall


def traced(kind, n, args):
    if args.profile:
        tf.profiler.experimental.start(os.path.join(args.profile, f"{kind}_{n:02d}"))

    def stop():
        if args.profile:
            tf.profiler.experimental.stop()

    return stop


def main():
    args = ARGS
    if args.interop_threads is not None:
        tf.config.threading.set_inter_op_parallelism_threads(args.interop_threads)
    if args.intraop_threads is not None:
        tf.config.threading.set_intra_op_parallelism_threads(args.intraop_threads)
    keras.utils.set_random_seed(0)
    images = np.random.default_rng(0).uniform(-1, 1, (args.images, 28, 28, 1)).astype("float32")
    if args.data == "keras-gan":  # the package's own loader, its pipeline and options as a user gets them
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
        import keras_gan

        fit_data = keras_gan.datasets.load("digits", batch_size=args.batch, with_labels=False,
                                           autotune=args.autotune).repeat()
    else:
        fit_data = images if args.data == "numpy" else make_dataset(images, args)
    loop_data = adapter_dataset(images, args) if args.data == "numpy" else fit_data

    model = GAN()
    model.compile(steps_per_execution=args.steps_per_execution)
    fit_kwargs = {"epochs": 1, "verbose": 0, "steps_per_epoch": args.steps, "shuffle": False}
    if args.data == "numpy":
        fit_kwargs.update(batch_size=args.batch, shuffle=bool(args.shuffle))
        fit_kwargs.pop("steps_per_epoch")  # an epoch of the array; --images sets its length
        args.steps = args.images // args.batch + (args.images % args.batch > 0)

    if args.loop_in_graph:
        @tf.function
        def loop_step(iterator):
            return model.train_step(next(iterator))
    else:
        compiled = tf.function(model.train_step)

        def loop_step(iterator):
            return compiled(next(iterator))

    print(f"tensorflow {tf.__version__}, keras {keras.__version__}, {os.cpu_count()} cpus, "
          f"inter/intra-op threads {tf.config.threading.get_inter_op_parallelism_threads()}/"
          f"{tf.config.threading.get_intra_op_parallelism_threads()} (0 = TF picks), "
          f"TF_ENABLE_ONEDNN_OPTS={os.environ.get('TF_ENABLE_ONEDNN_OPTS', 'unset')}", flush=True)
    print("flags:", " ".join(sys.argv[1:]) or "(none)", flush=True)

    # Warm-up: trace both paths once, untimed.
    warm_kwargs = dict(fit_kwargs)
    if "steps_per_epoch" in warm_kwargs:
        warm_kwargs["steps_per_epoch"] = min(2 * args.steps_per_execution, args.steps)
    model.fit(fit_data, **warm_kwargs)
    iterator = iter(loop_data)
    float(loop_step(iterator)["g_loss"])

    rates = {"fit": [], "loop": []}
    for n in range(args.calls):
        timer = StepTimer(args.steps // args.steps_per_execution, args.dump_idle)
        stop = traced("fit", n, args)
        with Meter(args.threads) as meter:
            called = time.perf_counter()
            model.fit(fit_data, callbacks=[timer], **fit_kwargs)
            returned = time.perf_counter()
        timer.cancel()
        stop()
        rates["fit"].append(report("fit", n, meter, np.diff(timer.ends).tolist(), args))
        if args.step_times:  # outside the steps: fit's call to on_train_begin, the last step's end to fit's return
            print(f"          before the first step {timer.ends[0] - called:.2f} s, after the last "
                  f"{returned - timer.ends[-1]:.2f} s", flush=True)
        if timer.dump:
            print(f"          still in fit {args.dump_idle:.1f} s after its last step; the main thread's native "
                  "stack (py-spy dump --native):\n" + main_thread_stack(timer.dump), flush=True)
        if args.no_loop:
            continue
        stop = traced("loop", n, args)
        with Meter(args.threads) as meter:
            if args.loop_new_iterator:
                iterator = iter(loop_data)
            ends = [time.perf_counter()]
            for _ in range(args.steps):
                float(loop_step(iterator)["g_loss"])  # fetch each loss (fit calls block per step too)
                ends.append(time.perf_counter())
        stop()
        rates["loop"].append(report("loop", n, meter, np.diff(ends).tolist(), args))

    for kind, values in rates.items():
        if values:
            print(f"{kind}: median {statistics.median(values):.1f} img/s, min {min(values):.1f}, "
                  f"max {max(values):.1f}, calls below 80% of max: {sum(v < 0.8 * max(values) for v in values)}"
                  f"/{len(values)}")


if __name__ == "__main__":
    main()
