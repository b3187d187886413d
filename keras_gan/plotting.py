"""Plots of training curves, written atomically with Matplotlib."""

from keras_gan.utils.files import atomic_path

__all__ = ["plot_history", "history_figure", "save_figure"]


QUALITY_METRICS = ("digit_fd", "digit_score", "fid", "kid", "inception_score", "precision", "recall", "density",
                   "coverage", "digit_precision", "digit_recall", "digit_density", "digit_coverage")


def plot_history(history, path, title="GAN training"):
    """Plots the losses, the discriminator's probabilities and any sample-quality metric to a PNG.

    One panel for `d_loss` and `g_loss`, one for the other logged values
    (`p_real`, `p_fake`, `critic_gap`, trick terms) and, when `Evaluate`
    logged them, one for the sample-quality metrics (`digit_fd`, `fid`,
    ...). A metric evaluated every few epochs is plotted against its
    evaluations. The file is written atomically.

    Args:
        history: A `keras.callbacks.History` or its `.history` dict.
        path: Destination `.png` file.
        title: Figure title.

    Returns:
        The path written.

    Example:

    >>> import os, tempfile
    >>> logs = {"d_loss": [1.3, 1.2], "g_loss": [0.8, 0.9], "p_real": [0.6, 0.55], "digit_fd": [300.0, 120.0]}
    >>> path = plot_history(logs, os.path.join(tempfile.mkdtemp(), "history.png"))
    >>> os.path.getsize(path) > 0
    True
    """
    return save_figure(history_figure(history, title), path)


# Series this short are drawn with a marker on each point: a line through one point draws nothing.
_MARKERS_UP_TO = 50


def _plot(ax, values, label, marker=False):
    style = "o-" if marker or len(values) <= _MARKERS_UP_TO else "-"
    ax.plot(range(1, len(values) + 1), values, style, markersize=4, label=label)


def history_figure(history, title="GAN training"):
    """The figure `plot_history` writes, for showing or changing before saving.

    Series of up to 50 values (a short run's epochs) are drawn with a marker
    on every point, so a one-epoch run shows its values rather than empty
    panels.

    Args:
        history: A `keras.callbacks.History` or its `.history` dict.
        title: Figure title.

    Returns:
        A `matplotlib.figure.Figure` (close it with `matplotlib.pyplot.close`
        or `save_figure`).

    Example:

    >>> import os, tempfile
    >>> fig = history_figure({"d_loss": [1.3], "g_loss": [0.8], "p_real": [0.6]})
    >>> len(fig.axes)
    2
    >>> save_figure(fig, os.path.join(tempfile.mkdtemp(), "history.png")).endswith(".png")
    True
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    logs = getattr(history, "history", history)
    losses = [k for k in ("d_loss", "g_loss") if k in logs]
    quality = [k for k in logs if k in QUALITY_METRICS]
    # HealthMonitor's flags and gradient norm stay in the history; `diversity` joins the discriminator panel.
    others = [k for k in logs if k not in losses and k not in quality and not k.endswith("_std")
              and not k.startswith(("val_", "health_")) and k != "g_grad_norm"]
    panels = 1 + bool(others) + bool(quality)
    fig, axes = plt.subplots(1, panels, figsize=(5.5 * panels, 3.8), squeeze=False)
    for key in losses:
        _plot(axes[0, 0], logs[key], key)
    axes[0, 0].set(xlabel="epoch", ylabel="loss", title="losses")
    axes[0, 0].legend()
    if others:
        for key in others:
            _plot(axes[0, 1], logs[key], key)
        if "p_real" in others:
            axes[0, 1].axhline(0.5, color="grey", linestyle=":", label="equilibrium 0.5")
        axes[0, 1].set(xlabel="epoch", title="discriminator")
        axes[0, 1].legend()
    if quality:
        ax = axes[0, panels - 1]
        epochs = max((len(v) for v in logs.values()), default=0)
        for key in quality:
            _plot(ax, logs[key], key, marker=True)
        sparse = any(len(logs[k]) < epochs for k in quality)
        ax.set(xlabel="evaluation" if sparse else "epoch", title="sample quality")
        ax.legend()
    from matplotlib.ticker import MaxNLocator

    for ax in axes[0]:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # epochs and evaluations are counts
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def save_figure(fig, path, dpi=100):
    """Writes a Matplotlib figure to a PNG atomically, then closes it.

    Args:
        fig: A `matplotlib.figure.Figure`.
        path: Destination `.png` file; a reader sees the old file or the
            complete new one, never a partial write.
        dpi: Resolution.

    Returns:
        The path written.

    Example:

    >>> import os, tempfile
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [1, 0])
    >>> path = save_figure(fig, os.path.join(tempfile.mkdtemp(), "line.png"))
    >>> os.path.getsize(path) > 0
    True
    """
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi)
    plt.close(fig)
    return path
