"""The classifier on Amazon SageMaker: ``tweetclf sagemaker``, the training job and its entry point.

- :mod:`.jobs`: trimmed vectors, staged channels and the :class:`~sagemaker_launcher.TrainSpec`
  that runs our entry point (what ``tweetclf sagemaker train`` and the notebook call).
- :mod:`.bundle`: the source bundle the job runs (our packages, ``requirements.txt``, entry script).
- :mod:`.entry`: the entry point inside the training container
  (``python -m tweet_classifier.sagemaker.entry``).
- :mod:`.cli`: the ``tweetclf sagemaker {train,deploy,invoke,delete,transform}`` commands.

Everything generic (S3, jobs, endpoints, Batch Transform) is :mod:`sagemaker_launcher`'s.
"""

from tweet_classifier.sagemaker.bundle import build_bundle
from tweet_classifier.sagemaker.jobs import stage_training_data, training_spec, trim_vectors

__all__ = ["build_bundle", "stage_training_data", "training_spec", "trim_vectors"]
