"""Whether a relation's target exists, as of the snapshot, not as of the page's fetch.

A page's HTML colours each link: blue when the target existed when the page was
rendered, red when not. An unchanged page is re-parsed from an older fetch, so its
colours can be nights old: a page moved away without a redirect, or deleted, still
reads blue in every page that names it (their revision, ``touched`` and SMW data do
not change). A snapshot therefore takes ``target_exists`` from the crawl's listing:

- a title listed in this crawl (a page or a redirect) exists;
- a title listed in this or an earlier crawl of the archive, and not now, does not
  (deleted, moved away);
- any other title (never listed: a red link to a page never written, a namespace the
  crawl leaves out, an endpoint cell's plain text) keeps what the HTML says.

A fresh crawl into an empty folder judges the same titles the same way: its pages
were rendered now, so their colours agree with its listing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Existing:
    now: frozenset[str]  # listed in the snapshot's crawl (pages and redirects)
    known: frozenset[str]  # listed in that crawl or an earlier one

    def exists(self, title: str, shown: bool) -> bool:
        if title in self.now:
            return True
        return False if title in self.known else shown


def existing_titles(db: sqlite3.Connection, crawl_id: int) -> Existing:
    """The titles listed in crawl ``crawl_id``, and in it or any crawl before it."""
    now = {
        str(title)
        for (title,) in db.execute(
            "SELECT title FROM listing WHERE crawl_id = ?"
            " UNION SELECT from_title FROM redirects WHERE crawl_id = ?",
            (crawl_id, crawl_id),
        )
    }
    known = {
        str(title)
        for (title,) in db.execute(
            "SELECT DISTINCT title FROM listing WHERE crawl_id <= ?"
            " UNION SELECT from_title FROM redirects WHERE crawl_id <= ?",
            (crawl_id, crawl_id),
        )
    }
    return Existing(frozenset(now), frozenset(known | now))
