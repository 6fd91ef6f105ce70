"""The layout's one rule: dependencies point one way, commands -> scraper -> output -> parsers.

Read from the source with ``ast`` (every ``import``, at the top or inside a function),
so a lazy import against the direction fails here too, before anyone runs it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def test_dependencies_point_one_way() -> None:
    assert violations() == []


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
