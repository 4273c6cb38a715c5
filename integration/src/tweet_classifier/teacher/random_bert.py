"""A tiny randomly initialised BERT with a small WordPiece vocabulary, for tests and examples.

It has the real teacher's shape family (post-LN BERT, WordPiece, ``[CLS] ... [SEP]``), so every
code path of the teacher runs on it in seconds; what it predicts means nothing.
"""

from __future__ import annotations

import string

import numpy as np

from tweet_classifier.teacher.files import TeacherFiles
from tweet_classifier.teacher.shape import BertShape

SPECIAL = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
WORDS = [
    "fire",
    "forest",
    "flood",
    "storm",
    "earthquake",
    "people",
    "evacuation",
    "near",
    "the",
    "a",
    "in",
    "of",
    "on",
    "is",
    "my",
    "i",
    "love",
    "new",
    "day",
    "today",
    "fun",
    "what",
    "and",
    "to",
    "it",
    "this",
    "that",
    "was",
    "for",
    "with",
    "at",
]


def tiny_vocabulary() -> list[str]:
    """Special tokens, single characters, ``##`` continuations and a few whole words."""
    chars = list(string.ascii_lowercase + string.digits + string.punctuation)
    return [*SPECIAL, *chars, *(f"##{c}" for c in chars), *WORDS]


def tiny_tokenizer_json(vocabulary: list[str] | None = None) -> str:
    """A BERT-style WordPiece tokenizer (lowercasing, ``[CLS] $A [SEP]``) as ``tokenizer.json`` text."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {token: i for i, token in enumerate(vocabulary or tiny_vocabulary())}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])]
    )
    return str(tokenizer.to_str())


def random_weights(shape: BertShape, seed: int = 0, scale: float = 0.2) -> dict[str, np.ndarray]:
    """Random weights in Hugging Face ``BertModel`` names (LayerNorm gains near 1)."""
    rng = np.random.default_rng(seed)

    def normal(*dims: int) -> np.ndarray:
        return (rng.standard_normal(dims) * scale).astype(np.float32)

    h, m = shape.hidden, shape.intermediate
    weights = {
        "embeddings.word_embeddings.weight": normal(shape.vocab_size, h),
        "embeddings.position_embeddings.weight": normal(shape.max_positions, h),
        "embeddings.token_type_embeddings.weight": normal(2, h),
        "embeddings.LayerNorm.weight": 1 + normal(h),
        "embeddings.LayerNorm.bias": normal(h),
    }
    sizes = {
        "attention.self.query": (h, h),
        "attention.self.key": (h, h),
        "attention.self.value": (h, h),
        "attention.output.dense": (h, h),
        "intermediate.dense": (m, h),
        "output.dense": (h, m),
    }
    for i in range(shape.layers):
        p = f"encoder.layer.{i}"
        for name, (out, inp) in sizes.items():
            weights[f"{p}.{name}.weight"] = normal(out, inp)
            weights[f"{p}.{name}.bias"] = normal(out)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            weights[f"{p}.{norm}.weight"] = 1 + normal(h)
            weights[f"{p}.{norm}.bias"] = normal(h)
    return weights


def random_teacher_files(seed: int = 0) -> TeacherFiles:
    """A 2-layer, 32-wide BERT over :func:`tiny_vocabulary`, as :class:`TeacherFiles`."""
    vocabulary = tiny_vocabulary()
    shape = BertShape(
        vocab_size=len(vocabulary), hidden=32, layers=2, heads=4, intermediate=64, max_positions=80
    )
    return TeacherFiles(random_weights(shape, seed), tiny_tokenizer_json(vocabulary), shape, "random", "")
