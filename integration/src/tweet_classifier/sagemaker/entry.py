"""The SageMaker training entry point: ``python -m tweet_classifier.sagemaker.entry``.

Reads the SageMaker training-container contract: hyperparameters as ``--key value``, the
``train`` channel (a CSV), the optional ``vectors`` channel (a ``.npz``) and the optional
``teacher`` channel (a checkpoint's three files, replacing the ``teacher`` hyperparameter) from
``SM_CHANNEL_*``, writes the model to ``SM_MODEL_DIR/1/``. With several hosts it builds
``TF_CONFIG`` from ``SM_HOSTS``/``SM_CURRENT_HOST`` and trains under
``MultiWorkerMirroredStrategy``; only the chief (the first host) exports. A failure writes
its reason to ``SM_OUTPUT_DIR/failure`` (SageMaker's FailureReason) and exits non-zero.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tweet_classifier.config import TrainConfig
from tweet_classifier.errors import ConfigError, DataError, TweetClassifierError, user_errors

WORKER_PORT = 2222
DEFAULT_VECTORS = "glove-6b-50d"


@dataclass(frozen=True)
class SageMakerEnv:
    """The parts of the training container's environment this entry point reads."""

    model_dir: Path
    output_dir: Path
    train_channel: Path
    vectors_channel: Path | None
    hosts: list[str]
    current_host: str
    teacher_channel: Path | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> SageMakerEnv:
        def need(name: str) -> str:
            if not environ.get(name):
                raise TweetClassifierError(
                    f"environment variable {name} is not set (not in a SageMaker job?)"
                )
            return environ[name]

        hosts = json.loads(environ.get("SM_HOSTS", '["algo-1"]'))
        current = environ.get("SM_CURRENT_HOST", hosts[0])
        if current not in hosts:
            raise TweetClassifierError(f"SM_CURRENT_HOST {current!r} is not among SM_HOSTS {hosts}")
        vectors, teacher = environ.get("SM_CHANNEL_VECTORS"), environ.get("SM_CHANNEL_TEACHER")
        return cls(
            model_dir=Path(need("SM_MODEL_DIR")),
            output_dir=Path(environ.get("SM_OUTPUT_DIR", "/opt/ml/output")),
            train_channel=Path(need("SM_CHANNEL_TRAIN")),
            vectors_channel=Path(vectors) if vectors else None,
            hosts=list(hosts),
            current_host=current,
            teacher_channel=Path(teacher) if teacher else None,
        )

    @property
    def rank(self) -> int:
        return self.hosts.index(self.current_host)

    @property
    def is_chief(self) -> bool:
        return self.rank == 0

    def tf_config(self) -> dict[str, object]:
        """``TF_CONFIG`` for MultiWorkerMirroredStrategy (a host may carry its own ``:port``)."""
        workers = [h if ":" in h else f"{h}:{WORKER_PORT}" for h in self.hosts]
        return {"cluster": {"worker": workers}, "task": {"type": "worker", "index": self.rank}}


def parse_hyperparameters(argv: Sequence[str]) -> TrainConfig:
    """``--key value`` pairs as SageMaker passes them (``sequence_length`` or ``sequence-length``)."""
    parser = argparse.ArgumentParser(prog="tweet_classifier.sagemaker.entry", allow_abbrev=False)
    TrainConfig.add_arguments(parser)
    normalised = [a.replace("_", "-") if a.startswith("--") else a for a in argv]
    args, unknown = parser.parse_known_args(normalised)
    if unknown:
        raise TweetClassifierError(f"unknown hyperparameters: {' '.join(unknown)}")
    try:
        return TrainConfig.from_namespace(args)
    except ConfigError as err:
        raise ConfigError(f"bad hyperparameter: {err}") from None


def find_file(channel: Path, suffixes: tuple[str, ...], what: str) -> Path:
    if channel.is_file():
        return channel
    found = sorted(p for p in channel.rglob("*") if p.is_file() and p.name.lower().endswith(suffixes))
    if len(found) != 1:
        listing = ", ".join(p.name for p in found) or "nothing"
        raise DataError(
            f"channel {what} ({channel}) must hold exactly one {'/'.join(suffixes)} file; found {listing}"
        )
    return found[0]


def run(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    env = SageMakerEnv.from_environ(environ)
    config = parse_hyperparameters(argv)
    if env.teacher_channel is not None:
        config = dataclasses.replace(config, teacher=str(env.teacher_channel))
    strategy = None
    if len(env.hosts) > 1:
        os.environ["TF_CONFIG"] = json.dumps(env.tf_config())
        import tensorflow as tf

        # Created before any other TF work, as the strategy requires.
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
    from tweet_classifier.label_conflicts import label_conflicts_note
    from tweet_classifier.training import train
    from tweet_classifier.tweets import read_tweets

    tweets = read_tweets(find_file(env.train_channel, (".csv",), "train"), labelled=True)
    vectors: object = DEFAULT_VECTORS
    if env.vectors_channel is not None:
        vectors = str(find_file(env.vectors_channel, (".npz",), "vectors"))
    print(
        f"host {env.current_host} ({env.rank + 1}/{len(env.hosts)}), {len(tweets)} tweets, vectors {vectors}"
    )
    note = label_conflicts_note(tweets, config.label_conflicts)
    if note:
        print(note)
    result = train(
        tweets, vectors, env.model_dir, config, strategy=strategy, is_chief=env.is_chief, verbose=2
    )
    print(
        json.dumps(
            {"host": env.current_host, "f1": result.metrics.f1, "version_dir": str(result.version_dir)}
        )
    )
    return 0


def write_failure(output_dir: Path, reason: str) -> None:
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        (output_dir / "failure").write_text(reason[:1024], encoding="utf-8")
    except OSError as err:
        print(f"could not write the failure file: {err}", file=sys.stderr)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    argv = sys.argv[1:] if argv is None else argv
    output_dir = Path(environ.get("SM_OUTPUT_DIR", "/opt/ml/output"))
    try:
        return run(argv, environ)
    except Exception as err:
        user_error = isinstance(err, user_errors())
        reason = f"{type(err).__name__}: {err}"
        if not user_error:
            traceback.print_exc()
        print(f"training failed: {reason}", file=sys.stderr)
        write_failure(output_dir, reason)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
