"""The FILE family as the engine runs it: every file the walk found, and the folders it skipped.

Nothing is read in a worker: the walk already opened each file and read one
byte (:func:`listingkit.subjects.file_subject`), which is all FILE001 and
FILE002 need. A file that fails them is given to no other family
(:meth:`listingkit.family.Found.usable`), so one broken file is one finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from listingkit.codes import ADAPTER_KINDS
from listingkit.engine import active_checks, run_checks
from listingkit.family import Checked, Family, Found, Job, Load, RunOptions
from listingkit.findings import Finding, Location
from listingkit.registry import Selection
from listingkit.ruleset import Rules
from listingkit.subjects import FolderProblem

__all__ = ["FAMILY", "read_nothing"]


def read_nothing(task: object) -> None:
    """The FILE family's reader: its jobs have no task, so it is never called."""
    return None


class FilePipeline:
    """FILE0xx over one walk: each file's checks, then the folders not walked."""

    def __init__(self, rules: Rules, selection: Selection, options: RunOptions) -> None:
        self.rules = rules
        self.reader = read_nothing
        self._files = active_checks("file", rules, selection)
        self._folders = active_checks("folder", rules, selection)
        self._skipped: Sequence[FolderProblem] = ()

    def take(self, found: Found) -> list[Job]:
        self._skipped = found.folders
        return [Job(f.path, f.display, context=f) for f in found.files]

    def load(self, jobs: Sequence[Job]) -> Load:
        return Load()

    def check(self, job: Job, read: Any) -> Checked:
        findings = run_checks(self._files, job.context, Location(job.display), self.rules)
        return Checked([job.display], findings)

    def finish(self) -> list[Finding]:
        return [
            finding
            for problem in self._skipped
            for finding in run_checks(self._folders, problem, Location(problem.display), self.rules)
        ]


FAMILY = Family("FILE", ADAPTER_KINDS["FILE"], FilePipeline)
