"""Which SageMaker TensorFlow images we run on: the compatibility contract, in one place.

SageMaker runs training code on a *training image* (a fixed Python, TensorFlow, Keras, numpy,
pandas and protobuf) and serves a SavedModel on a *TF Serving image*. The SDK knows more
images than we can test; this table says which ones the project uses by default, which
others it accepts, and what each holds.

- The default training image is the one whose versions ``make test`` installs (tox env
  ``sagemaker-image``: the pins below, the source bundle's ``requirements.txt``, the entry
  script on the sample data). Its Python cannot be installed here: ``make lint`` checks the
  bundle's code against that Python statically (``vermin``).
- The default TF Serving image is the one whose TensorFlow ``make test`` loads our exports
  with (tox env ``serving-compat``: TF Serving's v1 loader, the warmup records replayed,
  answers compared with the writer's).

Example:

>>> training_image_spec("2.16").python, training_image_spec("2.16").tensorflow
('3.10', '2.16.2')
>>> serving_image_for(written_by="2.21.0")
'2.16'
"""

from __future__ import annotations

from dataclasses import dataclass

from sagemaker_launcher.errors import ConfigError

DLC = "github.com/aws/deep-learning-containers"


@dataclass(frozen=True)
class TrainingImage:
    """A TensorFlow training image: what our code meets inside it.

    ``packages``: the image's versions of the packages our code imports (``None`` where
    nothing here has read them: such an image is accepted, not tested)."""

    version: str  # the image version the SDK's image_uris takes (--framework-version)
    python: str  # the image's Python (py310 -> "3.10")
    tensorflow: str
    source: str  # where the versions come from
    packages: dict[str, str] | None = None  # keras, numpy, pandas, protobuf: pinned by make test

    @property
    def tested(self) -> bool:
        """Whether ``make test`` runs our code with the image's versions (tox env ``sagemaker-image``)."""
        return self.packages is not None

    @property
    def py_version(self) -> str:
        """The SDK's name for the image's Python: ``py310``."""
        return "py" + self.python.replace(".", "")

    def pins(self) -> list[str]:
        """pip requirements that reproduce the image's Python packages (the tox env's constraints)."""
        packages = {"tensorflow-cpu": self.tensorflow, **(self.packages or {})}
        return [f"{name}=={version}" for name, version in packages.items()]


@dataclass(frozen=True)
class ServingImage:
    """A TF Serving image: the TensorFlow its ``tensorflow_model_server`` loads SavedModels with."""

    version: str  # the image version (--framework-version of deploy and transform)
    tensorflow: str  # TF Serving's release, the TensorFlow it is built on
    tested: bool  # whether make test loads our exports with this TensorFlow (tox env serving-compat)


TRAINING_IMAGES: dict[str, TrainingImage] = {
    image.version: image
    for image in (
        TrainingImage(
            "2.16",
            "3.10",
            "2.16.2",
            f"{DLC}: tensorflow/training/docker/2.16/py3/Dockerfile.cpu (Python 3.10.14, the "
            "tensorflow-cpu 2.16.2 wheel, protobuf<4: 3.20.3) and Dockerfile.sagemaker.cpu."
            "core_packages.json; Keras, numpy and pandas are unpinned there: the versions pip resolved "
            "when the image was built (July 2024; TensorFlow 2.16 needs numpy < 2)",
            {"keras": "3.4.1", "numpy": "1.26.4", "pandas": "2.2.2", "protobuf": "3.20.3"},
        ),
        TrainingImage("2.18", "3.10", "2.18.0", "the SageMaker SDK's image_uri_config/tensorflow.json"),
        TrainingImage("2.19", "3.12", "2.19.0", "the SageMaker SDK's image_uri_config/tensorflow.json"),
        TrainingImage("2.21", "3.12", "2.21.0", "the SageMaker SDK's image_uri_config/tensorflow.json"),
    )
}

SERVING_IMAGES: dict[str, ServingImage] = {
    image.version: image
    for image in (
        # the versions of the SageMaker SDK's image_uri_config/tensorflow.json (inference)
        ServingImage("2.16", "2.16.1", tested=True),
        ServingImage("2.18", "2.18.0", tested=False),
        ServingImage("2.19", "2.19.0", tested=False),
        ServingImage("2.20", "2.20.0", tested=False),
    )
}

DEFAULT_TRAINING_IMAGE = "2.16"
DEFAULT_SERVING_IMAGE = "2.16"
# The newest TensorFlow whose exports ``serving-compat`` has loaded on DEFAULT_SERVING_IMAGE's
# TensorFlow. An export written by a newer one is assumed to need a TF Serving at least as new
# as its writer, until the check has run with that writer and this line moves.
NEWEST_CHECKED_WRITER = "2.21"


def minor(version: str) -> tuple[int, int]:
    """``"2.16.2"`` -> ``(2, 16)``; a clear error for what is not a version.

    >>> minor("2.21.0rc1")
    (2, 21)
    """
    parts = version.strip().split(".")
    try:
        return int(parts[0]), int("".join(c for c in parts[1] if c.isdigit()) or "x")
    except (IndexError, ValueError):
        raise ConfigError(f"{version!r} is not a TensorFlow version like 2.16 or 2.16.1") from None


def training_image_spec(version: str) -> TrainingImage:
    """The training image ``version`` ("2.16"); a clear error naming the known ones."""
    try:
        return TRAINING_IMAGES[version]
    except KeyError:
        known = ", ".join(TRAINING_IMAGES)
        raise ConfigError(f"no TensorFlow training image {version!r} is known (known: {known})") from None


def oldest_serving_for(written_by: str | None) -> str:
    """The oldest TF Serving image version that loads an export written by TensorFlow ``written_by``.

    Exports written by a TensorFlow up to :data:`NEWEST_CHECKED_WRITER` load on the default
    image (checked); a newer writer needs a TF Serving as new as itself. ``None`` (an export
    that does not say who wrote it): the default.
    """
    if written_by is None or minor(written_by) <= minor(NEWEST_CHECKED_WRITER):
        return DEFAULT_SERVING_IMAGE
    major, minor_ = minor(written_by)
    return f"{major}.{minor_}"


def serving_image_for(
    written_by: str | None = None, forced: str | None = None, flag: str = "--framework-version"
) -> str:
    """The TF Serving image version to serve an export written by TensorFlow ``written_by``.

    ``forced`` (the user's ``flag``) is kept when it is new enough; an older one is refused
    with one line naming both versions and the flag. Without it: the default image
    when it loads the export, else the oldest known image that does.
    """
    needed = oldest_serving_for(written_by)
    writer = f"written by TensorFlow {written_by}" if written_by else "of unknown origin"
    if forced is not None:
        if minor(forced) < minor(needed):
            raise ConfigError(
                f"the export ({writer}) needs a TF Serving image >= {needed}; {flag} {forced} is "
                f"older: pass {flag} {needed} or newer"
            )
        return forced
    newer = [v for v in SERVING_IMAGES if minor(v) >= minor(needed)]
    if not newer:
        newest = max(SERVING_IMAGES, key=minor)
        raise ConfigError(
            f"the export ({writer}) needs a TF Serving image >= {needed}; the newest known is {newest}: "
            f"export with TensorFlow <= {NEWEST_CHECKED_WRITER}, or pass {flag} to try another"
        )
    return DEFAULT_SERVING_IMAGE if DEFAULT_SERVING_IMAGE in newer else min(newer, key=minor)
