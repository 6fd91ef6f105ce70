"""Which block of the content area is a property, a relation, or body text.

Blocks are found by the profile's labels (``labels.block_kind`` over ``Profile.blocks``;
NORA: "Eigenschappen", "Relaties", "Afgeleide relaties"), prefix-matched after folding,
so "Eigenschappen van dit element" and "Relaties (2)" count too. A heading carrying one
opens the block; the block runs to the next heading of the same or a higher level, so
its sub-headings inherit it. Inside a block the parser takes what the block is about and
hands everything else back to the body text, in order, under the heading it stands under
(the block's or a sub-heading's), with an ``unplaced`` warning that says where:

* property block: its tables are property tables; "Label: value" lines (``p``,
  ``div``) and definition lists are properties;
* relation block: its tables with the relation header are relation tables (the kind
  from the block, else from the table); a sub-heading carrying a relation name over
  lists of links is the older relation list.

A sub-heading inside a block that holds nothing but block content is no section.

Outside blocks every region is body text, except for what announces itself: a
heading carrying a relation name over nothing but lists of links (the older
relation list); tables with an "Eigenschappen" or relation caption, title row or
pseudo-heading (a block whose whole text is such a label right before the table);
a relation header row over rows about this page (an overview's query table with the
same headers lists other pages: body text); and, in the text before the first
heading only, the infobox, "Label: value" lines, definition lists of known property
labels and tables whose rows look like label/value pairs, wherever they stand there.

A table's CSS class never decides: Semantic MediaWiki renders every query table
(a Relaties block, an Afgeleide relaties block, a page's own properties, an
overview) as ``table.sortable.wikitable.smwtable``.

Relation positions count per kind within the page; property and section
positions per page.
"""

from __future__ import annotations

from lxml import etree

from parsers import grid, labels, problems, properties, relations
from parsers.blocks import Block, Region
from parsers.profile import Profile
from parsers.properties import Property
from parsers.relations import Relation
from parsers.sections import Section, block_raw, build
from parsers.text import inline_text, normalize

# loose text that is no text: whitespace, and the line marks around unwrapped containers
# (Lingo, for one, wraps the whole content in a second .mw-parser-output)
_BLANK = labels.LINE_MARK + " \t\r\n"


class Layout:
    """Walks the regions once and collects drafts of every record, plus warnings."""

    def __init__(self, page_title: str, profile: Profile) -> None:
        self.page_title = page_title
        self.profile = profile
        # looked up for every heading: kept here, typed, for the compiled code
        self._blocks: tuple[tuple[str, str], ...] = profile.blocks
        self._relation_names: frozenset[str] = profile.relation_names
        self.properties: list[Property] = []
        self.relations: list[tuple[str, Relation]] = []  # (kind, record)
        self.sections: list[Section] = []
        self.warnings: list[str] = []
        self._tables = 0
        self.shows_query_results = False  # an SMW query's results in the body text

    def run(self, regions: list[Region]) -> None:
        scope = ""  # the block kind the current heading stands in ("": none)
        scope_level = 0
        for region in regions:
            heading = region.heading
            if heading is None:
                self._body(region.blocks, None, 0, lead=True)
                continue
            if scope and heading.level <= scope_level:
                scope = ""
            kind = labels.block_kind(heading.text, self._blocks)
            if kind:
                scope, scope_level = kind, heading.level
                self._block(kind, region.blocks, heading, opens=True)
            elif scope:
                self._block(scope, region.blocks, heading, opens=False)
            elif labels.fold(heading.text) in self._relation_names and self._relation_list(
                region.blocks, heading
            ):
                continue
            else:
                self._body(region.blocks, heading.text, heading.level, lead=False)

    # --- regions ---------------------------------------------------------------

    def _body(self, blocks: list[Block], heading: str | None, level: int, lead: bool) -> None:
        pieces: list[str] = []
        pending = ""
        for index, block in enumerate(blocks):
            element = block.element
            if element is None:
                pieces.append(block.text)
                continue
            if element.tag == "table":
                taken, leftovers = self._table(element, pending, lead)
                if not taken:
                    pieces.append(block_raw(element))
                    classes = (element.get("class") or "").split()
                    self.shows_query_results |= labels.QUERY_RESULT_CLASS in classes
                pieces += leftovers
                pending = ""
                continue
            if lead and self._label_lines(element, known_only=True):
                continue
            raw = block_raw(element)
            if _next_is_table(blocks, index):
                label = inline_text(raw)
                if _announces(label, self.profile):
                    pending = label
                    continue
            pieces.append(raw)
        section = build(heading, level, pieces)
        if section is not None:
            self.sections.append(section)

    def _block(self, kind: str, blocks: list[Block], heading: Block, opens: bool) -> None:
        """A region inside a block: take what the block is about, hand back the rest."""
        if (
            not opens
            and kind != labels.PROPERTIES
            and labels.fold(heading.text) in self._relation_names
            and self._relation_list(blocks, heading)
        ):
            return
        pieces: list[str] = []
        beside: list[str] = []  # what the block is not about, for the warning
        for block in blocks:
            element = block.element
            if element is None:
                pieces.append(block.text)
                if block.text.strip(_BLANK):
                    beside.append("text")
                continue
            if kind == labels.PROPERTIES:
                if element.tag == "table":  # whatever its class
                    pieces += self._read_property_table(element)
                    continue
                if self._label_lines(element, known_only=False):
                    continue
            elif element.tag == "table":
                table_rows = grid.cell_rows(element)
                header = relations.find_header(table_rows, self.profile)
                if header[0] is not None:
                    pieces += self._read_relation_table(element, kind, (table_rows, *header))
                    continue
                shown = " | ".join(header[1]) or "no header row"
                beside.append(f"a table without the relation header ({shown})")
                pieces.append(block_raw(element))
                continue
            raw = block_raw(element)
            if normalize(raw):
                beside.append(f"<{element.tag}>")
            pieces.append(raw)
        text = normalize("".join(pieces))
        if not text:
            return  # a block heading, or a sub-heading holding block content only
        self.sections.append(Section(heading.text, heading.level, text))
        if beside:
            what = ", ".join(dict.fromkeys(beside))
            self.warnings.append(
                problems.warning(
                    problems.UNPLACED,
                    f"under {heading.text!r} (h{heading.level}): expected the block's table "
                    f"or list, found {what}; kept as body text: {problems.excerpt(text)}",
                )
            )

    def _label_lines(self, element: etree._Element, *, known_only: bool) -> bool:
        """Read ``element`` as "Label: value" lines or a definition list, if it is one."""
        segments = properties.label_paragraph_segments(element, self.profile)
        if segments is not None:
            self.properties.extend(properties.read_label_paragraph(segments, self.page_title))
            return True
        if element.tag == "dl":
            found = properties.read_definition_list(
                element, self.page_title, self.profile, known_only=known_only
            )
            if found is not None:
                self.properties.extend(found)
                return True
        return False

    def _relation_list(self, blocks: list[Block], heading: Block) -> bool:
        elements: list[etree._Element] = []
        for block in blocks:
            if block.element is not None:
                elements.append(block.element)
            elif block.text.strip(_BLANK):  # loose text: prose, not a list of links
                return False
        if not elements:
            return False
        records = relations.read_list(elements, heading.text, self.page_title)
        if records is None:
            return False
        self.relations += [(labels.DIRECT, record) for record in records]
        return True

    # --- tables ----------------------------------------------------------------

    def _table(self, table: etree._Element, pending: str, lead: bool) -> tuple[bool, list[str]]:
        """Read ``table`` as properties or relations when it announces itself.

        Returns whether it was taken, and the raw text of its rows that are not
        records (handed back to the body text).
        """
        label = labels.fold(grid.caption(table)) or pending or grid.title_row(table)
        kind = _announces(label, self.profile)
        if kind == labels.PROPERTIES:
            return True, self._read_property_table(table)
        if kind:
            return True, self._read_relation_table(table, kind)
        profile = self.profile
        if lead and (
            properties.is_infobox(table, profile)
            or properties.looks_like_property_table(table, profile)
        ):
            return True, self._read_property_table(table)
        if relations.is_relation_table(table, self.page_title, profile):
            return True, self._read_relation_table(table, "")
        return False, []

    def _read_property_table(self, table: etree._Element) -> list[str]:
        self._tables += 1
        found, warnings, leftovers = properties.read_table(
            table, self.page_title, f"property table {self._tables}", self.profile
        )
        self.properties.extend(found)
        self.warnings.extend(warnings)
        return leftovers

    def _read_relation_table(
        self,
        table: etree._Element,
        kind: str,
        found: tuple[list[list[etree._Element]], relations.Header | None, list[str]] | None = None,
    ) -> list[str]:
        self._tables += 1
        where = f"relation table {self._tables}"
        read = relations.read_table(table, kind, self.page_title, where, self.profile, found)
        self.relations += [(read.kind, record) for record in read.records]
        self.warnings.extend(read.warnings)
        return [labels.LINE_MARK + text + labels.LINE_MARK for text in read.leftovers]


def _announces(label: str, profile: Profile) -> str:
    """The block a caption, title row or pseudo-heading names: a short text only, so a
    sentence starting with "Relaties ..." above a table names nothing."""
    if not label or len(label.split()) > labels.MAX_ANNOUNCEMENT_WORDS:
        return ""
    return labels.block_kind(label, profile.blocks)


def _next_is_table(blocks: list[Block], index: int) -> bool:
    for at in range(index + 1, len(blocks)):  # no slice: this runs for every body block
        block = blocks[at]
        if block.element is None:
            if block.text.strip(_BLANK):
                return False
            continue
        return block.element.tag == "table"
    return False
