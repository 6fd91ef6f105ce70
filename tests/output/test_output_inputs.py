"""output.inputs: which files `nora parse` reads, in which order, under which name."""

from __future__ import annotations

from pathlib import Path

import pytest

from output.errors import InputNotFoundError, NoInputError
from output.inputs import find_html_files


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"<p>x</p>")
    return path


def test_folders_are_searched_recursively_and_sorted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [
        "b.html",
        "a/z.HTM",
        "a/b/c.html",
        "a-b.html",
        "A.Html",
        "notes.txt",
        "x.html.bak",
    ]:
        touch(tmp_path / "pages" / name)
    monkeypatch.chdir(tmp_path)
    found = find_html_files(["pages"])
    assert [f.name for f in found] == [
        "pages/A.Html", "pages/a/b/c.html", "pages/a/z.HTM", "pages/a-b.html", "pages/b.html",
    ]  # fmt: skip
    assert all(f.path.is_file() for f in found)


def test_hidden_files_and_folders_are_skipped(tmp_path: Path) -> None:
    touch(tmp_path / ".git" / "x.html")
    touch(tmp_path / ".hidden.html")
    touch(tmp_path / "seen.html")
    assert [Path(f.name).name for f in find_html_files([str(tmp_path)])] == ["seen.html"]


def test_named_files_are_taken_whatever_their_suffix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(tmp_path / "saved.txt")
    touch(tmp_path / "d" / "page.htm")
    monkeypatch.chdir(tmp_path)
    found = find_html_files(["saved.txt", "d", "./d/page.htm"])
    assert [f.name for f in found] == ["d/page.htm", "saved.txt"]  # each file once


def test_absolute_paths_stay_absolute(tmp_path: Path) -> None:
    page = touch(tmp_path / "p.html")
    assert [f.name for f in find_html_files([str(page)])] == [page.as_posix()]


def test_argument_order_does_not_matter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path / "x" / "1.html")
    touch(tmp_path / "y" / "2.html")
    monkeypatch.chdir(tmp_path)
    assert find_html_files(["y", "x"]) == find_html_files(["x", "y"])


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    touch(tmp_path / "ok.html")
    missing = tmp_path / "nope"
    with pytest.raises(InputNotFoundError, match="found nothing there") as caught:
        find_html_files([str(tmp_path / "ok.html"), str(missing)])
    assert caught.value.path == str(missing)


def test_no_html_is_an_error(tmp_path: Path) -> None:
    touch(tmp_path / "readme.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoInputError, match=r"expected \.html or \.htm files"):
        find_html_files([str(tmp_path), str(tmp_path / "empty")])
