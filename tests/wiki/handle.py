"""A handle on one running test wiki, as the pytest fixtures hand it to tests.

``LoopbackWiki`` knows where the wiki lives and what it holds (the ground truth), counts
requests through the router's access log, and - for throwaway clones only - changes
pages through ``control.WikiControl``. The shared session wiki is read-only: a test that
edits it would change what every other test sees.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.wiki.compare import page_url
from tests.wiki.control import Relations, WikiControl

SCRIPT = Path(__file__).with_name("testwiki.sh")
#: background removals of destroyed clones' folders (``LoopbackWiki.destroy``)
_REMOVALS: list[subprocess.Popen[bytes]] = []


class WikiUnavailable(RuntimeError):
    """The wiki could not be brought up (message says why; the fixture skips or fails)."""


def run_script(command: list[str], env: dict[str, str], timeout: float = 900) -> str:
    """Run testwiki.sh; returns the last stdout line (the base URL for up/clone)."""
    done = subprocess.run(
        ["bash", str(SCRIPT), *command],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if done.returncode != 0:
        raise WikiUnavailable(
            f"testwiki.sh {' '.join(command)} failed (exit {done.returncode}): "
            f"{done.stderr[-2000:]}"
        )
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LoopbackWiki:
    dir: Path
    base_url: str
    mutable: bool = False
    _truth: dict[str, Any] | None = field(default=None, repr=False)
    _control: WikiControl | None = field(default=None, repr=False)

    @property
    def api_url(self) -> str:
        return self.base_url + "/api.php"

    @property
    def access_log(self) -> Path:
        return self.dir / "access.log"

    @property
    def truth(self) -> dict[str, Any]:
        """{"meta": {...}, "pages": [...]}: see tests/wiki/README.md."""
        if self._truth is None:
            self._truth = json.loads((self.dir / "corpus" / "truth.json").read_text("utf-8"))
        return self._truth

    @property
    def pages(self) -> int:
        """N: the number of generated element pages (tricky pages come on top)."""
        return int(self.truth["meta"]["pages"])

    def truth_page(self, title: str) -> dict[str, Any]:
        for page in self.truth["pages"]:
            if page["title"] == title:
                return dict(page)
        raise KeyError(f"no page {title!r} in the ground truth")

    def url(self, title: str, *, follow: bool = True) -> str:
        return page_url(self.base_url, title, follow=follow)

    def log_mark(self) -> int:
        """Bytes in the access log now; pass to ``requests_since`` to count what follows."""
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def requests_since(self, mark: int) -> list[str]:
        with self.access_log.open("rb") as fh:
            fh.seek(mark)
            return fh.read().decode("utf-8", "replace").splitlines()

    # --- changes (throwaway clones only) -------------------------------------------------

    def control(self) -> WikiControl:
        if not self.mutable:
            raise PermissionError(
                "the shared session wiki is read-only: use the scratch_wiki fixture to change pages"
            )
        if self._control is None:
            self._control = WikiControl(self.dir)
        return self._control

    def _changed(self, saved: list[str]) -> list[str]:
        self._truth = None
        return saved

    @property
    def affected(self) -> list[str]:
        """Every page whose ground truth the last change altered (saved or not)."""
        return list(self.control().affected)

    def edit_page(self, title: str, text: str) -> list[str]:
        return self._changed(self.control().edit_page(title, text))

    def touch_page(self, title: str, sentence: str = "Deze pagina is bijgewerkt.") -> list[str]:
        return self._changed(self.control().touch_page(title, sentence))

    def set_relations(self, title: str, relations: Relations) -> list[str]:
        return self._changed(self.control().set_relations(title, relations))

    def add_page(
        self, title: str, element_type: str = "Bouwsteen", relations: Relations | None = None
    ) -> list[str]:
        return self._changed(self.control().add_page(title, element_type, relations))

    def delete_page(self, title: str) -> list[str]:
        return self._changed(self.control().delete_page(title))

    def move_page(self, old: str, new: str, *, redirect: bool = True) -> list[str]:
        return self._changed(self.control().move_page(old, new, redirect=redirect))

    def destroy(self) -> None:
        """Stop a clone and remove its folder (never the shared wiki)."""
        if not self.mutable:
            raise PermissionError("refusing to destroy the shared session wiki")
        env = {"WIKI_DIR": str(self.dir), "WIKI_PORT": self.base_url.rsplit(":", 1)[1]}
        run_script(["down"], env, timeout=60)
        # a clone is some 300 MB in many small files: several seconds to remove, so it is
        # renamed out of the way and removed in the background (waited for at exit)
        trash = self.dir.with_name(self.dir.name + ".removing")
        try:
            self.dir.rename(trash)
        except OSError:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            _REMOVALS.append(subprocess.Popen(["rm", "-rf", "--", str(trash)]))
        Path(f"{self.dir}.lock").unlink(missing_ok=True)


def finish_removals() -> None:
    """Wait until the folders of destroyed clones are gone."""
    while _REMOVALS:
        _REMOVALS.pop().wait()


def clone(source: LoopbackWiki, target: Path, *, query_dependencies: bool = True) -> LoopbackWiki:
    """A throwaway copy of ``source`` on a free port (a second or two).

    ``query_dependencies=False`` turns SMW's query dependency store off in the copy
    (SMW's own default): pages whose query results change then stay stale until purged.
    """
    env = {"WIKI_DIR": str(target), "WIKI_PORT": str(free_port())}
    env["WIKI_SMW_QDEP"] = "true" if query_dependencies else "false"
    url = run_script(["clone", str(source.dir)], env, timeout=300)
    return LoopbackWiki(target, url, mutable=True)


atexit.register(finish_removals)
