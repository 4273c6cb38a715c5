"""What a training run yields: the evaluated model before export, and the result after it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tweet_classifier.label_conflicts import LabelConflicts
from tweet_classifier.report.metrics import BinaryMetrics


@dataclass(frozen=True)
class Evaluation:
    """A trained text model (raw strings in), its threshold and how it scored.

    ``valid_y``/``probability`` are what the metrics were computed on: the validation split,
    or every tweet out of fold for the linear member alone.
    """

    text_model: Any
    threshold: float
    valid_y: np.ndarray
    probability: np.ndarray
    metrics: BinaryMetrics
    train_rows: int
    valid_rows: int
    threshold_tweets: int  # the tweets the threshold was chosen on (too few: 0.5 was kept)
    history: dict[str, list[float]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)  # extra figures for metrics.json
    valid_texts: list[str] = field(default_factory=list)  # the validation tweets (for the errors page)


@dataclass
class TrainResult:
    """What a training run produced: the version directory (``None`` on non-chief workers) and metrics."""

    version_dir: Path | None
    metrics: BinaryMetrics
    model: Any  # the Keras text model (raw strings in), as exported
    history: dict[str, list[float]]
    timings: dict[str, float] = field(default_factory=dict)
    vocabulary_size: int = 0
    sizes: dict[str, int] = field(default_factory=dict)
    members: dict[str, Any] = field(default_factory=dict)
    valid_y: Any = None  # the held-out labels the metrics were computed on
    valid_probability: Any = None  # and the model's probabilities for them
    train_rows: int = 0  # the rows the model was fitted on, after balancing
    threshold_tweets: int = 0  # the tweets the threshold was chosen on (too few: 0.5 was kept)
    label_conflicts: LabelConflicts | None = None  # found in the tweets and resolved before training
