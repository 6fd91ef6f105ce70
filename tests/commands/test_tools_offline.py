"""The archivist's, editor's, operator's and analyst's commands never touch the network.

Each runs in-process with the socket layer cut off (as in test_no_network), on a
data folder made as a crawl leaves it: two crawls archived, two snapshots published.
"""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

import pytest

from commands.cli import main
from commands.exits import ExitStatus
from tests.history_factory import START, archive_crawl, make_page, synthetic_page, write_snapshot
from tests.offline import NetworkUsed, cut_network


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    cut_network(monkeypatch)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    archive_crawl(data, [synthetic_page(n) for n in range(3)], when=START)
    archive_crawl(data, [synthetic_page(1, version=2)], unchanged=[synthetic_page(0)[0],
                  synthetic_page(2)[0]], when=START + timedelta(days=1))  # fmt: skip
    write_snapshot(data, [make_page("A", relations=[("direct", "r", "B")])], when=START)
    write_snapshot(data, [make_page("A"), make_page("B")], when=START + timedelta(days=1))
    return data


def test_guard_really_blocks(offline: None) -> None:
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))


@pytest.mark.parametrize(
    "args",
    [
        ["package", "--out", "{tmp}/p.wacz"],
        ["show", synthetic_page(1)[0]],
        ["show", synthetic_page(0)[0], "--records"],
        ["report", "--out", "{tmp}/r.html"],
        ["graph", "--out", "{tmp}/g.ttl"],
        ["status", "--max-age", "1000000"],
    ],
    ids=lambda args: "-".join(a for a in args if not a.startswith("{")),
)
def test_command_runs_offline(
    data: Path, tmp_path: Path, offline: None, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args] + ["--data", str(data)]
    assert main(argv) == ExitStatus.OK, capsys.readouterr().err
