"""The raw archive on disk: WARC files, their SQLite index, and what reads them back.

``paths`` names them; ``warc`` writes, ``reader`` and ``integrity`` read and check,
``recovery`` re-indexes after a kill (parsing pages with ``parsed``); ``state`` (with
``rows``, ``migrations``, ``fetchindex``, ``factindex``) is the index, ``readonly`` opens
it for the offline commands; ``lock`` keeps crawls, exports and prunes apart; ``prune``
removes old crawls. What is made from the archive lives in ``scraper.snapshot``.
"""
