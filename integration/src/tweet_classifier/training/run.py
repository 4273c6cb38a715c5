"""``train()``: the steps in order (split, vectors, linear member, recurrent member, export)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tweet_classifier.artifacts.export import export_serving_model
from tweet_classifier.artifacts.exported_model import Signatures
from tweet_classifier.artifacts.versions import check_model_base, write_version
from tweet_classifier.config import TrainConfig
from tweet_classifier.distillation.transfer import TransferSet
from tweet_classifier.label_conflicts import resolve_label_conflicts
from tweet_classifier.report import write_report
from tweet_classifier.training.inputs import Lookups, Split, build_lookups, split_tweets
from tweet_classifier.training.linear_member import LinearMember, fit_linear_member, linear_evaluation
from tweet_classifier.training.outcome import Evaluation, TrainResult
from tweet_classifier.training.recurrent import fit_recurrent
from tweet_classifier.tweets import Tweets

REPORT_DIR = "report"
SAVED_MODEL_SIZED = ("saved_model.pb", "variables", "assets")


def train(
    tweets: Tweets,
    vectors: Any,
    model_dir: Path | None,
    config: TrainConfig,
    *,
    strategy: Any = None,
    is_chief: bool = True,
    verbose: int | None = None,
    unlabelled: Sequence[str] = (),
) -> TrainResult:
    """Train the ``config.model`` members, choose the threshold, export ``model_dir/<N+1>`` (chief only).

    Identical texts with both targets are first kept, relabelled or dropped (``config.label_conflicts``).
    ``linear``: n-gram TF-IDF logistic regression, threshold from its out-of-fold scores.
    ``lstm``: the recurrent model alone, early stopping and threshold on the validation split.
    ``hybrid``: the LSTM learns a correction of the linear member's out-of-fold logit; the
    threshold comes from the linear member's out-of-fold scores of every tweet.
    With ``config.teacher`` the members also learn a fine-tuned teacher's soft targets on the
    tweets, their augmented copies and any ``unlabelled`` texts (:mod:`tweet_classifier.distillation`).
    ``vectors``: a :class:`glove_lookup.WordVectors` or anything ``WordVectors.load`` takes.
    ``model_dir=None`` trains and evaluates without exporting.
    """
    import keras

    if model_dir is not None:
        check_model_base(model_dir)  # fail before spending minutes on training
    started = time.perf_counter()
    keras.utils.set_random_seed(config.seed)
    resolved, conflicts = resolve_label_conflicts(tweets, config.label_conflicts)
    split = split_tweets(resolved, config)
    lookups = build_lookups(vectors, split.train, config, strategy)
    transfer, teacher_s = _transfer_set(split, lookups, config, verbose, unlabelled)
    linear, evaluation, linear_s = _fit_members(split, lookups, transfer, config, strategy, verbose)
    members = {**({"linear": linear.summary()} if linear else {}), **evaluation.notes}
    members.update({"distillation": transfer.summary()} if transfer else {})
    sizes = _raw_sizes(lookups, linear)
    vocabulary_size = len(lookups.vectors) if lookups.vectors is not None else 0
    metadata = _metadata(tweets, config, evaluation, vocabulary_size)  # of the file as given
    timings = {"linear_s": linear_s, **evaluation.timings, **({"teacher_s": teacher_s} if transfer else {})}
    report = {"members": members, "label_conflicts": conflicts.to_dict(), **sizes, **metadata}
    version_dir = None
    if model_dir is not None:
        version_dir, written = _export(model_dir, evaluation, metadata, report, timings, started, is_chief)
        sizes.update(written)
    return TrainResult(
        version_dir,
        evaluation.metrics,
        evaluation.text_model,
        evaluation.history,
        timings,
        vocabulary_size,
        sizes,
        members,
        evaluation.valid_y,
        evaluation.probability,
        evaluation.train_rows,
        evaluation.threshold_tweets,
        conflicts,
    )


def _fit_members(
    split: Split,
    lookups: Lookups,
    transfer: TransferSet | None,
    config: TrainConfig,
    strategy: Any,
    verbose: int | None,
) -> tuple[LinearMember | None, Evaluation, float]:
    """The linear member (if any), the evaluated model, and the linear member's seconds."""
    started = time.perf_counter()
    linear = fit_linear_member(split, lookups, config, transfer) if config.model != "lstm" else None
    linear_s = time.perf_counter() - started
    if linear is not None and config.model == "linear":
        return linear, linear_evaluation(linear, lookups, split), linear_s
    evaluation = fit_recurrent(
        split, lookups, linear, config, strategy=strategy, verbose=verbose, transfer=transfer
    )
    return linear, evaluation, linear_s


def _transfer_set(
    split: Split, lookups: Lookups, config: TrainConfig, verbose: int | None, unlabelled: Sequence[str]
) -> tuple[TransferSet | None, float]:
    """The teacher's soft targets for every tweet of ``split.frame`` and their copies (``None``
    without a teacher), and the seconds it took (fine-tuning and labelling, or the cache)."""
    if not config.teacher:
        return None, 0.0
    from tweet_classifier.distillation.transfer import build_transfer_set

    started = time.perf_counter()
    frame = split.frame
    texts, labels = list(frame["text"]), frame["target"].to_numpy()
    transfer = build_transfer_set(texts, labels, lookups.vectors, config, verbose, unlabelled)
    import keras

    # the teacher seeds its own fine-tuning: the student starts from its own seed again, the same
    # whether the teacher was fine-tuned now or read from the cache
    keras.utils.set_random_seed(config.seed)
    return transfer, time.perf_counter() - started


def _metadata(
    tweets: Tweets, config: TrainConfig, evaluation: Evaluation, vocabulary_size: int
) -> dict[str, Any]:
    """What the export's ``assets.extra/tweetclf.json`` says of the run (and the report repeats)."""
    return {
        "config": config.to_dict(),
        "vocabulary_size": vocabulary_size,
        "train_rows": evaluation.train_rows,
        "valid_rows": evaluation.valid_rows,
        "source": tweets.source,
        "source_fingerprint": tweets.fingerprint(),
        "threshold_tweets": evaluation.threshold_tweets,
    }


def _export(
    model_dir: Path,
    evaluation: Evaluation,
    metadata: dict[str, Any],
    report: dict[str, Any],
    timings: dict[str, float],
    started: float,
    is_chief: bool,
) -> tuple[Path | None, dict[str, int]]:
    """Write the next version (SavedModel + report) atomically; ``timings`` gains export and total.

    Every worker must take part in saving; all but the chief write to a scratch dir.
    """
    if not is_chief:
        with tempfile.TemporaryDirectory(prefix="tweetclf-worker-") as scratch:
            export_serving_model(
                evaluation.text_model, evaluation.threshold, Path(scratch) / "export", metadata
            )
        return None, {}
    sizes: dict[str, int] = {}
    exporting = time.perf_counter()

    def build(directory: Path) -> None:
        signatures = export_serving_model(evaluation.text_model, evaluation.threshold, directory, metadata)
        sizes["export_bytes"] = _saved_model_bytes(directory)
        timings["export_s"] = time.perf_counter() - exporting
        timings["total_s"] = time.perf_counter() - started
        history = evaluation.history
        extra = {"timings": timings, "epochs_run": len(history.get("loss", [])), **report, **sizes}
        write_report(
            directory / REPORT_DIR,
            evaluation.metrics,
            evaluation.valid_y,
            evaluation.probability,
            history=history,
            extra=extra,
        )
        _explain_errors(directory, evaluation, signatures)

    return write_version(model_dir, build), sizes


def _explain_errors(directory: Path, evaluation: Evaluation, signatures: Signatures) -> None:
    """The report's page on the validation mistakes, explained by the version just written
    (``signatures``: the in-memory explain the export returned, which answers as the saved one)."""
    from tweet_classifier.artifacts.exported_model import explain_texts
    from tweet_classifier.report.explained_errors import ERRORS_PAGE, mistakes, write_errors_page

    if not evaluation.valid_texts:  # the linear model alone is scored out of fold: no split
        return
    positives, negatives = mistakes(
        evaluation.valid_texts, evaluation.valid_y, evaluation.probability, evaluation.threshold
    )
    write_errors_page(
        directory / REPORT_DIR / ERRORS_PAGE,
        explain_texts(signatures, positives),
        explain_texts(signatures, negatives),
    )


def _raw_sizes(lookups: Lookups, linear: LinearMember | None) -> dict[str, int]:
    """The bytes an export is compared with: vectors + their words, the n-gram keys."""
    sizes = {"vectors_raw_bytes": lookups.raw_bytes()} if lookups.vectors is not None else {}
    if linear is not None:
        sizes["ngrams_raw_bytes"] = int(linear.fit.vocabulary.keys.nbytes)  # int64 n-gram keys
    return sizes


def _saved_model_bytes(directory: Path) -> int:
    files = [
        f
        for part in SAVED_MODEL_SIZED
        for f in ([directory / part] if (directory / part).is_file() else (directory / part).rglob("*"))
        if f.is_file()
    ]
    return sum(f.stat().st_size for f in files)
