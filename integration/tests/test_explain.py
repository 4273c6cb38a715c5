"""The ``explain`` signature: each word's contribution is the change its removal makes, in the graph."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from conftest import tweetclf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tweet_classifier import ExportedModel, read_tweets, sample_csv
from tweet_classifier.artifacts.exported_model import Explanation
from tweet_classifier.model.explain import WORD_BY_WORD_FROM
from tweet_classifier.report.explained_errors import MAX_ERRORS, influential_words, mistakes
from tweet_classifier.signatures import MAX_WORDS

V1_LOADER = textwrap.dedent(
    """
    import json, sys
    for name in ("glove_lookup", "ngram_tfidf", "tweet_classifier", "rebalance"):
        sys.modules[name] = None  # the project must not be importable here
    import tensorflow as tf
    export_dir, texts = sys.argv[1], json.loads(sys.argv[2])
    with tf.compat.v1.Session(graph=tf.Graph()) as sess:  # TF Serving's loader
        meta = tf.compat.v1.saved_model.load(sess, ["serve"], export_dir)
        answers = {}
        for name in ("serving_default", "explain"):
            sig = meta.signature_def[name]
            out = sess.run({k: v.name for k, v in sig.outputs.items()}, {sig.inputs["text"].name: texts})
            answers[name] = {k: v.tolist() for k, v in out.items()}
    answers["explain"]["words"] = [[w.decode() for w in row] for row in answers["explain"]["words"]]
    answers["explain"]["tokens"] = [[w.decode() for w in row] for row in answers["explain"]["tokens"]]
    print(json.dumps(answers))
    """
)
TEXTS = [
    "Forest fire near La Ronge Sask. Canada",
    "I love my new #fire shoes http://t.co/x",
    "",
    "qzxvbnm fire",
]


@pytest.fixture(scope="module")
def model(trained) -> ExportedModel:
    return ExportedModel(trained[0].version_dir)


def test_explain_answers_in_a_fresh_process_with_tf_servings_loader(trained, model: ExportedModel) -> None:
    run = subprocess.run(
        [sys.executable, "-c", V1_LOADER, str(trained[0].version_dir), json.dumps(TEXTS)],
        capture_output=True,
        text=True,
        check=True,
    )
    answers = json.loads(run.stdout)
    served, explained = answers["serving_default"], answers["explain"]
    assert sorted(explained) == ["contribution", "label", "oov", "probability", "tokens", "words"]
    np.testing.assert_allclose(explained["probability"], served["probability"], atol=1e-6)
    assert explained["label"] == served["label"]
    width = max(len(text.split()) for text in TEXTS)
    assert [len(row) for row in explained["words"]] == [width] * len(TEXTS)  # padded rows
    assert [[w for w in row if w] for row in explained["words"]] == [text.split() for text in TEXTS]
    assert explained["tokens"][1][4] == "# fire" and explained["tokens"][1][6] == ""  # the URL is dropped
    assert explained["oov"][3][:2] == [True, False]
    ours = model.explain(TEXTS)
    for row, found in enumerate(ours):
        n = len(found.words)
        np.testing.assert_allclose(found.contribution, explained["contribution"][row][:n], atol=1e-6)
        assert explained["contribution"][row][n:] == [0.0] * (width - n)


words = st.sampled_from(
    [
        *" ".join(read_tweets(sample_csv(), labelled=True).texts[:40]).split(),
        "qzxvbnm",
        "#fire",
        "http://t.co/x",
    ]
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(words, min_size=1, max_size=25), st.data())
def test_leaving_a_word_out_moves_the_probability_by_its_contribution(
    model: ExportedModel, text_words: list[str], data: st.DataObject
) -> None:
    text = " ".join(text_words)
    (found,) = model.explain([text])
    assert found.words == text_words
    decisive = int(np.argmax(np.abs(found.contribution)))
    other = data.draw(st.integers(0, len(text_words) - 1))
    for position in {decisive, other}:
        without = " ".join(text_words[:position] + text_words[position + 1 :])
        probabilities, _ = model.predict([text, without])
        assert probabilities[0] == pytest.approx(found.probability, abs=1e-6)
        change = probabilities[0] - probabilities[1]
        assert found.contribution[position] == pytest.approx(change, abs=1e-5)


def test_long_texts_list_their_first_words_and_leave_out_each_from_the_whole_text(
    model: ExportedModel,
) -> None:
    text_words = [f"fire{i % 7}" if i % 3 else "flood" for i in range(MAX_WORDS + 10)]
    text = " ".join(text_words)
    (found,) = model.explain([text])
    assert found.words == text_words[:MAX_WORDS]
    without = " ".join(text_words[1:])  # words past the limit stay in the shortened text
    probabilities, _ = model.predict([text, without])
    assert found.contribution[0] == pytest.approx(probabilities[0] - probabilities[1], abs=1e-5)


def test_mistakes_are_the_most_confident_errors() -> None:
    texts = [f"t{i}" for i in range(6)]
    y = np.array([0, 0, 1, 1, 0, 1])
    p = np.array([0.9, 0.6, 0.1, 0.3, 0.2, 0.8])
    assert mistakes(texts, y, p, 0.5) == (["t0", "t1"], ["t2", "t3"])
    many = mistakes(["x"] * (MAX_ERRORS + 5), np.zeros(MAX_ERRORS + 5), np.ones(MAX_ERRORS + 5), 0.5)
    assert len(many[0]) == MAX_ERRORS and many[1] == []


def test_influential_words_sum_one_direction_by_token() -> None:
    up = Explanation(
        "t", 0.9, 1, ["Fire", "fire!", "calm"], ["fire", "fire !", "calm"], [False] * 3, [0.2, 0.1, -0.3]
    )
    down = Explanation("t", 0.1, 0, ["FIRE", "calm"], ["fire", "calm"], [False] * 2, [0.05, -0.2])
    assert influential_words([up, down], +1) == [("fire", 0.25), ("fire !", 0.1)]
    assert influential_words([up, down], -1) == [("calm", 0.5)]


def test_predict_explain_prints_every_word(trained, tmp_path: Path) -> None:
    run = subprocess.run(
        [*tweetclf(), "predict", "--model", str(trained[1]), "--explain", TEXTS[0], "qzxvbnm"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = run.stdout.splitlines()
    assert lines[0] == TEXTS[0] and lines[1].startswith("label ")
    rows = [line.split() for line in lines[3:10]]
    assert [row[0] for row in rows] == TEXTS[0].split()
    assert all(row[1][0] in "+-" and float(row[1]) == float(row[1]) for row in rows)
    assert "qzxvbnm" in lines[-1] and lines[-1].endswith("(not in GloVe)")


def test_the_oov_share_signature(model: ExportedModel) -> None:
    texts = ["qzxvbnm fire", "", "fire near the forest", "#qzxvbnm!! http://t.co/x"]
    shares = model.signatures.call(texts, "oov_share")["oov_share"]
    assert shares.tolist() == pytest.approx([0.5, 0.0, 0.0, 1 / 4])  # "#", "qzxvbnm", "!", "!"


def test_a_version_without_explain_is_named(trained, tmp_path: Path) -> None:
    from tweet_classifier.errors import ModelDirError

    model = ExportedModel(trained[0].version_dir)
    model.signatures.functions.pop("explain")
    with pytest.raises(ModelDirError, match="no explain signature"):
        model.explain(["fire"])


def test_a_batch_without_words_is_explained(model: ExportedModel) -> None:
    found = model.explain(["", "   "])
    assert [f.words for f in found] == [[], []]
    probabilities, _ = model.predict(["", "   "])
    assert [f.probability for f in found] == pytest.approx(list(probabilities), abs=1e-6)


def test_a_batch_read_word_by_word_explains_each_text_as_it_is_explained_alone(model: ExportedModel) -> None:
    texts = list(read_tweets(sample_csv(), labelled=True).texts[:12])
    assert sum(len(text.split()) for text in texts) >= WORD_BY_WORD_FROM  # the batch reads words once
    assert all(len(text.split()) < WORD_BY_WORD_FROM for text in texts)  # a text alone is re-read
    together = model.explain(texts)
    for text, found in zip(texts, together, strict=True):
        (alone,) = model.explain([text])
        assert found.words == alone.words
        assert found.probability == pytest.approx(alone.probability, abs=1e-6)
        np.testing.assert_allclose(found.contribution, alone.contribution, atol=1e-5)


def test_a_batch_read_word_by_word_gives_each_text_its_served_probability(model: ExportedModel) -> None:
    """That path reads the whole texts from their words too: whatever blanks they have, empty or not."""
    texts = list(read_tweets(sample_csv(), labelled=True).texts[:12])
    odd = [text.replace(" ", "\t", 1).replace(" ", "  \n ", 1) + " \r\n" for text in texts] + ["", " \t "]
    assert sum(len(text.split()) for text in odd) >= WORD_BY_WORD_FROM
    found = model.explain(odd)
    probabilities, labels = model.predict(odd)
    assert [f.probability for f in found] == pytest.approx(list(probabilities), abs=1e-6)
    assert [f.label for f in found] == list(labels)


def test_the_export_returns_an_explain_that_answers_as_the_saved_one(trained, tmp_path: Path) -> None:
    """The report explains its mistakes with the explain function the export returns (no reload,
    run eagerly, always re-reading the shortened texts): it answers as the version loaded from disk
    does, on a batch the saved graph re-reads too and on one it reads word by word."""
    from tweet_classifier.artifacts.export import export_serving_model
    from tweet_classifier.artifacts.exported_model import load_signatures
    from tweet_classifier.model.explain import WORD_BY_WORD_FROM

    result = trained[0]
    in_memory = export_serving_model(result.model, result.metrics.threshold, tmp_path / "1", {})
    loaded = load_signatures(tmp_path / "1")
    few, many = TEXTS[:2], [*TEXTS, "fire " * 70]
    assert sum(len(t.split()) for t in few) < WORD_BY_WORD_FROM <= sum(len(t.split()) for t in many)
    for texts in (few, many):
        mine, theirs = in_memory.call(texts, "explain"), loaded.call(texts, "explain")
        assert sorted(mine) == sorted(theirs)
        for key in ("words", "tokens", "oov", "label"):
            np.testing.assert_array_equal(mine[key], theirs[key])
        for key in ("probability", "contribution"):
            np.testing.assert_allclose(mine[key], theirs[key], atol=1e-6)
