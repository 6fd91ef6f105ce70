"""The snapshot manifest: what made a snapshot, from what, and the checksum of every file.

``complete: true`` is the last key written, after every table file is on disk,
so a manifest that parses and ends with it describes a whole snapshot.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from output.errors import ManifestError
from output.schema import SCHEMA_VERSION
from parsers.profile import NORA, Profile
from parsers.records import PARSER_VERSION

MANIFEST_NAME = "manifest.json"
TOOL_NAME = "nora-archive"


def tool_version() -> str:
    """The installed version of this package ("0+unknown" when run from a bare tree)."""
    try:
        return version(TOOL_NAME)
    except PackageNotFoundError:
        return "0+unknown"


def utc_timestamp(moment: datetime) -> str:
    """``2026-11-29T08:00:00Z``: UTC, whole seconds (naive datetimes are taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def file_digest(path: Path) -> dict[str, Any]:
    """SHA-256 and size of a file, read back from disk after forcing it there."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        size = os.fstat(handle.fileno()).st_size
    return {"sha256": digest, "bytes": size}


def build_manifest(
    *,
    command: str,
    created_at: datetime,
    inputs: Sequence[str],
    extra: Mapping[str, Any],
    rows: Mapping[str, int],
    files: Mapping[str, Mapping[str, Any]],
    profile: Profile = NORA,
) -> dict[str, Any]:
    """The manifest as a dict, keys in the documented order, ``complete`` last.

    ``parser_profile`` names the labels the pages were parsed with: the profile's
    name and the SHA-256 of its values (``parsers.profile.Profile.sha256``).
    """
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": TOOL_NAME,
        "tool_version": tool_version(),
        "parser_version": PARSER_VERSION,
        "parser_profile": {"name": profile.name, "sha256": profile.sha256},
        "command": command,
        "created_at": utc_timestamp(created_at),
        "inputs": list(inputs),
        "extra": dict(extra),
        "tables": {name: {"rows": count} for name, count in rows.items()},
        "files": {name: dict(info) for name, info in files.items()},
        "complete": True,
    }


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` into ``folder`` and force it to disk."""
    path = folder / MANIFEST_NAME
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def read_manifest(folder: Path | str) -> dict[str, Any]:
    """The manifest of a snapshot folder as a dict.

    Raises ManifestError when the file is missing, is not JSON, or is not a
    JSON object. Whether it says ``complete`` is for the caller to judge.
    """
    path = Path(folder) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: expected a manifest, found no such file", path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(
            f"{path}: expected a readable UTF-8 manifest, found {error}", path
        ) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestError(f"{path}: expected JSON, found {error}", path) from error
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: expected a JSON object, found {type(data).__name__}", path)
    return data


def is_complete(manifest: Mapping[str, Any]) -> bool:
    """True when the manifest ends with ``"complete": true`` (the writer's last step)."""
    keys = list(manifest)
    return bool(keys) and keys[-1] == "complete" and manifest["complete"] is True
