"""What is made from the archive, offline: snapshots, packages, one page looked up.

``pipeline`` writes a crawl's snapshot from its archived pages (``reparse`` parses them a
chunk at a time, in a pool or not; ``pages`` places each in the archive and the listing;
``existence`` and ``factsread`` say which targets exist and what SMW knew). The crawl
runs it through ``assembly``, ``nora export`` through ``export`` (``reexport`` for every
snapshot after a parser upgrade, with ``targets``). ``package`` writes a crawl as a WACZ,
``lookup`` finds one page for ``nora show``.
"""
