"""Start TensorFlow only where a command needs it, and without its start-up notices on stderr."""

from __future__ import annotations

import contextlib
import os
import sys


def start_tensorflow(tf_threads: int | None = None, concurrent_calls: int = 1) -> None:
    """Import TensorFlow and start its devices with C-level stderr silenced, once a command has
    checked its arguments and needs it.

    TensorFlow 2.21 prints oneDNN/CUDA notices straight to file descriptor 2 before its
    logging honours ``TF_CPP_MIN_LOG_LEVEL``; users should see our output, not those.
    ``TWEETCLF_TF_LOGS=1`` keeps them. ``tf_threads`` (``serve --tf-threads``) is applied
    here, because TensorFlow fixes its thread pools when its devices start. The inter-op pool is
    shared by every call in the process, so it gets ``tf_threads`` for each of the
    ``concurrent_calls`` a server makes at once: with fewer, a long explain call's ops would
    queue a single-tweet prediction's behind them.
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
            set_tf_threads(tf_threads, concurrent_calls)
        tf.config.list_logical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def set_tf_threads(tf_threads: int, concurrent_calls: int = 1) -> int:
    """``tf_threads`` per op, and inter-op threads for ``concurrent_calls`` calls at once; the
    intra-op threads in force afterwards (TensorFlow keeps its pools once its devices started)."""
    import tensorflow as tf

    with contextlib.suppress(RuntimeError):  # too late: the devices started with other numbers
        tf.config.threading.set_intra_op_parallelism_threads(tf_threads)
        tf.config.threading.set_inter_op_parallelism_threads(tf_threads * concurrent_calls)
    return int(tf.config.threading.get_intra_op_parallelism_threads())
