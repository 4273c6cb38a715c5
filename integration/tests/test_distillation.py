"""Distillation's pieces: augmented copies, the linear member on soft targets, the lockbox."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tweet_classifier import Tweets, read_tweets, sample_csv
from tweet_classifier.distillation.augment import AugmentConfig, augment, nearest_words, word_key
from tweet_classifier.lockbox import f1_rows, lockbox_split, paired_bootstrap
from tweet_classifier.model.linear import SoftRows, fit_linear

SAMPLE = read_tweets(sample_csv(), labelled=True)
NEIGHBOURS = {"fire": ["blaze", "flames"], "people": ["residents"], "love": ["adore"]}
words = st.text(alphabet="abcdefire#!.", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(words, min_size=1, max_size=12).map(" ".join), min_size=1, max_size=10),
    st.integers(0, 5),
    st.integers(0, 99),
)
def test_copies_are_new_and_made_of_their_tweets_words_or_neighbours(texts, copies, seed) -> None:
    config = AugmentConfig(copies=copies, drop_rate=0.3, replace_rate=0.5, ngram_rate=0.3, seed=seed)
    made, source = augment(texts, NEIGHBOURS, config)
    assert len(made) == len(source) <= copies * len(texts)
    for copy, i in zip(made, source, strict=True):
        allowed = set(texts[i].split()) | {
            n for w in texts[i].split() for n in NEIGHBOURS.get(word_key(w), [])
        }
        assert copy and copy != texts[i].strip()
        assert set(copy.split()) <= allowed
    per_tweet = [[c for c, i in zip(made, source, strict=True) if i == k] for k in range(len(texts))]
    assert all(len(set(p)) == len(p) for p in per_tweet)
    assert augment(texts, NEIGHBOURS, config)[0] == made  # seeded


def test_glove_neighbours_are_related_words(glove) -> None:
    near = nearest_words(list(glove.words[:20000]), glove.matrix[:20000], ["fire", "flood", "zzzqx"], k=5)
    assert set(near) == {"fire", "flood"}
    assert "fire" not in near["fire"] and len(near["fire"]) == 5
    assert {"fires", "flames", "blaze"} & set(near["fire"])


def test_soft_copies_go_in_their_tweets_fold() -> None:
    """A copy equal to its tweet is scored by the same out-of-fold model: the same logit. With
    gold targets on the tweets (weight 0 on the teacher) the tweets' threshold data is unchanged."""
    texts, y = list(SAMPLE.texts), np.array(SAMPLE.targets)
    source = np.arange(0, len(texts), 3)
    soft = SoftRows([texts[i] for i in source], y[source].astype(float), source, y.astype(float))
    fitted = fit_linear(texts, y, folds=4, seed=1, soft=soft)
    assert fitted.soft_oof_logit is not None
    np.testing.assert_allclose(fitted.soft_oof_logit, fitted.oof_logit[source], rtol=1e-6, atol=1e-9)
    plain = fit_linear(texts, y, folds=4, seed=1)
    assert not np.allclose(plain.oof_logit, fitted.oof_logit)  # the copies weigh their tweets twice


def test_unlabelled_rows_are_spread_over_the_folds_and_scored_out_of_fold() -> None:
    """Rows from no training tweet (source -1): each is scored by a fold model that did not train
    on it, so an unlabelled copy of a tweet scores like that tweet only by chance of the fold."""
    texts, y = list(SAMPLE.texts), np.array(SAMPLE.targets)
    extra = ["forest fire near the town", "i love my new phone", "flood warning tonight"] * 4
    soft = SoftRows(extra, np.full(len(extra), 0.5), np.full(len(extra), -1), y.astype(float))
    fitted = fit_linear(texts, y, folds=4, seed=0, soft=soft)
    assert fitted.soft_oof_logit is not None and fitted.soft_oof_logit.shape == (len(extra),)
    same_text = fitted.soft_oof_logit.reshape(4, 3)  # each text once in each of the 4 folds
    assert np.ptp(same_text, axis=0).min() > 0


def test_soft_targets_move_the_linear_member_toward_the_teacher() -> None:
    texts, y = list(SAMPLE.texts), np.array(SAMPLE.targets)
    teacher = np.where(y == 1, 0.6, 0.4)  # an unsure teacher
    soft = SoftRows([], np.zeros(0), np.zeros(0, np.int64), teacher)
    unsure = fit_linear(texts, y, folds=4, soft=soft)
    sure = fit_linear(texts, y, folds=4)
    assert np.abs(unsure.coef).sum() < np.abs(sure.coef).sum()
    assert np.abs(unsure.oof_logit).mean() < np.abs(sure.oof_logit).mean()


def tweets_of(ids: list[int], targets: list[int]) -> Tweets:
    return Tweets([str(i) for i in ids], [f"tweet {i}" for i in ids], targets, "t.csv")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=10, max_size=200), st.randoms(use_true_random=False))
def test_lockbox_membership_depends_on_the_id_alone(targets, random) -> None:
    ids = list(range(len(targets)))
    _, box = lockbox_split(tweets_of(ids, targets))
    for label in (0, 1):
        count = targets.count(label)
        assert box.targets.count(label) == round(0.2 * count)
    order = ids[:]
    random.shuffle(order)
    _, shuffled = lockbox_split(tweets_of(order, [targets[i] for i in order]))
    assert set(shuffled.ids) == set(box.ids)
    rest, box = lockbox_split(tweets_of(ids, targets))
    assert not set(rest.ids) & set(box.ids) and len(rest) + len(box) == len(ids)


def test_paired_bootstrap_on_the_same_tweets() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    a = np.where(rng.random(400) < 0.9, y, 1 - y)
    b = np.where(rng.random(400) < 0.7, y, 1 - y)
    d = paired_bootstrap(y, a, b, rounds=500)
    assert d.f1_a == f1_rows(y, a) and d.difference == pytest.approx(f1_rows(y, a) - f1_rows(y, b))
    assert 0 < d.standard_error < d.difference
    assert paired_bootstrap(y, a, a, rounds=100).standard_error == 0
