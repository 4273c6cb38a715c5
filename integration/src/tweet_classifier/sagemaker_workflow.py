"""The SageMaker workflow as Python calls: what ``tweetclf sagemaker`` and the walkthrough notebook run.

Example (with AWS credentials and a role; see ``integration/notebooks/sagemaker_walkthrough.ipynb``):

>>> from sagemaker_launcher import AwsConfig  # doctest: +SKIP
>>> config = AwsConfig.resolve(role="arn:aws:iam::123456789012:role/SageMakerRole")  # doctest: +SKIP
>>> trim_vectors(sample_csv(), "glove-6b-50d", 30000, Path("vectors.npz"))  # doctest: +SKIP
>>> channels = stage_training_data(sample_csv(), Path("vectors.npz"), "s3://b/run", config)  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tweet_classifier.config import TrainConfig
from tweet_classifier.errors import TweetClassifierError

if TYPE_CHECKING:
    from glove_lookup import WordVectors
    from sagemaker_launcher import AwsConfig, TrainSpec


def trim_vectors(train_csv: Path, vectors: str | Path, top_n: int, out: Path) -> WordVectors:
    """Write ``out`` (.npz): the words of ``train_csv`` found in ``vectors`` + its ``top_n`` most frequent."""
    from tweet_classifier.data import read_tweets
    from tweet_classifier.training import training_vocabulary
    from tweet_classifier.vector_files import load_vectors

    texts = read_tweets(train_csv, labelled=True).texts
    trimmed = load_vectors(vectors).restrict(vocabulary=training_vocabulary(texts), top_n=top_n)
    out.parent.mkdir(parents=True, exist_ok=True)
    trimmed.save(out)
    return trimmed


def stage_training_data(
    train_csv: Path, vectors_npz: Path, s3_base: str, config: AwsConfig
) -> dict[str, str]:
    """Upload the CSV and the vectors under ``s3_base/input/``; the job's channels ``train``/``vectors``."""
    from sagemaker_launcher import stage

    channels = {"train": train_csv, "vectors": vectors_npz}
    for channel, source in channels.items():
        for item in stage([source], f"{s3_base}/input/{channel}", config):
            print(f"staged: {item.uri}{'' if item.uploaded else ' (unchanged, not uploaded)'}")
    return {channel: f"{s3_base}/input/{channel}/" for channel in channels}


def training_spec(
    channels: dict[str, str],
    output_path: str,
    hyper: TrainConfig,
    bundle_dir: Path,
    *,
    instance_type: str = "ml.m5.xlarge",
    instance_count: int = 1,
    spot: bool = False,
) -> TrainSpec:
    """The training job for our entry point: the bundle in ``bundle_dir``, ``hyper`` as hyperparameters.

    ``bundle_dir`` must exist until the job is started (its files are uploaded then).
    """
    from sagemaker_launcher import TrainSpec
    from tweet_classifier.sagemaker_bundle import ENTRY_SCRIPT, REQUIREMENTS, build_bundle

    return TrainSpec(
        source_dir=build_bundle(bundle_dir),
        entry_script=ENTRY_SCRIPT,
        requirements=REQUIREMENTS,
        channels=channels,
        hyperparameters={k: str(v).lower() if isinstance(v, bool) else v for k, v in hyper.to_dict().items()},
        output_path=output_path,
        instance_type=instance_type,
        instance_count=instance_count,
        spot=spot,
        max_wait_s=24 * 3600 if spot else None,
        base_job_name="tweetclf",
    )


def model_data(job: str, config: AwsConfig) -> str:
    """The ``s3://.../model.tar.gz`` a completed training job wrote."""
    described = config.client("sagemaker").describe_training_job(TrainingJobName=job)
    uri = described.get("ModelArtifacts", {}).get("S3ModelArtifacts")
    if described["TrainingJobStatus"] != "Completed" or not uri:
        raise TweetClassifierError(f"training job {job} is {described['TrainingJobStatus']}, no model to use")
    return str(uri)


def download(uri: str, path: Path, config: AwsConfig) -> Path:
    """Copy one S3 object to ``path`` (written beside it first, then renamed)."""
    from sagemaker_launcher import parse_s3_uri

    bucket, key = parse_s3_uri(uri)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    config.client("s3").download_file(bucket, key, str(partial))
    partial.replace(path)
    return path


def stage_texts(texts: list[str], uri: str, config: AwsConfig) -> str:
    """Upload ``texts`` as one JSON-lines object at ``uri`` (Batch Transform's input); returns ``uri``."""
    from sagemaker_launcher import parse_s3_uri

    bucket, key = parse_s3_uri(uri)
    body = "".join(json.dumps(text, ensure_ascii=False) + "\n" for text in texts).encode("utf-8")
    config.client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/jsonlines")
    return uri


def parse_transform_output(text: str, where: str = "transform output") -> list[dict[str, Any]]:
    """The predictions in a Batch Transform ``.out`` file, in input order.

    The TF Serving container answers each mini-batch with one ``{"predictions": [...]}``
    object, written as one line (``AssembleWith=Line``); a line may also hold one prediction.
    """
    predictions: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as err:
            raise TweetClassifierError(f"{where}:{number}: not JSON ({err.msg})") from None
        if isinstance(value, dict) and "predictions" in value:
            predictions.extend(value["predictions"])
        elif isinstance(value, dict) and "label" in value:
            predictions.append(value)
        else:
            raise TweetClassifierError(f"{where}:{number}: expected predictions, got {line[:80]!r}")
    return predictions


def read_transform_output(
    output_uri: str, input_key: str, config: AwsConfig, expected: int | None = None
) -> list[dict[str, Any]]:
    """Read ``<output_uri>/<input file name>.out``, the results for one input object.

    ``expected``: the number of input lines; a different number of predictions is an error.
    """
    from sagemaker_launcher import parse_s3_uri

    bucket, prefix = parse_s3_uri(output_uri)
    name = f"{input_key.rsplit('/', 1)[-1]}.out"
    key = f"{prefix.rstrip('/')}/{name}" if prefix.strip("/") else name
    body = config.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
    predictions = parse_transform_output(body, f"s3://{bucket}/{key}")
    if expected is not None and len(predictions) != expected:
        raise TweetClassifierError(
            f"s3://{bucket}/{key}: {len(predictions)} predictions for {expected} input lines"
        )
    return predictions
