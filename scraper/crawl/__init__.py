"""One crawl run: discover, plan, fetch, assemble the snapshot, publish.

``run`` drives it; ``discovery`` and ``listing`` list the wiki, ``plan`` decides what
to fetch, ``rounds`` and ``smw`` fetch, ``assembly`` and ``publication`` write the
snapshot; ``config``, ``lock``, ``progress``, ``journal``, ``outcome`` and ``health``
are the run's settings, guard, voice and record.
"""
