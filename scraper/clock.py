"""The clock and the one timestamp format of the archive and the tables (UTC, whole seconds)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    """``2026-11-29T08:00:00Z``: the one timestamp format of the archive and the tables."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
