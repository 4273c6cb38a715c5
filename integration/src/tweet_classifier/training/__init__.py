"""Training: split and vectors (:mod:`.inputs`), the linear member (:mod:`.linear_member`), the
recurrent member (:mod:`.recurrent`), and :func:`train`, which runs them in order and exports
(:mod:`.run`).

Example (a small model trained on the embedded sample tweets):

>>> from tweet_classifier import TrainConfig, read_tweets, sample_csv  # doctest: +SKIP
>>> result = train(read_tweets(sample_csv()), "glove-6b-50d", None, TrainConfig())  # doctest: +SKIP
>>> round(result.metrics.f1, 2)  # doctest: +SKIP
0.8
"""

from tweet_classifier.training.inputs import pooled_vectors, training_vocabulary
from tweet_classifier.training.outcome import Evaluation, TrainResult
from tweet_classifier.training.run import train

__all__ = ["Evaluation", "TrainResult", "pooled_vectors", "train", "training_vocabulary"]
