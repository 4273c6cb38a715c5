"""glove.6B.50d text -> vectors: WordVectors vs a Python loop, gensim and a pickled dict.

Run: .venv/bin/python bench/vectors.py  (make bench). Prints seconds and peer/ours ratios.
"""

from __future__ import annotations

import pickle

import numpy as np
from common import CACHE, best_of, glove_text_file, table

from glove_lookup import WordVectors


def python_loop(path: str) -> tuple[list[str], np.ndarray]:
    words, rows = [], []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip().split(" ")
            words.append(parts[0])
            rows.append(np.asarray(parts[1:], dtype=np.float32))
    return words, np.stack(rows)


def main() -> None:
    text = glove_text_file()
    size_mb = text.stat().st_size / 1e6
    WordVectors.load(text)  # warm the imports and the page cache
    ours_text, wv = best_of(lambda: WordVectors.load(text))
    with_progress, _ = best_of(lambda: WordVectors.load(text, progress=lambda done, total: None))
    npz = wv.save(CACHE / "glove.6B.50d.npz")
    ours_npz, _ = best_of(lambda: WordVectors.load(npz), repeat=5)
    pkl = CACHE / "glove.6B.50d.pkl"
    with pkl.open("wb") as handle:
        pickle.dump(dict(zip(wv.words, wv.matrix, strict=True)), handle)

    def pickle_dict() -> np.ndarray:
        with pkl.open("rb") as handle:
            data = pickle.load(handle)
        return np.stack(list(data.values()))

    loop, _ = best_of(lambda: python_loop(str(text)), repeat=1)
    pickled, _ = best_of(pickle_dict, repeat=3)
    rows = [("loader", "seconds", "peer / ours (text)")]
    rows.append((f"WordVectors.load(.txt, {size_mb:.0f} MB)", f"{ours_text:.3f}", "1.00"))
    rows.append(
        ("WordVectors.load(.txt, progress=...)", f"{with_progress:.3f}", f"{with_progress / ours_text:.2f}")
    )
    rows.append(("WordVectors.load(.npz)", f"{ours_npz:.3f}", f"{ours_text / ours_npz:.2f}"))
    rows.append(("python loop + np.stack", f"{loop:.3f}", f"{loop / ours_text:.2f}"))
    rows.append(("pickle dict + np.stack", f"{pickled:.3f}", f"{pickled / ours_text:.2f}"))
    try:
        from gensim.models import KeyedVectors

        gensim_s, _ = best_of(lambda: KeyedVectors.load_word2vec_format(str(text), no_header=True), repeat=1)
        rows.append(("gensim load_word2vec_format", f"{gensim_s:.3f}", f"{gensim_s / ours_text:.2f}"))
    except ImportError:
        rows.append(("gensim load_word2vec_format", "not installed", "-"))
    print(table(rows))
    for path in (pkl,):
        path.unlink()


if __name__ == "__main__":
    main()
