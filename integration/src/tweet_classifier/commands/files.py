"""``tweetclf vectors convert`` and ``tweetclf package``: files in, files out."""

from __future__ import annotations

import argparse

from tweet_classifier.commands.paths import check_writable
from tweet_classifier.commands.vector_files import load_vectors
from tweet_classifier.errors import TweetClassifierError
from tweet_classifier.tensorflow_start import start_tensorflow
from tweet_classifier.tweets import read_tweets


def cmd_vectors_convert(args: argparse.Namespace) -> int:
    if not args.out.name.lower().endswith(".npz"):
        raise TweetClassifierError(f"{args.out}: --out must end in .npz (the safe format)")
    check_writable(args.out, "--out")
    texts = [
        t for path in args.vocab_from for t in read_tweets(path, labelled=False, allow_empty_text=True).texts
    ]
    wv = load_vectors(args.source, allow_pickle=args.allow_pickle)
    before = len(wv)
    vocabulary: set[str] | None = None
    if args.vocab_from:
        start_tensorflow()
        from tweet_classifier.training import training_vocabulary

        vocabulary = training_vocabulary(texts)
    if vocabulary is not None or args.top_n is not None:
        wv = wv.restrict(vocabulary=vocabulary, top_n=args.top_n)
    wv.save(args.out)
    size = args.out.stat().st_size / 1e6
    print(f"wrote {args.out}: {len(wv):,} of {before:,} words x {wv.dim} ({size:.1f} MB)")
    return 0


def cmd_package(args: argparse.Namespace) -> int:
    from tweet_classifier.artifacts.packaging import package_model

    check_writable(args.out, "--out")
    out = package_model(args.model, args.out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB): 1/saved_model.pb at the root")
    return 0
