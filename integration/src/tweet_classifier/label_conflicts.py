"""Identical training texts with contradicting targets, and what training does with them.

Kaggle's ``train.csv`` holds 18 texts that appear 55 times with both targets. The policies
(``TrainConfig.label_conflicts``):

- ``keep`` (the default): train on every row as it is. Relabelling or dropping did not help
  in repeated CV on Kaggle's data (BENCHMARKS.md).
- ``majority``: every row of such a text gets the target most of its rows have; a text with
  as many rows of each target has all its rows dropped.
- ``drop``: every row of such a text is dropped.

A text is identical when its string is equal, character for character.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from tweet_classifier.config import LABEL_CONFLICTS
from tweet_classifier.tweets import Tweets


@dataclass(frozen=True)
class LabelConflicts:
    """What a policy found and did: texts with both targets, their rows, rows relabelled or dropped.

    Example:

    >>> tweets = Tweets(["1", "2", "3", "4"], ["fire", "fire", "fire", "sun"], [1, 1, 0, 0], "t.csv")
    >>> kept, conflicts = resolve_label_conflicts(tweets, "majority")
    >>> kept.targets, conflicts.relabelled, conflicts.dropped
    ([1, 1, 1, 0], 1, 0)
    >>> print(conflicts.describe())  # doctest: +NORMALIZE_WHITESPACE
    t.csv: 1 text appears with both targets (3 rows); 1 row relabelled to the majority target
    (--label-conflicts majority)
    """

    policy: str
    texts: int
    rows: int
    relabelled: int = 0
    dropped: int = 0
    source: str = ""  # the file the rows came from

    def describe(self) -> str:
        """One line for the training output."""
        found = (
            f"{self.source}: {self.texts} text{'s' if self.texts != 1 else ''} "
            f"appear{'s' if self.texts == 1 else ''} with both targets ({self.rows} rows)"
        )
        if self.policy == "keep":
            done = "all kept"
        else:
            parts = []
            if self.relabelled:
                parts.append(f"{_rows(self.relabelled)} relabelled to the majority target")
            if self.dropped:
                parts.append(f"{_rows(self.dropped)} dropped")
            done = ", ".join(parts) or "nothing changed"
        return f"{found}; {done} (--label-conflicts {self.policy})"

    def to_dict(self) -> dict[str, int | str]:
        return {
            "policy": self.policy,
            "texts": self.texts,
            "rows": self.rows,
            "relabelled": self.relabelled,
            "dropped": self.dropped,
        }


def _rows(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}"


def resolve_label_conflicts(tweets: Tweets, policy: str) -> tuple[Tweets, LabelConflicts]:
    """``tweets`` after ``policy`` (``keep``, ``majority`` or ``drop``), and what it found and did.

    Rows keep their order; rows of texts without a conflict are never touched. Cheap (one
    pass in Python), so a caller may run it only to report what training will do.
    """
    if policy not in LABEL_CONFLICTS:
        raise ValueError(f"label_conflicts must be one of {', '.join(LABEL_CONFLICTS)}, got {policy!r}")
    if tweets.targets is None:  # unlabelled: nothing to resolve (training refuses them next)
        return tweets, LabelConflicts(policy, 0, 0, source=tweets.source)
    labels: dict[str, list[int]] = defaultdict(list)
    for text, target in zip(tweets.texts, tweets.targets, strict=True):
        labels[text].append(target)
    conflicting = {text: rows for text, rows in labels.items() if len(set(rows)) > 1}
    rows = sum(len(r) for r in conflicting.values())
    found = LabelConflicts(policy, len(conflicting), rows, source=tweets.source)
    if policy == "keep" or not conflicting:
        return tweets, found
    majority = {text: _majority(r) if policy == "majority" else None for text, r in conflicting.items()}
    keep, targets, relabelled = [], [], 0
    for i, (text, target) in enumerate(zip(tweets.texts, tweets.targets, strict=True)):
        label = majority[text] if text in conflicting else target
        if label is not None:
            keep.append(i)
            targets.append(label)
            relabelled += label != target
    resolved = replace(
        tweets,
        ids=[tweets.ids[i] for i in keep],
        texts=[tweets.texts[i] for i in keep],
        targets=targets,
    )
    return resolved, replace(found, relabelled=relabelled, dropped=len(tweets) - len(keep))


def _majority(targets: list[int]) -> int | None:
    """The target most of ``targets`` are, or ``None`` on a tie."""
    ones = sum(targets)
    if 2 * ones == len(targets):
        return None
    return int(2 * ones > len(targets))


def label_conflicts_note(tweets: Tweets, policy: str) -> str | None:
    """The line training prints before it starts: what ``policy`` will do, or ``None`` if no
    text of ``tweets`` has both targets."""
    conflicts = resolve_label_conflicts(tweets, policy)[1]
    return f"label conflicts: {conflicts.describe()}" if conflicts.texts else None
