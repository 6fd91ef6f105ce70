"""The raw archive on disk: WARC files, their SQLite index, and what reads them back.

``paths`` names them; ``warc`` writes, ``reader`` and ``integrity`` read and check,
``recovery`` re-indexes after a kill; ``state`` (with ``rows``, ``migrations``,
``factindex``, ``factsread``) is the index; ``lock`` keeps crawls, exports and prunes
apart; ``assembly`` re-parses a crawl's pages into a snapshot, and ``export``,
``reexport``, ``package``, ``lookup``, ``targets`` and ``prune`` work from it offline.
"""
