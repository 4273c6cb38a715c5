"""The model: its members, how they blend, and the explain signature with its word-removal view.

- :mod:`.text_model`: the recurrent member (GloVe -> Conv1D -> stacked LSTMs), the hybrid's
  blend with the linear member, and the exported text model (raw strings in);
- :mod:`.seed_stacks`: several seeds' stacks served as one (each op once for all of them);
- :mod:`.pooling`: max and mean over time of the last LSTM's states;
- :mod:`.linear`: the linear member, a logistic regression over n-gram TF-IDF
  (:mod:`ngram_tfidf`) fitted with out-of-fold logits;
- :mod:`.explain` and :mod:`.word_removal`: each word's contribution, exactly, in the graph.

Public API::

    fit_linear(texts, y, c=2.0, folds=5) -> LinearFit      # the member and its out-of-fold logits
    build_models(lookup, config, linear) -> (ids_model, text_model, hasher)
    linear_model(linear_fit, lookup) -> keras.Model          # the linear member alone, raw strings in
    blend_heads(probabilities)                              # several LSTM stacks' mean logit
    explain_function(text_model, probability), oov_share_function(text_model)
"""

from tweet_classifier.model.explain import (
    WORD_BY_WORD_FROM,
    explain_function,
    lookup_of,
    oov_share_function,
)
from tweet_classifier.model.linear import LinearFit, SoftRows, fit_linear, fold_ids
from tweet_classifier.model.pooling import MaxMeanPool
from tweet_classifier.model.seed_stacks import SeedStacks
from tweet_classifier.model.text_model import (
    MAX_NGRAMS,
    SCORER,
    blend_heads,
    build_models,
    linear_model,
    text_model_of,
)
from tweet_classifier.model.word_removal import token_ids_without_word

__all__ = [
    "MAX_NGRAMS",
    "SCORER",
    "WORD_BY_WORD_FROM",
    "LinearFit",
    "MaxMeanPool",
    "SeedStacks",
    "SoftRows",
    "blend_heads",
    "build_models",
    "explain_function",
    "fit_linear",
    "fold_ids",
    "linear_model",
    "lookup_of",
    "oov_share_function",
    "text_model_of",
    "token_ids_without_word",
]
