"""Chinese word segmentation for the search index, done in worker processes.

Material's search plugin segments every Chinese run of every page with jieba, serially, while the
rest of the build waits: it was over half of a text-only build (1,000 articles: 13 s of 22 s).
Here the same jieba segments each page's runs in a worker process of its own as soon as the page
is rendered (one worker: each copy of jieba's dictionary costs about 120 MB);
the adapter hands the results to the search plugin. The tokens are jieba's own, so the index is
the same; anything not precomputed is segmented by jieba as before.
"""

from __future__ import annotations

import logging

TOKEN_SEPARATOR = "\u200b"
"""Joins a run's tokens into one string: results wait in memory until their page is indexed, and
one string per run is a small fraction of a list of token objects (measured: the lists made
peak memory grow by tens of KB per article). Runs are Chinese characters only, never U+200B."""


def segment_runs(runs: list[str]) -> dict[str, str]:
    """jieba's tokens for each run of Chinese characters, joined by TOKEN_SEPARATOR."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return {run: TOKEN_SEPARATOR.join(jieba.cut(run.encode("utf-8"))) for run in runs}
