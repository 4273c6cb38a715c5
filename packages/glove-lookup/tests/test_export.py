"""Export for TF Serving: loads without glove_lookup, in TF Serving's own (v1) loader too."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from glove_lookup import GloveLookup, WordVectors, export_saved_model

LOADER = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    sys.modules["glove_lookup"] = None  # the project must not be importable here
    try:
        import glove_lookup  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("glove_lookup was importable")
    import tensorflow as tf
    export_dir, texts_file, out_file = sys.argv[1:4]
    texts = json.load(open(texts_file, encoding="utf-8"))
    results = {}
    serving = tf.saved_model.load(export_dir).signatures["serving_default"]
    for n in (1, 7, 1000):
        results[f"v2_{n}"] = serving(text=tf.constant(texts[:n]))["outputs"].numpy()
    with tf.compat.v1.Session(graph=tf.Graph()) as sess:
        meta = tf.compat.v1.saved_model.load(sess, ["serve"], export_dir)
        sig = meta.signature_def["serving_default"]
        assert list(sig.inputs) == ["text"], list(sig.inputs)
        for n in (1, 7, 1000):
            results[f"v1_{n}"] = sess.run(sig.outputs["outputs"].name, {sig.inputs["text"].name: texts[:n]})
    np.savez(out_file, **results)
    """
)

TWEETS = [
    "Forest fire near La Ronge Sask. Canada",
    "All residents asked to 'shelter in place' are being notified by officers #wildfires",
    "@user I LOVE fruits 🍓🍌 &amp; veggies http://t.co/abc",
    "",
    "13,000 people receive #wildfires evacuation orders in California",
    "What a goooooal!!!",
    "\x00\u200b control chars \U0001f525",
]


def _model(vectors: WordVectors) -> keras.Model:
    keras.utils.set_random_seed(0)
    text = keras.Input(shape=(), dtype="string", name="text")
    x = GloveLookup(vectors, sequence_length=20)(text)
    x = keras.layers.LSTM(8)(x)
    return keras.Model(text, keras.layers.Dense(1, activation="sigmoid")(x))


@pytest.fixture(scope="module")
def glove() -> WordVectors:
    return WordVectors.load("glove-6b-50d")


def test_fresh_process_reproduces_outputs(glove: WordVectors, tmp_path: Path) -> None:
    model = _model(glove.restrict(top_n=20000))
    export_dir = export_saved_model(model, tmp_path / "tweets" / "1")
    texts = [TWEETS[i % len(TWEETS)] + f" {i}" for i in range(1000)]
    texts_file = tmp_path / "texts.json"
    texts_file.write_text(json.dumps(texts), encoding="utf-8")
    out_file = tmp_path / "out.npz"
    result = subprocess.run(
        [sys.executable, "-c", LOADER, str(export_dir), str(texts_file), str(out_file)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    expected = model.predict(tf.constant(texts), batch_size=1000, verbose=0)
    with np.load(out_file) as got:
        for n in (1, 7, 1000):
            for loader in ("v1", "v2"):
                np.testing.assert_allclose(
                    got[f"{loader}_{n}"], expected[:n], atol=1e-5, err_msg=f"{loader} {n}"
                )


def test_graph_stays_small_while_vectors_are_large(glove: WordVectors, tmp_path: Path) -> None:
    export_dir = export_saved_model(_model(glove), tmp_path / "1")
    graph = (export_dir / "saved_model.pb").stat().st_size
    variables = sum(f.stat().st_size for f in (export_dir / "variables").iterdir())
    total = sum(f.stat().st_size for f in export_dir.rglob("*") if f.is_file())
    raw = glove.matrix.nbytes + sum(len(w.encode("utf-8")) + 1 for w in glove.words)
    assert graph < 5_000_000, graph
    assert variables > glove.matrix.nbytes  # the vectors live in variables/, not in the graph
    assert total <= 1.1 * raw, (total, raw)
    vocabulary = (export_dir / "assets" / "vocabulary.txt").read_text(encoding="utf-8").split("\n")
    assert vocabulary[:3] == ["the", ",", "."] and len(vocabulary) == len(glove) + 1


def test_more_signatures_share_the_input_and_the_variables(tmp_path: Path) -> None:
    """``signatures`` adds functions of the same text input; the variables are saved once."""
    vectors = WordVectors(["fire", "near"], [[1.0, 0.0], [0.0, 2.0]])
    text = keras.Input(shape=(), dtype="string", name="text")
    lookup = GloveLookup(vectors, sequence_length=3)
    model = keras.Model(text, keras.layers.GlobalAveragePooling1D()(lookup(text)))

    def known(texts: tf.Tensor) -> dict[str, tf.Tensor]:
        tokens = tf.strings.split(texts).to_tensor("")
        return {"known": lookup.in_vocabulary(tokens), "mean": model(texts)}

    out = export_saved_model(model, tmp_path / "1", signatures={"known": known})
    loaded = tf.saved_model.load(str(out))
    assert sorted(loaded.signatures) == ["known", "serving_default"]
    answer = loaded.signatures["known"](text=tf.constant(["fire ronge near", "near"]))
    assert answer["known"].numpy().tolist() == [[True, False, True], [True, False, False]]
    default = loaded.signatures["serving_default"](text=tf.constant(["fire ronge near", "near"]))
    np.testing.assert_allclose(answer["mean"].numpy(), default["outputs"].numpy())
    assert len(tf.train.list_variables(str(out / "variables" / "variables"))) == 2  # embeddings + graph
