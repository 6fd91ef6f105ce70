"""output.manifest: reading, timestamps, digests, completeness."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from output.errors import ManifestError, OutputError
from output.manifest import (
    MANIFEST_NAME,
    build_manifest,
    file_digest,
    is_complete,
    read_manifest,
    utc_timestamp,
    write_manifest,
)


def test_timestamps_are_utc_whole_seconds() -> None:
    cet = timezone(timedelta(hours=1))
    assert (
        utc_timestamp(datetime(2026, 11, 29, 9, 0, 5, 999_999, tzinfo=cet))
        == "2026-11-29T08:00:05Z"
    )
    assert utc_timestamp(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05Z"


def test_file_digest(tmp_path: Path) -> None:
    data = bytes(range(256)) * 1000
    (tmp_path / "f").write_bytes(data)
    assert file_digest(tmp_path / "f") == {
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }


def test_written_manifest_reads_back_complete_last(tmp_path: Path) -> None:
    manifest = build_manifest(
        command="export",
        created_at=datetime(2026, 11, 29, 8, 0, tzinfo=UTC),
        inputs=["https://www.noraonline.nl"],
        extra={"crawl": 3, "ünïcode": "ja"},
        rows={"pages": 2},
        files={"pages.csv": {"sha256": "ab", "bytes": 3}},
    )
    write_manifest(tmp_path, manifest)
    back = read_manifest(tmp_path)
    assert back == manifest and list(back)[-1] == "complete" and is_complete(back)
    assert "ünïcode" in (tmp_path / MANIFEST_NAME).read_text(encoding="utf-8")
    assert not is_complete({k: v for k, v in back.items() if k != "complete"})
    assert not is_complete({**back, "complete": False})
    moved = dict(back)
    moved["zz"] = moved.pop("schema_version")  # complete no longer last
    assert not is_complete(moved)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        (b'{"complete": tr', "expected JSON"),
        (b"[1, 2]", "JSON object, found list"),
        (b"\xff\xfe", "readable UTF-8"),
    ],
)
def test_bad_manifests_are_reported(tmp_path: Path, content: bytes | None, expected: str) -> None:
    if content is not None:
        (tmp_path / MANIFEST_NAME).write_bytes(content)
    with pytest.raises(ManifestError, match=expected) as caught:
        read_manifest(tmp_path)
    assert isinstance(caught.value, OutputError)
    assert caught.value.path == str(tmp_path / MANIFEST_NAME)
