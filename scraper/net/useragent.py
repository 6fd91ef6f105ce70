"""Who we say we are: the User-Agent of every request, and how to add a contact.

A small public wiki's operators should be able to reach whoever runs a crawler
against it, so the operator contact goes into the User-Agent (as Wikimedia's
User-Agent policy asks); without one the client logs a loud warning.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from output.manifest import tool_version

#: where to tell users how to set the operator contact
CONTACT_HELP = (
    'set an operator contact (e-mail or URL) with --contact, `contact = "..."` in the '
    "config file, or the NORA_CONTACT environment variable"
)


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "0+unknown"


def user_agent(contact: str | None) -> str:
    """``nora-archive/<version> (<contact>) python-requests/<v>``; no "()" without contact.

    The requests version comes from package metadata, so this module (used by
    the CLI for messages) does not import the HTTP stack.
    """
    middle = f" ({contact.strip()})" if contact and contact.strip() else ""
    return f"nora-archive/{tool_version()}{middle} python-requests/{_version('requests')}"
