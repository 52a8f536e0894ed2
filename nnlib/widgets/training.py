r"""Unit 06's explorer: a live training dashboard.

A small network (two hidden tanh layers of ``hidden`` units, a softmax output) learns two moons or
three spirals with Adam while the dashboard shows the training and validation loss per epoch and
the decision regions. Training runs in small chunks (a few epochs, then a redraw) on a background
thread, so the kernel stays free to handle the Stop button and the sliders while it trains.

Controls: the learning rate (applied at once, without restarting), the hidden size and the data
set (both start a new network), and Start, Stop and Reset buttons. From code::

    board = training_dashboard()
    board.train_epochs(20)     # train 20 epochs now, in this thread, and redraw
    board.start()              # train in the background until stop() or max_epochs
    board.stop()
    board.update(lr=0.1)       # as a user moving the slider would
"""
import html
import threading
import time

import ipywidgets as widgets
from matplotlib.colors import to_rgb
import numpy as np

from nnlib import activations, datasets, plotting
from nnlib.network import MLP
from nnlib.optim import Adam
from nnlib.train import accuracy, blas_threads, train
from nnlib.widgets.base import Explorer, dropdown, int_slider, log_slider

__all__ = ["DATASETS", "TrainingDashboard", "training_dashboard", "make_data"]

#: name -> (loader, number of classes, held-out fraction)
DATASETS = {
    "two moons": (lambda seed: datasets.two_moons(n=200, noise=0.2, seed=seed), 2, 0.3),
    "spirals": (lambda seed: datasets.spirals(n=300, classes=3, noise=0.2, seed=seed), 3, 0.25),
}


def make_data(name, seed=0):
    """Training and validation parts of one of :data:`DATASETS`: ``X_train, X_val, y_train, y_val``."""
    loader, _, fraction = DATASETS[name]
    X, y = loader(seed)
    return datasets.train_test_split(X, y, test_fraction=fraction, seed=seed)


class TrainingDashboard:
    """Loss curves and decision regions that update while a network trains.

    Parameters
    ----------
    dataset : str
        A key of :data:`DATASETS`.
    lr : float
        Adam's learning rate.
    hidden : int
        Units in each of the two hidden layers.
    epochs_per_chunk : int
        Epochs trained between two redraws.
    max_epochs : int
        The background training stops by itself after this many epochs.
    batch_size : int
    seed : int
        Seed of the data, the initial weights and the shuffling.
    resolution : int
        Grid points per axis of the decision-region picture.

    Attributes
    ----------
    explorer : nnlib.widgets.base.Explorer
        Controls ``lr``, ``hidden``, ``dataset``; ``explorer.widget`` is what a cell displays.
    model : nnlib.network.MLP
    optimizer : nnlib.optim.Adam
    history : dict
        ``"loss"``, ``"val_loss"``, ``"val_accuracy"``: one value per epoch trained so far.
    start_button, stop_button, reset_button : ipywidgets.Button
    status : ipywidgets.HTML
    """

    def __init__(self, dataset="two moons", lr=0.03, hidden=8, epochs_per_chunk=5, max_epochs=300,
                 batch_size=32, seed=0, resolution=70):
        self.epochs_per_chunk = int(epochs_per_chunk)
        self.max_epochs = int(max_epochs)
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.resolution = int(resolution)
        self._lock = threading.RLock()
        self._stop_event = threading.Event()
        self._thread = None
        self._artists = None
        self._data_shown = None
        self._built_for = None
        self.redraw_seconds = []

        self.start_button = widgets.Button(description="Start", button_style="success", icon="play")
        self.stop_button = widgets.Button(description="Stop", button_style="danger", icon="stop")
        self.reset_button = widgets.Button(description="Reset", icon="refresh")
        self.status = widgets.HTML()
        self.start_button.on_click(lambda _button: self.start())
        self.stop_button.on_click(lambda _button: self.stop())
        self.reset_button.on_click(lambda _button: self.reset())

        controls = {
            "lr": log_slider("learning rate", lr, -4, 0, step=0.1, continuous_update=False),
            "hidden": int_slider("hidden units per layer", hidden, 1, 64, continuous_update=False),
            "dataset": dropdown("data", list(DATASETS), dataset),
        }
        buttons = widgets.HBox([self.start_button, self.stop_button, self.reset_button])
        self.explorer = Explorer(controls, self._draw, nrows=1, ncols=2, figsize=(9.5, 3.8),
                                 title="Training dashboard: Adam on a small tanh network",
                                 extra_widgets=[buttons, self.status], clear=False, dpi=72,
                                 draw_now=False)
        # Every redraw (from a slider in the main thread or from the training thread) takes the
        # lock, so the figure is never drawn by two threads at once.
        unlocked_redraw = self.explorer.redraw

        def locked_redraw():
            with self._lock:
                started = time.perf_counter()
                unlocked_redraw()
                self.redraw_seconds.append(time.perf_counter() - started)

        self.explorer.redraw = locked_redraw
        self.explorer.redraw()

    # -- public --------------------------------------------------------------------------------
    @property
    def widget(self):
        """What to display."""
        return self.explorer.widget

    @property
    def epoch(self):
        """Epochs trained since the network was (re)built."""
        return len(self.history["loss"])

    @property
    def running(self):
        """True while the background thread trains."""
        return self._thread is not None and self._thread.is_alive()

    def update(self, **values):
        """Set controls (``lr``, ``hidden``, ``dataset``) as a user would, and redraw once."""
        self.explorer.update(**values)

    def reset(self):
        """Stop training and start again from a new network with the current controls."""
        self.stop()
        with self._lock:
            self._built_for = None
            self.explorer.redraw()

    def train_epochs(self, epochs=None):
        """Train ``epochs`` (default ``epochs_per_chunk``) epochs in the calling thread, then redraw."""
        with self._lock:
            for _ in range(self.epochs_per_chunk if epochs is None else int(epochs)):
                self._one_epoch()
            self.explorer.redraw()

    def start(self):
        """Train in the background, a chunk at a time, until :meth:`stop` or ``max_epochs``."""
        if self.running:
            return
        self._stop_event.clear()
        self._thread = threading.Thread(target=self._run, name="training-dashboard", daemon=True)
        self._thread.start()

    def stop(self, timeout=10.0):
        """Ask the background training to stop and wait (up to ``timeout`` s) until it has."""
        self._stop_event.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def wait(self, timeout=30.0):
        """Block until the background training ends by itself (``max_epochs``) or ``timeout`` passes."""
        if self._thread is not None:
            self._thread.join(timeout)

    # -- internals -----------------------------------------------------------------------------
    def _run(self):
        try:
            while not self._stop_event.is_set() and self.epoch < self.max_epochs:
                self.train_epochs(min(self.epochs_per_chunk, self.max_epochs - self.epoch))
                time.sleep(0.01)  # leave the interpreter to the kernel between chunks
        finally:
            self._show_status(running=False)

    def _one_epoch(self):
        measured = train(self.model, self.X_train, self.y_train, "softmax_cross_entropy", self.optimizer,
                         epochs=1, batch_size=self.batch_size, X_val=self.X_val, y_val=self.y_val,
                         seed=self.seed + self.epoch, progress=False)
        for key in ("loss", "val_loss", "val_accuracy"):
            self.history[key].append(float(measured[key][-1]))

    def _build(self, dataset, hidden, lr):
        same_data = self._built_for is not None and self._built_for[0] == dataset
        self.X_train, self.X_val, self.y_train, self.y_val = make_data(dataset, self.seed)
        n_classes = DATASETS[dataset][1]
        self.model = MLP([2, hidden, hidden, n_classes], ["tanh", "tanh", "linear"], seed=self.seed)
        self.optimizer = Adam(lr=lr)
        self.history = {"loss": [], "val_loss": [], "val_accuracy": []}
        self._built_for = (dataset, hidden)
        X_all = np.vstack([self.X_train, self.X_val])
        low, high = X_all.min(axis=0) - 0.5, X_all.max(axis=0) + 0.5
        self._extent = (low[0], high[0], low[1], high[1])
        gx, gy = np.meshgrid(np.linspace(low[0], high[0], self.resolution),
                             np.linspace(low[1], high[1], self.resolution))
        self._grid = np.column_stack([gx.ravel(), gy.ravel()])
        self._colors = np.array([to_rgb(c) for c in plotting.CLASS_COLORS[:n_classes]])
        if not same_data:
            self._data_shown = None

    def _regions(self):
        """An RGB picture of the class probabilities on the grid (pale where the network is unsure)."""
        probs = activations.softmax(self.model.forward(self._grid))
        rgb = probs @ self._colors
        rgb = 1.0 - 0.45 * (1.0 - rgb)  # lighten, so that the points stay visible
        return rgb.reshape(self.resolution, self.resolution, 3)

    def _first_drawing(self, axes):
        """Make every artist once; later redraws only change their data (no clearing, no relayout)."""
        loss_ax, region_ax = axes
        train_line, = loss_ax.plot([], [], lw=2, color=plotting.CLASS_COLORS[0], label="training loss")
        val_line, = loss_ax.plot([], [], lw=2, ls="--", color=plotting.CLASS_COLORS[1], label="validation loss")
        loss_ax.set_xlabel("epoch")
        loss_ax.set_ylabel("cross-entropy")
        loss_ax.grid(alpha=0.3)
        loss_ax.legend(loc="upper right")
        image = region_ax.imshow(np.ones((2, 2, 3)), origin="lower", aspect="auto", interpolation="bilinear")
        points = {}
        for k in range(max(n_classes for _, n_classes, _ in DATASETS.values())):
            for part, edge in (("train", "white"), ("val", "black")):
                points[k, part] = region_ax.scatter(np.empty(0), np.empty(0), s=18, color=plotting.CLASS_COLORS[k],
                                                    marker=plotting.CLASS_MARKERS[k], edgecolors=edge,
                                                    linewidths=0.5)
        # Text is what costs most in a redraw: the regions need no tick labels, the curves few.
        region_ax.set_xticks([])
        region_ax.set_yticks([])
        region_ax.set_xlabel("$x_1$")
        region_ax.set_ylabel("$x_2$")
        loss_ax.locator_params(nbins=5)
        self.explorer.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.9, wspace=0.12)
        self._artists = {"train": train_line, "val": val_line, "image": image, "points": points}

    def _show_data(self):
        """Put the current data set's points and extent into the region picture."""
        region_ax = self._artists["image"].axes
        for (k, part), collection in self._artists["points"].items():
            X, y = (self.X_train, self.y_train) if part == "train" else (self.X_val, self.y_val)
            collection.set_offsets(X[y == k] if k < len(self._colors) else np.empty((0, 2)))
        self._artists["image"].set_extent(self._extent)
        region_ax.set_xlim(self._extent[:2])
        region_ax.set_ylim(self._extent[2:])
        self._data_shown = self._built_for[0]

    def _draw(self, axes, lr, hidden, dataset):
        if self._built_for != (dataset, hidden):
            self._build(dataset, hidden, lr)
        self.optimizer.lr = float(lr)  # a new learning rate applies from the next batch on
        if self._artists is None:
            self._first_drawing(axes)
        if self._data_shown != dataset:
            self._show_data()
        loss_ax, region_ax = axes
        epochs = np.arange(1, self.epoch + 1)
        self._artists["train"].set_data(epochs, self.history["loss"])
        self._artists["val"].set_data(epochs, self.history["val_loss"])
        if self.epoch:
            top = max(max(self.history["loss"]), max(self.history["val_loss"]))
            loss_ax.set_xlim(0, max(10, self.epoch + 1))
            loss_ax.set_ylim(0, 1.05 * top)
        else:
            loss_ax.set_xlim(0, 10)
            loss_ax.set_ylim(0, 1)
        # BLAS on one thread, as in train(): a second thread doubled the CPU time of the regions
        # of a wider network and saved no wall time (bench/README.md)
        with blas_threads():
            self._artists["image"].set_data(self._regions())
            val_acc = self.history["val_accuracy"][-1] if self.epoch else accuracy(
                self.model.forward(self.X_val), self.y_val)
        loss_ax.set_title(f"Loss after {self.epoch} epochs")
        region_ax.set_title(f"{dataset}: validation accuracy {val_acc:.0%}")
        self._show_status()

    def _show_status(self, running=None):
        if running is None:
            running = self.running and not self._stop_event.is_set()
        state = "training…" if running else "stopped"
        loss = f"{self.history['loss'][-1]:.3f}" if self.epoch else "–"
        self.status.value = html.escape(f"epoch {self.epoch} · training loss {loss} · {state}")


def training_dashboard(**options):
    """A :class:`TrainingDashboard` (see there for the options); display ``board.widget``."""
    return TrainingDashboard(**options)
