"""Resident memory over a long run: does a GAN's training leak?

    python benchmarks/memory.py            # 2,000 steps, about 1 minute on 2 CPU cores

Trains the default DCGAN (width 32, batch 32) on the embedded digits for
`--steps` steps and samples the process's resident set size every 100 steps.
Reports the RSS after warm-up (step 200) and at the end, and the growth per
1,000 steps over the second half (a leak grows linearly; a flat line is ~0).
"""

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import keras_gan  # noqa: E402


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class RSSProbe(keras.callbacks.Callback):
    def __init__(self, every):
        super().__init__()
        self.every, self.samples, self.step = every, [], 0

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.step % self.every == 0:
            self.samples.append((self.step, rss_mib()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    data = keras_gan.datasets.load("digits", batch_size=32).repeat()
    gan = keras_gan.models.DCGAN(latent_dim=64, width=32, seed=0)
    gan.compile()
    probe = RSSProbe(100)
    gan.fit(data, steps_per_epoch=args.steps // 10, epochs=10, verbose=0, callbacks=[probe])
    steps, rss = zip(*probe.samples)
    half = len(rss) // 2
    slope = (rss[-1] - rss[half]) / (steps[-1] - steps[half]) * 1000
    print("step  RSS MiB")
    for s, r in probe.samples:
        print(f"{s:5d}  {r:8.1f}")
    print(f"RSS after 200 steps {rss[1]:.1f} MiB, after {steps[-1]} steps {rss[-1]:.1f} MiB; "
          f"growth over the second half: {slope:+.2f} MiB per 1,000 steps")


if __name__ == "__main__":
    main()
