"""Score a large batch in chunks that TensorFlow runs side by side, inside the exported graph.

Most of a batch's time goes to the string ops of the model's readers (the n-gram TF-IDF's
cleaning, n-gram keys, hash-table lookup and counting), and each of those ops runs on one
thread. Under the thread pools ``tweetclf serve`` uses (one thread per op, two inter-op
threads), one call on 256 tweets keeps one core busy for most of its time; two chunks of
128 in flight keep both busy. A chunk's rows are scored exactly as in one call (no op mixes
the rows of a batch), so the answers do not change, only the time.
"""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf

CHUNK_TEXTS = 160  # a larger batch is cut into equal chunks of at most this many texts
CHUNKS_IN_FLIGHT = 2  # how many chunks TensorFlow may score at once


def in_chunks(
    score: Callable[[tf.Tensor], tf.Tensor],
    texts: tf.Tensor,
    most: int = CHUNK_TEXTS,
    in_flight: int = CHUNKS_IN_FLIGHT,
    dtype: tf.DType = tf.float32,
) -> tf.Tensor:
    """``score(texts)`` for ``score`` mapping ``[n]`` texts to ``[n]`` values row by row.

    A batch of more than ``most`` texts is cut into ``ceil(n / most)`` chunks of equal size
    (give or take one), scored ``in_flight`` at a time in a ``tf.while_loop``; a smaller
    batch is scored in one call (the loop has a fixed cost per call). The values come
    back in the order of ``texts``.

    Example:

    >>> lengths = lambda t: tf.cast(tf.strings.length(t), tf.float32)
    >>> in_chunks(lengths, tf.constant(["a", "bb", "ccc", "dddd", "eeeee"]), most=2).numpy().tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0]
    """
    if most < 1 or in_flight < 1:
        raise ValueError(f"most and in_flight must be at least 1, got {most} and {in_flight}")
    size = tf.shape(texts)[0]

    def chunked() -> tf.Tensor:
        chunks = (size + most - 1) // most
        out = tf.TensorArray(dtype, size=chunks, infer_shape=False)

        def body(i: tf.Tensor, out: tf.TensorArray) -> tuple[tf.Tensor, tf.TensorArray]:
            return i + 1, out.write(i, score(texts[i * size // chunks : (i + 1) * size // chunks]))

        _, out = tf.while_loop(lambda i, _: i < chunks, body, [0, out], parallel_iterations=in_flight)
        values = out.concat()
        values.set_shape(texts.shape)  # one value per text: the signature keeps its [None] shape
        return values

    return tf.cond(size > most, chunked, lambda: score(texts))
