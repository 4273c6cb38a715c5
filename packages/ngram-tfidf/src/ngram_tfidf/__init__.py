"""ngram_tfidf: scikit-learn's char_wb + word n-gram TF-IDF as Keras layers that take raw strings.

Public API::

    fit_logistic(texts, labels, c=2.0) -> TfidfLogit   # .layer: raw strings -> logit [batch, 1]
    NgramTfidf(vocabulary, weights, bias)             # the layer; .features(texts): the TF-IDF
    GramCounts.of(texts)                              # every text's n-gram counts (same TF ops)
    NgramVocabulary.fit(counts, char_min_df, word_min_df)   # the kept n-grams and their IDF
    tfidf_matrix(counts, vocabulary), tfidf_features(texts, vocabulary)   # scipy CSR, what a solver fits
    solve(features, y, c), solve_soft(features, targets, c)   # L2 logistic regression, 0/1 or soft targets
    clean(texts), ngram_keys(texts)                   # the light cleaning and the 62-bit n-gram keys
    ngram_logits_without_word(layer, words, rows, position)   # exact leave-one-word-out logits
    each_word(words), texts_without_word(words, rows, position)   # the variants it scores
    without_word(per_word, words, rows, position)     # any per-word values, one word left out
    NgramTfidfError > TrainingDataError, VocabularyError   # what it raises on purpose

Only core TF ops, so a model using these layers loads in TF Serving without this package. The
n-gram keys' internals (``WORD_FLAG``, ``char_ngram_keys``, ...) are in :mod:`ngram_tfidf.keys`.
"""

from ngram_tfidf.counts import GramCounts, NgramVocabulary, tfidf_matrix
from ngram_tfidf.errors import NgramTfidfError, TrainingDataError, VocabularyError
from ngram_tfidf.fitting import TfidfLogit, fit_logistic, solve, solve_soft, tfidf_features
from ngram_tfidf.keys import clean, ngram_keys
from ngram_tfidf.layer import NgramTfidf
from ngram_tfidf.word_removal import each_word, ngram_logits_without_word, texts_without_word, without_word

__all__ = [
    "GramCounts",
    "NgramTfidf",
    "NgramTfidfError",
    "NgramVocabulary",
    "TfidfLogit",
    "TrainingDataError",
    "VocabularyError",
    "clean",
    "each_word",
    "fit_logistic",
    "ngram_keys",
    "ngram_logits_without_word",
    "solve",
    "solve_soft",
    "texts_without_word",
    "tfidf_features",
    "tfidf_matrix",
    "without_word",
]
