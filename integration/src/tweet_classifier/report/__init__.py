"""What a training or evaluation run reports: scores, thresholds, ``metrics.json``, plots, explained errors.

- :mod:`.metrics`: F1, precision, recall, AUC and the threshold choice (NumPy only);
- :mod:`.files`: ``metrics.json``, the PNG plots and the learning curves;
- :mod:`.explained_errors`: the most confident mistakes with the words that drove them.

Public API::

    binary_metrics(y, p, threshold) -> BinaryMetrics, best_threshold(y, p), tuned_threshold(y, p)
    write_report(directory, metrics, y_true, probability, ...)
    write_errors_page(...), mistakes(...), influential_words(...)
"""

from tweet_classifier.report.explained_errors import (
    ERRORS_PAGE,
    influential_words,
    mistakes,
    write_errors_page,
)
from tweet_classifier.report.files import METRICS_FILE, best_epoch, learning_curves, write_report
from tweet_classifier.report.metrics import (
    DEFAULT_THRESHOLD,
    BinaryMetrics,
    best_threshold,
    binary_metrics,
    precision_recall_curve,
    tuned_threshold,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "ERRORS_PAGE",
    "METRICS_FILE",
    "BinaryMetrics",
    "best_epoch",
    "best_threshold",
    "binary_metrics",
    "influential_words",
    "learning_curves",
    "mistakes",
    "precision_recall_curve",
    "tuned_threshold",
    "write_errors_page",
    "write_report",
]
