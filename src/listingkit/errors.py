"""Exceptions that stop a whole run.

A problem with one input file is not an exception: it becomes a ``FILE``
finding and the batch goes on. These are for what makes the run impossible::

    ListingkitError              anything that stops a run; the CLI exits 2
     ├── RuleFileError           one or more problems in a rule file (CONF0xx)
     ├── UsageError              bad command-line arguments or options
     ├── InputError              a path that does not exist, an unreadable input
     │    └── SheetError         a sheet that cannot be used at all (wrong format,
     │                           empty, no product-word column); names file and sheet
     ├── OutputError             an output that must not or cannot be written (a
     │                           device, someone else's file, a full disk)
     ├── ArgumentError           a Python API call with arguments of the wrong kind
     │                           (also a TypeError or ValueError, as Python expects)
     ├── ProbeError              one file that is not a usable image (the image API
     │                           raises it; a batch reports it as FILE003)
     └── CompositionError        a row from which no title can be composed (the
                                 composer raises it; ``titles`` reports it as TITLE040)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ArgumentError",
    "CompositionError",
    "InputError",
    "ListingkitError",
    "OutputError",
    "ProbeError",
    "RuleFileError",
    "RuleProblem",
    "SheetError",
    "UsageError",
]


class ListingkitError(Exception):
    """Base class: the message is one line an operator can act on."""


class UsageError(ListingkitError):
    """The command line asks for something that does not exist."""


class InputError(ListingkitError):
    """A path the run needs is missing or cannot be read."""


class SheetError(InputError):
    """A parameter or keyword sheet that cannot be read as a whole."""


class OutputError(ListingkitError):
    """An output file that must not be written (a device, an input, someone else's
    file without ``--force``) or could not be (disk full, read-only, permission)."""


class ArgumentError(ListingkitError, TypeError, ValueError):
    """A library function called with an argument it cannot use; says which and why."""


class ProbeError(ListingkitError):
    """A file that is not a usable image; ``reason`` says why, in Chinese.

    Raised by the image readers for one file; a batch turns it into a
    ``FILE003`` finding and goes on.
    """

    def __init__(self, reason: str, kind: str, *, shown_path: str | None = None) -> None:
        # The message names the file when it is known (``shown_path``, already
        # escaped for display); ``reason`` alone goes into a finding, whose
        # location names the file already.
        super().__init__(reason if shown_path is None else f"{shown_path}：{reason}")
        self.reason = reason
        self.kind = kind  # "unreadable", "not-image", "truncated", "unsupported", "too-large"
        self.shown_path = shown_path


class CompositionError(ListingkitError):
    """A row from which no title can be made (no product word, or it cannot be used)."""


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One problem in a rule file, located by file, line and key path."""

    code: str
    file: str
    line: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message} [{self.code}]"


class RuleFileError(ListingkitError):
    """All problems found in a rule file (and the files it extends), one per line."""

    def __init__(self, problems: Sequence[RuleProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
