"""The layout's one rule: dependencies point one way, commands -> scraper -> output -> parsers.

Inside ``scraper`` the rooms follow the same rule, crawl -> snapshot -> archive -> net ->
its top-level modules (``errors``, ``clock``, ``coding``), and no modules import each
other in a circle. Read from the source with ``ast`` (every ``import``, at the top or
inside a function), so a lazy import against the direction fails here too, before
anyone runs it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: each package may import itself and the packages after it, never those before it
LAYERS = ("commands", "scraper", "output", "parsers")


def imported(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every absolute import in a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def violations(root: Path = ROOT) -> list[str]:
    """``path:line: package imports package`` for each import against the direction."""
    found = []
    for rank, package in enumerate(LAYERS):
        upstream = set(LAYERS[:rank])
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for line, name in imported(tree):
                if name in upstream:
                    where = path.relative_to(root)
                    found.append(f"{where}:{line}: {package} imports {name}")
    return found


#: the rooms of ``scraper``: each may import itself and the rooms after it; the modules
#: directly in ``scraper/`` (the base) import only each other
SCRAPER_ROOMS = ("crawl", "snapshot", "archive", "net")


def _module(path: Path, root: Path) -> str:
    name = ".".join(path.relative_to(root).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _scraper_imports(root: Path) -> Iterator[tuple[str, int, str]]:
    """(module, line, imported scraper module or package) of each import inside
    ``scraper``, type-only ones included; ``from scraper.x import y`` names
    ``scraper.x.y`` when that is a module."""
    modules = {_module(p, root) for p in (root / "scraper").rglob("*.py")}
    for path in sorted((root / "scraper").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif node.level == 0 and node.module:
                subs = [f"{node.module}.{alias.name}" for alias in node.names]
                modules_named = [n for n in subs if n in modules]
                # "from scraper.net import client" imports the module; else the names
                names = modules_named if len(modules_named) == len(subs) else [node.module]
            for name in names:
                if name.split(".")[0] == "scraper":
                    yield _module(path, root), node.lineno, name


def _room(module: str) -> int:
    """The rank of a scraper module's room (the base ranks after every room)."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in SCRAPER_ROOMS:
        return SCRAPER_ROOMS.index(parts[1])
    return len(SCRAPER_ROOMS)


def scraper_violations(root: Path = ROOT) -> list[str]:
    """``module:line: imports module`` for each import against the rooms' direction."""
    found = []
    for module, line, name in _scraper_imports(root):
        if _room(name) < _room(module) and not name.startswith(module + "."):
            found.append(f"{module}:{line}: imports {name}")
    return found


def scraper_cycles(root: Path = ROOT) -> list[list[str]]:
    """The circles of modules inside ``scraper`` importing each other, at run time or
    only for the type checker (a circle either way: the modules cannot be read apart)."""
    graph: dict[str, set[str]] = {}
    for module, _line, name in _scraper_imports(root):
        graph.setdefault(module, set())
        if name != module and not module.startswith(name + "."):
            graph[module].add(name)
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        order[node] = low[node] = len(order)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            part = []
            while True:
                top = stack.pop()
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                circles.append(sorted(part))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return sorted(circles)


def test_dependencies_point_one_way() -> None:
    assert violations() == []


def test_scraper_rooms_point_one_way_without_circles() -> None:
    assert scraper_violations() == []
    assert scraper_cycles() == []


def test_the_scraper_check_sees_an_import_up_and_a_circle(tmp_path: Path) -> None:
    package = tmp_path / "scraper"
    for room in SCRAPER_ROOMS:
        (package / room).mkdir(parents=True)
        (package / room / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "errors.py").write_text("")
    (package / "net" / "client.py").write_text(
        "from scraper.errors import X\n\ndef f():\n    from scraper.archive.warc import W\n"
    )
    (package / "archive" / "warc.py").write_text("from scraper.net import client\n")
    (package / "crawl" / "a.py").write_text(
        "from typing import TYPE_CHECKING\nfrom scraper.crawl.b import B\n"
        "if TYPE_CHECKING:\n    from scraper.snapshot.c import C\n"
    )
    (package / "crawl" / "b.py").write_text("import scraper.crawl.a\n")
    (package / "snapshot" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from scraper.crawl.a import A\n"
    )
    assert scraper_violations(tmp_path) == [
        "scraper.net.client:4: imports scraper.archive.warc",
        "scraper.snapshot.c:3: imports scraper.crawl.a",
    ]
    assert scraper_cycles(tmp_path) == [
        ["scraper.archive.warc", "scraper.net.client"],
        ["scraper.crawl.a", "scraper.crawl.b", "scraper.snapshot.c"],
    ]


def test_the_check_sees_a_lazy_import_against_the_direction(tmp_path: Path) -> None:
    for package in LAYERS:
        (tmp_path / package).mkdir()
    (tmp_path / "output" / "bad.py").write_text(
        "from parsers import parse_page\n\ndef f():\n    import scraper.net.client\n"
    )
    assert violations(tmp_path) == ["output/bad.py:4: output imports scraper"]


def _outside_the_trees() -> list[str]:
    """Every exception class defined in a package and not under that package's root."""
    import importlib
    import inspect
    import pkgutil

    from commands.errors import CommandError
    from output.errors import OutputError
    from parsers.errors import ParserError
    from scraper.errors import ScraperError

    roots: dict[str, type[BaseException]] = {
        "commands": CommandError, "scraper": ScraperError,
        "output": OutputError, "parsers": ParserError,
    }  # fmt: skip
    found = []
    for package, root in roots.items():
        names = [package] + [
            info.name
            for info in pkgutil.walk_packages(
                importlib.import_module(package).__path__, f"{package}."
            )
        ]
        for name in names:
            module = importlib.import_module(name)
            for attr, value in vars(module).items():
                if (
                    inspect.isclass(value)
                    and issubclass(value, BaseException)
                    and value.__module__ == module.__name__
                    and not attr.startswith("_")  # a module's own control flow, drawn in its tree
                    # an invariant check (a bug when it fails), drawn beside its tree
                    and not issubclass(value, (root, AssertionError))
                ):
                    found.append(f"{name}.{attr}")
    return found


def test_every_error_class_is_in_its_packages_tree() -> None:
    assert _outside_the_trees() == []
