"""The one result model every check and every output format shares.

A check yields :class:`Hit` objects (what it measured, no code, no severity).
The engine turns each hit into a :class:`Finding` by stamping the check's code
and name, the severity the rule file asks for, and the source of the number
that was applied. A :class:`Report` holds the findings of one run and decides
the exit status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from listingkit.status import EXIT_FINDINGS, EXIT_OK

__all__ = ["SCHEMA_VERSION", "Finding", "Hit", "Location", "Report", "Severity", "Subject"]

#: Version of the JSON shape produced by :meth:`Report.to_dict` (and of the
#: ``titles`` document, which is that shape plus its ``rows``).
SCHEMA_VERSION = 1


class Severity(StrEnum):
    """How serious a finding is; ordered info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        """The Chinese word operators see."""
        return _LABEL[self]

    def at_least(self, threshold: Severity) -> bool:
        """Whether this severity reaches ``threshold`` (as ``--fail-on`` compares)."""
        return self.rank >= threshold.rank


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
_LABEL = {Severity.INFO: "提示", Severity.WARNING: "警告", Severity.ERROR: "错误"}


def _frozen(data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if not data:
        return _NO_DATA  # most hits carry none: one read-only empty mapping for all
    return MappingProxyType(dict(data))


_NO_DATA: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: a file, and inside it a sheet cell or a title span."""

    path: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    span: tuple[int, int] | None = None

    def sort_key(self) -> tuple[str, str, int, str, int, int]:
        start, end = self.span or (0, 0)
        return (self.path, self.sheet or "", self.row or 0, self.column or "", start, end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "span": list(self.span) if self.span else None,
        }

    def __str__(self) -> str:
        text = self.path
        if self.sheet:
            text += f"[{self.sheet}]"
        if self.row is not None:
            text += f":{self.row}"
        if self.column:
            text += f":{self.column}"
        if self.span:
            text += f"@{self.span[0]}-{self.span[1]}"
        return text


class Subject(str):
    """What a run checked: a whole file, or one row of a file (a title line, a sheet row).

    It is the string JSON lists under ``subjects`` -- the path, or ``path:row``
    for a row -- so code that treats subjects as names keeps working, and it
    knows its ``path``, ``sheet`` and ``row``, so a renderer can give each row
    its own entry and order rows by number. A plain string is a whole file.
    """

    path: str
    sheet: str | None
    row: int | None

    def __new__(cls, path: str, sheet: str | None = None, row: int | None = None) -> Subject:
        name = path if row is None else f"{path}:{row}"
        self = super().__new__(cls, name)
        # Set once here; the class is treated as immutable, like the str it is.
        vars(self).update(path=path, sheet=sheet, row=row)
        return self

    @classmethod
    def of(cls, subject: str) -> Subject:
        """``subject`` itself, or a plain string taken as a whole file."""
        return subject if isinstance(subject, Subject) else cls(subject)

    def __reduce__(self) -> tuple[type[Subject], tuple[str, str | None, int | None]]:
        return (Subject, (self.path, self.sheet, self.row))

    def location(self) -> Location:
        return Location(self.path, self.sheet, self.row)


@dataclass(frozen=True, slots=True)
class Hit:
    """What a check yields: a measurement that breaks a rule, in Chinese.

    ``rule_key`` names the rule-file value that was applied (for example
    ``"images.main.max_bytes"``); the engine looks up its source and evidence
    grade from it. A check whose rule comes from elsewhere (a word list) gives
    ``source`` itself, and may lower the severity of one hit with ``severity``.
    """

    message: str
    hint: str | None = None
    rule_key: str | None = None
    source: str | None = None
    severity: Severity | None = None
    span: tuple[int, int] | None = None
    row: int | None = None
    column: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", _frozen(self.data))

    def __hash__(self) -> int:  # data is a read-only mapping, which does not hash
        return hash((self.message, self.rule_key, self.span, self.row))


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, fully described: what the outputs render."""

    location: Location
    code: str
    name: str
    severity: Severity
    message: str
    hint: str | None = None
    source: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if type(self.severity) is not Severity:
            object.__setattr__(self, "severity", Severity(self.severity))
        object.__setattr__(self, "data", _frozen(self.data))

    def __hash__(self) -> int:  # data is a read-only mapping, which does not hash
        return hash((self.location, self.code, self.message))

    def sort_key(self) -> tuple[tuple[str, str, int, str, int, int], str, str]:
        return (self.location.sort_key(), self.code, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": str(self.severity),
            "location": self.location.to_dict(),
            "message": self.message,
            "hint": self.hint,
            "source": self.source,
            "data": dict(self.data),
        }


@dataclass
class Report:
    """The findings of one run, the subjects it checked, and the platform.

    ``subjects`` may be given as plain strings (whole files); they are kept as
    :class:`Subject`, which compare equal to those strings.
    """

    platform: str
    findings: list[Finding] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.findings = sorted(self.findings, key=Finding.sort_key)  # never the caller's list
        self.subjects = [Subject.of(subject) for subject in self.subjects]

    def checked(self) -> list[Subject]:
        """The subjects, each with its file, sheet and row."""
        return [Subject.of(subject) for subject in self.subjects]

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)
        self.findings.sort(key=Finding.sort_key)

    def worst(self) -> Severity | None:
        """The most serious severity found, or None for a clean report."""
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def exit_code(self, fail_on: Severity = Severity.ERROR) -> int:
        """1 when any finding is at or above ``fail_on``, else 0."""
        worst = self.worst()
        if worst is not None and worst.at_least(fail_on):
            return EXIT_FINDINGS
        return EXIT_OK

    def by_path(self) -> dict[str, list[Finding]]:
        """Findings grouped per file, files in sorted order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.location.path, []).append(finding)
        return groups

    def to_dict(self) -> dict[str, Any]:
        """The JSON output and the script API share this shape."""
        return {
            "schema_version": SCHEMA_VERSION,
            "platform": self.platform,
            "subjects": list(self.subjects),
            "summary": {
                "subjects": len(self.subjects),
                "findings": len(self.findings),
                **{str(s): self.count(s) for s in Severity},
            },
            "findings": [f.to_dict() for f in self.findings],
        }
