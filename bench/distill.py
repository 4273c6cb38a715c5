"""Teacher, student, reference and BiLSTM peer on the lockbox of Kaggle's train.csv, in one run.

Run: .venv/bin/python bench/distill.py [teacher] [lockbox] [speed] [--inner]   (default: teacher, lockbox)
     --inner          the same one level down, for choosing levers: the tweets outside the lockbox
                      split again the same way (80% to train on, 20% to score), a teacher of its
                      own; the lockbox is not read
     --variant=KEY=VALUE[,KEY=VALUE...]  one more row: our model with TrainConfig fields changed
                      (repeatable; e.g. --variant=teacher=minilm --variant=teacher=minilm,model=linear;
                      unlabelled=test adds Kaggle's test.csv texts, unlabelled, for the teacher to label)
     --seed=N         our models' seed (default 0)

- teacher: fine-tune all-MiniLM-L6-v2 on the tweets outside the lockbox (cached by data
           fingerprint under ~/.cache/tweetclf/teachers; ~20 min on 2 cores), label them,
           the lockbox and the augmented copies.
- lockbox: every system trained on the same tweets outside the lockbox, scored once on the
           lockbox (20% of train.csv, stratified, fixed by tweet id; never used to choose a
           lever): F1 at each system's own threshold, and the paired bootstrap difference
           against the reference (char_wb 1-6 + word 1-3 TF-IDF LR, OOF threshold) with its s.e.
- speed:   the default and the student (--teacher minilm) trained on the same tweets, exported,
           and timed beside the BiLSTM peer in alternating rounds (bench/classifier.py's
           inference: tweets/s at batch 1/32/256, single-tweet p50/p99), as ratios
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from classifier import bilstm_fit, bilstm_peer, override, strong_pipeline
from common import CACHE, KAGGLE, table

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


def ours(rest, box, config, unlabelled=()) -> np.ndarray:
    """Our model trained on the rest (no export), its lockbox predictions at its own threshold."""
    import tensorflow as tf

    from tweet_classifier.training import train

    result = train(rest, "glove-6b-50d", None, config, verbose=0, unlabelled=unlabelled)
    probability = result.model.predict(tf.constant(box.texts), batch_size=1024, verbose=0).reshape(-1)
    return probability >= result.metrics.threshold


DEFAULT = "ours: hybrid (default)"


def unlabelled_tweets() -> list[str]:
    """Kaggle's test.csv texts (no labels used): the teacher labels them for the student."""
    from tweet_classifier.tweets import read_tweets

    return read_tweets(KAGGLE / "test.csv", labelled=False).texts


def lockbox(rest, box, variants: list[list[str]], seed: int, where: str = "lockbox") -> None:
    from tweet_classifier.config import TrainConfig

    y = np.array(box.targets)
    default = TrainConfig(seed=seed)
    systems = {
        "reference: char 1-6 + word 1-3 TF-IDF LR": lambda: reference(rest, box),
        "teacher: MiniLM-L6 fine-tuned (threshold 0.5)": lambda: teacher(rest, box) >= 0,
        DEFAULT: lambda: ours(rest, box, default),
    }
    if where == "lockbox":
        systems["peer: BiLSTM(64)"] = lambda: bilstm(rest, box)
    for settings in variants:
        extra = unlabelled_tweets() if "unlabelled=test" in settings else ()
        changed = override(default, [s for s in settings if s != "unlabelled=test"])
        systems[f"ours: {' '.join(settings)}"] = lambda c=changed, u=extra: ours(rest, box, c, u)
    predicted = {}
    for name, run in systems.items():
        started = time.perf_counter()
        predicted[name] = np.asarray(run()).astype(int)
        print(f"{name}: {time.perf_counter() - started:.0f} s", flush=True)
    save(predicted, f"{where}_predictions_seed{seed}.json")
    reference_p, default_p = predicted[next(iter(systems))], predicted[DEFAULT]
    rows = [("system", f"{where} F1", "vs reference (paired s.e.)", "vs our default")]
    for name, p in predicted.items():
        versus = paired_bootstrap(y, p, reference_p)
        gain = paired_bootstrap(y, p, default_p)
        rows.append((name, f"{versus.f1_a:.4f}", "-" if p is reference_p else str(versus),
                     "-" if p is default_p else str(gain)))  # fmt: skip
    print(f"\n{where}: {len(box)} tweets ({int(y.sum())} disasters), trained on {len(rest)}")
    print(table(rows))


def save(predicted: dict[str, np.ndarray], name: str) -> None:
    """Every system's 0/1 predictions (merged into earlier runs'), to compare later without rerunning."""
    from tweet_classifier.atomic_write import write_atomically

    path = CACHE / name
    previous = json.loads(path.read_text()) if path.exists() else {}
    merged = {**previous, **{k: v.tolist() for k, v in predicted.items()}}
    write_atomically(path, lambda tmp: tmp.write_text(json.dumps(merged)))


def speed(rest) -> None:
    """The distilled export against today's, beside the BiLSTM peer, timed in one process."""
    import shutil
    import tempfile
    from pathlib import Path

    from classifier import inference

    from glove_lookup import WordVectors
    from tweet_classifier.config import TrainConfig
    from tweet_classifier.training import train

    work = Path(tempfile.mkdtemp(prefix="bench_distill_"))
    try:
        glove = WordVectors.load("glove-6b-50d")
        dirs = [
            train(rest, glove, work / name, config, verbose=0).version_dir
            for name, config in (("default", TrainConfig()), ("student", TrainConfig(teacher="minilm")))
        ]
        peer = bilstm_fit(bilstm_peer(glove), rest.texts, np.array(rest.targets))
        peer.export(str(work / "peer" / "1"), verbose=False)
        default, student, bilstm_ = inference([*dirs, work / "peer" / "1"])
        rows = [("measure", "default", "student", "BiLSTM peer", "student vs default", "student vs peer")]
        for key in ("batch 1", "batch 32", "batch 256", "p50 ms", "p99 ms"):
            ours, base, peer_ = student[key], default[key], bilstm_[key]
            ratio = (lambda a, b: b / a) if key.endswith("ms") else (lambda a, b: a / b)
            figures = (f"{base:,.2f}", f"{ours:,.2f}", f"{peer_:,.2f}")
            rows.append((key, *figures, f"{ratio(ours, base):.2f}x", f"{ratio(ours, peer_):.2f}x"))
        print("\nspeed (tweets/s, or ms; ratios > 1: the student is faster)")
        print(table(rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    variants = [a.split("=", 1)[1].split(",") for a in sys.argv[1:] if a.startswith("--variant=")]
    seed = int(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--seed=")), 0))
    rest, box = load_split()
    where = "lockbox"
    if "--inner" in sys.argv:
        rest, box = lockbox_split(rest)
        where = "inner"
    if not args or "teacher" in args:
        teacher(rest, box)
    if not args or "lockbox" in args:
        lockbox(rest, box, variants, seed, where)
    if "speed" in args:
        speed(rest)


if __name__ == "__main__":
    main()
