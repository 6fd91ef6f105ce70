"""What one run of ``nora crawl`` did, and the one line it prints at the end."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from output.status import ExitStatus
from scraper.plan import Plan


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    """What a run did; ``summary()`` is the one line printed at the end."""

    status: ExitStatus
    message: str
    crawl_id: int | None = None
    snapshot_dir: Path | None = None
    listed: int = 0
    fetched: int = 0
    failed: int = 0
    gone: int = 0
    kept_previous: int = 0
    missing: int = 0
    warnings: int = 0
    requests: int = 0
    seconds: float = 0.0
    plan: Plan | None = None

    def summary(self) -> str:
        parts = [
            f"crawl {self.crawl_id}" if self.crawl_id is not None else "crawl",
            self.status.name,
            f"listed {self.listed}",
            f"fetched {self.fetched}",
            f"failed {self.failed}",
        ]
        if self.gone:
            parts.append(f"gone {self.gone}")
        if self.kept_previous:
            parts.append(f"kept previous {self.kept_previous}")
        if self.missing:
            parts.append(f"missing {self.missing}")
        parts += [f"requests {self.requests}", f"{self.seconds:.1f}s"]
        if self.snapshot_dir is not None:
            parts.append(f"snapshot {self.snapshot_dir}")
        return "nora crawl: " + ", ".join(parts) + (f" - {self.message}" if self.message else "")
