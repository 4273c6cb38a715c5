"""Production serving: the same export on TF Serving and SageMaker, configured as ``tweetclf serve``.

- :mod:`.batching`: TF Serving's batching parameters with ``tweetclf serve``'s defaults, as a
  ``batching.config`` file and as the SageMaker TF Serving container's variables.
- :mod:`.tf_serving`: ``models.config``, ``batching.config``, ``monitoring.config`` for a model
  base, and the ``docker run tensorflow/serving`` / ``tensorflow_model_server`` command lines.
- :mod:`.command`: ``tweetclf tf-serving-config``.

Which TensorFlow images serve an export: :mod:`sagemaker_launcher.images`.
"""

from tweet_classifier.production.batching import MAX_ENQUEUED_BATCHES, BatchingParameters
from tweet_classifier.production.tf_serving import MONITORING_PATH, ServingFiles, write_serving_files

__all__ = [
    "MAX_ENQUEUED_BATCHES",
    "MONITORING_PATH",
    "BatchingParameters",
    "ServingFiles",
    "write_serving_files",
]
