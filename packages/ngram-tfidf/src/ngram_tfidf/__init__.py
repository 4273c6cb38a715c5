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
    HashedNgrams(num_buckets, max_ngrams)             # fastText-style hashed n-gram ids
    VectorPool()                                      # word vectors -> mean and max directions

Only core TF ops, so a model using these layers loads in TF Serving without this package.
"""

from ngram_tfidf.counts import GramCounts, NgramVocabulary, tfidf_matrix
from ngram_tfidf.fitting import TfidfLogit, fit_logistic, solve, solve_soft, tfidf_features
from ngram_tfidf.hashed import HashedNgrams
from ngram_tfidf.keys import (
    CHAR_NGRAMS,
    WORD_FLAG,
    WORD_NGRAMS,
    char_ngram_keys,
    clean,
    ngram_keys,
    token_fingerprints,
    word_ngram_keys,
)
from ngram_tfidf.layer import KEYS_ASSET, NgramTfidf
from ngram_tfidf.pooling import VectorPool
from ngram_tfidf.word_removal import (
    each_word,
    ngram_logits_without_word,
    other_words,
    texts_without_word,
    without_word,
)

__all__ = [
    "CHAR_NGRAMS",
    "KEYS_ASSET",
    "WORD_FLAG",
    "WORD_NGRAMS",
    "GramCounts",
    "HashedNgrams",
    "NgramTfidf",
    "NgramVocabulary",
    "TfidfLogit",
    "VectorPool",
    "char_ngram_keys",
    "clean",
    "each_word",
    "fit_logistic",
    "ngram_keys",
    "ngram_logits_without_word",
    "other_words",
    "solve",
    "solve_soft",
    "texts_without_word",
    "tfidf_features",
    "tfidf_matrix",
    "token_fingerprints",
    "without_word",
    "word_ngram_keys",
]
