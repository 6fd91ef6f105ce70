"""Where a page shows SMW's own data: facts in, the labels around them out.

``nora calibrate`` learns a wiki's profile from the wiki itself. For each sampled page
it has the rendered HTML and SMW's data (``parsers.facts``); this module finds, in the
HTML, the element that shows each property value and each relation object, and reads
the labels around it:

- a property value is shown by the element whose text equals the value after
  whitespace is normalised (dates and numbers also as SMW writes them; a page value
  as a link to the target title; a URL as a link to it). Beside it stands its label:
  the row's first cell (``<th>Label</th><td>value</td>``), the ``<dt>`` before a
  ``<dd>``, the text before it on its line ("Label: value"), or the element just
  before it (a grid of label and value boxes);
- a relation object (an SMW subobject: source page, relation name, target pages) is
  shown by a table row or list item holding links to its source and to a target; the
  page is the source of its direct relations and the target of its derived ones. The
  columns holding the source, the name and the target give the header texts;
- the block of a value or a relation is named by the caption of its table, else by
  the heading before it;
- the page's first image (its file name) and its element type as SMW holds it: on
  wikis whose icons are named after the element type, that is how a page whose
  properties do not show its type names it.

Pure: text in, frozen records out. What SMW holds that the page does not show at all
is listed (``unshown``), not guessed at; ``parsers.calibration`` votes over the pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

import lxml.html
from lxml import etree

from parsers import labels
from parsers.facts import DATE, NUMBER, PAGE, URI
from parsers.labels import fold
from parsers.links import Target, classify
from parsers.records import FactRecord

DIRECT, DERIVED = labels.DIRECT, labels.DERIVED
#: how SMW writes a month in a Dutch wiki's dates (and the English names, for others)
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CELLS = frozenset({"td", "th"})
#: elements that end a line of text ("Label: value" is read within one line)
_LINE_BREAKS = frozenset({"br", "p", "div", "li", "dd", "dt", "tr", "table", "ul", "ol", "dl"})
_ROWS = frozenset({"tr", "li"})


@dataclass(frozen=True, slots=True)
class RelationObject:
    """One SMW relation object: a subobject naming a source, a relation and targets."""

    subject: str  # "Page#_hash"
    source: str
    name: str
    targets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ValueSighting:
    """A property value found on its page: the SMW property, its label, its block."""

    property: str
    value: str  # as SMW holds it (a page value: the target title)
    label: str  # "" when nothing beside the value reads as a label
    heading: str  # the caption or heading of the block showing it ("" for none)


@dataclass(frozen=True, slots=True)
class RelationSighting:
    """A relation object found on a page as a row: its block and column headers."""

    kind: str  # DIRECT: the page is the source; DERIVED: the page is the target
    source: str
    name: str  # the relation's name as SMW holds it
    target: str
    heading: str
    source_header: str
    relation_header: str
    target_header: str
    #: the relation's name when it heads its own list (the older relation lists), else ""
    relation_name: str = ""


@dataclass(frozen=True, slots=True)
class PageAlignment:
    """What one page shows of SMW's data, and where (module docstring)."""

    title: str
    element_type: str
    values: tuple[ValueSighting, ...]
    relations: tuple[RelationSighting, ...]
    #: "property = value" or "kind: source -> target" SMW holds and the page does not show
    unshown: tuple[str, ...]
    #: the file name (stem) of the page's first image: an element type's icon on many wikis
    icon: str = ""
    #: the page's element type as SMW holds it, and the SMW property holding it ("" none)
    smw_type: str = ""
    type_property: str = ""
    #: the page's headings (whatever stands under them)
    headings: tuple[str, ...] = ()


# -- relation objects ------------------------------------------------------------------


def page_of(subject: str) -> str:
    return subject.split("#", 1)[0]


def relation_triple(facts: Iterable[FactRecord]) -> tuple[str, str, str] | None:
    """(source, name, target) properties of the wiki's relation objects: the commonest
    shape of a subobject holding a page value that is its own page, a text and other
    page values. Extra properties on a relation object do not hide it; when a second
    text (a Toelichting) is as common as the name, the name is the one with fewer
    distinct values (relation names are a small vocabulary)."""
    shapes: Counter[tuple[str, str, str]] = Counter()
    texts: dict[str, set[str]] = {}
    for subject, values in _subobjects(facts).items():
        page = page_of(subject)
        sources = _first({f.property for f in values if f.type == PAGE and f.target == page})
        names = _first({f.property for f in values if f.type not in (PAGE, URI, NUMBER, DATE)})
        targets = _first({f.property for f in values if f.type == PAGE and f.target != page})
        for f in values:
            if f.property in names:
                texts.setdefault(f.property, set()).add(f.value)
        for shape in ((s, n, t) for s in sources for n in names for t in targets if s != t):
            shapes[shape] += 1
    if not shapes:
        return None
    return max(sorted(shapes), key=lambda shape: (shapes[shape], -len(texts[shape[1]])))


#: a subobject is read as a relation object by its first few properties of each kind
#: (real ones hold three or four): a crafted one with thousands costs no cubic time
SHAPE_CANDIDATES = 8


def _first(properties: set[str]) -> list[str]:
    return sorted(properties)[:SHAPE_CANDIDATES]


def _subobjects(facts: Iterable[FactRecord]) -> dict[str, list[FactRecord]]:
    out: dict[str, list[FactRecord]] = {}
    for fact in facts:
        if "#" in fact.subject:
            out.setdefault(fact.subject, []).append(fact)
    return out


def relation_objects(
    facts: Iterable[FactRecord], triple: tuple[str, str, str]
) -> tuple[RelationObject, ...]:
    """The relation objects among ``facts`` (subobjects of the ``triple``'s shape)."""
    source_p, name_p, target_p = triple
    found = []
    for subject, values in _subobjects(facts).items():
        sources = [f.target for f in values if f.property == source_p and f.target]
        names = [f.value for f in values if f.property == name_p]
        targets = tuple(f.target for f in values if f.property == target_p and f.target)
        if sources and names and targets:
            found.append(RelationObject(subject, sources[0], names[0], targets))
    return tuple(found)


# -- the page's tree -------------------------------------------------------------------


def _text(element: etree._Element) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


class _Tree:
    """The content area of one page, noise removed, with each element's block heading."""

    def __init__(self, html: bytes | str, title: str) -> None:
        self.title = title
        self.root = _content(html)
        self.texts: dict[etree._Element, str] = {}
        #: the headings in force at each element, outermost first (h2, then its h3, ...)
        self.headings: dict[etree._Element, tuple[str, ...]] = {}
        stack: list[tuple[int, str]] = []
        for element in self.root.iter(etree.Element):
            if element.tag in _HEADINGS:
                headline = element.find(".//span[@class='mw-headline']")
                level = int(element.tag[1])
                stack = [(lv, text) for lv, text in stack if lv < level]
                stack.append((level, _text(headline if headline is not None else element)))
            self.headings[element] = tuple(text for _lv, text in stack)
        #: the links to each page (folded title) and to each URL, in document order
        self.to_page: dict[str, list[etree._Element]] = {}
        self.to_url: dict[str, list[etree._Element]] = {}
        for anchor in self.root.iter("a"):
            target = classify(anchor, title)
            if isinstance(target, Target):
                self.to_page.setdefault(fold(target.title), []).append(anchor)
            elif target is not None:
                self.to_url.setdefault(target, []).append(anchor)
        #: each element's place in document order (the indexes below keep it)
        self.position = {e: i for i, e in enumerate(self.headings)}
        self._by_text: dict[str, list[etree._Element]] | None = None
        self._by_tail: dict[str, list[tuple[etree._Element, etree._Element, bool]]] | None = None

    def showing_text(self, forms: frozenset[str]) -> list[etree._Element]:
        """The innermost elements whose text is one of ``forms``, in document order.

        Every element's text is indexed once per page, so a page with many values costs
        one pass over its elements, not one per value."""
        if self._by_text is None:
            self._by_text = {}
            for element in self.root.iter(etree.Element):
                self._by_text.setdefault(self.text(element), []).append(element)
        found = [e for form in forms for e in self._by_text.get(form, ())]
        if len(forms) > 1:  # one list per form (an element's text is in one): back in order
            found.sort(key=self.position.__getitem__)
        return [e for e in found if not any(self.text(c) in forms for c in e)]

    def after_text(
        self, forms: frozenset[str]
    ) -> list[tuple[etree._Element, etree._Element, bool]]:
        """(element, child, tail starts with ":") for each child whose tail, a colon
        and spaces set aside, is one of ``forms``; indexed once per page, in order."""
        if self._by_tail is None:
            self._by_tail = {}
            for element in self.root.iter(etree.Element):
                for child in element:
                    tail = " ".join((child.tail or "").split())
                    key = tail.lstrip(":").strip()
                    self._by_tail.setdefault(key, []).append((element, child, tail.startswith(":")))
        found = [hit for form in forms for hit in self._by_tail.get(form, ())]
        if len(forms) > 1:  # a child's tail is under one key: back in the order walked
            found.sort(key=lambda hit: (self.position[hit[0]], self.position[hit[1]]))
        return found

    def text(self, element: etree._Element) -> str:
        known = self.texts.get(element)
        if known is None:
            known = self.texts[element] = _text(element)
        return known

    def block_heading(self, element: etree._Element) -> str:
        """The caption of the table holding ``element``, else the heading before it."""
        for ancestor in element.iterancestors("table"):
            caption = ancestor.find("caption")
            if caption is not None and self.text(caption):
                return self.text(caption)
            break
        headings = self.headings.get(element, ())
        return headings[-1] if headings else ""

    def in_heading(self, element: etree._Element) -> bool:
        return element.tag in _HEADINGS or any(a.tag in _HEADINGS for a in element.iterancestors())


def first_image_stem(root: etree._Element) -> str:
    """The file name, without extension or thumbnail prefix, of the first image."""
    image = next(root.iter("img"), None)
    if image is None:
        return ""
    name = (image.get("src") or "").split("?", 1)[0].rsplit("/", 1)[-1]
    name = unquote(name).split(":", 1)[-1]
    name = labels.THUMB_PREFIX_RE.sub("", name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return " ".join(stem.replace("_", " ").split())


def _content(html: bytes | str) -> etree._Element:
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    try:
        document = lxml.html.document_fromstring(html or "<html></html>")
    except (etree.ParserError, ValueError):
        document = lxml.html.document_fromstring("<html></html>")
    found = document.find(f".//*[@id='{labels.CONTENT_TEXT_ID}']")
    root: etree._Element = found if found is not None else document
    for element in list(root.iter(etree.Element)):
        if element.getparent() is None:
            continue
        classes = set((element.get("class") or "").split())
        if (
            element.tag in labels.NOISE_TAGS
            or element.get("id") in labels.NOISE_IDS
            or not classes.isdisjoint(labels.NOISE_CLASSES)
            or not classes.isdisjoint(labels.NOISE_DIV_CLASSES)
        ):
            _drop(element)
    for br in root.iter("br"):  # a line break separates words
        br.tail = " " + (br.tail or "")
    return root


def _drop(element: etree._Element) -> None:
    """Remove ``element`` and its text, keeping the text after it (lxml's drop_tree)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        before = element.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


# -- values ----------------------------------------------------------------------------


def value_forms(fact: FactRecord) -> frozenset[str]:
    """The texts a page may show a (non-page) value as: SMW's own forms of it."""
    value = " ".join(fact.value.split())
    forms = {value}
    if fact.date is not None:
        day = fact.date
        for months in (MONTHS_NL, MONTHS_EN):
            month = months[day.month - 1]
            forms |= {f"{day.day} {month} {day.year}", f"{day.day} {month.lower()} {day.year}"}
        forms |= {f"{day.day:02d}-{day.month:02d}-{day.year}", f"{day.day}-{day.month}-{day.year}",
                  f"{day.day:02d}/{day.month:02d}/{day.year}", day.isoformat()}  # fmt: skip
    if fact.number is not None:
        number = fact.number
        plain = str(int(number)) if number == int(number) else repr(number)
        forms |= {plain, plain.replace(".", ","), f"{number:,.0f}".replace(",", ".")}
    return frozenset(f for f in forms if f)


def _showing(tree: _Tree, fact: FactRecord) -> list[etree._Element]:
    """Elements showing the value, the innermost first; each widened to its cell (the
    outermost ancestor with the same text)."""
    found: list[etree._Element] = []
    if fact.type == PAGE and fact.target:
        found = list(tree.to_page.get(fold(fact.target), ()))
    elif fact.type == URI:
        found = list(tree.to_url.get(fact.value, ()))
    if not found:
        found = tree.showing_text(value_forms(fact))
    cells = []
    for element in found:
        if tree.in_heading(element):
            continue
        text = tree.text(element)
        while (
            (parent := element.getparent()) is not None
            and parent is not tree.root
            and element.tag not in _CELLS
            and tree.text(parent) == text
        ):
            element = parent
        cells.append(element)
    return cells


def _after_labels(tree: _Tree, fact: FactRecord) -> list[tuple[str, str]]:
    """(label, block heading) of a value written as text after its label on one line
    ("<b>Label:</b> value", "<b>Label</b>: value"): the value is no element of its own."""
    if fact.type == PAGE:
        return []
    forms = value_forms(fact)
    found = []
    for element, child, colon in tree.after_text(forms):
        line = " ".join((_line_before(element, child) + " " + tree.text(child)).split())
        if line.endswith(":") or colon:
            label = _clean_label(line)
            if label:
                found.append((label, tree.block_heading(child)))
    return found


def _label(tree: _Tree, cell: etree._Element) -> str:
    """The label shown beside a value's cell ("" when none reads as one)."""
    node: etree._Element | None = cell
    while node is not None and node is not tree.root:
        if node.tag in _CELLS:
            row = node.getparent()
            cells = [c for c in row if c.tag in _CELLS] if row is not None else []
            if node in cells and cells.index(node) > 0:
                return _clean_label(tree.text(cells[0]))
            return ""
        if node.tag == "dd":
            before = node.getprevious()
            while before is not None and before.tag != "dt":
                before = before.getprevious()
            return _clean_label(tree.text(before)) if before is not None else ""
        if node.tag in _LINE_BREAKS or node.tag == "span":
            line = _line_before(node, cell)
            if line.endswith(":"):  # "Label: value" on one line
                return _clean_label(line)
            if line:
                return ""
            before = node.getprevious() if node is cell else None
            if before is not None and before.tag != "br" and tree.text(before):
                return _clean_label(tree.text(before))  # a grid: label box, value box
        node = node.getparent()
    return ""


def _line_before(container: etree._Element, cell: etree._Element) -> str:
    """Text of ``container`` before ``cell`` on the same line."""
    parts: list[str] = []

    def walk(element: etree._Element) -> bool:  # True once ``cell`` is reached
        if element is cell:
            return True
        if element is not container and element.tag in _LINE_BREAKS:
            parts.clear()
        elif element.text:
            parts.append(element.text)
        for child in element:
            if walk(child):
                return True
            if child.tag in _LINE_BREAKS:
                parts.clear()
            if child.tail:
                parts.append(child.tail)
        return False

    if container is cell:
        return ""
    return " ".join("".join(parts).split()) if walk(container) else ""


def _clean_label(text: str) -> str:
    text = " ".join(text.split()).strip().rstrip(":").strip()
    if (
        not text
        or len(text) > labels.MAX_LABEL_LENGTH
        or len(text.split()) > labels.MAX_LABEL_WORDS
    ):
        return ""
    return text


# -- relations -------------------------------------------------------------------------


def _links_to(tree: _Tree, element: etree._Element, title: str) -> list[etree._Element]:
    want = fold(title)
    return [
        a
        for a in element.iter("a")
        if isinstance(t := classify(a, tree.title), Target) and fold(t.title) == want
    ]


def _rows_for(tree: _Tree, source: str, target: str, name: str) -> list[etree._Element]:
    """Innermost rows or list items holding links to both ``source`` and ``target``,
    those holding the relation's name too first."""
    rows: list[etree._Element] = []
    for anchor in tree.to_page.get(fold(target), ()):
        for row in anchor.iterancestors(*_ROWS):
            sources = _links_to(tree, row, source)
            if sources and (source != target or len(sources) > 1):
                if row not in rows:
                    rows.append(row)
                break
    return sorted(rows, key=lambda row: fold(name) not in fold(tree.text(row)))


def _column(row: etree._Element, anchor_holder: etree._Element) -> int | None:
    cells = [c for c in row if c.tag in _CELLS]
    for index, cell in enumerate(cells):
        if cell is anchor_holder or any(a is anchor_holder for a in cell.iterdescendants()):
            return index
    return None


def _headers(row: etree._Element) -> list[str]:
    """The header texts of the table holding ``row`` (its first all-``th`` row)."""
    table = next(row.iterancestors("table"), None)
    if table is None:
        return []
    for candidate in table.iter("tr"):
        if candidate is row:
            return []
        if next(candidate.iterancestors("table"), None) is not table:
            continue
        cells = [c for c in candidate if c.tag in _CELLS]
        if cells and all(c.tag == "th" for c in cells) and len(cells) > 1:
            return [_text(c) for c in cells]
    return []


def _relation_sighting(
    tree: _Tree, obj: RelationObject, target: str, kind: str
) -> RelationSighting | None:
    for row in _rows_for(tree, obj.source, target, obj.name):
        sighting = _row_sighting(tree, row, obj, target, kind)
        if sighting is not None:
            return sighting
    return _listed_under_name(tree, obj, target, kind)


def _row_sighting(
    tree: _Tree, row: etree._Element, obj: RelationObject, target: str, kind: str
) -> RelationSighting | None:
    """The row's block and headers; None for a table row that does not hold the source
    and the target in two columns, the source first: the reverse relation's row, or a
    row listing both among the endpoints of another source (a derived table's
    "Eindpunt" cell holding the page beside its siblings)."""
    source_header = relation_header = target_header = ""
    if row.tag == "tr":
        headers = _headers(row)
        cells = [c for c in row if c.tag in _CELLS]
        columns: dict[str, int] = {}
        for role, title in (("source", obj.source), ("target", target)):
            anchors = _links_to(tree, row, title)
            if obj.source == target:  # a relation of the page to itself: first, last
                anchors = anchors[:1] if role == "source" else anchors[-1:]
            for anchor in anchors:
                column = _column(row, anchor)
                if column is not None and (role != "target" or column != columns.get("source")):
                    columns[role] = column
                    break
        if "source" not in columns or "target" not in columns:
            return None
        if columns["source"] > columns["target"]:
            return None
        for index, cell in enumerate(cells):
            if fold(_text(cell)) == fold(obj.name):
                columns["relation"] = index
        if len(headers) == len(cells):
            source_header = headers[columns["source"]] if "source" in columns else ""
            relation_header = headers[columns["relation"]] if "relation" in columns else ""
            target_header = headers[columns["target"]] if "target" in columns else ""
    heading, named = _relation_heading(tree, row, obj.name)
    return RelationSighting(
        kind, obj.source, obj.name, target, heading, source_header, relation_header,
        target_header, named,
    )  # fmt: skip


def _relation_heading(tree: _Tree, row: etree._Element, name: str) -> tuple[str, str]:
    """(block heading, relation name heading): a heading naming the relation itself
    heads a list inside the block, whose own heading is the one before it."""
    headings = tree.headings.get(row, ())
    if headings and fold(headings[-1]) == fold(name) and tree.block_heading(row) == headings[-1]:
        return (headings[-2] if len(headings) > 1 else ""), headings[-1]
    return tree.block_heading(row), ""


def _listed_under_name(
    tree: _Tree, obj: RelationObject, target: str, kind: str
) -> RelationSighting | None:
    """A link to the target in a list headed by the relation's name (the source implied)."""
    if kind != DIRECT:
        return None
    for anchor in tree.to_page.get(fold(target), ()):
        headings = tree.headings.get(anchor, ())
        if headings and fold(headings[-1]) == fold(obj.name):
            outer = headings[-2] if len(headings) > 1 else ""
            return RelationSighting(
                kind, obj.source, obj.name, target, outer, "", "", "", headings[-1]
            )
    return None


# -- one page --------------------------------------------------------------------------


def align_page(
    html: bytes | str,
    title: str,
    facts: Sequence[FactRecord],
    relations: Sequence[RelationObject],
    triple: tuple[str, str, str] | None,
    element_type: str = "",
    type_properties: Collection[str] = (),
) -> PageAlignment:
    """Where ``html`` (the page ``title``) shows its own property values (``facts`` of
    the page itself) and the relation objects it is the source or a target of
    (``relations``, from any sampled page's facts); with the page's first image and
    its element type as SMW holds it (the value of a property ``type_properties``
    names, folded)."""
    tree = _Tree(html, title)
    typed = [f for f in facts if "#" not in f.subject and fold(f.property) in type_properties]
    smw_type = (typed[0].target or typed[0].value) if typed else ""
    type_property = typed[0].property if typed else ""
    relation_properties = set(triple or ())
    values: list[ValueSighting] = []
    unshown: list[str] = []
    for fact in facts:
        if "#" in fact.subject or fact.property in relation_properties:
            continue
        sightings = [
            ValueSighting(
                fact.property,
                fact.target or fact.value,
                _label(tree, cell),
                tree.block_heading(cell),
            )
            for cell in _showing(tree, fact)
        ]
        labelled = [s for s in sightings if s.label and fold(s.label) != fold(fact.value)]
        labelled += [
            ValueSighting(fact.property, fact.target or fact.value, label, heading)
            for label, heading in _after_labels(tree, fact)
        ]
        if labelled:
            values.append(labelled[0])
        else:
            unshown.append(f"{fact.property} = {fact.value}")
    shown: list[RelationSighting] = []
    for obj in relations:
        pairs: Iterator[tuple[str, str]] = iter(())
        if obj.source == title:
            pairs = ((DIRECT, t) for t in obj.targets)
        elif title in obj.targets:
            pairs = iter(((DERIVED, title),))
        for kind, target in pairs:
            sighting = _relation_sighting(tree, obj, target, kind)
            if sighting is None:
                unshown.append(f"{kind}: {obj.source} -{obj.name}-> {target}")
            else:
                shown.append(sighting)
    headings = tuple(dict.fromkeys(stack[-1] for stack in tree.headings.values() if stack))
    icon = first_image_stem(tree.root)
    return PageAlignment(title, element_type, tuple(values), tuple(shown), tuple(unshown),
                         icon, smw_type, type_property, headings)  # fmt: skip


def relations_by_page(
    facts: Mapping[str, Sequence[FactRecord]], triple: tuple[str, str, str] | None
) -> dict[str, tuple[RelationObject, ...]]:
    """Per sampled title, the relation objects it is the source or a target of."""
    if triple is None:
        return {title: () for title in facts}
    every = [obj for page in facts.values() for obj in relation_objects(page, triple)]
    out: dict[str, list[RelationObject]] = {title: [] for title in facts}
    for obj in every:
        if obj.source in out:
            out[obj.source].append(obj)
        for target in set(obj.targets):
            if target in out and target != obj.source:
                out[target].append(obj)
    return {title: tuple(objs) for title, objs in out.items()}
