"""Output formats: every command renders its :class:`~listingkit.findings.Report` here.

Each format is a module of this package exposing
``render(report, stream, options)`` (:class:`~listingkit.output.options.RenderOptions`);
the stream is text, but bytes for the formats in :data:`BINARY_FORMATS` (a workbook).
A module is imported only when its format is asked for, so a plain text run
never loads ElementTree. Renderers import no check family and not the
registry: the check documentation SARIF shows is handed in (``docs``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol

from listingkit.errors import UsageError
from listingkit.findings import Report, Severity
from listingkit.output.options import CheckDoc, RenderOptions

if TYPE_CHECKING:
    from listingkit.shop.overview import ShopOverview

__all__ = [
    "BINARY_FORMATS",
    "FORMATS",
    "TEXT_FORMATS",
    "CheckDoc",
    "RenderOptions",
    "auto_format",
    "render",
    "use_color",
]

FORMATS = ("text", "json", "sarif", "github", "junit", "html", "xlsx")
#: Formats written as bytes: to a file (``-o``) or a pipe, never to a terminal.
BINARY_FORMATS = frozenset({"xlsx"})
#: The formats written as UTF-8 text.
TEXT_FORMATS = tuple(fmt for fmt in FORMATS if fmt not in BINARY_FORMATS)


class _Terminal(Protocol):
    def isatty(self) -> bool: ...


def render(
    report: Report,
    fmt: str,
    stream: IO[str] | IO[bytes],
    *,
    color: bool = False,
    fail_on: Severity = Severity.ERROR,
    docs: Mapping[str, CheckDoc] | None = None,
    rows: Sequence[Mapping[str, Any]] | None = None,
    shop: ShopOverview | None = None,
) -> None:
    """Write ``report`` to ``stream`` in format ``fmt`` (one of :data:`FORMATS`).

    ``stream`` takes bytes for :data:`BINARY_FORMATS`, text for the others.
    ``fail_on``, ``docs``, ``rows`` and ``shop`` are described at
    :class:`~listingkit.output.options.RenderOptions`.
    """
    if fmt not in FORMATS:
        raise UsageError(f"未知的输出格式 “{fmt}”；可选：{'、'.join(FORMATS)}")
    options = RenderOptions(
        color=color, fail_on=Severity(fail_on), docs=docs or {}, rows=rows, shop=shop
    )
    module = importlib.import_module(f"{__name__}.{fmt}")
    module.render(report, stream, options)


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
