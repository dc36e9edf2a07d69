"""What a renderer is handed besides the report.

Renderers know no check family and not the registry: the command that ran the
checks passes in what they need -- the ``--fail-on`` threshold (JUnit fails a
test case only at or above it), the documentation of the checks (SARIF's
``rules[]``), and for ``listingkit titles`` the candidates of every row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from listingkit.findings import Severity

if TYPE_CHECKING:
    from listingkit.shop.overview import ShopOverview

__all__ = ["CheckDoc", "RenderOptions"]


class CheckDoc(Protocol):
    """The documentation of one check, as the registry's ``CheckSpec`` carries it."""

    @property
    def name(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def doc(self) -> str: ...

    @property
    def severity(self) -> Severity: ...


@dataclass(frozen=True)
class RenderOptions:
    """Everything a format may use besides the report; each format reads what it needs.

    - ``color``: text only, ANSI colours (the caller decides: a terminal, no ``NO_COLOR``).
    - ``fail_on``: the ``--fail-on`` threshold; JUnit fails a test case only for
      findings at or above it, so its failures agree with the exit status.
    - ``docs``: check code → documentation, for the codes the report may hold; a
      code without an entry gets a bare SARIF rule (its id).
    - ``rows``: ``listingkit titles`` only, the row objects of its JSON document
      (``row``, ``item``, ``candidates``, ``findings``, see docs/cli.md); text
      shows the candidates above the report and JSON adds them as ``rows``.
    - ``shop``: ``listingkit check`` on a shop folder, its products (货号, title,
      images in slot order) for the HTML and Excel reports' cards and summary;
      None elsewhere, and those formats then list the findings alone.
    """

    color: bool = False
    fail_on: Severity = Severity.ERROR
    docs: Mapping[str, CheckDoc] = field(default_factory=dict)
    rows: Sequence[Mapping[str, Any]] | None = None
    shop: ShopOverview | None = None
