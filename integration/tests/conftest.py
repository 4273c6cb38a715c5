"""Shared fixtures: one small trained model per test session (the sample data, 2 epochs), and AWS
as a moto server on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

FAST = ["--epochs", "2", "--batch-size", "16", "--vocab-top-n", "2000", "--sequence-length", "20"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tweetclf() -> list[str]:
    return [sys.executable, "-m", "tweet_classifier.cli"]


@pytest.fixture(scope="session")
def small_config():
    from tweet_classifier import TrainConfig

    # one recurrent stack keeps the many trainings fast; the default's two are tested on their own
    return TrainConfig(epochs=2, batch_size=16, vocab_top_n=2000, sequence_length=20, lstm_seeds=1)


@pytest.fixture(scope="session")
def glove():
    from glove_lookup import WordVectors

    return WordVectors.load("glove-6b-50d")


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory, small_config, glove):
    """(TrainResult, model base) of one run on the team's sample tweets."""
    from tweet_classifier import read_tweets, sample_csv, train

    base = tmp_path_factory.mktemp("models") / "tweetclf"
    result = train(read_tweets(sample_csv(), labelled=True), glove, base, small_config, verbose=0)
    return result, base


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from sagemaker_launcher.testing import moto_server

    with moto_server() as url:
        yield url


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """An emptied moto server, the AWS environment aimed at it (subprocesses inherit it), and
    in-process connections anywhere but 127.0.0.1 refused."""
    from sagemaker_launcher.testing import use_moto

    return use_moto(moto_url, monkeypatch)
