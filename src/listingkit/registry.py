"""Check registry: how a check declares itself, and which checks a run uses.

A check is a function decorated with :func:`check`. It declares its code, its
kebab-case name, the subject it reads, what of that subject it needs (``reads``:
a pipeline does only the work some selected check needs, such as decoding an
image's pixels), whether a composed title must pass it (``gate``), and the
rule-file keys it applies; its
docstring is the operator's documentation, in Chinese, with the fixed headings
``## 检查什么`` / ``## 为什么`` / ``## 示例``. A family's module is imported only
when one of its codes is selected (see :data:`listingkit.codes.FAMILIES`).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from listingkit.arguments import code_list
from listingkit.codes import CODE_PATTERN, CODES, FAMILIES, FAMILY_SUBJECTS, family_of
from listingkit.errors import UsageError
from listingkit.findings import Hit, Severity

__all__ = [
    "DOC_HEADINGS",
    "CheckSpec",
    "Selection",
    "all_checks",
    "check",
    "checks_for",
    "describe",
    "resolve_selector",
]

DOC_HEADINGS = ("## 检查什么", "## 为什么", "## 示例")

CheckFunc = Callable[..., Iterator[Hit]]
F = TypeVar("F", bound=CheckFunc)

_REGISTRY: dict[str, CheckSpec] = {}


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A registered check."""

    code: str
    name: str
    subject: str
    keys: tuple[str, ...]
    severity: Severity
    func: CheckFunc
    #: What the check needs of its subject beyond the cheapest reading, in the
    #: family's own words (an image check: "background", "watermark"); the
    #: family's pipeline derives its work from the union over selected checks.
    reads: frozenset[str] = frozenset()
    #: A composed title candidate must pass this check (at warning or above).
    gate: bool = False

    @property
    def family(self) -> str:
        return family_of(self.code)

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""

    def run(self, subject: Any, rules: Any) -> Iterator[Hit]:
        return self.func(subject, rules)


def check(
    code: str,
    name: str,
    *,
    subject: str,
    keys: Iterable[str] = (),
    severity: Severity = Severity.ERROR,
    reads: Iterable[str] = (),
    gate: bool = False,
) -> Callable[[F], F]:
    """Register a check.

    ``severity`` is the most a finding of this check is by default; a finding
    that applies a grade-B or grade-C number is at most a warning, and a
    rule file's ``[checks]`` can set any level or turn the check off.
    """

    def register(func: F) -> F:
        if not CODE_PATTERN.match(code):
            raise ValueError(f"malformed check code {code!r}")
        if CODES.get(code) != name:
            raise ValueError(f"{code} {name!r} is not in listingkit.codes.CODES")
        if code in _REGISTRY:
            raise ValueError(f"check code {code} registered twice")
        _REGISTRY[code] = CheckSpec(
            code, name, subject, tuple(keys), severity, func, frozenset(reads), gate
        )
        return func

    return register


def _load_family(family: str) -> None:
    importlib.import_module(FAMILIES[family])


def all_checks() -> list[CheckSpec]:
    """Every check of every family (imports them all: for docs and tests)."""
    for family in FAMILIES:
        _load_family(family)
    return [_REGISTRY[c] for c in sorted(_REGISTRY)]


def describe(code_or_name: str) -> CheckSpec:
    """The check with this code or name."""
    code = resolve_selector(code_or_name)
    if len(code) != 1:
        raise UsageError(f"“{code_or_name}”不是一个检查代码；用 listingkit explain --all 查看全部")
    (only,) = code
    _load_family(family_of(only))
    if only not in _REGISTRY:
        raise UsageError(f"检查 {only} 已登记代码但尚未实现")
    return _REGISTRY[only]


def resolve_selector(selector: str) -> frozenset[str]:
    """The codes a ``--select``/``--ignore`` entry means: a code, a prefix or a name."""
    token = selector.strip()
    upper = token.upper()
    by_name = [code for code, name in CODES.items() if name == token.lower()]
    if by_name:
        return frozenset(by_name)
    matched = [code for code in CODES if code.startswith(upper)] if upper else []
    if not matched:
        raise UsageError(f"未知的检查代码或名称 “{selector}”；用 listingkit explain --all 查看全部")
    return frozenset(matched)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which codes a run uses, from ``--select`` and ``--ignore``.

    As in flake8, the more specific entry wins: ``--select TITLE --ignore
    TITLE01`` keeps TITLE001 but drops TITLE012, and ``--ignore TITLE
    --select TITLE012`` keeps only TITLE012 of that family.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A bare string is one entry ("IMG"), not its characters.
        object.__setattr__(self, "select", code_list(self.select, "select"))
        object.__setattr__(self, "ignore", code_list(self.ignore, "ignore"))

    def codes(self) -> frozenset[str]:
        for entry in (*self.select, *self.ignore):
            resolve_selector(entry)  # raise on an unknown entry
        chosen = set()
        for code, name in CODES.items():
            sel = _specificity(code, name, self.select) if self.select else 0
            ign = _specificity(code, name, self.ignore)
            if sel is None:
                continue
            if ign is not None and ign >= sel:
                continue
            chosen.add(code)
        return frozenset(chosen)


def _specificity(code: str, name: str, entries: tuple[str, ...]) -> int | None:
    """Length of the longest entry matching ``code`` (a name counts as exact)."""
    best: int | None = None
    for entry in entries:
        token = entry.strip()
        if token.lower() == name:
            length = len(code)
        elif token and code.startswith(token.upper()):
            length = len(token)
        else:
            continue
        best = length if best is None else max(best, length)
    return best


def checks_for(subject: str, codes: Iterable[str]) -> list[CheckSpec]:
    """The checks of the given codes that read ``subject``; imports only their families."""
    wanted = sorted(set(codes))
    for family in sorted({family_of(c) for c in wanted}):
        if subject in FAMILY_SUBJECTS.get(family, ()):
            _load_family(family)
    return [_REGISTRY[c] for c in wanted if c in _REGISTRY and _REGISTRY[c].subject == subject]
