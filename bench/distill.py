"""Teacher, student, reference and BiLSTM peer on the lockbox of Kaggle's train.csv, in one run.

Run: .venv/bin/python bench/distill.py [teacher] [lockbox]   (default: both)
     --set=KEY=VALUE  a TrainConfig field of the student (e.g. --set=distill_weight=0.5)
     --seed=N         the student's seed (default 0)

- teacher: fine-tune all-MiniLM-L6-v2 on the tweets outside the lockbox (cached by data
           fingerprint under ~/.cache/tweetclf/teachers; ~20 min on 2 cores), label them,
           the lockbox and the augmented copies.
- lockbox: every system trained on the same tweets outside the lockbox, scored once on the
           lockbox (20% of train.csv, stratified, fixed by tweet id; never used to choose a
           lever): F1 at each system's own threshold, and the paired bootstrap difference
           against the reference (char_wb 1-6 + word 1-3 TF-IDF LR, OOF threshold) with its s.e.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from classifier import bilstm_fit, bilstm_peer, override, strong_pipeline
from common import KAGGLE, table

from tweet_classifier.lockbox import lockbox_split, paired_bootstrap
from tweet_classifier.tweets import read_tweets


def load_split():
    path = KAGGLE / "train.csv"
    if not path.exists():
        raise SystemExit(f"{path} not found: this bench needs Kaggle's train.csv (set KAGGLE_DATA_DIR)")
    return lockbox_split(read_tweets(path, labelled=True))


def teacher_cache(rest):
    from tweet_classifier.teacher.cache import TeacherCache
    from tweet_classifier.teacher.files import TeacherFiles
    from tweet_classifier.teacher.teacher import TeacherConfig

    return TeacherCache(TeacherFiles.load("minilm"), TeacherConfig(), rest.texts, rest.targets)


def teacher(rest, box) -> np.ndarray:
    """Fine-tune (or read) the teacher; its lockbox logits."""
    cache = teacher_cache(rest)
    started = time.perf_counter()
    was_cached = cache.has_teacher
    logits = cache.logits(box.texts)
    how = "read from cache" if was_cached else "fine-tuned"
    print(f"teacher: {how} in {time.perf_counter() - started:.0f} s")
    return logits


def reference(rest, box) -> np.ndarray:
    """The strong scikit-learn pipeline: 0/1 predictions on the lockbox at its OOF threshold."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from tweet_classifier import best_threshold

    x, y = np.array(rest.texts, dtype=object), np.array(rest.targets)
    inner = StratifiedKFold(5, shuffle=True, random_state=0)
    oof = cross_val_predict(strong_pipeline(), x, y, cv=inner, method="predict_proba")[:, 1]
    model = strong_pipeline().fit(x, y)
    return model.predict_proba(np.array(box.texts, dtype=object))[:, 1] >= best_threshold(y, oof)


def bilstm(rest, box) -> np.ndarray:
    import tensorflow as tf

    from glove_lookup import WordVectors

    model = bilstm_fit(bilstm_peer(WordVectors.load("glove-6b-50d")), rest.texts, np.array(rest.targets))
    return model.predict(tf.constant(box.texts), batch_size=1024, verbose=0).reshape(-1) >= 0.5


def ours(rest, box, config) -> np.ndarray:
    """Our model trained on the rest (no export), its lockbox predictions at its own threshold."""
    import tensorflow as tf

    from tweet_classifier.training import train

    result = train(rest, "glove-6b-50d", None, config, verbose=0)
    probability = result.model.predict(tf.constant(box.texts), batch_size=1024, verbose=0).reshape(-1)
    return probability >= result.metrics.threshold


def lockbox(rest, box, settings: list[str], seed: int) -> None:
    from tweet_classifier.config import TrainConfig

    y = np.array(box.targets)
    default = TrainConfig(seed=seed)
    systems = {
        "reference: char 1-6 + word 1-3 TF-IDF LR": lambda: reference(rest, box),
        "teacher: MiniLM-L6 fine-tuned (threshold 0.5)": lambda: teacher(rest, box) >= 0,
        "ours: hybrid (default)": lambda: ours(rest, box, default),
        "peer: BiLSTM(64)": lambda: bilstm(rest, box),
    }
    if settings:
        systems[f"ours: hybrid {' '.join(settings)}"] = lambda: ours(rest, box, override(default, settings))
    predicted = {}
    for name, run in systems.items():
        started = time.perf_counter()
        predicted[name] = np.asarray(run()).astype(int)
        print(f"{name}: {time.perf_counter() - started:.0f} s", flush=True)
    base = predicted[next(iter(systems))]
    rows = [("system", "lockbox F1", "vs reference (paired s.e.)")]
    for name, p in predicted.items():
        d = paired_bootstrap(y, p, base)
        rows.append((name, f"{d.f1_a:.4f}", "-" if p is base else str(d)))
    print(f"\nlockbox: {len(box)} tweets ({int(y.sum())} disasters), trained on {len(rest)}")
    print(table(rows))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    settings = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--set=")]
    seed = int(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--seed=")), 0))
    rest, box = load_split()
    if not args or "teacher" in args:
        teacher(rest, box)
    if not args or "lockbox" in args:
        lockbox(rest, box, settings, seed)


if __name__ == "__main__":
    main()
