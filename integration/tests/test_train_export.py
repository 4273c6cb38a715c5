"""Training on the sample, the exported contract, and loading it as TF Serving does."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
import tensorflow as tf

from tweet_classifier import ExportedModel, ModelDirError, read_tweets, sample_csv, train
from tweet_classifier.model import SCORER
from tweet_classifier.model.seed_stacks import SeedStacks

LOADER = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    for name in ("glove_lookup", "ngram_tfidf", "tweet_classifier", "rebalance"):
        sys.modules[name] = None  # the project must not be importable here
    import tensorflow as tf
    export_dir, texts_file, out_file = sys.argv[1:4]
    texts = json.load(open(texts_file, encoding="utf-8"))
    results = {}
    with tf.compat.v1.Session(graph=tf.Graph()) as sess:  # TF Serving's loader
        meta = tf.compat.v1.saved_model.load(sess, ["serve"], export_dir)
        sig = meta.signature_def["serving_default"]
        spec = {
            "inputs": {k: [v.dtype, [d.size for d in v.tensor_shape.dim]] for k, v in sig.inputs.items()},
            "outputs": {k: [v.dtype, [d.size for d in v.tensor_shape.dim]] for k, v in sig.outputs.items()},
        }
        for n in (1, 7, 1000):
            out = sess.run({k: v.name for k, v in sig.outputs.items()}, {sig.inputs["text"].name: texts[:n]})
            results[f"p{n}"], results[f"l{n}"] = out["probability"], out["label"]
    np.savez(out_file, **results)
    print(json.dumps(spec))
    """
)


def test_report_and_layout(trained) -> None:
    result, base = trained
    version = result.version_dir
    assert version == base / "1" and (version / "saved_model.pb").is_file()
    report = version / "report"
    metrics = json.loads((report / "metrics.json").read_text())
    for key in ("f1", "precision", "recall", "accuracy", "threshold", "confusion", "timings", "history"):
        assert key in metrics
    assert metrics["export_bytes"] > metrics["vectors_raw_bytes"] > 0
    assert metrics["config"]["model"] == "hybrid" and "linear" in metrics["members"]
    assert sum(map(sum, metrics["confusion"])) == metrics["valid_rows"]
    for png in (
        "learning_curves.png",
        "confusion_matrix.png",
        "precision_recall.png",
        "explained_errors.png",
    ):
        assert (report / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    losses = metrics["history"]["val_loss"]
    assert metrics["best_epoch"] == losses.index(min(losses)) + 1  # the epoch early stopping restored


def test_the_learning_curves_mark_the_restored_epoch() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from tweet_classifier.report import learning_curves

    history = {
        "loss": [0.7, 0.5, 0.4, 0.3],
        "val_loss": [0.6, 0.45, 0.5, 0.55],
        "val_accuracy": [0.6, 0.7, 0.7, 0.6],
    }
    figure = learning_curves(history)
    for ax in figure.axes:
        marks = [line for line in ax.get_lines() if line.get_label().startswith("restored")]
        assert len(marks) == 1 and list(marks[0].get_xdata()) == [2, 2]
        assert "restored: epoch 2" in [text.get_text() for text in ax.get_legend().get_texts()]


def test_fresh_process_reproduces_predictions(trained, tmp_path: Path) -> None:
    check_fresh_process(trained[0], tmp_path)


@pytest.mark.parametrize(
    ("model", "variant"),
    [("linear", {}), ("lstm", {}), ("lstm", {"bidirectional": True, "pooling": "max-mean"})],
)
@pytest.mark.slow
def test_each_member_alone_exports_and_serves(
    model: str, variant: dict, small_config, glove, tmp_path: Path
) -> None:
    """Every member trains and exports alone (the default, the hybrid, is the ``trained`` fixture);
    so does the LSTM variant read both ways and pooled over time."""
    from dataclasses import replace

    config = replace(small_config, model=model, epochs=1, **variant)
    result = train(read_tweets(sample_csv(), labelled=True), glove, tmp_path / "m", config, verbose=0)
    layers = layer_names(result.model)
    assert ("linear" in layers) == (model == "linear")
    assert ("lstm_1" in layers) == (model == "lstm" and not variant)
    assert ("bidirectional_1" in layers) == ("max_mean" in layers) == bool(variant)
    metrics = json.loads((result.version_dir / "report" / "metrics.json").read_text())
    if model == "linear":  # scored out of fold on every training tweet, no validation split
        assert metrics["count"] == metrics["train_rows"] == len(read_tweets(sample_csv(), labelled=True))
        assert metrics["members"]["linear"]["out_of_fold"]["f1"] == metrics["f1"]
    check_fresh_process(result, tmp_path)


def test_hybrid_is_linear_plus_lstm_correction(trained) -> None:
    """The exported hybrid's logit is the linear member's logit plus the LSTM's correction."""
    result, _ = trained
    model = result.model
    texts = tf.constant(["Forest fire near La Ronge", "I love my new blender", ""])
    scorer = model.get_layer(SCORER)
    read = {layer.name: layer(texts) for layer in model.layers if layer not in (scorer, model.layers[0])}
    linear_logit = keras.Model(scorer.input, scorer.get_layer("linear_logit").output)(read)
    linear_logit = linear_logit.numpy().reshape(-1)
    probability = model.predict(texts, verbose=0).reshape(-1)
    correction = np.log(probability / (1 - probability)) - linear_logit
    assert not np.allclose(correction, 0, atol=1e-4)
    alone = _logits(model, texts, layer_named(model, "linear"), layer_named(model, "linear_vectors"))
    np.testing.assert_allclose(correction, alone, atol=1e-3)  # linear silenced: the correction alone
    members = result.members
    assert members["linear"]["out_of_fold"]["count"] == len(read_tweets(sample_csv(), labelled=True))
    assert result.metrics.threshold == members["linear"]["out_of_fold"]["threshold"]


@pytest.mark.slow
@pytest.mark.parametrize("model", ["hybrid", "lstm"])
def test_several_seeds_average_their_logits(model: str, small_config, glove, tmp_path: Path) -> None:
    """With ``lstm_seeds=2`` two stacks learn apart and the export averages their logits."""
    from dataclasses import replace

    config = replace(small_config, model=model, lstm_seeds=2, epochs=1)
    result = train(read_tweets(sample_csv(), labelled=True), glove, tmp_path / "m", config, verbose=0)
    text_model = result.model
    first, second = layer_named(text_model, "lstm_logit"), layer_named(text_model, "lstm_logit_seed2")
    assert not np.allclose(
        layer_named(text_model, "lstm_1").get_weights()[0],
        layer_named(text_model, "lstm_1_seed2").get_weights()[0],
    )
    texts = tf.constant(["Forest fire near La Ronge", "I love my new blender", "flood", ""])
    silenced = [layer_named(text_model, n) for n in ("linear", "linear_vectors")] if model == "hybrid" else []
    both = _logits(text_model, texts, *silenced)
    only_first = _logits(text_model, texts, *silenced, second)
    only_second = _logits(text_model, texts, *silenced, first)
    assert not np.allclose(only_first, only_second, atol=1e-3)
    np.testing.assert_allclose(both, only_first + only_second, atol=1e-3)  # (a + b) / 2 = a/2 + b/2
    if model == "hybrid":  # each head's accuracy at 0.5 is near the blend's (not argmax over heads)
        assert abs(result.history["val_accuracy"][-1] - result.metrics.accuracy) <= 0.25
    check_fresh_process(result, tmp_path)


@pytest.mark.slow
def test_fine_tuned_vectors_leave_the_linear_member_its_own(small_config, glove) -> None:
    """With ``trainable_vectors`` the LSTM's vectors move; the linear member reads a frozen copy."""
    from dataclasses import replace

    config = replace(small_config, trainable_vectors=True, epochs=1)
    result = train(read_tweets(sample_csv(), labelled=True), glove, None, config, verbose=0)
    from glove_lookup import GloveLookup

    lookups = {layer.name: layer for layer in result.model.layers if isinstance(layer, GloveLookup)}
    frozen = lookups.pop("linear_lookup")
    (tuned,) = (layer.embeddings.numpy() for layer in lookups.values())
    assert not frozen.trainable and frozen.embeddings.numpy().shape == tuned.shape
    words = frozen.get_vocabulary()
    index = {w: i for i, w in enumerate(glove.words)}
    rows = [index[w] for w in words]
    np.testing.assert_array_equal(frozen.embeddings.numpy(), glove.matrix[rows])  # as loaded
    assert not np.allclose(tuned, glove.matrix[rows])  # fine-tuned


@pytest.mark.slow
def test_ngram_branch_exports_and_serves(small_config, glove, tmp_path: Path) -> None:
    from dataclasses import replace

    config = replace(small_config, ngrams=True, ngram_buckets=4096, ngram_dim=8, epochs=1)
    result = train(read_tweets(sample_csv(), labelled=True), glove, tmp_path / "m", config, verbose=0)
    assert any("ngrams" in w.path for w in result.model.weights)
    check_fresh_process(result, tmp_path)


def all_layers(model: keras.Model) -> list[Any]:
    """The text model's layers: those that read strings, those of its scorer, and the stacks'
    layers that a :class:`SeedStacks` serves as one."""
    layers = [*model.layers, *model.get_layer(SCORER).layers]
    for layer in list(layers):
        if isinstance(layer, SeedStacks):
            layers += [sub for stack in layer.stacks for sub in stack] + layer.finals
    return layers


def layer_names(model: keras.Model) -> set[str]:
    return {layer.name for layer in all_layers(model)}


def layer_named(model: keras.Model, name: str) -> Any:
    """A layer of the text model, of its scorer or of its stacks."""
    return next(layer for layer in all_layers(model) if layer.name == name)


def _logits(model: Any, texts: tf.Tensor, *quiet: Any) -> np.ndarray:
    """The model's logits with the weights of the ``quiet`` layers set to zero for the call."""
    saved = [layer.get_weights() for layer in quiet]
    try:
        for layer in quiet:
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
        p = model.predict(texts, verbose=0).reshape(-1).astype(np.float64)
    finally:
        for layer, weights in zip(quiet, saved, strict=True):
            layer.set_weights(weights)
    return np.log(p / (1 - p))


def check_fresh_process(result, tmp_path: Path) -> None:
    """TF Serving's loader, in a process that cannot import the project, reproduces the predictions."""
    base = [t for t in read_tweets(sample_csv(), labelled=True).texts] + ["", "🔥🔥", "x" * 5000]
    texts = [base[i % len(base)] + ("" if i < len(base) else f" #{i}") for i in range(1000)]
    (tmp_path / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            LOADER,
            str(result.version_dir),
            str(tmp_path / "texts.json"),
            str(tmp_path / "o.npz"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    spec = json.loads(run.stdout.strip().splitlines()[-1])
    assert spec == {
        "inputs": {"text": [tf.string.as_datatype_enum, [-1]]},
        "outputs": {
            "probability": [tf.float32.as_datatype_enum, [-1]],
            "label": [tf.int64.as_datatype_enum, [-1]],
        },
    }
    expected = result.model.predict(tf.constant(texts), batch_size=1000, verbose=0).reshape(-1)
    threshold = result.metrics.threshold
    with np.load(tmp_path / "o.npz") as got:
        for n in (1, 7, 1000):
            np.testing.assert_allclose(got[f"p{n}"], expected[:n], atol=1e-5)
            np.testing.assert_array_equal(got[f"l{n}"], (got[f"p{n}"] >= threshold).astype(np.int64))


def test_exported_model_helper_and_size(trained, glove) -> None:
    result, base = trained
    model = ExportedModel(base)
    assert model.version_dir == result.version_dir and model.threshold == result.metrics.threshold
    probability, labels = model.predict(["Forest fire near La Ronge", ""], batch_size=1)
    assert probability.shape == (2,) and set(labels) <= {0, 1}
    vocabulary = (
        (result.version_dir / "assets" / "vocabulary.txt").read_text(encoding="utf-8").split("\n")[:-1]
    )
    assert len(vocabulary) == result.vocabulary_size
    assert vocabulary[:2000] == glove.words[:2000]  # the top-N of GloVe, in GloVe order, plus training words
    raw = sum(len(w.encode("utf-8")) + 1 for w in vocabulary) + len(vocabulary) * glove.dim * 4
    raw += result.sizes["ngrams_raw_bytes"]  # the linear member's n-gram vocabulary (an asset too)
    variables = sum(f.stat().st_size for f in _files(result.version_dir / "variables"))
    assets = sum(f.stat().st_size for f in _files(result.version_dir / "assets"))
    other_weights = sum(int(np.prod(w.shape)) * 4 for w in result.model.weights if "embeddings" not in w.path)
    # the vectors are stored once (variables) and the words once (assets); the graph stays small
    assert variables + assets <= 1.1 * raw + other_weights, (variables, assets, raw, other_weights)
    assert (result.version_dir / "saved_model.pb").stat().st_size < 2_000_000


def _files(path: Path) -> list[Path]:
    return [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]


def test_second_run_is_version_two_and_bad_model_dir_is_refused(
    trained, small_config, glove, tmp_path
) -> None:
    import shutil

    first, base = trained
    own = tmp_path / "models"  # a copy: the session's base keeps its one version for other tests
    shutil.copytree(first.version_dir, own / "1")
    tweets = read_tweets(sample_csv(), labelled=True)
    result = train(tweets, glove.restrict(top_n=3000), own, small_config, verbose=0)
    assert result.version_dir == own / "2"
    assert sorted(p.name for p in base.iterdir()) == ["1"]
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ModelDirError):
        train(tweets, glove, tmp_path, small_config, verbose=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["models", "notes.txt"]


@pytest.mark.slow
@pytest.mark.parametrize("balance", ["undersample", "oversample", "none"])
def test_balancing_strategies_train(balance: str, small_config, glove) -> None:
    from dataclasses import replace

    import pandas as pd

    from rebalance import stratified_split

    config = replace(small_config, model="lstm", balance=balance, epochs=1)
    tweets = read_tweets(sample_csv(), labelled=True)
    frame = pd.DataFrame({"text": tweets.texts, "target": tweets.targets})
    part, _ = stratified_split(frame, "target", test_size=config.valid_size, seed=config.seed)
    counts = part["target"].value_counts()
    assert counts.min() < counts.max()  # the sample is imbalanced, so balancing changes the rows
    expected = {"undersample": 2 * counts.min(), "oversample": 2 * counts.max(), "none": len(part)}
    result = train(tweets, glove, None, config, verbose=0)
    assert result.version_dir is None
    assert result.train_rows == expected[balance]
    assert 0.0 <= result.metrics.f1 <= 1.0
