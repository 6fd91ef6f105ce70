"""One crawl configuration, built from defaults, a TOML file, the environment and flags.

Precedence, lowest to highest (each later source overrides the earlier ones):

1. built-in defaults (``DEFAULTS``: the polite settings for www.noraonline.nl);
2. the TOML config file: ``--config FILE``, else ``$NORA_CONFIG``, else ``./nora.toml``
   when it exists (keys at top level or under a ``[crawl]`` table);
3. the environment: ``NORA_CONTACT`` (operator contact), ``NORA_DATA`` (data folder);
4. command-line flags (``--site``, ``--data``, ``--contact``, ``--delay``,
   ``--namespace``, ``--exclude-namespace``, ``--max-requests``,
   ``--max-duration``, ``--max-crawl-delay``, ``--retry-wait-budget``,
   ``--max-shrink``, ``--no-facts``, ``--profile``, ``--refresh-days``).

Example ``nora.toml``::

    site = "https://www.noraonline.nl"
    contact = "archief@example.org"
    delay = 1.0
    data = "data"
    namespaces = [0, "FS"]          # empty or absent: the wiki's content namespaces
    exclude_namespaces = ["Werkruimte", "Sandbox"]
    max_requests = 20000            # absent: no cap
    timeout = 30.0
    max_duration = "6h"             # the run stops (resumably) after this long
    max_crawl_delay = 60            # a robots.txt Crawl-delay over it stops the run
    retry_wait_budget = 1800        # seconds of retry waits per run, in all
    max_shrink = 0.10               # share of pages a snapshot may lose unheld
    facts = true                    # ask Semantic MediaWiki for its data (--no-facts)
    refresh_days = 14               # every page refetched at least every 14 nights (0: off)

    profile = "profiles/gemma.toml" # the wiki's labels (a file, relative to this one),
                                    # or a [profile] table here (parsers.profile); absent: NORA

    [property_map]                  # Eigenschappen label -> SMW property, for the checks
    "Laag binnen vijflaagsmodel" = "Laag"   # (inferred from the crawl when not given;
    "Toelichting" = ""                      #  "" says: this label has no SMW property)
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from parsers.errors import ProfileError
from parsers.profile import NORA, Profile, from_mapping
from scraper.errors import ConfigError

DEFAULT_SITE = "https://www.noraonline.nl"
DEFAULT_CONFIG_NAME = "nora.toml"

#: a namespace given by number (0, 100) or by name ("FS", "Werkruimte", "main")
NamespaceRef = int | str


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    """Everything a crawl needs to know before it starts; one object, no globals."""

    site: str = DEFAULT_SITE
    contact: str | None = None
    delay: float = 1.0
    data_dir: Path = Path("data")
    namespaces: tuple[NamespaceRef, ...] = ()
    exclude_namespaces: tuple[NamespaceRef, ...] = ()
    max_requests: int | None = None
    timeout: float = 30.0
    #: seconds the network part of a run may take; then it stops, to be resumed
    max_duration: float = 6 * 3600.0
    #: a robots.txt Crawl-delay over this many seconds stops the run (REFUSED)
    max_crawl_delay: float = 60.0
    #: seconds of retry waits (Retry-After, backoff) a run may spend in all
    retry_wait_budget: float = 1800.0
    #: share of the previous snapshot's pages a new one may lose and still be published
    max_shrink: float = 0.10
    #: ask Semantic MediaWiki for the facts of the pages fetched (when the wiki runs it)
    facts: bool = True
    #: the rolling refresh: every page refetched at least every this many nights, ceil(N/K)
    #: unchanged pages a night (oldest archived copy first); 0 turns it off. 14: at NORA's
    #: ~2,000 pages and the 1 s pace, 145 pages (~2.5 minutes, 7% of a full crawl) a night
    refresh_days: int = 14
    #: Eigenschappen label -> SMW property ("" for none), overriding what the checks infer
    property_map: Mapping[str, str] = field(default_factory=dict)
    #: the wiki's labels, element types and namespaces (NORA Online's by default)
    profile: Profile = NORA
    #: where each setting came from ("default", the file path, "env", "flag"): for --dry-run
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def api_url(self) -> str:
        """api.php at the site root, as on NORA Online and GEMMA Online."""
        return self.site.rstrip("/") + "/api.php"


_KEYS: dict[str, str] = {
    # TOML key -> dataclass field
    "site": "site",
    "contact": "contact",
    "delay": "delay",
    "data": "data_dir",
    "data_dir": "data_dir",
    "namespaces": "namespaces",
    "exclude_namespaces": "exclude_namespaces",
    "max_requests": "max_requests",
    "timeout": "timeout",
    "max_duration": "max_duration",
    "max_crawl_delay": "max_crawl_delay",
    "retry_wait_budget": "retry_wait_budget",
    "max_shrink": "max_shrink",
    "facts": "facts",
    "refresh_days": "refresh_days",
    "property_map": "property_map",
    "profile": "profile",
}

_DURATION_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(where: str, key: str, value: object) -> float:
    """Seconds from a number or a text such as ``"90"``, ``"45s"``, ``"90m"``, ``"6h"``."""
    seconds: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        unit = _DURATION_UNITS.get(text[-1:]) if text else None
        number = text[:-1] if unit is not None else text
        try:
            seconds = float(number) * (unit or 1.0)
        except ValueError:
            seconds = None
    if seconds is None or not seconds > 0 or seconds != seconds or seconds == float("inf"):
        raise ConfigError(
            where, f"{key}: expected a duration such as 3600, 90m or 6h, found {value!r}"
        )
    return seconds


def parse_share(where: str, key: str, value: object) -> float:
    """A share from ``0.1`` or ``"10%"``, between 0 and 1."""
    share: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        share = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            share = None
    if share is None or not 0.0 <= share <= 1.0:
        raise ConfigError(where, f"{key}: expected a share such as 0.1 or 10%, found {value!r}")
    return share


def _check_site(where: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(where, f"site: expected a URL string, found {value!r}")
    expected = f"site: expected an http(s) URL such as {DEFAULT_SITE}, found {value!r}"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port out of range or not a number
    except ValueError as error:
        raise ConfigError(where, f"{expected} ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(where, expected)
    if "@" in parts.netloc:
        # the password would be sent, and written into every record, the manifest and pages.url
        raise ConfigError(
            where,
            f"site: expected a URL without user name or password, found {parts.scheme}://"
            f"...@{parts.netloc.rpartition('@')[2]}",
        )
    return value.rstrip("/")


def _check_number(where: str, key: str, value: object, *, minimum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(where, f"{key}: expected a number, found {value!r}")
    if not math.isfinite(value) or value < minimum:
        raise ConfigError(where, f"{key}: expected at least {minimum}, found {value!r}")
    return float(value)


def _check_namespaces(where: str, key: str, value: object) -> tuple[NamespaceRef, ...]:
    items: Sequence[object]
    if isinstance(value, str | int) and not isinstance(value, bool):
        items = [value]
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise ConfigError(where, f"{key}: expected a list of names or numbers, found {value!r}")
    out: list[NamespaceRef] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int | str):
            raise ConfigError(where, f"{key}: expected a name or number, found {item!r}")
        out.append(parse_namespace_ref(item))
    return tuple(out)


def parse_namespace_ref(value: int | str) -> NamespaceRef:
    """``"0"`` -> 0, ``"FS"`` -> "FS": flags arrive as strings, numbers mean ids."""
    if isinstance(value, int):
        return value
    text = value.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return text


def _coerce(where: str, name: str, value: object) -> object:
    """Validate one setting; ``name`` is the dataclass field."""
    if name == "site":
        return _check_site(where, value)
    if name == "contact":
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise ConfigError(where, f"contact: expected a string, found {value!r}")
        return value
    if name == "delay":
        return _check_number(where, "delay", value, minimum=0.0)
    if name == "timeout":
        return _check_number(where, "timeout", value, minimum=0.1)
    if name == "max_duration":
        return parse_duration(where, "max_duration", value)
    if name in ("max_crawl_delay", "retry_wait_budget"):
        return _check_number(where, name, value, minimum=0.0)
    if name == "max_shrink":
        return parse_share(where, "max_shrink", value)
    if name == "facts":
        if not isinstance(value, bool):
            raise ConfigError(where, f"facts: expected true or false, found {value!r}")
        return value
    if name == "refresh_days":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(
                where, f"refresh_days: expected a whole number of nights >= 0, found {value!r}"
            )
        return value
    if name == "property_map":
        return parse_property_map(where, value)
    if name == "data_dir":
        if not isinstance(value, str | Path) or str(value) == "":
            raise ConfigError(where, f"data: expected a folder path, found {value!r}")
        folder = Path(value).expanduser()
        if folder.exists() and not folder.is_dir():
            raise ConfigError(where, f"data: expected a folder, found a file: {folder}")
        return folder
    if name == "max_requests":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(where, f"max_requests: expected a positive integer, found {value!r}")
        return value
    if name in ("namespaces", "exclude_namespaces"):
        return _check_namespaces(where, name, value)
    if name == "profile":
        return parse_profile(where, value)
    raise ConfigError(where, f"unknown setting {name!r}")  # pragma: no cover - guarded by _KEYS


def parse_property_map(where: str, value: object) -> dict[str, str]:
    """A label -> property table: every key and value a string ("" means no property)."""
    if not isinstance(value, dict):
        raise ConfigError(
            where,
            f'property_map: expected a table of label = "property", found {value!r}',
        )
    out: dict[str, str] = {}
    for label, prop in value.items():
        if not isinstance(label, str) or not isinstance(prop, str) or not label.strip():
            raise ConfigError(
                where, f'property_map: expected label = "property" strings, found {label!r}'
            )
        out[" ".join(label.split())] = " ".join(prop.replace("_", " ").split())
    return out


def parse_profile(where: str, value: object) -> Profile:
    """A profile from a ``[profile]`` table, or from the TOML file a string names (relative
    to the config file ``where`` names; from the command line, to the working folder)."""
    if isinstance(value, Profile):
        return value
    if isinstance(value, dict):
        try:
            return from_mapping(value)
        except ProfileError as error:
            raise ConfigError(where, f"profile.{error}") from None
    if isinstance(value, str | Path) and str(value).strip():
        path = Path(value).expanduser()
        if not path.is_absolute() and where not in ("command line", ""):
            path = Path(where).parent / path
        return read_profile_file(path)
    raise ConfigError(
        where, f"profile: expected a [profile] table or a TOML file name, found {value!r}"
    )


def read_profile_file(path: Path) -> Profile:
    """The profile of a TOML file: its ``[profile]`` table, else its top-level keys."""
    raw = _load_toml(path)
    table = raw["profile"] if isinstance(raw.get("profile"), dict) else raw
    try:
        return from_mapping(table)
    except ProfileError as error:
        raise ConfigError(str(path), f"profile.{error}") from None


def read_profile(
    config_file: str | Path | None, profile_file: str | Path | None, env: Mapping[str, str]
) -> Profile:
    """The profile for ``nora parse`` and ``nora export``: ``--profile FILE``, else the
    config file's ``profile`` (``--config``, ``$NORA_CONFIG``, ``./nora.toml``), else NORA."""
    if profile_file:
        return parse_profile("command line", str(profile_file))
    path = find_config_file(config_file, env)
    if path is None:
        return NORA
    found = read_config_file(path).get("profile", NORA)
    return found if isinstance(found, Profile) else NORA


def read_property_map(config_file: str | Path | None, env: Mapping[str, str]) -> dict[str, str]:
    """The ``property_map`` of the config file (for ``nora export``, which takes no other
    crawl setting); {} without a file."""
    path = find_config_file(config_file, env)
    if path is None:
        return {}
    value = read_config_file(path).get("property_map", {})
    return dict(value) if isinstance(value, dict) else {}


def find_config_file(explicit: str | Path | None, env: Mapping[str, str]) -> Path | None:
    """The file named by --config, else $NORA_CONFIG, else ./nora.toml if present."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(str(path), "expected a readable TOML config file, found none")
        return path
    if env.get("NORA_CONFIG"):
        path = Path(env["NORA_CONFIG"])
        if not path.is_file():
            raise ConfigError(str(path), "$NORA_CONFIG names no readable file")
        return path
    default = Path(DEFAULT_CONFIG_NAME)
    return default if default.is_file() else None


def read_config_file(path: Path) -> dict[str, object]:
    """The crawl settings of one TOML file, validated, keyed by dataclass field."""
    where = str(path)
    raw = _load_toml(path)
    table: dict[str, Any] = raw.get("crawl", raw) if isinstance(raw.get("crawl"), dict) else raw
    out: dict[str, object] = {}
    if table is not raw and "profile" in raw:  # a [profile] table beside the [crawl] table
        out["profile"] = _coerce(where, "profile", raw["profile"])
    for key, value in table.items():
        if key == "crawl":
            continue
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(where, f"unknown key {key!r}; expected one of {known}")
        out[_KEYS[key]] = _coerce(where, _KEYS[key], value)
    return out


def _load_toml(path: Path) -> dict[str, Any]:
    """One TOML file as a dict; a file that cannot be read or parsed is a ConfigError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"expected valid TOML, found an error: {exc}") from exc
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read: {exc}") from exc


def build_config(
    *,
    config_file: str | Path | None = None,
    flags: Mapping[str, object] | None = None,
    env: Mapping[str, str] | None = None,
) -> CrawlConfig:
    """Merge defaults < file < environment < flags (flags set to None are "not given")."""
    env = os.environ if env is None else env
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    path = find_config_file(config_file, env)
    if path is not None:
        for name, value in read_config_file(path).items():
            values[name] = value
            sources[name] = str(path)
    if env.get("NORA_CONTACT"):
        values["contact"] = _coerce("$NORA_CONTACT", "contact", env["NORA_CONTACT"])
        sources["contact"] = "env NORA_CONTACT"
    if env.get("NORA_DATA"):
        values["data_dir"] = _coerce("$NORA_DATA", "data_dir", env["NORA_DATA"])
        sources["data_dir"] = "env NORA_DATA"
    for name, value in (flags or {}).items():
        if value is None or (isinstance(value, list | tuple) and not value):
            continue
        if name not in CrawlConfig.__dataclass_fields__ or name == "sources":
            raise ConfigError("command line", f"unknown setting {name!r}")
        values[name] = _coerce("command line", name, value)
        sources[name] = "flag"
    config = replace(CrawlConfig(), **values)  # type: ignore[arg-type]
    return replace(config, sources=sources)
