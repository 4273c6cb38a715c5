"""Loading word vectors for the CLIs: a progress bar while a text file is parsed, then one summary line."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glove_lookup import WordVectors


def load_vectors(spec: str | os.PathLike[str], *, allow_pickle: bool = False) -> WordVectors:
    """``WordVectors.load(spec)``, reporting progress on the terminal.

    A GloVe text file (hundreds of MB, seconds to parse) gets a byte progress bar on
    stderr when stderr is a terminal; every load ends with ``N words x D in T s`` on stdout.

    Example:

    >>> wv = load_vectors("glove-6b-50d")  # doctest: +SKIP
    loading vectors glove-6b-50d ... 400,000 words x 50 in 0.3 s
    """
    from tqdm import tqdm

    from glove_lookup import WordVectors

    start = time.perf_counter()
    name = os.fspath(spec)
    terminal = sys.stderr.isatty()
    bar: tqdm[None] | None = None

    def progress(done: int, total: int) -> None:  # called only while a text file is parsed
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=f"loading {Path(name).name}", unit="B", unit_scale=True,
                       unit_divisor=1024, disable=not terminal)  # fmt: skip
        bar.update(done - bar.n)  # the careful reader, after the fast one gave up, starts again at 0

    prefix = f"loading vectors {name} ..."
    if not terminal:  # a log: say what is loading before the wait
        print(prefix, end="", flush=True)
    try:
        wv = WordVectors.load(spec, allow_pickle=allow_pickle, progress=progress)
    except BaseException:
        if not terminal:
            print(flush=True)  # end the line; the error follows on its own
        raise
    finally:
        if bar is not None:
            bar.close()
    summary = f" {len(wv):,} words x {wv.dim} in {time.perf_counter() - start:.1f} s"
    print((prefix if terminal else "") + summary, flush=True)
    return wv
