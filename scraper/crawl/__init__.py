"""One crawl run: discover, plan, fetch, assemble the snapshot, publish.

``run`` drives it, handing each phase the run's ``context``; ``discovery`` and
``listing`` list the wiki, ``plan`` decides what to fetch, ``rounds`` and ``smw``
fetch, ``publication`` writes the snapshot (with ``scraper.snapshot.assembly``) and
publishes or holds it; ``config``, ``progress``, ``journal``, ``outcome`` and
``health`` are the run's settings, voice and record.
"""
