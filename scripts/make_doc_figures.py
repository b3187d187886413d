"""Makes the pictures of the docs and README from the package's own code (never by hand).

    python scripts/make_doc_figures.py             # the analytic figures (seconds)
    python scripts/make_doc_figures.py --digits    # also trains the main job's DCGAN (minutes) for digits.png
    python scripts/make_doc_figures.py --models    # also the CGAN, InfoGAN and mode-coverage pictures (minutes)

Writes into docs/images/:
- generator_costs.png: the minimax, non-saturating and maximum-likelihood
  generator costs against D(G(z)), computed by keras_gan.losses (as Goodfellow's
  tutorial compares them);
- xy_game.png: alternating gradient play orbiting the equilibrium of min_x max_y xy;
- js_vs_em.png: JS divergence and Earth-Mover distance between two point masses
  at 0 and theta (the WGAN paper's example of non-overlapping distributions);
- digits.png: samples of `keras-gan train` (with --digits);
- cgan.png, infogan_traversal.png: the conditional GAN's one-row-per-digit grid and
  InfoGAN's latent traversal, from `examples/` at their default settings (with --models);
- mode_coverage.png: `benchmarks/mode_coverage.py` for one seed (with --models).
"""

import argparse
import importlib.util
import os
import pathlib
import shutil
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _save(fig, path):
    from keras_gan.utils.files import atomic_path

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    print(f"wrote {path}")


def generator_costs(path):
    from keras import ops

    import keras_gan

    d = np.linspace(0.005, 0.995, 199)
    logits = np.log(d / (1 - d)).astype("float32")
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for name in ("minimax", "non_saturating", "maximum_likelihood"):
        loss = keras_gan.losses.get(name)
        # The loss averages over its batch: map it over one-logit batches to get each point's cost.
        per_point = ops.vectorized_map(lambda logit, loss=loss: loss.generator_loss(logit[None]), logits)
        cost = ops.convert_to_numpy(per_point)
        ax.plot(d, cost, label=name.replace("_", "-"))
    ax.set_xlabel("D(G(z))")
    ax.set_ylabel("generator cost J(G)")
    ax.set_ylim(-20, 5)
    ax.set_title("Generator costs (keras_gan.losses)")
    ax.legend()
    fig.tight_layout()
    _save(fig, path)


def _script(relative):
    spec = importlib.util.spec_from_file_location(pathlib.Path(relative).stem, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def xy_game(path):
    _script("examples/xy_game.py").main(["--out", str(path)])


def model_pictures(out):
    work = pathlib.Path(tempfile.mkdtemp())
    try:
        _script("examples/conditional_gan_digits.py").main(["--out", str(work / "cgan")])
        shutil.copyfile(sorted((work / "cgan" / "samples").glob("*.png"))[-1], out / "cgan.png")
        _script("examples/infogan_digits.py").main(["--out", str(work / "infogan")])
        shutil.copyfile(work / "infogan" / "traversal.png", out / "infogan_traversal.png")
        _script("benchmarks/mode_coverage.py").main(["--seeds", "0", "--out", str(out / "mode_coverage.png")])
        print(f"wrote {out / 'cgan.png'}, {out / 'infogan_traversal.png'}, {out / 'mode_coverage.png'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def js_vs_em(path):
    theta = np.linspace(-1, 1, 401)
    js = np.where(np.isclose(theta, 0), 0.0, np.log(2))
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharex=True)
    axes[0].plot(theta, np.abs(theta))
    axes[0].set_title("Earth-Mover distance W(P0, P_theta) = |theta|")
    axes[1].plot(theta[theta < 0], js[theta < 0], "C1")
    axes[1].plot(theta[theta > 0], js[theta > 0], "C1")
    axes[1].plot([0], [0], "o", color="C1")
    axes[1].set_title("JS divergence: log 2, except 0 at theta = 0")
    for ax in axes:
        ax.set_xlabel("theta")
    fig.tight_layout()
    _save(fig, path)


def digits(path):
    from keras_gan import cli

    out = tempfile.mkdtemp()
    try:
        run = cli.main(["train", "--out", out, "--verbose", "0"])
        if run != 0:
            raise SystemExit("keras-gan train failed")
        grids = sorted((pathlib.Path(out) / "samples").glob("*.png"))
        shutil.copyfile(grids[-1], path)
        print(f"wrote {path} (from {grids[-1].name})")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--digits", action="store_true", help="also train the main job for digits.png")
    parser.add_argument("--models", action="store_true", help="also train the CGAN, InfoGAN and mode-coverage runs")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    generator_costs(out / "generator_costs.png")
    xy_game(out / "xy_game.png")
    js_vs_em(out / "js_vs_em.png")
    if args.digits:
        digits(out / "digits.png")
    if args.models:
        model_pictures(out)
    return sorted(p.name for p in out.glob("*.png"))


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
