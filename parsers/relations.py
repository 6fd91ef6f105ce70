"""The relation readers: Relaties (``direct``) and Afgeleide relaties (``derived``).

**Tables**, read over the table model (``parsers.table``), so a Vertrekpunt cell that
spans three rows is the source of each of them. Columns get their role from the
header row's labels (``profile.header_roles``; ``labels.header_forms``: case, spaces
and punctuation ignored, "Eindpunt(en)" and "(s)" plurals understood): a source and a
target column are needed, and a relation column unless the block's sub-heading names
the relation (``Block.relation_name``: one sub-heading per relation type with a
``Vertrekpunt | Eindpunt`` table under it). The header row may stand below title rows
("Relaties", "Afgeleide relaties"), which then name the kind. Without a header row
(SMW's ``headers=hide``), and only in a block whose heading says it holds relations,
three columns are read by position as source, relation, target (two as source,
target under a relation sub-heading), with a ``by-position`` note naming the
assumption. A table whose columns cannot be told gets a ``relation-columns`` warning
and is handed back whole to the body text: nothing vanishes.

Each data row gives one record per endpoint (``parsers.endpoints``): an endpoint cell
is split on its internal links (separators between them are not text); a cell
without links gives one record with its text; an empty endpoint cell gives none.
``tr.smwfooter`` (SMW's "... meer resultaten") is query chrome; it says the query
reached its ``limit=``, so the table's rows are a part: a ``query-limit`` note names
the kind. A one-cell row ("Geen relaties") is handed back to the body with a note; a
row missing a role's cell, with a ``relation-row`` warning. A column without a header
(SMW's main column) is chrome; a column with another header is handed back to the
body text.

The kind comes from the block, else from a title row, else from the endpoint header
(plural: direct, singular: derived), else ``direct``.

**Lists**: under a relation sub-heading (or, outside any block, a heading carrying a
known relation name, ``profile.relation_names``: the older template), a list whose
every item holds internal links and nothing else but separators and printout labels:
SMW's ``format=ul`` (``li.smw-row``, each value prefixed by the printout's label,
"Eindpunt: ", several joined by ", "), ``format=list`` (the same inline in one
paragraph), or a plain list of links. In a derived block, or after a source label
("Vertrekpunt: "), the link is the source and the page the target. SMW's
further-results link is chrome.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from lxml import etree

from parsers import endpoints, labels, problems
from parsers.harvest import Harvest, Relation
from parsers.links import Target, classify
from parsers.profile import Profile
from parsers.properties import block_raw
from parsers.table import Cell, Row, Table, Tables
from parsers.text import inline_text, is_blank, line_of, normalize, raw_text

if TYPE_CHECKING:
    from parsers.blocks import Block

_LIST_TAGS = ("ul", "ol")
_INLINE_LIST_TAGS = ("p", "div", "span")
_MARK = labels.LINE_MARK
#: how far down a table its header row may stand (title rows above it)
HEADER_SEARCH_ROWS = 3
SOURCE, RELATION, TARGET = "source", "relation", "target"
_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (a record per row)


class Columns(NamedTuple):
    """Column (slot) indexes of the three roles (relation -1: from the sub-heading)."""

    source: int
    relation: int
    target: int
    kind: str  # the kind the endpoint header implies ("" when it does not say)


class Header(NamedTuple):
    """Where a relation table's header row stands and what it says."""

    columns: Columns
    at: int  # index of the header row in ``Table.rows``
    kind: str  # named by a title row above the header, else ""


def roles(xs: Sequence[int], texts: Sequence[str], profile: Profile, named: bool) -> Columns | None:
    """Column roles from a header row's cell texts (``xs``: each cell's column); None
    when a needed one is missing (the relation column is not needed when a sub-heading
    names the relation: ``named``)."""
    if sum(map(len, texts)) > _ROLES_KEPT_LENGTH:  # a crafted header: read, not kept
        at_once = _roles_at(texts, profile, named)
        return None if at_once is None else _columns(xs, at_once)
    key = (id(profile.header_roles), named, *texts)
    cached = _ROLES.get(key)
    if cached is None or cached[0] is not profile.header_roles:
        if len(_ROLES) >= _ROLES_KEPT:
            _ROLES.clear()
        cached = _ROLES[key] = (profile.header_roles, _roles_at(texts, profile, named))
    at = cached[1]
    return None if at is None else _columns(xs, at)


def _columns(xs: Sequence[int], at: tuple[int, int, int, str]) -> Columns:
    source, relation, target, kind = at
    return Columns(xs[source], xs[relation] if relation >= 0 else -1, xs[target], kind)


#: header texts -> roles by position: header rows repeat on every page of a wiki, so
#: each is read once. Keyed by the profile's role map (held in the value, so its id
#: cannot be reused while the entry stands); cleared when it grows past the bound.
_ROLES: dict[tuple[object, ...], tuple[object, Columns | None]] = {}
_ROLES_KEPT = 4096
_ROLES_KEPT_LENGTH = 1000  # characters of a header row's texts kept as a key


def _roles_at(texts: Sequence[str], profile: Profile, named: bool) -> Columns | None:
    """``roles`` by position in ``texts`` (the uncached reading)."""
    found: dict[str, int] = {}
    kinds: set[str] = set()
    for at, text in enumerate(texts):
        forms = labels.header_forms(text)
        hits = {profile.header_roles[form] for form in forms if form in profile.header_roles}
        role_names = {role for role, _ in hits}
        if len(role_names) != 1:
            continue
        role = role_names.pop()
        if role not in found:
            found[role] = at
            if role == TARGET:
                kinds = {kind for _, kind in hits}
    if SOURCE not in found or TARGET not in found or (RELATION not in found and not named):
        return None
    kind = kinds.pop() if len(kinds) == 1 else ""
    return Columns(found[SOURCE], found.get(RELATION, -1), found[TARGET], kind)


def _first_rows(table: Table) -> list[tuple[Sequence[etree._Element], Sequence[int]]]:
    """The cells of the rows a header may stand in, and their columns: read off the
    plain rows when the table has them (no cell model made)."""
    if table.plain is not None:
        return [(cells, range(len(cells))) for _, cells, _ in table.plain[:HEADER_SEARCH_ROWS]]
    return [
        ([cell.element for cell in row.cells], [cell.x for cell in row.cells])
        for row in table.rows[:HEADER_SEARCH_ROWS]
    ]


def find_header(table: Table, profile: Profile, named: bool) -> tuple[Header | None, list[str]]:
    """The header row among the first rows, below title rows; (None, texts seen) if none."""
    titled = ""
    first: list[str] = []
    for index, (cells, xs) in enumerate(_first_rows(table)):
        texts = [line_of(cell) for cell in cells]
        if len(cells) >= 2:
            columns = roles(xs, texts, profile, named)
            if columns is None:
                return None, texts
            return Header(columns, index, titled), texts
        first = first or texts
        kind = labels.block_kind(" ".join(texts), profile.blocks)
        if kind in (labels.DIRECT, labels.DERIVED):
            titled = kind
    return None, first


#: a row as the relation reader walks it: its ``tr`` (None for loose cells), the element
#: in each slot (None: empty; a slot past the end of the tuple is empty too), footer
_SlotRow = tuple[etree._Element | None, tuple[etree._Element | None, ...], bool]


def _slot_rows(table: Table) -> tuple[Sequence[_SlotRow], list[int] | None]:
    """Each row's ``tr``, the element in each of its slots (a slot past the end of the
    tuple is empty) and whether it is a query footer; and the number of distinct cells
    per row when that differs from the slots (a table with spans; None otherwise)."""
    if table.plain is not None:
        return table.plain, None
    rows = table.rows
    slots: list[_SlotRow] = [
        (
            row.element,
            tuple([cell[0] if cell is not None else None for cell in row.slots]),
            row.footer,
        )
        for row in rows
    ]
    return slots, [len(row.cells) for row in rows]


def is_about_page(table: Table, page_title: str, profile: Profile) -> bool:
    """A relation-headed table that is about this page (found outside relation blocks).

    A title row naming the block is enough. Else it must show this page as every data
    row's source (Relaties) or among its targets (Afgeleide relaties); a header row
    alone counts too (an empty block). An overview's query table with the same headers
    lists relations between other pages: that is body text.
    """
    header, _ = find_header(table, profile, named=False)
    if header is None:
        return False
    if header.kind:
        return True
    columns = header.columns
    rows, _ = _slot_rows(table)
    for index in range(header.at + 1, len(rows)):
        _, slots, footer = rows[index]
        if footer:
            continue
        width = len(slots)
        source = slots[columns.source] if columns.source < width else None
        target = slots[columns.target] if columns.target < width else None
        if source is None or target is None or source is target:
            continue
        if not (
            endpoints.names_page(source, page_title) or endpoints.names_page(target, page_title)
        ):
            return False
    return True


def read(block: Block, page_title: str, profile: Profile, tables: Tables) -> Harvest:
    """Relations of a relation block; what is none goes back to the body."""
    harvest = Harvest()
    for piece in block.pieces:
        element = piece.element
        if element is None:
            if block.relation_name and _is_separator_text(piece.text):
                harvest.claimed.append(piece.text)
            else:
                harvest.leftovers.append(piece.text)
            continue
        if element.tag == "table":
            read_table(tables(element), block, page_title, profile, harvest)
            continue
        listed = read_list(element, block.relation_name, block.relation_kind, page_title, profile)
        if listed is not None:
            harvest.add(listed)
            continue
        harvest.leftovers.append(block_raw(element))
    return harvest


def _is_separator_text(text: str) -> bool:
    return not endpoints.has_words(text)


def read_table(
    table: Table, block: Block, page_title: str, profile: Profile, into: Harvest | None = None
) -> Harvest:
    """Records of one relation table (module docstring), added to ``into`` (the block's
    harvest: no harvest of its own to merge) when given."""
    harvest = Harvest() if into is None else into
    harvest.claimed.append(table.caption)
    name = block.relation_name.rstrip(": ").strip()
    header, texts = find_header(table, profile, named=bool(name))
    kind = block.relation_kind
    if header is None:
        columns = _by_position(table, block, name)
        if columns is None:
            shown = " | ".join(texts) if texts else "no header row"
            harvest.warnings.append(
                problems.warning(
                    problems.RELATION_COLUMNS,
                    f"{block.where}: expected {profile.relation_header_hint}, found {shown}; "
                    "kept as body text",
                )
            )
            harvest.leftovers.append(block_raw(table.element))
            return harvest
        shape = "source, relation, target" if columns.relation >= 0 else "source, target"
        harvest.notes.append(
            problems.warning(
                problems.BY_POSITION,
                f"{block.where}: a table without header row under a relations heading, "
                f"read by position as {shape}",
            )
        )
        start = 0
    else:
        columns = header.columns
        kind = kind or header.kind
        start = header.at + 1
        for cells, _ in _first_rows(table)[:start]:
            harvest.claimed.append(_cells_raw(cells))
    kind = kind or columns.kind or labels.DIRECT
    roles_at = {columns.source, columns.relation, columns.target}
    other_columns = not roles_at.issuperset(range(table.width))
    source_at, relation_at, target_at = columns.source, columns.relation, columns.target
    # a row's texts are claimed as the page shows them: (source, relation, target) as
    # they are when the columns stand in that order, else put in the columns' order
    order = _page_order(columns)
    relations = harvest.relations
    claimed = harvest.claimed
    recorded = harvest.recorded
    endpoints_of = endpoints.endpoints
    footers = 0
    rows, counts = _slot_rows(table)
    # the common row inline (a cell per role, one link or plain text in each), read off
    # the elements; every other row (one cell, a missing cell, cells beside the role
    # columns) by a helper over the table model's row
    for index in range(start, len(rows)):
        _, slots, footer = rows[index]
        width = len(slots)
        count = width if counts is None else counts[index]
        if footer:
            footers += 1
            if count:  # SMW's "... meer resultaten": query chrome
                claimed.append(
                    _row_raw(table.rows[index]) if counts is not None else _cells_raw(slots)
                )
            continue
        if not count:
            continue
        source_cell = slots[source_at] if source_at < width else None
        target_cell = slots[target_at] if target_at < width else None
        relation_cell = slots[relation_at] if 0 <= relation_at < width else None
        if (
            count == 1
            or source_cell is None
            or target_cell is None
            or (relation_at >= 0 and relation_cell is None)
        ):
            _odd_row(table.rows[index], index, block, harvest)
            continue
        if other_columns:
            header_cells = table.rows[start - 1].slots if start else ()
            _other_columns(table.rows[index], roles_at, header_cells, harvest)
        if relation_cell is None:
            shown_relation = ""
        elif len(relation_cell):
            shown_relation = line_of(relation_cell)
        else:  # the usual relation cell: its text and nothing else
            shown_relation = inline_text(relation_cell.text or "")
        relation = shown_relation or name
        # a linked cell's display text is claimed (a plain text cell is its record)
        targets, beside, target_shown = endpoints_of(target_cell, page_title)
        if not targets:  # a relation listed without endpoint (or cut off): no record
            source_raw = raw_text(source_cell)
            row = (source_raw, relation, target_shown)
            claimed += row if order is None else order(row)
            if len(source_cell):
                claimed.append(source_raw)
            continue
        if beside:
            harvest.warnings.append(
                problems.warning(
                    problems.RELATION_TEXT,
                    f"{block.where} row {index}: expected only links in the endpoint cell, "
                    f"found text beside them; kept in target_text: {problems.excerpt(beside)}",
                )
            )
        sources, _, source_shown = endpoints_of(source_cell, page_title)
        if not sources:  # a relation listed without source: no record
            row = (source_shown, relation, target_shown)
            claimed += row if order is None else order(row)
            claimed.append(raw_text(target_cell))
            continue
        # what the row shows that is its records' own (the relation cell's text, a
        # plain text cell's) stands among the claims and is listed as recorded: the
        # account holds it there only while the records do
        if shown_relation:
            recorded.append(shown_relation)
        if not source_shown:
            source_shown = sources[0][0]
            recorded.append(source_shown)
        if not target_shown:
            target_shown = targets[0][0]
            recorded.append(target_shown)
        row = (source_shown, shown_relation, target_shown)
        claimed += row if order is None else order(row)
        text = beside  # the cell's text goes to its first record only: n links, one copy
        for source, _ in sources:
            for target, exists in targets:
                relations.append((kind, _new(Relation, (source, relation, target, exists, text))))
                text = ""
    if footers:  # SMW's "... meer resultaten": the query reached its limit
        data_rows = len(rows) - start - footers
        harvest.notes.append(problems.query_limit(kind, block.where, data_rows))
    return harvest


def _page_order(columns: Columns) -> Callable[[tuple[str, str, str]], tuple[str, ...]] | None:
    """How a row's (source, relation, target) texts are put in the page's column order;
    None when they stand in it already (the usual table, or no relation column and the
    source before the target)."""
    relation_at = columns.relation if columns.relation >= 0 else columns.source
    at = (columns.source, relation_at, columns.target)
    order = sorted(range(3), key=at.__getitem__)
    return None if order == [0, 1, 2] else itemgetter(*order)


def _by_position(table: Table, block: Block, name: str) -> Columns | None:
    """Roles by position in a table without header row, where the block's heading says
    it holds relations: 3 columns (source, relation, target), or 2 (source, target)
    under a sub-heading naming the relation. Every row must fill every column."""
    if not block.relation_kind or not table.rows:
        return None
    if table.width == 3:
        columns = Columns(0, 1, 2, "")
    elif table.width == 2 and name:
        columns = Columns(0, -1, 1, "")
    else:
        return None
    for row in table.rows:
        if row.footer:
            continue
        if any(cell is None for cell in row.slots) or len(row.cells) != table.width:
            return None
        if any(cell.header for cell in row.cells):
            return None
    return columns


def _odd_row(row: Row, index: int, block: Block, harvest: Harvest) -> None:
    """A data row that is not one cell per role: one cell ("Geen relaties") goes back
    to the body with a note; a row missing a role's cell, with a warning."""
    row_text = _row_raw(row)
    if len(row.cells) == 1:
        if is_blank(row_text):
            return
        harvest.leftovers.append(_MARK + row_text + _MARK)
        harvest.notes.append(
            problems.warning(
                problems.FULL_WIDTH_ROW,
                f"{block.where} row {index}: kept as body text: "
                f"{problems.excerpt(normalize(row_text))}",
            )
        )
        return
    harvest.leftovers.append(_MARK + row_text + _MARK)
    harvest.warnings.append(
        problems.warning(
            problems.RELATION_ROW,
            f"{block.where} row {index}: expected a cell in every column, found "
            f"{len(row.cells)}; kept as body text: {problems.excerpt(normalize(row_text))}",
        )
    )


def _other_columns(
    row: Row,
    roles_at: set[int],
    header_cells: tuple[Cell | None, ...],
    harvest: Harvest,
) -> None:
    """Cells outside the role columns: SMW's main column (no header) is chrome; a
    column with a header of its own goes back to the body text."""
    for cell in row.cells:
        if cell.x in roles_at or (
            cell.width > 1 and any(x in roles_at for x in range(cell.x, cell.x + cell.width))
        ):
            continue
        text = raw_text(cell.element)
        head = header_cells[cell.x] if cell.x < len(header_cells) else None
        if head is None or not line_of(head.element):
            harvest.claimed.append(text)
        else:
            harvest.leftovers.append(f"{_MARK}{line_of(head.element)}: {text}{_MARK}")


def _row_raw(row: Row) -> str:
    return " ".join(raw_text(cell.element) for cell in row.cells)


def _cells_raw(cells: Sequence[etree._Element | None]) -> str:
    """The raw text of a plain row's cells (a plain row has no empty slot)."""
    return " ".join(raw_text(cell) for cell in cells if cell is not None)


# --- lists -------------------------------------------------------------------------------


def read_list(
    element: etree._Element, name: str, kind: str, page_title: str, profile: Profile
) -> Harvest | None:
    """Records of a relation list under relation ``name`` (module docstring), or None."""
    name = name.rstrip(": ").strip()
    if element.tag in _LIST_TAGS:
        items = list(element)
        if not items or any(item.tag != "li" for item in items) or not is_blank(element.text or ""):
            return None
    elif element.tag in _INLINE_LIST_TAGS:
        items = [element]
    else:
        return None
    harvest = Harvest()
    for item in items:
        if not is_blank(item.tail or "") and element.tag in _LIST_TAGS:
            return None
        read = _list_item(item, name, kind or labels.DIRECT, page_title, profile)
        if read is None:
            return None
        if read.relations and not name:
            return None  # a list of links names no relation without a sub-heading
        harvest.add(read)
    return harvest


def is_link_list(pieces_elements: list[etree._Element], page_title: str, profile: Profile) -> bool:
    """Every element a list of links (empty paragraphs around them tolerated): the older
    "relation heading + list of links" form, found outside blocks."""
    lists = 0
    for element in pieces_elements:
        if element.tag not in _LIST_TAGS:
            if _is_empty_paragraph(element):
                continue
            return False
        read = read_list(element, "probe", labels.DIRECT, page_title, profile)
        if read is None or not read.relations:
            return False
        lists += 1
    return lists > 0


def _list_item(
    item: etree._Element, name: str, kind: str, page_title: str, profile: Profile
) -> Harvest | None:
    """One list item (or an inline list): its links as relations, None if it holds words
    beside its links and printout labels."""
    harvest = Harvest()
    anchors, outside, label_texts = _item_parts(item)
    source_label = False
    for text in label_texts:
        forms = labels.header_forms(text)
        roles_hit = {profile.header_roles[f][0] for f in forms if f in profile.header_roles}
        source_label = source_label or roles_hit == {SOURCE}
    targets: list[Target] = []
    seen: set[str] = set()
    for anchor in anchors:
        href = anchor.get("href") or ""
        if any(marker in href for marker in labels.QUERY_FURTHER_RESULTS_HREFS):
            continue  # further results: query chrome
        target = classify(anchor, page_title)
        if not isinstance(target, Target) or not target.title:
            return None
        if target.title not in seen:
            seen.add(target.title)
            targets.append(target)
    if not anchors:
        return None  # no link at all: prose
    if _has_label_words(inline_text("".join(outside)), profile):
        return None
    harvest.claimed.append(raw_text(item))
    reverse = source_label or kind == labels.DERIVED
    for target in targets:
        if reverse:
            record = Relation(target.title, name, page_title, True, "")
        else:
            record = Relation(page_title, name, target.title, target.exists, "")
        harvest.relations.append((kind, record))
    return harvest


def _item_parts(
    item: etree._Element,
) -> tuple[list[etree._Element], list[str], list[str]]:
    """One walk over a list item: its links outside printout labels (in order); the raw
    text pieces outside its links and labels (in no particular order: only the words
    matter); and the texts of its ``span`` printout labels."""
    label_class = labels.QUERY_FIELD_LABEL_CLASS
    anchors: list[etree._Element] = []
    outside = [item.text or ""]
    label_texts: list[str] = []
    if item.tag == "span" and label_class in (item.get("class") or "").split():
        label_texts.append(line_of(item))
    skipped: set[etree._Element] = set()  # links, labels and what is inside them
    labelled: set[etree._Element] = set()  # labels and what is inside them
    for node in item.iterdescendants():
        parent = node.getparent()
        tag = node.tag
        is_label = label_class in (node.get("class") or "").split()
        if is_label and tag == "span":
            label_texts.append(line_of(node))
        in_label = parent in labelled
        if is_label or in_label:
            labelled.add(node)
        if tag == "a" and not in_label:
            anchors.append(node)
        if parent in skipped:
            skipped.add(node)  # inside a link or a label: neither its text nor its tail
            continue
        if tag == "a" or is_label:
            skipped.add(node)
        else:
            outside.append(node.text or "")
        outside.append(node.tail or "")
    return anchors, outside, label_texts


def _has_label_words(rest: str, profile: Profile) -> bool:
    """Words left beside the links that are not separators or printout labels."""
    words = []
    for word in rest.replace(":", " ").replace("(", " ").replace(")", " ").split():
        forms = labels.header_forms(word)
        if forms and all(form in profile.header_roles for form in forms):
            continue
        words.append(word)
    return endpoints.has_words(" ".join(words), ".")


def _is_empty_paragraph(element: etree._Element) -> bool:
    """``<p>`` (or ``div``) holding no text: whitespace and ``<br>`` only."""
    return element.tag in ("p", "div") and is_blank(raw_text(element))
