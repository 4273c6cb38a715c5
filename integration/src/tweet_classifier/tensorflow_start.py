"""Start TensorFlow only where a command needs it, and without its start-up notices on stderr."""

from __future__ import annotations

import os
import sys


def start_tensorflow(tf_threads: int | None = None) -> None:
    """Import TensorFlow and start its devices with C-level stderr silenced, once a command has
    checked its arguments and needs it.

    TensorFlow 2.21 prints oneDNN/CUDA notices straight to file descriptor 2 before its
    logging honours ``TF_CPP_MIN_LOG_LEVEL``; users should see our output, not those.
    ``TWEETCLF_TF_LOGS=1`` keeps them. ``tf_threads`` (``serve --tf-threads``) is applied
    here, because TensorFlow fixes its thread pools when its devices start.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if os.environ.get("TWEETCLF_TF_LOGS") or "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        if tf_threads:
            tf.config.threading.set_intra_op_parallelism_threads(tf_threads)
            tf.config.threading.set_inter_op_parallelism_threads(tf_threads)
        tf.config.list_logical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
