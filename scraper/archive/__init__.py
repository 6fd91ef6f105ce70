"""The raw archive on disk: WARC files, their SQLite index, and what reads them back.

``warc`` writes, ``reader`` and ``integrity`` read and check, ``recovery`` re-indexes
after a kill; ``state`` (with ``rows``, ``migrations``, ``factindex``) is the index;
``export``, ``package``, ``lookup``, ``targets`` and ``prune`` work from it offline.
"""
