"""Where the archive lives in a data folder, named once for every reader and writer.

``DATA/state.sqlite`` is the index (``scraper.archive.state``), ``DATA/warc/`` the
WARC files (``scraper.archive.warc``). A module of names only, cheap to import
for ``nora status`` and ``nora prune``, which never open the network stack.
"""

from __future__ import annotations

#: the SQLite index of the archive, under the data folder
STATE_NAME = "state.sqlite"
#: the folder of WARC files, under the data folder
WARC_DIR = "warc"
