"""Distillation: the teacher's knowledge into the served model, at training time.

- :mod:`.augment`: augmented copies of the training tweets (dropped words, GloVe neighbours,
  n-grams);
- :mod:`.transfer`: the teacher labels the tweets and their copies; the soft targets the linear
  member and the LSTM correction learn beside the gold labels.

Public API::

    build_transfer_set(texts, labels, vectors, config) -> TransferSet
    augment(texts, neighbours, AugmentConfig()) -> (copies, source)
    nearest_words(words, matrix, queries, k=5)
"""

from tweet_classifier.distillation.augment import AugmentConfig, augment, nearest_words
from tweet_classifier.distillation.transfer import TransferSet, build_transfer_set, soft_targets

__all__ = ["AugmentConfig", "TransferSet", "augment", "build_transfer_set", "nearest_words", "soft_targets"]
