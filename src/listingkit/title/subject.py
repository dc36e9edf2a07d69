"""A title to check, with where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from listingkit.text.segment import Token
from listingkit.text.width import Measure, measure
from listingkit.title.context import TitleContext

__all__ = ["TOKENS", "RowSubject", "TitleSubject"]

#: What a title check ``reads`` when it needs :attr:`TitleSubject.tokens`: the
#: title segmented into words, the one costly reading of a title.
TOKENS = "tokens"


@dataclass
class TitleSubject:
    """One title: its text, its place (file, sheet row, column) and what it should contain."""

    text: str
    context: TitleContext
    path: str = "<标题>"
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    products: tuple[str, ...] = ()
    _measure: Measure | None = field(default=None, init=False, repr=False)

    @property
    def measure(self) -> Measure:
        if self._measure is None:
            self._measure = measure(self.text, self.context.weights)
        return self._measure

    @property
    def tokens(self) -> list[Token]:
        return self.context.tokens(self.text)


@dataclass(frozen=True, slots=True)
class RowSubject:
    """A parameter-sheet row after composing: why it gave no title, if it did not."""

    row: int
    error: str | None
    column: str | None
