"""Rename every label of a scratch test wiki in place, keeping SMW's data as it is.

``relabel(wiki)`` rewrites the wikitext of every page and template of a throwaway clone
(never the shared wiki) so that the property block is headed "Karakteristieken", the
Relaties "Verbanden", the Afgeleide relaties "Inkomende verbanden", relation columns
read "Van | Soort | Naar", the property label "Stelling" reads "Uitspraak", and the
property Organisatie is labelled "Uitgever" on Standaard pages and "Beheerder" on Bron
pages. ``#set`` and ``#subobject`` stay as they were, so SMW holds the same data (and
so do the printouts of queries whose rows a template renders: their labels name the
template's arguments; its table's header is in the template, renamed too); the
pages are saved in one PHP process (a small maintenance script written into the clone),
the job queue is run and the parser cache emptied, so every page renders anew.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from typing import Any

import requests

BLOCKS = {"Eigenschappen": "Karakteristieken", "Relaties": "Verbanden",
          "Afgeleide relaties": "Inkomende verbanden"}  # fmt: skip
HEADERS = {"Vertrekpunt": "Van", "Relatie": "Soort", "Eindpunt": "Naar"}
PROPERTY_LABELS = {"Stelling": "Uitspraak"}
#: element type -> the label Organisatie is shown under on its pages
ORGANISATIE = {"Standaard": "Uitgever", "Bron": "Beheerder"}
#: the category of each of those types (a page without its type icon names it so)
CATEGORIES = {"Standaarden": "Standaard", "Bronnen": "Bron"}

_SAVE_SCRIPT = r"""<?php
require_once __DIR__ . '/Maintenance.php';
use MediaWiki\MediaWikiServices;
use MediaWiki\Revision\SlotRecord;
class NoraTestRelabel extends Maintenance {
    public function execute() {
        $pages = json_decode( file_get_contents( $this->getArg( 0 ) ), true );
        $services = MediaWikiServices::getInstance();
        $user = User::newSystemUser( User::MAINTENANCE_SCRIPT_USER, [ 'steal' => true ] );
        foreach ( $pages as $name => $text ) {
            $title = Title::newFromText( $name );
            $page = $services->getWikiPageFactory()->newFromTitle( $title );
            $updater = $page->newPageUpdater( $user );
            $updater->setContent( SlotRecord::MAIN, ContentHandler::makeContent( $text, $title ) );
            $updater->saveRevision( CommentStoreComment::newUnsavedComment( 'labels' ),
                EDIT_FORCE_BOT );
            if ( !$updater->getStatus()->isOK() ) {
                $this->fatalError( "$name: not saved" );
            }
            DeferredUpdates::doUpdates();
        }
    }
}
$maintClass = NoraTestRelabel::class;
require_once RUN_MAINTENANCE_IF_MAIN;
"""


def wikitexts(base_url: str, namespaces: tuple[int, ...] = (0, 10, 3000)) -> dict[str, str]:
    """Every page's current wikitext, by the API (50 pages an answer)."""
    out: dict[str, str] = {}
    for ns in namespaces:
        params: dict[str, Any] = {
            "action": "query", "generator": "allpages", "gapnamespace": ns, "gaplimit": 50,
            "gapfilterredir": "nonredirects", "prop": "revisions", "rvprop": "content",
            "rvslots": "main", "format": "json", "formatversion": 2,
        }  # fmt: skip
        while True:
            data = requests.get(f"{base_url}/api.php", params=params, timeout=60).json()
            for page in data.get("query", {}).get("pages", []):
                out[page["title"]] = page["revisions"][0]["slots"]["main"]["content"]
            if "continue" not in data:
                break
            params.update(data["continue"])
    return out


def relabelled(text: str) -> str:
    """One page's wikitext with the labels renamed (module docstring)."""
    for old, new in BLOCKS.items():
        text = re.sub(rf"^(=+) {old} (=+)$", rf"\g<1> {new} \g<2>", text, flags=re.M)
        text = re.sub(rf"^\|\+ {old}$", f"|+ {new}", text, flags=re.M)
    # header cells of the templates' and pages' relation tables, in every spelling
    header = "|".join(
        ["Vertrekpunt:?", "Relatie(?:\\(s\\)|:)?", "Eindpunt(?:en|\\(en\\)|\\(s\\))?"]
    )

    def rename_header(match: re.Match[str]) -> str:
        word = match.group(0).strip("&#160; ").rstrip(":")
        for old, new in HEADERS.items():
            if word.casefold().startswith(old.casefold()):
                return new
        return match.group(0)

    def header_line(match: re.Match[str]) -> str:
        return re.sub(rf"(?i)(?:&#160;)?\b(?:{header})(?:&#160;)?", rename_header, match.group(0))

    text = re.sub(r"^!.*$", header_line, text, flags=re.M)
    text = re.sub(r"<th>[^<]*</th>", header_line, text)

    # #ask printouts show their label, else the property's name (a blank label stays blank)
    def printout(match: re.Match[str]) -> str:
        given = match.group(2) or ""
        if given and not given[1:].strip():
            return match.group(0)
        space = given[len(given.rstrip()) :]
        return f"|?{match.group(1)}={HEADERS[match.group(1)]}{space}"

    def printouts(match: re.Match[str]) -> str:
        line = match.group(0)
        if "format=template" in line:  # the labels name the row template's arguments
            return line
        return re.sub(r"\|\?(Vertrekpunt|Relatie|Eindpunt)(=[^|}]*)?(?=[|}\s])", printout, line)

    text = re.sub(r"^.*\{\{#ask:.*$", printouts, text, flags=re.M)
    labels = dict(PROPERTY_LABELS)
    icon = re.search(r"\{\{Elementtype\|([^|}]+)", text)
    category = re.search(r"\[\[Categorie:(Standaarden|Bronnen)\]\]", text)
    kind = icon.group(1) if icon else CATEGORIES[category.group(1)] if category else ""
    if kind in ORGANISATIE:
        labels["Organisatie"] = ORGANISATIE[kind]
    for old, new in labels.items():
        text = re.sub(rf"^([!|]) {old}$", rf"\g<1> {new}", text, flags=re.M)
        text = text.replace(f"'''{old}:'''", f"'''{new}:'''").replace(
            f"'''{old}''':", f"'''{new}''':"
        )
        text = text.replace(f'eigenschap-label">{old}</div>', f'eigenschap-label">{new}</div>')
        text = re.sub(rf"(\|\?[^=|}}]+)={old}(?=\s*[|}}])", rf"\g<1>={new}", text)
    return text


def relabel(wiki: Any) -> int:
    """Rename the labels of a scratch clone (module docstring); returns the pages saved."""
    if not wiki.mutable:
        raise PermissionError("relabel changes pages: use a scratch clone")
    changed = {}
    for title, text in wikitexts(wiki.base_url).items():
        new = relabelled(text)
        if new != text:
            changed[title] = new
    mw = wiki.dir / "mw"
    script = mw / "maintenance" / "noraTestRelabel.php"  # a new file: the clone's own
    script.write_text(_SAVE_SCRIPT, "utf-8")
    pages = wiki.dir / "relabel.json"
    pages.write_text(json.dumps(changed, ensure_ascii=False), "utf-8")
    for command in (["php", str(script), str(pages)], ["php", "maintenance/runJobs.php"]):
        done = subprocess.run(command, cwd=mw, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"{command[1]}: {done.stdout[-800:]} {done.stderr[-800:]}")
    with sqlite3.connect(wiki.dir / "data" / "wikicache.sqlite", timeout=60) as cache:
        cache.execute("DELETE FROM objectcache WHERE keyname GLOB '*:pcache:*'")
    return len(changed)
