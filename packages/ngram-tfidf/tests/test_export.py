"""A model with the layer, exported for TF Serving, loads and answers the same in a fresh process
without this package (the TF Serving way: the v1 loader with a session, and the v2 loader)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from ngram_tfidf import fit_logistic

LOADER = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    sys.modules["ngram_tfidf"] = None  # the package must not be needed here
    import tensorflow as tf
    export_dir, texts_file, out_file = sys.argv[1:4]
    texts = json.load(open(texts_file, encoding="utf-8"))
    results = {}
    serving = tf.saved_model.load(export_dir).signatures["serving_default"]
    for n in (1, 5, len(texts)):
        results[f"v2_{n}"] = serving(text=tf.constant(texts[:n]))["outputs"].numpy()
    with tf.compat.v1.Session(graph=tf.Graph()) as sess:
        meta = tf.compat.v1.saved_model.load(sess, ["serve"], export_dir)
        sig = meta.signature_def["serving_default"]
        assert list(sig.inputs) == ["text"], list(sig.inputs)
        for n in (1, 5, len(texts)):
            results[f"v1_{n}"] = sess.run(sig.outputs["outputs"].name, {sig.inputs["text"].name: texts[:n]})
    np.savez(out_file, **results)
    """
)


def export_for_serving(model: keras.Model, path: Path) -> Path:
    """``serving_default(text: string[None]) -> {"outputs": ...}`` with Keras' own exporter."""
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        "serving_default",
        lambda text: {"outputs": model(text, training=False)},
        input_signature=[tf.TensorSpec([None], tf.string, name="text")],
    )
    archive.write_out(str(path), verbose=False)
    return path


def test_fresh_process_without_the_package_gives_the_same_probabilities(tweets, tmp_path: Path) -> None:
    texts, y = tweets
    fit = fit_logistic(texts, y)
    text = keras.Input(shape=(), dtype="string", name="text")
    model = keras.Model(text, keras.layers.Activation("sigmoid")(fit.layer(text)))
    export_dir = export_for_serving(model, tmp_path / "tfidf" / "1")
    unseen = [
        "",
        "\x00\u200b control chars \U0001f525",
        "A wildfire near the forest &amp; #smoke http://t.co/x",
    ]
    sent = [*unseen, *texts]
    (tmp_path / "texts.json").write_text(json.dumps(sent), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            LOADER,
            str(export_dir),
            str(tmp_path / "texts.json"),
            str(tmp_path / "out.npz"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    expected = model(tf.constant(sent)).numpy().reshape(-1)
    np.testing.assert_allclose(expected, fit.probability(sent), atol=1e-5)  # the graph is the solver's
    with np.load(tmp_path / "out.npz") as out:
        for name in out.files:
            n = int(name.split("_")[1])
            np.testing.assert_allclose(out[name].reshape(-1), expected[:n], atol=1e-6, err_msg=name)
