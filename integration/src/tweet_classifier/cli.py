"""``tweetclf``: train, evaluate, predict, serve, convert vectors, package, run on SageMaker."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dataclass_flags import EXIT_USAGE, installed_version, run_main
from tweet_classifier.commands import cmd_evaluate, cmd_package, cmd_predict, cmd_train, cmd_vectors_convert
from tweet_classifier.config import TrainConfig
from tweet_classifier.errors import user_errors

DESCRIPTION = """Disaster-tweet classifier: an n-gram TF-IDF linear member plus stacked LSTMs over
GloVe, exported for TF Serving with its own preprocessing (raw text in, probability and label out)."""
EXAMPLES = """examples:
  tweetclf train --train-csv train.csv --model-dir models/tweetclf
  tweetclf predict --model models/tweetclf "Forest fire near La Ronge Sask. Canada"
  tweetclf serve --model models/tweetclf --port 8501
  tweetclf tf-serving-config --model models/tweetclf --out serving/
"""


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(
        "tweetclf",
        build_parser(),
        argv,
        user_errors=user_errors,
        failures=_sagemaker_failure,
        interrupted="interrupted; nothing was written",
    )


def _sagemaker_failure(err: BaseException, args: argparse.Namespace) -> str | None:
    """A failed SageMaker job or an AWS error as one line (exit 1); only ``tweetclf sagemaker``
    loads the launcher, so a local command never imports it here."""
    if "sagemaker_launcher" not in sys.modules:
        return None
    from sagemaker_launcher import failure_line

    return failure_line(err, args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tweetclf",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version('tweetclf')}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_train(sub)
    _add_evaluate(sub)
    _add_predict(sub)
    _add_vectors(sub)
    from tweet_classifier.production.command import add_parser as add_tf_serving_config
    from tweet_classifier.sagemaker.cli import add_parser as add_sagemaker
    from tweet_classifier.server.command import add_parser as add_serve

    add_serve(sub)
    add_tf_serving_config(sub)
    add_sagemaker(sub)
    _add_package(sub)
    return parser


def _add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", type=Path, required=True, help="a model base (highest version) or a version dir"
    )


def _add_train(sub: Any) -> None:
    train = sub.add_parser("train", help="train and export models/<name>/<N+1>/ atomically, with a report")
    train.add_argument(
        "--train-csv",
        type=Path,
        default=None,
        help="labelled CSV with text and target columns (default: the team's 80 sample tweets)",
    )
    train.add_argument(
        "--vectors",
        default="glove-6b-50d",
        help="glove-6b-50d or a .txt/.txt.gz/.zip/.npz file (default: %(default)s)",
    )
    train.add_argument(
        "--model-dir", type=Path, default=Path("models/tweetclf"), help="model base (default: %(default)s)"
    )
    train.add_argument(
        "--unlabelled-csv",
        type=Path,
        default=None,
        help="with --teacher: more tweets without targets (a text column; Kaggle's test.csv, say) for the "
        "teacher to label and the model to learn from (default: none)",
    )
    train.add_argument("--quiet", action="store_true", help="no per-epoch progress (default: shown)")
    TrainConfig.add_arguments(train)
    train.set_defaults(handler=cmd_train)


def _add_evaluate(sub: Any) -> None:
    evaluate = sub.add_parser("evaluate", help="metrics and plots of an exported model on a labelled CSV")
    _add_model(evaluate)
    evaluate.add_argument("--csv", type=Path, required=True, help="labelled CSV with text and target columns")
    evaluate.add_argument(
        "--report-dir",
        type=Path,
        default=None,
        help="where metrics.json and the plots go (default: reports/evaluate-<csv>-v<N>)",
    )
    evaluate.set_defaults(handler=cmd_evaluate)


def _add_predict(sub: Any) -> None:
    predict = sub.add_parser(
        "predict", help="label and probability for texts, or a Kaggle submission for a CSV"
    )
    _add_model(predict)
    predict.add_argument("texts", nargs="*", help="tweets to classify (or --csv)")
    predict.add_argument("--csv", type=Path, help="CSV with a text column (and id) to score (default: none)")
    predict.add_argument(
        "--out", type=Path, help="with --csv: write id,target here, a Kaggle submission (default: stdout)"
    )
    predict.add_argument(
        "--batch-size", type=int, default=256, help="texts per model call (default: %(default)s)"
    )
    predict.add_argument(
        "--explain",
        action="store_true",
        help="with TEXT arguments: each word's contribution to the probability (default: off)",
    )
    predict.set_defaults(handler=cmd_predict)


def _add_vectors(sub: Any) -> None:
    vectors = sub.add_parser("vectors", help="word-vector files")
    vsub = vectors.add_subparsers(title="vectors commands", metavar="COMMAND")
    convert = vsub.add_parser("convert", help="convert vectors to the safe .npz format, optionally trimmed")
    convert.add_argument(
        "source", help="glove-6b-50d, .txt/.txt.gz/.zip, .npz, or .pkl (needs --allow-pickle)"
    )
    convert.add_argument("--out", type=Path, required=True, help="the .npz to write")
    convert.add_argument(
        "--vocab-from",
        type=Path,
        action="append",
        default=[],
        help="keep the words of this CSV; repeatable (default: keep every word)",
    )
    convert.add_argument(
        "--top-n", type=int, default=None, help="also keep the N most frequent words (default: none)"
    )
    convert.add_argument(
        "--allow-pickle", action="store_true", help="allow unpickling a trusted .pkl (default: refused)"
    )
    convert.set_defaults(handler=cmd_vectors_convert)
    vectors.set_defaults(handler=lambda _args: _print_help(vectors))


def _add_package(sub: Any) -> None:
    package = sub.add_parser("package", help="model.tar.gz with 1/saved_model.pb at its root (SageMaker)")
    _add_model(package)
    package.add_argument(
        "--out", type=Path, default=Path("model.tar.gz"), help="the archive to write (default: %(default)s)"
    )
    package.set_defaults(handler=cmd_package)


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
