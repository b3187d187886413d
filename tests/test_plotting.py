from PIL import Image

from keras_gan.plotting import history_figure, plot_history


def test_plot_history_writes_a_png(tmp_path):
    history = {"d_loss": [1.3, 1.2], "g_loss": [0.8, 0.9], "p_real": [0.6, 0.55], "p_fake": [0.4, 0.45]}
    path = plot_history(history, tmp_path / "losses.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] > 500


def test_sample_quality_metrics_get_their_own_panel(tmp_path):
    from PIL import Image

    logs = {"d_loss": [1.3, 1.2, 1.1], "g_loss": [0.8, 0.9, 1.0], "p_real": [0.6, 0.55, 0.5]}
    two = plot_history(logs, str(tmp_path / "two.png"))
    three = plot_history({**logs, "digit_fd": [300.0, 120.0]}, str(tmp_path / "three.png"))  # every 2 epochs
    assert Image.open(three).size[0] == Image.open(two).size[0] * 3 // 2  # one more 5.5-inch panel


def test_a_one_epoch_run_leaves_no_empty_panel():
    """One value per series: each is drawn as a marker (a line through one point draws nothing)."""
    import matplotlib.pyplot as plt

    logs = {"d_loss": [1.3], "g_loss": [0.8], "p_real": [0.6], "p_fake": [0.4], "digit_fd": [300.0]}
    fig = history_figure(logs)
    try:
        assert len(fig.axes) == 3
        for ax in fig.axes:
            series = [line for line in ax.get_lines() if line.get_label() in logs]
            assert series, ax.get_title()
            for line in series:
                assert len(line.get_xdata()) == 1 and line.get_marker() not in (None, "", " ", "None"), (
                    ax.get_title(), line.get_label())
            assert list(ax.get_xticks()) == [int(t) for t in ax.get_xticks()]  # whole epochs, not 0.96
    finally:
        plt.close(fig)


def test_long_series_are_plain_lines():
    import matplotlib.pyplot as plt

    fig = history_figure({"d_loss": [1.0] * 200, "g_loss": [1.0] * 200})
    try:
        assert {line.get_marker() for line in fig.axes[0].get_lines()} == {"None"}
    finally:
        plt.close(fig)
