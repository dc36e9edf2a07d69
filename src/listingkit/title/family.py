"""The TITLE family as the engine runs it: title files found in the user's folders.

A title file is a ``.txt`` whose name holds ``标题`` or ``title`` (any case):
``标题.txt``, ``商品标题.txt``, ``titles.txt``; one title per line, as for
``lint-titles``. Any other ``.txt`` (``说明.txt``, ``readme.txt``) is a plain file:
its notes are not titles, and checking them as titles would only give noise.

The file is read (regular files only, at most 64 MB, UTF-8/UTF-16/GB18030) by
:func:`read_title_file`, possibly in a worker; one that cannot be read or
decoded is a FILE001 naming it. Titles are checked here, line by line, with
the linter ``lint-titles`` uses. Nothing of the title family (nor jieba, nor
``regex``) is imported until a title file is found.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from listingkit.codes import ADAPTER_KINDS
from listingkit.engine import active_checks, run_checks
from listingkit.errors import InputError
from listingkit.family import Checked, Family, Found, Job, Load, RunOptions
from listingkit.findings import Finding, Location
from listingkit.registry import CheckSpec, Selection
from listingkit.ruleset import Rules
from listingkit.subjects import FileSubject

if TYPE_CHECKING:
    from listingkit.title.lint import TitleLinter

__all__ = ["FAMILY", "TitleLines", "TitlePipeline", "is_title_file", "read_title_file"]

#: What a ``.txt`` file's name holds when it is a title file (compared in lower case).
TITLE_FILE_WORDS = ("标题", "title")


def is_title_file(display: str) -> bool:
    """Whether the file named ``display`` is a title file: ``*.txt`` named for titles."""
    name = PurePosixPath(display).name
    stem, suffix = os.path.splitext(name)
    return suffix.lower() == ".txt" and any(word in stem.lower() for word in TITLE_FILE_WORDS)


@dataclass(frozen=True, slots=True)
class TitleLines:
    """A title file's non-blank lines as (line number, text), or why it could not be read."""

    lines: tuple[tuple[int, str], ...] = ()
    error: str | None = None


def read_title_file(path: Path) -> TitleLines:
    """The titles of one file; runs in a worker for a large batch (a top-level function)."""
    from listingkit.title.lines import title_lines

    try:
        return TitleLines(tuple(title_lines(path)))
    except InputError as exc:
        return TitleLines(error=str(exc))


class TitlePipeline:
    """TITLE0xx over the title files of one walk."""

    def __init__(self, rules: Rules, selection: Selection, options: RunOptions) -> None:
        self.rules = rules
        self.reader = read_title_file
        self._selection = selection
        self._linter: TitleLinter | None = None
        self._files: list[CheckSpec] = []

    def take(self, found: Found) -> list[Job]:
        titled = [f for f in found.usable() if is_title_file(f.display)]
        if not titled:
            return []  # and the title checks, regex and jieba stay unimported
        from listingkit.title.lint import TitleLinter

        select, ignore = self._selection.select, self._selection.ignore
        self._linter = TitleLinter(self.rules, select=select, ignore=ignore)
        self._files = active_checks("file", self.rules, self._selection)
        if not self._linter.checks and not self._files:
            return []
        return [Job(f.path, f.display, f.path, f) for f in titled]

    def load(self, jobs: Sequence[Job]) -> Load:
        return Load()  # a few small text files: never worth a process of their own

    def check(self, job: Job, read: Any) -> Checked:
        titles: TitleLines = read
        file: FileSubject = job.context
        if titles.error is not None:
            unreadable = dataclasses.replace(file, error=titles.error)
            where = Location(job.display)
            return Checked([job.display], run_checks(self._files, unreadable, where, self.rules))
        linter = self._linter
        if linter is None or not linter.checks:
            return Checked([job.display])
        from listingkit.title.lint import TitleInput

        findings: list[Finding] = []
        for number, text in titles.lines:
            findings += linter.lint(TitleInput(text, job.display, row=number))
        return Checked([f"{job.display}:{n}" for n, _ in titles.lines], findings)

    def finish(self) -> list[Finding]:
        return []


FAMILY = Family("TITLE", ADAPTER_KINDS["TITLE"], TitlePipeline)
