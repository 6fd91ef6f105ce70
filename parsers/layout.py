"""Which block of the content area is a property, a relation, or body text.

Per region (see ``parsers.blocks``):

* heading "Eigenschappen": its tables and "Label: value" paragraphs are
  properties; anything else there is reported as unplaced;
* heading "Relaties" / "Afgeleide relaties": its tables are relations of that
  kind; anything else there is reported as unplaced;
* heading carrying a relation name over nothing but lists of single links: the
  older relation list;
* any other region is body text, except for tables that announce themselves: an
  "Eigenschappen" or relation caption (or a block whose whole text is such a
  label right before the table, a "pseudo-heading"), a one-cell "Eigenschappen"
  title row, a relation header row over rows about this page (an overview's
  query table with the same headers lists other pages: body text); and, in the
  text before the first heading only, the infobox, "Label: value" paragraphs and
  the first all-two-cell table without header row.

A table's CSS class never decides: Semantic MediaWiki renders every query table
(a Relaties block, an Afgeleide relaties block, a page's own properties, an
overview) as ``table.sortable.wikitable.smwtable``.

Relation positions count per kind within the page; property and section
positions per page.
"""

from __future__ import annotations

from lxml import etree

from parsers import labels, problems, properties, relations
from parsers.blocks import Block, Region
from parsers.properties import Property, cells, rows
from parsers.relations import Relation
from parsers.sections import Section, block_raw, build
from parsers.text import inline_text, line_of, normalize


class Layout:
    """Walks the regions once and collects drafts of every record, plus warnings."""

    def __init__(self, page_title: str) -> None:
        self.page_title = page_title
        self.properties: list[Property] = []
        self.relations: list[tuple[str, Relation]] = []  # (kind, record)
        self.sections: list[Section] = []
        self.warnings: list[str] = []
        self._tables = 0
        self._bare_property_table_taken = False

    def run(self, regions: list[Region]) -> None:
        for region in regions:
            heading = region.heading
            if heading is None:
                self._body(region.blocks, None, 0, lead=True)
                continue
            label = labels.fold(heading.text)
            if label in labels.PROPERTY_BLOCK_LABELS:
                self._property_region(region.blocks, heading.text)
            elif label in labels.RELATION_BLOCK_LABELS:
                self._relation_region(region.blocks, labels.RELATION_BLOCK_LABELS[label])
            elif label in labels.RELATION_NAMES and self._relation_list(region.blocks, heading):
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
                if not self._table(element, pending, lead):
                    pieces.append(block_raw(element))
                pending = ""
                continue
            if lead:
                segments = properties.label_paragraph_segments(element)
                if segments is not None:
                    self.properties.extend(
                        properties.read_label_paragraph(segments, self.page_title)
                    )
                    continue
            raw = block_raw(element)
            if _next_is_table(blocks, index):
                label = labels.fold(inline_text(raw))
                if label in labels.PROPERTY_BLOCK_LABELS or label in labels.RELATION_BLOCK_LABELS:
                    pending = label
                    continue
            pieces.append(raw)
        section = build(heading, level, pieces)
        if section is not None:
            self.sections.append(section)

    def _property_region(self, blocks: list[Block], heading: str) -> None:
        for block in blocks:
            element = block.element
            if element is not None and element.tag == "table":  # whatever its class
                self._read_property_table(element)
                continue
            if element is not None:
                segments = properties.label_paragraph_segments(element)
                if segments is not None:
                    self.properties.extend(
                        properties.read_label_paragraph(segments, self.page_title)
                    )
                    continue
            text = normalize(block_raw(element) if element is not None else block.text)
            if text:
                self._unplaced(heading, text)

    def _relation_region(self, blocks: list[Block], kind: str) -> None:
        heading = "Relaties" if kind == "direct" else "Afgeleide relaties"
        for block in blocks:
            element = block.element
            if element is not None and element.tag == "table":  # whatever its class
                self._read_relation_table(element, kind)
                continue
            text = normalize(block_raw(element) if element is not None else block.text)
            if text:
                self._unplaced(heading, text)

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
        self.relations += [("direct", record) for record in records]
        return True

    # --- tables ----------------------------------------------------------------

    def _table(self, table: etree._Element, pending: str, lead: bool) -> bool:
        """Read ``table`` as properties or relations when it announces itself."""
        label = properties.caption_label(table) or pending
        if label in labels.PROPERTY_BLOCK_LABELS:
            self._read_property_table(table)
            return True
        if label in labels.RELATION_BLOCK_LABELS:
            self._read_relation_table(table, labels.RELATION_BLOCK_LABELS[label])
            return True
        if _title_row_label(table) in labels.PROPERTY_BLOCK_LABELS:
            self._read_property_table(table)
            return True
        if lead and properties.is_infobox(table):
            self._read_property_table(table)
            return True
        if (
            lead
            and not self._bare_property_table_taken
            and properties.is_bare_property_table(table)
        ):
            self._bare_property_table_taken = True
            self._read_property_table(table)
            return True
        if relations.is_relation_table(table, self.page_title):
            self._read_relation_table(table, "")
            return True
        return False

    def _read_property_table(self, table: etree._Element) -> None:
        self._tables += 1
        found, warnings = properties.read_table(
            table, self.page_title, f"property table {self._tables}"
        )
        self._bare_property_table_taken = True
        self.properties.extend(found)
        self.warnings.extend(warnings)

    def _read_relation_table(self, table: etree._Element, kind: str) -> None:
        self._tables += 1
        where = f"relation table {self._tables}"
        kind, found, warnings = relations.read_table(table, kind, self.page_title, where)
        self.relations += [(kind, record) for record in found]
        self.warnings.extend(warnings)

    def _unplaced(self, heading: str, what: str) -> None:
        self.warnings.append(
            problems.warning(
                problems.UNPLACED,
                f"under {heading!r}: expected a table, found {what!r}",
            )
        )


# loose text that is no text: whitespace, and the line marks around unwrapped containers
# (Lingo, for one, wraps the whole content in a second .mw-parser-output)
_BLANK = labels.LINE_MARK + " \t\r\n"


def _next_is_table(blocks: list[Block], index: int) -> bool:
    for at in range(index + 1, len(blocks)):  # no slice: this runs for every body block
        block = blocks[at]
        if block.element is None:
            if block.text.strip(_BLANK):
                return False
            continue
        return block.element.tag == "table"
    return False


def _title_row_label(table: etree._Element) -> str:
    table_rows = rows(table)
    if not table_rows:
        return ""
    first = cells(table_rows[0])
    if len(first) != 1:
        return ""
    return labels.fold(line_of(first[0]))
