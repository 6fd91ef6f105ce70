"""The socket layer cut off, for tests that prove something never touches the network.

The tests' one error class: ``NetworkUsed``, raised by the patched socket calls.
It is a ``BaseException``, so that neither ``parse_page`` (which turns every
``Exception`` into an ``internal-error`` warning) nor the ``nora`` entry point
(which turns one into exit status 70) can swallow it and let a test pass.
"""

from __future__ import annotations

import socket
from typing import NoReturn

import pytest


class NetworkUsed(BaseException):
    """Raised by the patched socket layer: the code under test tried to reach the network."""


def _refuse(*args: object, **kwargs: object) -> NoReturn:
    raise NetworkUsed(f"network access attempted: {args!r}")


def cut_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every way to open a connection or resolve a name raise ``NetworkUsed``."""
    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, _refuse)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, _refuse)
