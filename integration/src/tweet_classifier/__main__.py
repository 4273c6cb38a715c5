"""``python -m tweet_classifier ...`` is ``tweetclf ...`` (handy where the script is not on PATH)."""

from tweet_classifier.cli import main

raise SystemExit(main())
