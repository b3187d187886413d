"""`LogsMixin`: the one metrics channel of an adversarial model, from a step's logs into Keras's trackers."""

import keras

from keras_gan.backend import average_logs


class LogsMixin:
    """Mixed into `AdversarialModel`: one `keras.metrics.Mean` per logged name, fed only by `update_metrics`.

    Trackers are made at construction for every name the model may log
    (`all_log_names`, whatever its loss) and its tricks' `term_names`;
    `compile` selects those of its loss (`log_names`), which `metrics`
    (and so History and the progress bar) shows.
    """

    def _make_trackers(self):
        names = list(self.all_log_names()) + list(self.trick_chain.log_names)
        if len(set(names)) != len(names):
            duplicates = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(
                f"Two tricks (or a trick and the model) log under the same name ({duplicates}). "
                "Give each trick only once."
            )
        self._all_trackers = {name: keras.metrics.Mean(name=name) for name in names}
        self._metric_trackers = {}

    def _select_trackers(self):
        names = list(self.log_names()) + list(self.trick_chain.log_names)
        self._metric_trackers = {name: self._all_trackers[name] for name in names}

    def all_log_names(self):
        """Every name this model may log, whatever its loss (trackers are made for all at construction)."""
        return ("d_loss", "g_loss")

    def log_names(self):
        """The names this model logs with its compiled loss (tricks' names come on top)."""
        return ("d_loss", "g_loss")

    @property
    def metrics(self):
        return list(self._metric_trackers.values())

    def update_metrics(self, logs):
        """The one metrics channel: `{name: value}` from a step's losses into the trackers."""
        for name, value in logs.items():
            tracker = self._metric_trackers.get(name)
            if tracker is None:
                raise KeyError(
                    f"{type(self).__name__} logged {name!r}, which is not among its log names "
                    f"{sorted(self._metric_trackers)}: list it in `log_names()` (a model) or "
                    "`term_names` (a trick)."
                )
            tracker.update_state(value)

    def get_metrics_result(self):
        """The trackers' values (averaged over the processes under `torch.distributed`)."""
        return average_logs({name: tracker.result() for name, tracker in self._metric_trackers.items()})
