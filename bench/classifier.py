"""The classifier vs its peers on Kaggle's train.csv, in one run.

Run: .venv/bin/python bench/classifier.py [speed] [cv] [balance] [variants]   (default: all; make bench)
     cv options: --repeats=N (default 3), --folds=N (the first N folds of each repeat only),
                 --only=NAME (a part of a system's name), --fresh (ignore the cache),
                 --set=KEY=VALUE (our models with a TrainConfig field changed; also prints the paired
                 difference against the cached defaults, e.g. --only=hybrid --set=pooling=max-mean),
                 --teacher (one more row: all-MiniLM-L6-v2 fine-tuned on each training fold, ~25 min a
                 fold on 2 cores; cached under ~/.cache/tweetclf/teachers, where --set=teacher=minilm
                 students find it)
     speed options: --set=KEY=VALUE (time our model with a TrainConfig field changed),
                    --tf-threads=N (TensorFlow threads per op, as `tweetclf serve --tf-threads`, with
                    two inter-op threads per N; default: TensorFlow's, all cores for both pools)

- cv:      3 x 5-fold repeated stratified CV F1 (class 1), mean +- standard error, for the hybrid
           and each member alone beside four peers. The reference, the strongest cheap peer: light
           cleaning + char_wb 1-6 + word 1-3 TF-IDF (sublinear) + LogReg C=2, its threshold chosen on
           5-fold out-of-fold probabilities of the training fold. Then char_wb 2-5 + word 1-2 TF-IDF +
           LogReg (C=4), the same with chars only, and Keras TextVectorization (GloVe vocabulary) +
           frozen Embedding + BiLSTM(64). Paired differences against the reference.
- balance: CV F1 of our four balancing strategies (picks the default).
- variants: CV F1 of switchable additions (the n-gram branch) against the default.
- speed:   all 7,613 tweets -> exported model (wall s), and in-process inference of the
           loaded SavedModels: tweets/s at batch 1/32/256, single-tweet p50/p99 (medians of
           3 rounds alternating between ours and the peer). Training runs under the same
           thread pools as the inference timings.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
from common import KAGGLE, table

FOLDS = 5
REPEATS = 3
SEED = 0


def load() -> tuple[list[str], np.ndarray]:
    path = KAGGLE / "train.csv"
    if not path.exists():
        raise SystemExit(f"{path} not found: this bench needs Kaggle's train.csv (set KAGGLE_DATA_DIR)")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], np.array([int(r["target"]) for r in rows])


def folds(y: np.ndarray, repeat: int = 0) -> list[np.ndarray]:
    """Stratified test folds of one repeat (seeded by the repeat: the same for every model)."""
    rng = np.random.default_rng(SEED + repeat)
    parts: list[list[int]] = [[] for _ in range(FOLDS)]
    for label in (0, 1):
        idx = rng.permutation(np.flatnonzero(y == label))
        for k, chunk in enumerate(np.array_split(idx, FOLDS)):
            parts[k].extend(chunk.tolist())
    return [np.array(sorted(p)) for p in parts]


def f1(y: np.ndarray, predicted: np.ndarray) -> float:
    from tweet_classifier import binary_metrics

    return binary_metrics(y, predicted.astype(float), 0.5).f1


def ours_fold(texts, y, train_idx, test_idx, glove, *, config) -> dict[str, float]:
    """F1 on the test fold at the exported threshold (``f1``), at 0.5 and at the validation-best one."""
    import tensorflow as tf

    from tweet_classifier import Tweets, best_threshold, train

    tweets = Tweets(
        [str(i) for i in train_idx], [texts[i] for i in train_idx], [int(y[i]) for i in train_idx], "cv"
    )
    result = train(tweets, glove, None, config, verbose=0)
    probability = result.model.predict(tf.constant([texts[i] for i in test_idx]), batch_size=1024, verbose=0)
    probability = probability.reshape(-1)
    valid_best = best_threshold(result.valid_y, result.valid_probability)
    return {
        "f1": f1(y[test_idx], probability >= result.metrics.threshold),
        "f1@0.5": f1(y[test_idx], probability >= 0.5),
        "f1@valid": f1(y[test_idx], probability >= valid_best),
    }


def tfidf_fold(texts, y, train_idx, test_idx, words: bool = False) -> float:
    """The peers: char_wb 2-5 TF-IDF (+ word 1-2 with ``words``) + LogisticRegression C=4, threshold 0.5."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizers = [TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)]
    if words:
        vectorizers.append(TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True))
    train_texts, test_texts = [texts[i] for i in train_idx], [texts[i] for i in test_idx]
    x_train = hstack([v.fit_transform(train_texts) for v in vectorizers]).tocsr()
    x_test = hstack([v.transform(test_texts) for v in vectorizers]).tocsr()
    model = LogisticRegression(C=4.0, max_iter=2000).fit(x_train, y[train_idx])
    return f1(y[test_idx], model.predict(x_test))


_URL = re.compile(r"(?:https?://|www\.)\S*")
_MENTION = re.compile(r"@\w+")


def light_clean(text: str) -> str:
    """The strongest peer's cleaning, in plain Python: HTML entities unescaped, URLs -> ``url``,
    @mentions -> ``@user``, ``#`` dropped, lowercase (written apart from our TF cleaning)."""
    text = html.unescape(text).lower()
    return _MENTION.sub("@user", _URL.sub("url", text)).replace("#", "").strip()


def strong_pipeline():
    """char_wb 1-6 + word 1-3 TF-IDF (sublinear) over lightly cleaned text + LogisticRegression C=2."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 6), sublinear_tf=True, preprocessor=light_clean),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 3), sublinear_tf=True, preprocessor=light_clean),
    )
    return make_pipeline(features, LogisticRegression(C=2.0, max_iter=3000))


def strong_fold(texts, y, train_idx, test_idx) -> dict[str, float]:
    """The strongest cheap peer, its threshold chosen on 5-fold out-of-fold probabilities of the
    training fold (``f1``), and at 0.5 (``f1@0.5``)."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from tweet_classifier import best_threshold

    train_texts, y_train = np.array([texts[i] for i in train_idx], dtype=object), y[train_idx]
    inner = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    oof = cross_val_predict(strong_pipeline(), train_texts, y_train, cv=inner, method="predict_proba")[:, 1]
    threshold = best_threshold(y_train, oof)
    model = strong_pipeline().fit(train_texts, y_train)
    probability = model.predict_proba(np.array([texts[i] for i in test_idx], dtype=object))[:, 1]
    return {"f1": f1(y[test_idx], probability >= threshold), "f1@0.5": f1(y[test_idx], probability >= 0.5)}


def bilstm_peer(glove, epochs: int = 10):
    """Keras TextVectorization (GloVe vocabulary) + frozen Embedding + BiLSTM(64)."""
    import keras

    vectorizer = keras.layers.TextVectorization(output_sequence_length=30, vocabulary=glove.words)
    matrix = np.concatenate([np.zeros((2, glove.dim), np.float32), glove.matrix])
    embedding = keras.layers.Embedding(len(glove) + 2, glove.dim, mask_zero=True, trainable=False)
    embedding.build((None, 30))
    embedding.set_weights([matrix])
    text = keras.Input(shape=(), dtype="string")
    x = keras.layers.Bidirectional(keras.layers.LSTM(64))(embedding(vectorizer(text)))
    model = keras.Model(text, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def bilstm_fit(model, texts, y, epochs: int = 10):
    import keras
    import tensorflow as tf

    n_valid = len(texts) // 10
    order = np.random.default_rng(SEED).permutation(len(texts))
    valid, train_part = order[:n_valid], order[n_valid:]
    model.fit(
        tf.constant([texts[i] for i in train_part]),
        y[train_part],
        validation_data=(tf.constant([texts[i] for i in valid]), y[valid]),
        epochs=epochs,
        batch_size=64,
        callbacks=[keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)],
        verbose=0,
    )
    return model


def bilstm_fold(texts, y, train_idx, test_idx, glove) -> float:
    import tensorflow as tf

    model = bilstm_fit(bilstm_peer(glove), [texts[i] for i in train_idx], y[train_idx])
    probability = model.predict(tf.constant([texts[i] for i in test_idx]), batch_size=1024, verbose=0)
    return f1(y[test_idx], probability.reshape(-1) >= 0.5)


REFERENCE = "peer: cleaned char 1-6 + word 1-3 TF-IDF LR (C=2, OOF threshold)"
CV_CACHE = Path(__file__).resolve().parent / ".cache" / "cv_scores.json"


TEACHER = "teacher: MiniLM-L6 fine-tuned (threshold 0.5)"


def teacher_fold(texts, y, train_idx, test_idx) -> dict[str, float]:
    """The teacher alone: fine-tuned on the training fold (or read from the cache the students
    share), F1 on the test fold at threshold 0.5 (a threshold tuned on a small split costs more)."""
    from tweet_classifier.teacher.cache import TeacherCache
    from tweet_classifier.teacher.files import TeacherFiles
    from tweet_classifier.teacher.teacher import TeacherConfig

    train_texts, train_y = [texts[i] for i in train_idx], [int(y[i]) for i in train_idx]
    cache = TeacherCache(TeacherFiles.load("minilm"), TeacherConfig(), train_texts, train_y)
    logits = cache.logits([texts[i] for i in test_idx])
    return {"f1": f1(y[test_idx], logits >= 0)}


def read_cv_cache() -> dict[str, dict[str, float]]:
    """The cached fold scores (empty when there are none)."""
    import json

    return json.loads(CV_CACHE.read_text()) if CV_CACHE.exists() else {}


def store_cv_score(key: str, scores: dict[str, float]) -> None:
    """Add one fold's scores to the cache file, merged with what is on disk now (another run of
    this bench may have added folds since this one read it), written atomically."""
    import json

    from tweet_classifier.atomic_write import write_atomically

    merged = {**read_cv_cache(), key: scores}
    write_atomically(CV_CACHE, lambda tmp: tmp.write_text(json.dumps(merged, indent=1)))


def cv_systems(config):
    """name -> function(texts, y, train_idx, test_idx, glove) -> {score name: F1}."""
    ours = {
        "ours: hybrid (default)": replace(config, model="hybrid"),
        "ours: linear member": replace(config, model="linear"),
    }
    if not config.teacher:  # a teacher distils into the linear member and the hybrid only
        ours["ours: lstm member"] = replace(config, model="lstm")
    systems = {name: partial(ours_fold, config=c) for name, c in ours.items()}
    systems[REFERENCE] = lambda t, y, tr, te, g: strong_fold(t, y, tr, te)
    systems["peer: char+word TF-IDF LR (C=4)"] = lambda t, y, tr, te, g: {
        "f1": tfidf_fold(t, y, tr, te, words=True)
    }
    systems["peer: char TF-IDF LR (C=4)"] = lambda t, y, tr, te, g: {"f1": tfidf_fold(t, y, tr, te)}
    systems["peer: BiLSTM(64)"] = lambda t, y, tr, te, g: {"f1": bilstm_fold(t, y, tr, te, g)}
    if "--teacher" in sys.argv:
        systems[TEACHER] = lambda t, y, tr, te, g: teacher_fold(t, y, tr, te)
    return systems


def cv(texts, y, glove, config) -> None:
    """Repeated stratified CV (REPEATS x FOLDS, the same folds for everyone), mean +- standard error.

    Scores are cached per system and fold in bench/.cache/cv_scores.json (keyed by the
    system, every field of the config and the fold), so a rerun only trains what is new.
    ``--fresh`` trains the selected folds again and says, fold by fold, whether each score
    reproduces the cached one (a refactor's check); the new scores replace the cached ones.
    """
    repeats = int(next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--repeats=")), REPEATS))
    only = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--only=")]
    fresh = "--fresh" in sys.argv
    cache = read_cv_cache()
    systems = cv_systems(config)
    if only:
        systems = {k: v for k, v in systems.items() if any(o in k for o in only)}
    scores: dict[str, dict[str, list[float]]] = {name: {} for name in systems}
    first = int(next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--folds=")), FOLDS))
    for repeat in range(repeats):
        parts = folds(y, repeat)
        for k, test_idx in enumerate(parts[:first]):
            train_idx = np.concatenate([p for j, p in enumerate(parts) if j != k])
            for name, run in systems.items():
                setting = cache_key(config) if name.startswith("ours") else "-"  # peers: no config
                key = f"{name} | {setting} | repeat {repeat} fold {k}"
                if key not in cache or fresh:
                    before = cache.get(key)
                    cache[key] = run(texts, y, train_idx, test_idx, glove)
                    store_cv_score(key, cache[key])
                    if before is not None and fresh:
                        same = "reproduces" if before == cache[key] else f"DIFFERS from {before}"
                        print(f"{name}, repeat {repeat + 1} fold {k + 1}: {cache[key]} {same}", flush=True)
                for score, value in cache[key].items():
                    scores[name].setdefault(score, []).append(value)
            print(
                f"repeat {repeat + 1} fold {k + 1}: "
                + "  ".join(f"{n.split(': ')[1]} {s['f1'][-1]:.4f}" for n, s in scores.items()),
                flush=True,
            )
    print(cv_table(scores, len(y), repeats))
    if config_label(config) != "defaults":
        print(against_defaults(cache, systems, config, repeats))


def against_defaults(cache: dict, systems: dict, config, repeats: int) -> str:
    """Paired differences of a ``--set`` variant against the defaults' cached scores, fold by fold."""
    rows = [("model", "variant - defaults (paired)", "folds")]
    for name in systems:
        if not name.startswith("ours"):
            continue
        diffs = []
        for repeat in range(repeats):
            for k in range(FOLDS):
                fold = f"repeat {repeat} fold {k}"
                base = cache.get(f"{name} | {cache_key(type(config)())} | {fold}")
                if base is not None:
                    diffs.append(cache[f"{name} | {cache_key(config)} | {fold}"]["f1"] - base["f1"])
        if len(diffs) > 1:
            rows.append((name, paired(diffs), str(len(diffs))))
    note = "defaults not cached: run cv without --set first" if len(rows) == 1 else ""
    return f"\n{config_label(config)} against the defaults, same folds\n" + table(rows) + note


def override(config, settings: list[str]):
    """``config`` with ``key=value`` settings (``--set=pooling=max-mean``) applied.

    Parsed by the same flags as ``tweetclf train`` (types, booleans, choices, range checks).
    """
    import argparse

    parser = argparse.ArgumentParser(prog="--set", add_help=False)
    type(config).add_arguments(parser)
    parser.set_defaults(**config.to_dict())
    argv = []
    for setting in settings:
        key, _, value = setting.partition("=")
        argv += ["--" + key.replace("_", "-"), value]
    try:
        return type(config).from_namespace(parser.parse_args(argv))
    except ValueError as error:
        raise SystemExit(f"--set: {error}") from None


def paired(d) -> str:
    """Mean +- standard error of paired per-fold differences."""
    d = np.asarray(d)
    return f"{d.mean():+.4f} +- {d.std(ddof=1) / np.sqrt(len(d)):.4f}"


def cache_key(config) -> str:
    """Every field of ``config``: a cached score stays tied to the model that earned it when a
    default changes (``config_label`` names only the fields that differ from today's defaults)."""
    from dataclasses import fields

    return ", ".join(f"{f.name}={getattr(config, f.name)!r}" for f in fields(config))


def config_label(config) -> str:
    """The fields that differ from the defaults (``defaults`` if none): how tables name a
    variant (the cache keys by :func:`cache_key`)."""
    from dataclasses import fields

    default = type(config)()
    diff = [
        f"{f.name}={getattr(config, f.name)!r}"
        for f in fields(config)
        if getattr(config, f.name) != getattr(default, f.name)
    ]
    return ", ".join(diff) or "defaults"


def cv_table(scores: dict[str, dict[str, list[float]]], rows: int, repeats: int) -> str:
    """Mean +- standard error over all folds; paired difference against the reference peer
    (:data:`REFERENCE`, the strongest; when it was left out by ``--only``, the best peer run)."""
    peers = {n: s["f1"] for n, s in scores.items() if n.startswith("peer")}
    best_peer = REFERENCE if REFERENCE in peers else max(peers, key=lambda n: np.mean(peers[n]), default=None)
    out = [("model", "mean F1", "+- s.e.", f"vs {best_peer.split(': ')[1] if best_peer else '-'} (paired)")]
    for name, by_score in scores.items():
        for score, values in by_score.items():
            label = name if score == "f1" else f"{name}, threshold {score.split('@')[1]}"
            v = np.asarray(values)
            diff = ""
            if best_peer is not None and name != best_peer:
                diff = paired(v - np.asarray(peers[best_peer]))
            out.append((label, f"{v.mean():.4f}", f"{v.std(ddof=1) / np.sqrt(len(v)):.4f}", diff))
    n = len(next(iter(next(iter(scores.values())).values())))
    return (
        f"\n{repeats} x {FOLDS}-fold stratified CV F1 (class 1), Kaggle train.csv ({rows:,} tweets), "
        f"{n} folds per model; s.e. = std / sqrt(folds)\n" + table(out)
    )


def balance_sweep(texts, y, glove, config) -> None:
    parts = folds(y)
    rows = [("balance", "mean F1", "std")]
    for strategy in ("class-weight", "undersample", "oversample", "none"):
        scores = []
        for k, test_idx in enumerate(parts):
            train_idx = np.concatenate([p for j, p in enumerate(parts) if j != k])
            scores.append(
                ours_fold(texts, y, train_idx, test_idx, glove, config=replace(config, balance=strategy))[
                    "f1"
                ]
            )
        rows.append((strategy, f"{np.mean(scores):.4f}", f"{np.std(scores):.4f}"))
        print(f"{strategy}: {np.mean(scores):.4f}", flush=True)
    print(f"\nbalancing strategies, {FOLDS}-fold CV F1")
    print(table(rows))


def variants(texts, y, glove, config) -> None:
    """CV F1 of switchable additions against the default, on the same folds."""
    parts = folds(y)
    candidates = {
        "default": config,
        "ngrams=True (hashed word 1-2 + char 2-5 grams)": replace(config, ngrams=True),
        "ngrams=True, dim 64, 2^18 buckets": replace(
            config, ngrams=True, ngram_dim=64, ngram_buckets=1 << 18
        ),
        "ngrams=True, dim 64, patience 4": replace(config, ngrams=True, ngram_dim=64, patience=4),
        "vocab_top_n=30000": replace(config, vocab_top_n=30000),
        "vocab_top_n=50000": replace(config, vocab_top_n=50000),
        "sequence_length=40": replace(config, sequence_length=40),
        "trainable_vectors=True": replace(config, trainable_vectors=True),
        "unit_multiplier=2": replace(config, unit_multiplier=2.0),
        "learning_rate=3e-3, patience 3": replace(config, learning_rate=3e-3, patience=3),
        "dropout=0.4": replace(config, dropout=0.4),
    }
    only = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--only=")]
    if only:
        candidates = {k: v for k, v in candidates.items() if k == "default" or any(o in k for o in only)}
    rows = [("variant", "mean F1", "std", "vs default")]
    base = None
    for name, variant in candidates.items():
        scores = []
        for k, test_idx in enumerate(parts):
            train_idx = np.concatenate([p for j, p in enumerate(parts) if j != k])
            scores.append(ours_fold(texts, y, train_idx, test_idx, glove, config=variant)["f1"])
        mean = float(np.mean(scores))
        base = mean if base is None else base
        rows.append((name, f"{mean:.4f}", f"{np.std(scores):.4f}", f"{mean - base:+.4f}"))
        print(f"{name}: {mean:.4f}", flush=True)
    print(f"\nvariants, {FOLDS}-fold CV F1")
    print(table(rows))


ROUNDS = 3  # inference rounds, alternating between the two exports


def inference(export_dirs: list[Path], rounds: int = ROUNDS) -> list[dict[str, float]]:
    """Each export's tweets/s at batch 1/32/256 and single-tweet p50/p99, timed in ``rounds``
    rounds that alternate between the exports (a drift of the machine's speed hits both
    alike); each figure is the median over the rounds."""
    import tensorflow as tf

    texts, _ = load()
    signatures = []
    for export_dir in export_dirs:
        serve = tf.saved_model.load(str(export_dir)).signatures["serving_default"]
        signatures.append((serve, next(iter(serve.structured_input_signature[1]))))
    runs: list[list[dict[str, float]]] = [[] for _ in export_dirs]
    for _ in range(rounds):
        for (serve, name), run in zip(signatures, runs, strict=True):
            run.append(_one_round(serve, name, texts))
    return [{key: float(np.median([r[key] for r in run])) for key in run[0]} for run in runs]


def _one_round(serve, name: str, texts: list[str]) -> dict[str, float]:
    import tensorflow as tf

    out: dict[str, float] = {}
    for batch in (1, 32, 256):
        chunks = [tf.constant(texts[i : i + batch]) for i in range(0, min(len(texts), 40 * batch), batch)]
        serve(**{name: chunks[0]})
        start = time.perf_counter()
        for chunk in chunks:
            serve(**{name: chunk})
        out[f"batch {batch}"] = sum(int(c.shape[0]) for c in chunks) / (time.perf_counter() - start)
    latencies = []
    for text in texts[:500]:
        start = time.perf_counter()
        serve(**{name: tf.constant([text])})
        latencies.append(time.perf_counter() - start)
    out["p50 ms"] = float(np.percentile(latencies, 50) * 1000)
    out["p99 ms"] = float(np.percentile(latencies, 99) * 1000)
    return out


def speed(texts, y, glove, config) -> None:
    import tensorflow as tf

    from tweet_classifier import Tweets, train

    intra = tf.config.threading.get_intra_op_parallelism_threads() or "all cores"
    inter = tf.config.threading.get_inter_op_parallelism_threads() or "all cores"
    print(f"TensorFlow threads: {intra} per op, {inter} inter-op (both models)")

    work = Path(tempfile.mkdtemp(prefix="bench_classifier_"))
    try:
        tweets = Tweets([str(i) for i in range(len(texts))], texts, [int(v) for v in y], "train.csv")
        start = time.perf_counter()
        result = train(tweets, glove, work / "ours", config, verbose=0)
        ours_s = time.perf_counter() - start
        start = time.perf_counter()
        peer = bilstm_fit(bilstm_peer(glove), texts, y)
        peer.export(str(work / "peer" / "1"), verbose=False)
        peer_s = time.perf_counter() - start
        ours_inf, peer_inf = inference([result.version_dir, work / "peer" / "1"])
        size = lambda d: sum(f.stat().st_size for f in Path(d).rglob("*") if f.is_file())  # noqa: E731
        rows = [("measure", "tweetclf (ours)", "BiLSTM peer", "ours vs peer")]
        rows.append(
            (
                "train 7,613 tweets -> export (s)",
                f"{ours_s:.1f}",
                f"{peer_s:.1f}",
                f"{peer_s / ours_s:.2f}x faster",
            )
        )
        for key in ("batch 1", "batch 32", "batch 256"):
            rows.append(
                (
                    f"tweets/s, {key}",
                    f"{ours_inf[key]:,.0f}",
                    f"{peer_inf[key]:,.0f}",
                    f"{ours_inf[key] / peer_inf[key]:.2f}x",
                )
            )
        for key in ("p50 ms", "p99 ms"):
            rows.append(
                (
                    f"single tweet {key}",
                    f"{ours_inf[key]:.2f}",
                    f"{peer_inf[key]:.2f}",
                    f"{peer_inf[key] / ours_inf[key]:.2f}x",
                )
            )
        rows.append(
            (
                "export size (MB)",
                f"{size(result.version_dir) / 1e6:.1f}",
                f"{size(work / 'peer') / 1e6:.1f}",
                "",
            )
        )
        raw = result.sizes.get("vectors_raw_bytes", 0) + result.sizes.get("ngrams_raw_bytes", 0)
        rows.append(
            (
                "export / raw bytes of vectors + n-gram keys",
                f"{result.sizes['export_bytes'] / raw:.2f}x",
                "",
                "",
            )
        )
        print(f"\nspeed (epochs run: ours {len(result.history.get('loss', []))}; timings {result.timings})")
        print(table(rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    tf_threads = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--tf-threads=")), 0)
    if tf_threads:  # before TensorFlow starts its devices, which fixes its pools
        from tweet_classifier.tensorflow_start import set_tf_threads

        set_tf_threads(tf_threads, concurrent_calls=2)
    from glove_lookup import WordVectors
    from tweet_classifier import TrainConfig

    parts = sys.argv[1:] or ["speed", "cv", "balance", "variants"]
    texts, y = load()
    glove = WordVectors.load("glove-6b-50d")
    config = override(TrainConfig(), [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--set=")])
    print(f"config: {config}")
    if "speed" in parts:
        speed(texts, y, glove, config)
    if "cv" in parts:
        cv(texts, y, glove, config)
    if "balance" in parts:
        balance_sweep(texts, y, glove, config)
    if "variants" in parts:
        variants(texts, y, glove, config)


if __name__ == "__main__":
    main()
