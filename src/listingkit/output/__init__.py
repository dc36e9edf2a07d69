"""Output formats: every one renders the same :class:`~listingkit.findings.Report`.

Each format is a module of this package exposing
``render(report, stream, *, color=False)``. A module is imported only when its
format is asked for, so a plain text run never loads ElementTree or the
registry docs that SARIF needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Protocol, TextIO

from listingkit.errors import UsageError
from listingkit.findings import Report

__all__ = ["FORMATS", "auto_format", "render", "use_color"]

FORMATS = ("text", "json", "sarif", "github", "junit")


class _Terminal(Protocol):
    def isatty(self) -> bool: ...


def render(report: Report, fmt: str, stream: TextIO, *, color: bool = False) -> None:
    """Write ``report`` to ``stream`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise UsageError(f"未知的输出格式 “{fmt}”；可选：{'、'.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{fmt}")
    module.render(report, stream, color=color)


def auto_format(env: Mapping[str, str]) -> str:
    """The default format: annotations inside GitHub Actions (as yamllint does), else text."""
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "text"


def use_color(stream: _Terminal, env: Mapping[str, str]) -> bool:
    """Colour only on a terminal that can show it and a user who did not opt out.

    Per https://no-color.org, ``NO_COLOR`` disables colour when set to any
    non-empty value; an empty value counts as unset.
    """
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    return stream.isatty()
