"""The compatibility contract: the images we name exist in the SDK, and the serving choice is safe."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sagemaker_launcher import (
    DEFAULT_SERVING_IMAGE,
    DEFAULT_TRAINING_IMAGE,
    SERVING_IMAGES,
    TRAINING_IMAGES,
    ConfigError,
    serving_image_for,
    training_image_spec,
)
from sagemaker_launcher.images import NEWEST_CHECKED_WRITER, minor


def sdk_images(scope: str) -> dict:
    """The SageMaker SDK's own table of TensorFlow images (what image_uris.retrieve reads)."""
    text = resources.files("sagemaker.core").joinpath("image_uri_config/tensorflow.json").read_text()
    return json.loads(text)[scope]


def full_version(scope: dict, version: str) -> str:
    return scope.get("version_aliases", {}).get(version, version)


def test_every_training_image_is_one_the_sdk_knows_with_its_python() -> None:
    scope = sdk_images("training")
    for image in TRAINING_IMAGES.values():
        full = full_version(scope, image.version)
        assert full == image.tensorflow, image.version
        assert image.py_version in scope["versions"][full]["py_versions"], image.version


def test_every_serving_image_is_one_the_sdk_knows() -> None:
    scope = sdk_images("inference")
    for image in SERVING_IMAGES.values():
        full = full_version(scope, image.version)
        assert full == image.tensorflow and full in scope["versions"], image.version


def test_the_defaults_are_the_tested_images() -> None:
    assert TRAINING_IMAGES[DEFAULT_TRAINING_IMAGE].tested
    assert SERVING_IMAGES[DEFAULT_SERVING_IMAGE].tested
    pins = TRAINING_IMAGES[DEFAULT_TRAINING_IMAGE].pins()
    assert pins[0] == "tensorflow-cpu==2.16.2" and "protobuf==3.20.3" in pins


def test_an_unknown_training_image_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"'2\.99'.*known: 2\.16"):
        training_image_spec("2.99")


def test_exports_of_checked_writers_get_the_default_image() -> None:
    assert serving_image_for("2.16.2") == DEFAULT_SERVING_IMAGE
    assert serving_image_for(NEWEST_CHECKED_WRITER + ".0") == DEFAULT_SERVING_IMAGE
    assert serving_image_for(None) == DEFAULT_SERVING_IMAGE


def test_a_newer_writer_gets_the_oldest_image_as_new_or_a_clear_refusal() -> None:
    with pytest.raises(ConfigError, match=r"TensorFlow 2\.30\.0.*>= 2\.30.*newest known is 2\.20"):
        serving_image_for("2.30.0")


def test_a_forced_image_older_than_needed_is_refused_naming_both_and_the_flag() -> None:
    with pytest.raises(ConfigError) as error:
        serving_image_for("2.30.1", forced="2.19")
    message = str(error.value)
    assert "2.30.1" in message and "2.19" in message and "--framework-version" in message
    assert "\n" not in message
    assert serving_image_for("2.30.1", forced="2.31") == "2.31"  # new enough: the user's choice


def test_not_a_version_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not a TensorFlow version"):
        serving_image_for("latest")


@given(
    writer=st.tuples(st.just(2), st.integers(0, 40), st.integers(0, 5)).map(lambda v: ".".join(map(str, v))),
    forced=st.none() | st.sampled_from(sorted(SERVING_IMAGES)),
)
def test_the_image_chosen_is_never_older_than_what_the_export_needs(writer: str, forced: str | None) -> None:
    try:
        chosen = serving_image_for(writer, forced)
    except ConfigError:
        return
    floor = DEFAULT_SERVING_IMAGE if minor(writer) <= minor(NEWEST_CHECKED_WRITER) else writer
    assert minor(chosen) >= minor(floor)
    if forced is not None:
        assert chosen == forced


def pinned(name: str) -> list[str]:
    """The requirement lines of ci/images/NAME (the files tox installs), comments left out."""
    path = Path(__file__).resolve().parents[3] / "ci" / "images" / name
    return [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]


def test_the_tox_envs_install_the_images_versions() -> None:
    assert (
        pinned(f"tensorflow-training-{DEFAULT_TRAINING_IMAGE}.txt")
        == TRAINING_IMAGES[DEFAULT_TRAINING_IMAGE].pins()
    )
    serving = SERVING_IMAGES[DEFAULT_SERVING_IMAGE].tensorflow
    assert pinned(f"tensorflow-serving-{DEFAULT_SERVING_IMAGE}.txt")[0] == f"tensorflow=={serving}"
