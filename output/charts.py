"""The report's plots as inline SVG, drawn with matplotlib (no pyplot, no display).

Labels come from the wiki (element types, relation names), so they are hostile
text: mathtext is off (``$...$`` is shown, never parsed), text goes into the
SVG as ``<text>`` escaped by matplotlib, and :func:`clean_svg` keeps only the
``<svg>`` element with its comments removed. Ids are salted with a fixed string
so the same data gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, cast

import matplotlib
from lxml import etree

matplotlib.use("Agg")  # never a window, whatever the environment says

from matplotlib import rc_context
from matplotlib.figure import Figure

from output.errors import ChartError

_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "nora-report",
    "text.parse_math": False,
    "text.usetex": False,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
#: longest label shown on an axis; the tables next to the charts carry the full text
LABEL_CHARS = 40
COLOURS = ("#2b6cb0", "#c05621", "#2f855a", "#9b2c2c")


def _without_comments(text: str) -> str:
    """``text`` without its ``<!-- ... -->`` comments (an unclosed one is left, and the XML
    parser refuses it). By string search: a lazy regular expression read on to the end
    from every unclosed ``<!--``, quadratic in their number."""
    kept: list[str] = []
    at = 0
    while (start := text.find("<!--", at)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        kept.append(text[at:start])
        at = end + 3
    kept.append(text[at:])
    return "".join(kept)


def clean_svg(svg: str) -> str:
    """The ``<svg>...</svg>`` element alone, comments removed; refuses anything that could
    run or load (a script or foreignObject element, an ``on*`` attribute, a link that is
    not a fragment). Text is not looked at: it is escaped XML, shown as text."""
    start, end = svg.find("<svg"), svg.rfind("</svg>")
    if start < 0 or end < 0:
        raise ChartError("expected an <svg> element, found none")
    body = _without_comments(svg[start : end + len("</svg>")])
    try:
        root = etree.fromstring(body.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as error:
        raise ChartError(f"expected well-formed SVG, found {error}") from None
    for element in root.iter():
        tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if tag in ("script", "foreignObject", "iframe", "a"):
            raise ChartError(f"expected a plain drawing, found a <{tag}> element")
        for name, value in element.attrib.items():
            local = etree.QName(name).localname.lower()
            text = str(value)
            if local.startswith("on") or (local == "href" and not text.startswith("#")):
                raise ChartError(f"expected a plain drawing, found {local}={text[:40]!r}")
    return body


def _short(label: str) -> str:
    label = " ".join(label.split()) or "(none)"
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return clean_svg(buffer.getvalue())


def bars(items: Sequence[tuple[str, int]], title: str = "", *, colour: str = COLOURS[0]) -> str:
    """A horizontal bar chart, largest on top (the report's heading names it)."""
    with rc_context(cast(Any, _RC)):
        height = 0.9 + 0.24 * max(1, len(items))
        figure = Figure(figsize=(6.4, height))
        axes = figure.add_subplot()
        labels = [_short(name) for name, _ in items][::-1]
        values = [count for _, count in items][::-1]
        axes.barh(range(len(values)), values, color=colour)
        axes.set_yticks(range(len(values)), labels)
        if title:
            axes.set_title(title, loc="left")
        for y, value in enumerate(values):
            axes.text(value, y, f" {value:,}", va="center", fontsize=8)
        axes.margins(x=0.12)
        return _svg(figure)


def series(
    labels: Sequence[str],
    lines: dict[str, Sequence[float]],
    stacks: dict[str, Sequence[float]],
    title: str,
) -> str:
    """Lines over snapshots (left axis) above stacked bars of changes (lower panel)."""
    with rc_context(cast(Any, _RC)):
        figure = Figure(figsize=(6.4, 4.2))
        top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        x = list(range(len(labels)))
        for (name, values), colour in zip(lines.items(), COLOURS, strict=False):
            top.plot(x, values, marker="o", markersize=3, label=name, color=colour)
        top.set_title(title, loc="left")
        top.legend(loc="upper left", fontsize=8, frameon=False)
        base = [0.0] * len(labels)
        for (name, values), colour in zip(stacks.items(), COLOURS[1:], strict=False):
            bottom.bar(x, values, bottom=base, label=name, color=colour, width=0.8)
            base = [b + v for b, v in zip(base, values, strict=True)]
        bottom.set_ylabel("pages")
        bottom.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
        step = max(1, len(labels) // 8)
        bottom.set_xticks(x[::step], [_short(label) for label in labels[::step]], rotation=30)
        return _svg(figure)
