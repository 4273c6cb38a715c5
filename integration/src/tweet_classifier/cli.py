"""``tweetclf``: train, evaluate, predict, serve, convert vectors, package, run on SageMaker."""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sagemaker_launcher import EXIT_USAGE, run_main
from tweet_classifier.config import TrainConfig
from tweet_classifier.errors import TweetClassifierError, user_errors
from tweet_classifier.tweets import read_tweets, sample_csv
from tweet_classifier.vector_files import load_vectors


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(
        "tweetclf",
        build_parser(),
        argv,
        user_errors=user_errors(),
        before=_start_tensorflow,
        interrupted="interrupted; nothing was written",
    )


def _start_tensorflow(args: argparse.Namespace) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    quiet_tensorflow_start(getattr(args, "tf_threads", None))


def quiet_tensorflow_start(tf_threads: int | None = None) -> None:
    """Import TensorFlow and start its devices with C-level stderr silenced.

    TensorFlow 2.21 prints oneDNN/CUDA notices straight to file descriptor 2 before its
    logging honours ``TF_CPP_MIN_LOG_LEVEL``; users should see our output, not those.
    ``TWEETCLF_TF_LOGS=1`` keeps them. ``tf_threads`` (``serve --tf-threads``) is applied
    here, because TensorFlow fixes its thread pools when its devices start.
    """
    if os.environ.get("TWEETCLF_TF_LOGS") or "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        if tf_threads:
            tf.config.threading.set_intra_op_parallelism_threads(tf_threads)
            tf.config.threading.set_inter_op_parallelism_threads(tf_threads)
        tf.config.list_logical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tweetclf",
        description="Disaster-tweet classifier: GloVe lookup + stacked LSTM, exported for TF Serving.",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    train = sub.add_parser("train", help="train and export models/<name>/<N+1>/ atomically, with a report")
    train.add_argument(
        "--train-csv", type=Path, default=None, help="labelled CSV (id,keyword,location,text,target)"
    )
    train.add_argument(
        "--vectors", default="glove-6b-50d", help="glove-6b-50d or a .txt/.txt.gz/.zip/.npz file"
    )
    train.add_argument(
        "--model-dir", type=Path, default=Path("models/tweetclf"), help="model base (default: %(default)s)"
    )
    train.add_argument("--quiet", action="store_true", help="no per-epoch progress")
    TrainConfig.add_arguments(train)
    train.set_defaults(handler=cmd_train)

    evaluate = sub.add_parser("evaluate", help="metrics and plots of an exported model on a labelled CSV")
    evaluate.add_argument(
        "--model", type=Path, required=True, help="a model base (highest version) or a version dir"
    )
    evaluate.add_argument("--csv", type=Path, required=True, help="labelled CSV with text and target columns")
    evaluate.add_argument(
        "--report-dir", type=Path, default=None, help="default: reports/evaluate-<csv>-v<N>"
    )
    evaluate.set_defaults(handler=cmd_evaluate)

    predict = sub.add_parser(
        "predict", help="label and probability for texts, or a Kaggle submission for a CSV"
    )
    predict.add_argument(
        "--model", type=Path, required=True, help="a model base (highest version) or a version dir"
    )
    predict.add_argument("texts", nargs="*", help="tweets to classify")
    predict.add_argument("--csv", type=Path, help="CSV with a text column (and id) to score")
    predict.add_argument("--out", type=Path, help="with --csv: write id,target here (Kaggle submission)")
    predict.add_argument("--batch-size", type=int, default=256)
    predict.set_defaults(handler=cmd_predict)

    vectors = sub.add_parser("vectors", help="word-vector files")
    vsub = vectors.add_subparsers(title="vectors commands", metavar="COMMAND")
    convert = vsub.add_parser("convert", help="convert vectors to the safe .npz format, optionally trimmed")
    convert.add_argument(
        "source", help="glove-6b-50d, .txt/.txt.gz/.zip, .npz, or .pkl (needs --allow-pickle)"
    )
    convert.add_argument("--out", type=Path, required=True, help="the .npz to write")
    convert.add_argument(
        "--vocab-from", type=Path, action="append", default=[], help="keep the words of this CSV"
    )
    convert.add_argument("--top-n", type=int, default=None, help="also keep the N most frequent GloVe words")
    convert.add_argument("--allow-pickle", action="store_true", help="allow unpickling a trusted .pkl")
    convert.set_defaults(handler=cmd_vectors_convert)
    vectors.set_defaults(handler=lambda _args: _print_help(vectors))

    from tweet_classifier.sagemaker.cli import add_parser as add_sagemaker
    from tweet_classifier.server.command import add_parser as add_serve

    add_serve(sub)
    add_sagemaker(sub)

    package = sub.add_parser("package", help="model.tar.gz with 1/saved_model.pb at its root (SageMaker)")
    package.add_argument(
        "--model", type=Path, required=True, help="a model base (highest version) or a version dir"
    )
    package.add_argument("--out", type=Path, default=Path("model.tar.gz"))
    package.set_defaults(handler=cmd_package)
    return parser


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_USAGE


def cmd_train(args: argparse.Namespace) -> int:
    from tweet_classifier.training import train

    config = TrainConfig.from_namespace(args)
    train_csv = args.train_csv or sample_csv()
    tweets = read_tweets(train_csv, labelled=True)
    print(f"training data: {train_csv} ({len(tweets):,} tweets, {sum(tweets.targets or [])} disasters)")
    vectors = load_vectors(args.vectors)
    result = train(tweets, vectors, args.model_dir, config, verbose=0 if args.quiet else None)
    m = result.metrics
    linear = result.members.get("linear")
    if linear and config.model != "linear":
        oof = linear["out_of_fold"]
        print(
            f"linear member, out-of-fold: F1 {oof['f1']:.3f}  threshold {oof['threshold']:.2f}  "
            f"({oof['count']} tweets, {config.folds} folds)"
        )
    print(
        f"{'out-of-fold' if config.model == 'linear' else 'validation'}: F1 {m.f1:.3f}  "
        f"precision {m.precision:.3f}  recall {m.recall:.3f}  "
        f"accuracy {m.accuracy:.3f}  threshold {m.threshold:.2f}  ({m.count} tweets)"
    )
    print(f"model:  {result.version_dir}")
    print(f"report: {result.version_dir / 'report' if result.version_dir else '-'}")
    if "export_bytes" in result.sizes:
        export_mb = result.sizes["export_bytes"] / 1e6
        parts = []
        if "vectors_raw_bytes" in result.sizes:
            raw_mb = result.sizes["vectors_raw_bytes"] / 1e6
            parts.append(f"{raw_mb:.1f} MB of vocabulary + vectors ({export_mb / raw_mb:.2f}x)")
        if "ngrams_raw_bytes" in result.sizes:
            parts.append(f"{result.sizes['ngrams_raw_bytes'] / 1e6:.1f} MB of n-gram vocabulary")
        print(f"size:   {export_mb:.1f} MB exported for {', '.join(parts)}")
    print(f"time:   {result.timings.get('total_s', 0):.1f} s")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from tweet_classifier.exported_model import ExportedModel
    from tweet_classifier.metrics import binary_metrics
    from tweet_classifier.report import write_report

    tweets = read_tweets(args.csv, labelled=True)
    model = ExportedModel(args.model)
    probability, _labels = model.predict(tweets.texts, progress=sys.stderr.isatty())
    threshold = model.threshold if model.threshold is not None else 0.5
    metrics = binary_metrics(tweets.targets, probability, threshold)
    report_dir = args.report_dir or Path("reports") / f"evaluate-{args.csv.stem}-v{model.version_dir.name}"
    write_report(report_dir, metrics, tweets.targets, probability, extra={"model": str(model.version_dir)})
    print(
        f"{args.csv}: F1 {metrics.f1:.3f}  precision {metrics.precision:.3f}  recall {metrics.recall:.3f}  "
        f"accuracy {metrics.accuracy:.3f}  threshold {threshold:.2f}  ({metrics.count} tweets)"
    )
    print(f"report: {report_dir}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from tweet_classifier.exported_model import ExportedModel

    if bool(args.texts) == bool(args.csv):
        raise TweetClassifierError("give either TEXT arguments or --csv FILE (with --out for a submission)")
    if args.out and not args.csv:
        raise TweetClassifierError("--out needs --csv")
    tweets = read_tweets(args.csv, labelled=False, allow_empty_text=True) if args.csv else None
    if args.out:
        _check_writable(args.out)
    model = ExportedModel(args.model)
    texts = tweets.texts if tweets else list(args.texts)
    probability, labels = model.predict(
        texts, batch_size=args.batch_size, progress=bool(tweets) and sys.stderr.isatty()
    )
    if args.out and tweets:
        _write_submission(args.out, tweets.ids, labels)
        print(f"wrote {args.out} ({len(labels):,} rows, {int(labels.sum()):,} predicted disasters)")
        return 0
    ids = tweets.ids if tweets else [""] * len(texts)
    for ident, text, p, label in zip(ids, texts, probability, labels, strict=True):
        prefix = f"{ident}\t" if tweets else ""
        print(f"{prefix}{int(label)}\t{p:.4f}\t{text}")
    return 0


def _check_writable(path: Path) -> None:
    if path.exists() and path.is_dir():
        raise TweetClassifierError(f"{path}: is a directory, expected a file path for --out")
    if not path.parent.exists():
        raise TweetClassifierError(f"{path.parent}: no such directory for --out")


def _write_submission(path: Path, ids: list[str], labels: object) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "target"])
            for ident, label in zip(ids, labels, strict=True):  # type: ignore[call-overload]
                writer.writerow([ident, int(label)])
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_vectors_convert(args: argparse.Namespace) -> int:
    from tweet_classifier.training import training_vocabulary

    if not args.out.name.lower().endswith(".npz"):
        raise TweetClassifierError(f"{args.out}: --out must end in .npz (the safe format)")
    wv = load_vectors(args.source, allow_pickle=args.allow_pickle)
    before = len(wv)
    vocabulary: set[str] | None = None
    for path in args.vocab_from:
        texts = read_tweets(path, labelled=False, allow_empty_text=True).texts
        vocabulary = (vocabulary or set()) | training_vocabulary(texts)
    if vocabulary is not None or args.top_n is not None:
        wv = wv.restrict(vocabulary=vocabulary, top_n=args.top_n)
    wv.save(args.out)
    size = args.out.stat().st_size / 1e6
    print(f"wrote {args.out}: {len(wv):,} of {before:,} words x {wv.dim} ({size:.1f} MB)")
    return 0


def cmd_package(args: argparse.Namespace) -> int:
    from tweet_classifier.export import package_model

    out = package_model(args.model, args.out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB): 1/saved_model.pb at the root")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
