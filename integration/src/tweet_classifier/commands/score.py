"""``tweetclf evaluate`` and ``tweetclf predict``: an exported model on new tweets."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tweet_classifier.atomic_write import write_atomically
from tweet_classifier.commands.paths import check_directory, check_writable
from tweet_classifier.errors import TweetClassifierError
from tweet_classifier.tensorflow_start import start_tensorflow
from tweet_classifier.tweets import read_tweets

if TYPE_CHECKING:
    from tweet_classifier.artifacts.exported_model import Explanation


def cmd_evaluate(args: argparse.Namespace) -> int:
    from tweet_classifier.artifacts.versions import read_metadata, resolve_version

    tweets = read_tweets(args.csv, labelled=True)
    if args.report_dir is not None:
        check_directory(args.report_dir, "--report-dir")  # before a model is looked for
    version_dir = resolve_version(args.model)
    report_dir = args.report_dir
    if report_dir is None:  # the default names the version, so it is known only now
        report_dir = Path("reports") / f"evaluate-{args.csv.stem}-v{version_dir.name}"
        check_directory(report_dir, "--report-dir")
    if read_metadata(version_dir).get("source_fingerprint") == tweets.fingerprint():
        print(
            f"warning: {args.csv} holds the tweets this model was trained on; "
            "these scores say how well it remembers them, not how it does on new tweets",
            file=sys.stderr,
        )
    start_tensorflow()
    from tweet_classifier.artifacts.exported_model import ExportedModel
    from tweet_classifier.report import write_report
    from tweet_classifier.report.metrics import binary_metrics

    model = ExportedModel(version_dir)
    probability, _labels = model.predict(tweets.texts, progress=sys.stderr.isatty())
    threshold = model.threshold if model.threshold is not None else 0.5
    metrics = binary_metrics(tweets.targets, probability, threshold)
    write_report(report_dir, metrics, tweets.targets, probability, extra={"model": str(model.version_dir)})
    print(
        f"{args.csv}: F1 {metrics.f1:.3f}  precision {metrics.precision:.3f}  recall {metrics.recall:.3f}  "
        f"accuracy {metrics.accuracy:.3f}  threshold {threshold:.2f}  ({metrics.count} tweets)"
    )
    print(f"report: {report_dir}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from tweet_classifier.artifacts.versions import resolve_version

    if bool(args.texts) == bool(args.csv):
        raise TweetClassifierError("give either TEXT arguments or --csv FILE (with --out for a submission)")
    if args.out and not args.csv:
        raise TweetClassifierError("--out needs --csv")
    if args.explain and args.csv:
        raise TweetClassifierError("--explain takes TEXT arguments, not --csv")
    if args.batch_size < 1:
        raise TweetClassifierError(f"--batch-size must be >= 1, got {args.batch_size}")
    tweets = read_tweets(args.csv, labelled=False, allow_empty_text=True) if args.csv else None
    if args.out:
        check_writable(args.out, "--out")
    version_dir = resolve_version(args.model)
    if tweets is not None and not tweets.has_ids:
        print(f"{args.csv}: no id column; the ids are row numbers from 0", file=sys.stderr)
    start_tensorflow()
    from tweet_classifier.artifacts.exported_model import ExportedModel

    model = ExportedModel(version_dir)
    texts = tweets.texts if tweets else list(args.texts)
    if args.explain:
        print_explanations(model.explain(texts, batch_size=args.batch_size), model.threshold)
        return 0
    probability, labels = model.predict(
        texts, batch_size=args.batch_size, progress=bool(tweets) and sys.stderr.isatty()
    )
    if args.out and tweets:
        write_submission(args.out, tweets.ids, labels)
        print(f"wrote {args.out} ({len(labels):,} rows, {int(labels.sum()):,} predicted disasters)")
        return 0
    writer = csv.writer(sys.stdout, lineterminator="\n")  # a CSV: texts may hold newlines and commas
    writer.writerow(["id", "label", "probability", "text"] if tweets else ["label", "probability", "text"])
    ids = tweets.ids if tweets else None
    for i, (text, p, label) in enumerate(zip(texts, probability, labels, strict=True)):
        row = [int(label), f"{p:.4f}", text]
        writer.writerow([ids[i], *row] if ids else row)
    return 0


def print_explanations(explanations: list[Explanation], threshold: float | None) -> None:
    """Each text's label and probability, then its words with their contributions."""
    cutoff = 0.5 if threshold is None else threshold
    for number, found in enumerate(explanations):
        if number:
            print()
        print(found.text)
        print(f"label {found.label}  probability {found.probability:.4f}  (threshold {cutoff:.2f})")
        width = max((len(word) for word in found.words), default=4)
        print(f"  {'word':<{width}}  contribution")
        for word, change, oov in zip(found.words, found.contribution, found.oov, strict=True):
            bar = ("+" if change > 0 else "-") * min(round(abs(change) * 40), 40)
            note = "  (not in GloVe)" if oov else ""
            print(f"  {word:<{width}}  {change:+.4f} {bar}{note}")


def write_submission(path: Path, ids: list[str], labels: object) -> None:
    """Kaggle's submission CSV (``id,target``), written whole or not at all."""

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "target"])
            for ident, label in zip(ids, labels, strict=True):  # type: ignore[call-overload]
                writer.writerow([ident, int(label)])

    write_atomically(path, write)
