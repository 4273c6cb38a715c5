"""Reading Batch Transform output: mini-batches of predictions, one JSON line each, in input order."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sagemaker_launcher import (
    AwsConfig,
    LauncherError,
    parse_transform_output,
    put_jsonl,
    read_transform_output,
)

prediction = st.fixed_dictionaries(
    {"label": st.integers(0, 1), "probability": st.floats(0, 1, allow_nan=False)}
)


@given(st.lists(st.lists(prediction, min_size=1, max_size=5), max_size=8), st.booleans())
def test_mini_batches_come_back_flat_and_in_order(batches: list[list[dict]], one_per_line: bool) -> None:
    if one_per_line:
        lines = [json.dumps(p) for batch in batches for p in batch]
    else:
        lines = [json.dumps({"predictions": batch}) for batch in batches]
    text = "\n".join(lines) + ("\n\n" if lines else "")
    assert parse_transform_output(text) == [p for batch in batches for p in batch]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"predictions": []}\nnot json\n', r"out:2: not JSON"),
        ('{"error": "model failed"}\n', r"out:1: expected predictions"),
        ("[1, 2]\n", r"out:1: expected predictions"),
    ],
)
def test_bad_output_names_the_file_and_line(text: str, message: str) -> None:
    with pytest.raises(LauncherError, match=message):
        parse_transform_output(text, "s3://scores-bucket/scored/tweets.jsonl.out")


def test_reading_from_s3_checks_the_count(aws: str) -> None:
    import boto3

    s3 = boto3.client("s3", endpoint_url=aws, region_name="us-east-1")
    s3.create_bucket(Bucket="scores-bucket")
    batch = {"predictions": [{"label": 1, "probability": 0.9}, {"label": 0, "probability": 0.2}]}
    s3.put_object(Bucket="scores-bucket", Key="scored/tweets.jsonl.out", Body=json.dumps(batch) + "\n")
    config = AwsConfig.resolve()
    got = read_transform_output("s3://scores-bucket/scored/", "in/tweets.jsonl", config, expected=2)
    assert got == batch["predictions"]
    assert read_transform_output("s3://scores-bucket/scored", "tweets.jsonl", config) == batch["predictions"]
    with pytest.raises(LauncherError, match=r"tweets.jsonl.out: 2 predictions for 3 input lines"):
        read_transform_output("s3://scores-bucket/scored/", "tweets.jsonl", config, expected=3)


def test_jsonl_goes_up_one_instance_per_line_and_comes_back(aws: str, tmp_path) -> None:
    from sagemaker_launcher import download

    config = AwsConfig.resolve()
    texts = ["Forest fire near La Ronge", 'quote " and \\ backslash', "line\nbreak", "ünïcode 🔥"]
    assert (
        put_jsonl(texts, "s3://scores-bucket/in/tweets.jsonl", config) == "s3://scores-bucket/in/tweets.jsonl"
    )
    local = download("s3://scores-bucket/in/tweets.jsonl", tmp_path / "sub" / "tweets.jsonl", config)
    lines = local.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == texts  # one line each, even with a newline inside
    assert [p.name for p in local.parent.iterdir()] == ["tweets.jsonl"]  # no partial file left
    with pytest.raises(LauncherError, match="object key"):
        put_jsonl(texts, "s3://scores-bucket/in/", config)
