"""The training/evaluation report: ``metrics.json`` and PNG plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from tweet_classifier.report.metrics import BinaryMetrics, precision_recall_curve

METRICS_FILE = "metrics.json"


def write_report(
    directory: Path,
    metrics: BinaryMetrics,
    y_true: Any,
    probability: Any,
    *,
    history: dict[str, list[float]] | None = None,
    extra: dict[str, Any] | None = None,
) -> list[Path]:
    """Write metrics.json, confusion_matrix.png, precision_recall.png (+ learning_curves.png)."""
    import matplotlib

    matplotlib.use("Agg")

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    payload = {**metrics.to_dict(), **(extra or {})}
    if history:
        payload["history"] = history
        if (epoch := best_epoch(history)) is not None:
            payload["best_epoch"] = epoch
    path = directory / METRICS_FILE
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    written.append(path)

    written.append(_confusion_matrix(metrics, directory / "confusion_matrix.png"))
    written.append(_precision_recall(metrics, y_true, probability, directory / "precision_recall.png"))
    if history:
        written.append(_save(learning_curves(history), directory / "learning_curves.png"))
    return written


def best_epoch(history: dict[str, list[float]]) -> int | None:
    """The epoch (from 1) whose weights early stopping restored: the first lowest ``val_loss``.

    >>> best_epoch({"val_loss": [0.6, 0.4, 0.4, 0.5]})
    2
    """
    losses = history.get("val_loss") or []
    return int(np.argmin(losses)) + 1 if losses else None


def _confusion_matrix(metrics: BinaryMetrics, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 4))
    matrix = np.asarray(metrics.confusion)
    ax.imshow(matrix, cmap="Blues")
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(
            j, i, str(value), ha="center", va="center", color="black" if value < matrix.max() / 2 else "white"
        )
    ax.set_xticks([0, 1], ["not disaster", "disaster"])
    ax.set_yticks([0, 1], ["not disaster", "disaster"])
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"threshold {metrics.threshold:.2f}, F1 {metrics.f1:.3f}")
    return _save(fig, path)


def _precision_recall(metrics: BinaryMetrics, y_true: Any, probability: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    precision, recall = precision_recall_curve(y_true, probability)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(recall, precision)
    label = f"threshold {metrics.threshold:.2f}"
    ax.scatter([metrics.recall], [metrics.precision], color="red", zorder=3, label=label)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title("precision-recall (class 1: disaster)")
    ax.legend(loc="lower left")
    return _save(fig, path)


def learning_curves(history: dict[str, list[float]]) -> Any:
    """Loss and accuracy per epoch, with the restored best epoch marked (a matplotlib figure)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    best = best_epoch(history)
    for ax, key in zip(axes, ("loss", "accuracy"), strict=True):
        for name in (key, f"val_{key}"):
            if name in history:
                ax.plot(range(1, len(history[name]) + 1), history[name], marker="o", label=name)
        if best is not None:
            ax.axvline(best, color="grey", linestyle="--", label=f"restored: epoch {best}")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(key)
        ax.legend()
    return fig


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
