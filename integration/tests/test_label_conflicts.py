"""Identical texts with both targets: each policy's invariants, its one line, and training applying it."""

from __future__ import annotations

import csv
import json
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import FAST, tweetclf
from hypothesis import given, settings
from hypothesis import strategies as st

from tweet_classifier import TrainConfig, Tweets, resolve_label_conflicts, sample_csv
from tweet_classifier.errors import ConfigError

rows = st.lists(
    st.tuples(st.sampled_from(["fire", "flood", "sun", "Fire", "fire "]), st.integers(0, 1)), max_size=30
)


def tweets_of(pairs: list[tuple[str, int]]) -> Tweets:
    return Tweets([str(i) for i in range(len(pairs))], [t for t, _ in pairs], [y for _, y in pairs], "t.csv")


def labels_by_text(tweets: Tweets) -> dict[str, set[int]]:
    labels: dict[str, set[int]] = defaultdict(set)
    for text, target in zip(tweets.texts, tweets.targets or [], strict=True):
        labels[text].add(target)
    return labels


@given(rows)
@settings(max_examples=200, deadline=None)
def test_each_policy_keeps_what_it_promises(pairs: list[tuple[str, int]]) -> None:
    tweets = tweets_of(pairs)
    conflicting = {text for text, labels in labels_by_text(tweets).items() if len(labels) > 1}
    kept, found = resolve_label_conflicts(tweets, "keep")
    assert kept is tweets and found.dropped == found.relabelled == 0
    assert found.texts == len(conflicting)
    assert found.rows == sum(text in conflicting for text, _ in pairs)
    clean = [(i, text, y) for i, (text, y) in enumerate(pairs) if text not in conflicting]
    for policy in ("majority", "drop"):
        resolved, done = resolve_label_conflicts(tweets, policy)
        assert all(len(labels) == 1 for labels in labels_by_text(resolved).values())
        # rows without a conflict are untouched and in order; ids follow their rows
        untouched = [
            (int(i), t, y)
            for i, t, y in zip(resolved.ids, resolved.texts, resolved.targets or [], strict=True)
        ]
        assert [row for row in untouched if row[1] not in conflicting] == clean
        assert done.dropped == len(tweets) - len(resolved)
        if policy == "drop":
            assert len(resolved) == len(clean) and done.dropped == found.rows and done.relabelled == 0
        else:
            for text in conflicting:
                targets = [y for t, y in pairs if t == text]
                ones, zeros = targets.count(1), targets.count(0)
                survivors = [
                    y for t, y in zip(resolved.texts, resolved.targets or [], strict=True) if t == text
                ]
                if ones == zeros:
                    assert survivors == []
                else:
                    assert survivors == [int(ones > zeros)] * len(targets)
            assert done.relabelled == sum(
                min(ts.count(0), ts.count(1))
                for ts in ([y for t, y in pairs if t == text] for text in conflicting)
                if ts.count(0) != ts.count(1)
            )


def test_the_line_says_what_was_found_and_done() -> None:
    tweets = tweets_of([("fire", 1), ("fire", 0), ("flood", 1), ("flood", 1), ("flood", 0), ("sun", 0)])
    assert resolve_label_conflicts(tweets, "keep")[1].describe() == (
        "t.csv: 2 texts appear with both targets (5 rows); all kept (--label-conflicts keep)"
    )
    assert resolve_label_conflicts(tweets, "majority")[1].describe() == (
        "t.csv: 2 texts appear with both targets (5 rows); 1 row relabelled to the majority target, "
        "2 rows dropped (--label-conflicts majority)"
    )
    assert (
        resolve_label_conflicts(tweets, "drop")[1]
        .describe()
        .endswith("; 5 rows dropped (--label-conflicts drop)")
    )


def test_an_unknown_policy_is_refused() -> None:
    with pytest.raises(ConfigError, match="label_conflicts must be one of keep, majority, drop, got 'vote'"):
        TrainConfig(label_conflicts="vote")


def test_training_applies_the_policy_and_reports_it(tmp_path: Path) -> None:
    """The CLI says what it will do before training; the report and metadata record it."""
    with sample_csv().open(encoding="utf-8", newline="") as handle:
        sample = list(csv.DictReader(handle))
    first = sample[0]
    twins = [{**first, "id": "9001", "target": str(1 - int(first["target"]))}, {**first, "id": "9002"}]
    train_csv = tmp_path / "train.csv"
    with train_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(first))
        writer.writeheader()
        writer.writerows(sample + twins)
    command = [*tweetclf(), "train", "--train-csv", str(train_csv), "--model-dir", "m", "--quiet", *FAST]
    run = subprocess.run(
        [*command, "--model", "linear", "--label-conflicts", "drop"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    line = f"label conflicts: {train_csv}: 1 text appears with both targets (3 rows); 3 rows dropped"
    assert line in run.stdout
    report = json.loads((tmp_path / "m/1/report/metrics.json").read_text(encoding="utf-8"))
    assert report["label_conflicts"] == {
        "policy": "drop",
        "texts": 1,
        "rows": 3,
        "relabelled": 0,
        "dropped": 3,
    }
    assert report["count"] == report["train_rows"] == len(sample) - 1  # 82 rows less the 3 of that text
    metadata = json.loads((tmp_path / "m/1/assets.extra/tweetclf.json").read_text(encoding="utf-8"))
    assert metadata["config"]["label_conflicts"] == "drop"
