"""GloveLookup: ids, vectors, mask, config, .keras round trip, reuse, strategy."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import WORDS, small_matrix
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from glove_lookup import GloveLookup, WordVectors, standardize


def test_ids_vectors_and_zero_rows(vectors: WordVectors) -> None:
    layer = GloveLookup(vectors, sequence_length=6)
    ids = layer.token_ids(tf.constant(["Forest FIRE near zzz", ""])).numpy()
    assert ids.tolist() == [
        [WORDS.index("forest") + 2, WORDS.index("fire") + 2, WORDS.index("near") + 2, 1, 0, 0],
        [0, 0, 0, 0, 0, 0],
    ]
    out = layer(tf.constant(["Forest FIRE near zzz", ""])).numpy()
    assert out.shape == (2, 6, 4) and out.dtype == np.float32
    np.testing.assert_array_equal(out[0, 0], vectors["forest"])
    np.testing.assert_array_equal(out[0, 1], vectors["fire"])
    assert not out[0, 3:].any() and not out[1].any()  # OOV and padding: zero vectors


def test_accepts_batch_by_one_and_truncates(vectors: WordVectors) -> None:
    layer = GloveLookup(vectors, sequence_length=2)
    out = layer(tf.constant([["the fire forest"], ["near"]]))
    assert out.shape == (2, 2, 4)
    ids = layer.token_ids(tf.constant([["the fire forest"]])).numpy()
    assert ids.tolist() == [[2, 3]]


def test_mask_reaches_recurrent_layer(vectors: WordVectors) -> None:
    """With the mask, trailing padding does not change an LSTM's output."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(), dtype="string")
    outputs = keras.layers.LSTM(3)(GloveLookup(vectors, sequence_length=3)(inputs))
    model = keras.Model(inputs, outputs)
    long_model_layer = GloveLookup(vectors, sequence_length=12)
    long_outputs = model.layers[-1](long_model_layer(inputs))
    long_model = keras.Model(inputs, long_outputs)
    texts = tf.constant(["fire forest", "the"])
    np.testing.assert_allclose(model(texts).numpy(), long_model(texts).numpy(), atol=1e-6)
    assert GloveLookup(vectors, sequence_length=4).compute_mask(texts).numpy().tolist() == [
        [True, True, False, False],
        [True, False, False, False],
    ]


def test_rejects_bad_arguments(vectors: WordVectors) -> None:
    with pytest.raises(ValueError, match="sequence_length must be an int >= 1, got 0"):
        GloveLookup(vectors, sequence_length=0)
    with pytest.raises(ValueError, match="standardize must be one of"):
        GloveLookup(vectors, standardize="loud")
    with pytest.raises(ValueError, match="vocabulary_size and output_dim"):
        GloveLookup()
    with pytest.raises(TypeError, match="string tensors"):
        GloveLookup(vectors)(tf.constant([1.0]))
    with pytest.raises(ValueError, match=r"\[batch\] or \[batch, 1\]"):
        GloveLookup(vectors)(tf.constant([["a", "b"]]))


def test_vectors_are_a_variable_frozen_by_default(vectors: WordVectors) -> None:
    frozen = GloveLookup(vectors)
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 1
    tuned = GloveLookup(vectors, trainable=True)
    assert len(tuned.trainable_weights) == 1
    assert tuned.trainable_weights[0].shape == (len(WORDS), 4)


def test_config_is_complete(vectors: WordVectors) -> None:
    layer = GloveLookup(vectors, sequence_length=7, standardize="lower_and_strip_punctuation", name="glove")
    config = layer.get_config()
    assert config["sequence_length"] == 7
    assert config["standardize"] == "lower_and_strip_punctuation"
    assert (config["vocabulary_size"], config["output_dim"]) == (len(WORDS), 4)
    clone = GloveLookup.from_config(config)
    assert clone.get_config() == config


def test_keras_file_round_trip(vectors: WordVectors, tmp_path: Path) -> None:
    inputs = keras.Input(shape=(), dtype="string")
    x = GloveLookup(vectors, sequence_length=5)(inputs)
    outputs = keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(x))
    model = keras.Model(inputs, outputs)
    texts = tf.constant(["forest fire near la ronge", "don't", "zzz"])
    path = tmp_path / "model.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_allclose(restored(texts).numpy(), model(texts).numpy(), rtol=1e-6)
    layer = next(layer for layer in restored.layers if isinstance(layer, GloveLookup))
    assert layer.get_vocabulary() == WORDS


def test_reuse_two_inputs_share_one_lookup_and_train(vectors: WordVectors) -> None:
    """A different model around the same layer: two texts, one shared lookup, mean of vectors."""
    keras.utils.set_random_seed(1)
    lookup = GloveLookup(vectors, sequence_length=4, trainable=True)
    left, right = keras.Input(shape=(), dtype="string"), keras.Input(shape=(), dtype="string")
    pooled = [keras.layers.GlobalAveragePooling1D()(lookup(t)) for t in (left, right)]
    score = keras.layers.Dense(1, activation="sigmoid")(keras.layers.Concatenate()(pooled))
    model = keras.Model([left, right], score)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    before = lookup.embeddings.numpy().copy()
    a = tf.constant(["fire forest", "the near", "la ronge", "fire"] * 4)
    b = tf.constant(["forest", "the", "fire la", "near"] * 4)
    y = np.array([1, 0, 1, 0] * 4, dtype="float32")
    history = model.fit([a, b], y, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert not np.array_equal(before, lookup.embeddings.numpy())


def test_mirrored_strategy_with_two_logical_cpus(tmp_path: Path, text_file: Path) -> None:
    script = textwrap.dedent(
        f"""
        import numpy as np, tensorflow as tf, keras
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        from glove_lookup import GloveLookup, WordVectors, standardize
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        assert strategy.num_replicas_in_sync == 2
        with strategy.scope():
            lookup = GloveLookup(WordVectors.load({str(text_file)!r}), 4, trainable=True)
            inputs = keras.Input(shape=(), dtype="string")
            x = keras.layers.GlobalAveragePooling1D()(lookup(inputs))
            model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
            optimizer = keras.optimizers.SGD(0.5)
            loss_fn = keras.losses.BinaryCrossentropy(reduction="sum")
        assert "Mirrored" in type(lookup.embeddings.value).__name__
        texts = tf.constant(["fire forest", "the near", "la ronge", "fire"] * 8)
        y = np.array([[1], [0], [1], [0]] * 8, dtype="float32")
        ds = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensor_slices((texts, y)).batch(8))

        @tf.function
        def step(batch):
            def replica_step(x, t):
                with tf.GradientTape() as tape:
                    loss = loss_fn(t, model(x, training=True)) / 8.0
                grads = tape.gradient(loss, model.trainable_variables)
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
                return loss
            per_replica = strategy.run(replica_step, args=batch)
            return strategy.reduce("SUM", per_replica, axis=None)

        before = lookup.embeddings.numpy().copy()
        losses = [float(step(batch)) for _ in range(3) for batch in ds]
        assert losses[-1] < losses[0], losses
        assert not np.array_equal(before, lookup.embeddings.numpy())
        print("PRED", model.predict(texts, verbose=0).shape)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "PRED (32, 1)" in result.stdout


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    texts=st.lists(
        st.one_of(
            st.text(max_size=50),
            st.lists(st.sampled_from([*WORDS, " ", "!", "🔥", "\x00", "#", "ZZZ"]), max_size=40).map(
                " ".join
            ),
            st.text(min_size=1, max_size=20).map(lambda t: (t * 10_000)[:10_000]),  # 10k characters
            st.just("fire " * 2000),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_unicode_gives_fixed_shape_and_consistent_mask(vectors: WordVectors, texts: list[str]) -> None:
    layer = _shared_layer(vectors)
    out = layer(tf.constant(texts))
    ids = layer.token_ids(tf.constant(texts)).numpy()
    assert out.shape == (len(texts), 5, 4)
    assert ids.min() >= 0 and ids.max() < len(WORDS) + 2
    np.testing.assert_array_equal(layer.compute_mask(tf.constant(texts)).numpy(), ids > 0)
    np.testing.assert_array_equal(out.numpy().any(axis=-1), ids >= 2)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(WORDS), st.sampled_from(["", "  ", "\t"]), st.booleans())
def test_known_word_maps_to_its_row(vectors: WordVectors, word: str, pad: str, upper: bool) -> None:
    text = pad + (word.upper() if upper else word) + pad
    assume(standardize(tf.constant([text])).numpy()[0].decode("utf-8") == word)  # a single-token word
    layer = _shared_layer(vectors)
    assert layer.token_ids(tf.constant([text])).numpy()[0, 0] == WORDS.index(word) + 2
    np.testing.assert_array_equal(layer(tf.constant([text])).numpy()[0, 0], small_matrix()[WORDS.index(word)])


_LAYERS: dict[int, GloveLookup] = {}


def _shared_layer(vectors: WordVectors) -> GloveLookup:
    return _LAYERS.setdefault(5, GloveLookup(vectors, sequence_length=5))


def test_token_ids_can_be_fed_instead_of_strings(vectors: WordVectors) -> None:
    """Lookup in tf.data, train on ids; the string model shares the layer and agrees."""
    keras.utils.set_random_seed(2)
    lookup = GloveLookup(vectors, sequence_length=5)
    pool, dense = keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, activation="sigmoid")
    ids_in = keras.Input(shape=(5,), dtype="int64")
    text_in = keras.Input(shape=(), dtype="string")
    train_model = keras.Model(ids_in, dense(pool(lookup(ids_in))))
    serve_model = keras.Model(text_in, dense(pool(lookup(text_in))))
    texts = tf.constant(["fire forest", "the near", "la ronge zzz", "fire"] * 4)
    y = np.array([1, 0, 1, 0] * 4, dtype="float32")
    ds = (
        tf.data.Dataset.from_tensor_slices((texts, y))
        .batch(4)
        .map(lambda t, label: (lookup.token_ids(t), label))
    )
    train_model.compile(optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy")
    train_model.fit(ds, epochs=3, verbose=0)
    np.testing.assert_allclose(
        serve_model(texts).numpy(), train_model(lookup.token_ids(texts)).numpy(), rtol=1e-6, atol=1e-7
    )
    np.testing.assert_array_equal(
        lookup.compute_mask(lookup.token_ids(texts)).numpy(), lookup.compute_mask(texts).numpy()
    )
    with pytest.raises(ValueError, match=r"token ids of shape \[batch, 5\]"):
        lookup(tf.constant([[1, 2]]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.text(max_size=40) | st.sampled_from(["Forest FIRE near zzz", "the fire's near"]), max_size=4)
)
def test_standardised_texts_give_the_same_ids(vectors: WordVectors, texts: list[str]) -> None:
    layer = _shared_layer(vectors)
    raw = tf.constant(texts, tf.string)
    np.testing.assert_array_equal(
        layer.token_ids(standardize(raw), standardized=True).numpy(), layer.token_ids(raw).numpy()
    )
    # and the string ops really are skipped: an upper-case word is not found as given
    assert layer.token_ids(tf.constant(["FIRE"]), standardized=True).numpy()[0, 0] == 1
