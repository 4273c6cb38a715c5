"""The handlers of ``tweetclf``'s local commands (``serve`` and ``sagemaker`` live beside their code).

Each checks its arguments first and starts TensorFlow only when it needs it.
"""

from tweet_classifier.commands.files import cmd_package, cmd_vectors_convert
from tweet_classifier.commands.score import cmd_evaluate, cmd_predict
from tweet_classifier.commands.train import cmd_train

__all__ = ["cmd_evaluate", "cmd_package", "cmd_predict", "cmd_train", "cmd_vectors_convert"]
