"""WordPiece token ids for the teacher (the checkpoint's own ``tokenizer.json``), in padded batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np


class WordPieces:
    """The checkpoint's tokenizer, truncating every text to ``max_tokens`` ids (``[CLS]``/``[SEP]`` kept).

    >>> from tweet_classifier.teacher.random_bert import tiny_tokenizer_json
    >>> pieces = WordPieces(tiny_tokenizer_json(), max_tokens=6)
    >>> [len(ids) for ids in pieces.encode(["fire", "forest fire near la ronge sask"])]
    [3, 6]
    """

    def __init__(self, tokenizer_json: str, max_tokens: int = 64) -> None:
        from tokenizers import Tokenizer

        if max_tokens < 3:
            raise ValueError(f"max_tokens must be >= 3 ([CLS], one token, [SEP]), got {max_tokens}")
        self.max_tokens = max_tokens
        self.tokenizer = Tokenizer.from_str(tokenizer_json)
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)

    def encode(self, texts: Sequence[str]) -> list[np.ndarray]:
        """int32 ids of each text (variable lengths, at most ``max_tokens``)."""
        encodings = self.tokenizer.encode_batch([str(t) for t in texts])
        return [np.asarray(e.ids, np.int32) for e in encodings]


@dataclass(frozen=True)
class Batch:
    """Padded ids ``[rows, length]``, their 1/0 mask, and which texts (``rows``) they are."""

    rows: np.ndarray
    token_ids: np.ndarray
    mask: np.ndarray


def padded(ids: Sequence[np.ndarray], rows: np.ndarray) -> Batch:
    """The ``rows`` of ``ids`` padded with 0 to the longest of them.

    >>> b = padded([np.array([2, 7, 3]), np.array([2, 3])], np.array([0, 1]))
    >>> b.token_ids.tolist(), b.mask.sum(axis=1).tolist()
    ([[2, 7, 3], [2, 3, 0]], [3, 2])
    """
    length = max(len(ids[r]) for r in rows)
    token_ids = np.zeros((len(rows), length), np.int32)
    mask = np.zeros((len(rows), length), np.int32)
    for i, r in enumerate(rows):
        token_ids[i, : len(ids[r])] = ids[r]
        mask[i, : len(ids[r])] = 1
    return Batch(np.asarray(rows), token_ids, mask)


def shuffled_by_length(
    ids: Sequence[np.ndarray], batch_size: int, rng: np.random.Generator, pool: int = 50
) -> list[np.ndarray]:
    """One epoch's batches (rows): shuffled, then sorted by length inside pools of ``pool`` batches,
    and the batches shuffled again. Batches of similar lengths carry little padding (about half
    of a random batch's compute on tweets), while each epoch still mixes the data.

    >>> rows = shuffled_by_length([np.zeros(n) for n in range(10)], 2, np.random.default_rng(0), pool=5)
    >>> sorted(int(r) for batch in rows for r in batch) == list(range(10)), len(rows)
    (True, 5)
    """
    order = rng.permutation(len(ids))
    chunk = batch_size * pool
    batches = []
    for start in range(0, len(order), chunk):
        part = order[start : start + chunk]
        part = part[np.argsort([len(ids[r]) for r in part], kind="stable")]
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def by_length(ids: Sequence[np.ndarray], batch_size: int) -> Iterator[Batch]:
    """Batches of texts of similar length (least padding), for inference; ``Batch.rows`` says which."""
    order = np.argsort([len(i) for i in ids], kind="stable")
    for start in range(0, len(order), batch_size):
        yield padded(ids, order[start : start + batch_size])
