"""What the exported model's signatures promise a client, readable without TensorFlow.

The model builds its ``explain`` signature from these (:mod:`tweet_classifier.model.explain`);
the server sizes and documents its explain limit with the same numbers.

>>> MAX_WORDS, EXPLAIN_OUTPUTS[-1]
(64, 'contribution')
"""

from __future__ import annotations

SERVING_DEFAULT = "serving_default"
MAX_WORDS = 64  # words explained per text; later words are not listed (tweets have about 15)
EXPLAIN_OUTPUTS = ("probability", "label", "words", "tokens", "oov", "contribution")
