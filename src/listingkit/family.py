"""The family protocol: what the engine asks of a check family, and nothing more.

A family (FILE, TITLE, IMG; SKU and SLOT next) is one module that the engine
imports only when one of its codes is selected (:data:`listingkit.codes.ADAPTERS`).
It exposes a :class:`Family`, whose ``start`` gives a :class:`Pipeline` for
one run. The engine walks the user's paths once and hands every pipeline what
the walk found (:class:`Found`); each pipeline:

1. ``take``: chooses its subjects (by extension, role folder, a file name…)
   and says for each what must be read of it, as a :class:`Job`;
2. has each job's ``task`` read by ``reader``, a top-level function, maybe in
   another process or on another machine (so task, reader and result pickle);
3. ``check``: runs its checks on a subject and what was read of it, here;
4. ``finish``: runs the checks that look at many subjects at once (counts).

The engine decides where reads run (one process, a pool, any executor) and
gathers every pipeline's findings into one report; it never names a family.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from listingkit.findings import Finding
from listingkit.registry import Selection
from listingkit.ruleset import Rules
from listingkit.subjects import FileSubject, FolderProblem

__all__ = ["Checked", "Family", "Found", "Job", "Load", "Pipeline", "RunOptions"]


@dataclass(frozen=True, slots=True)
class Found:
    """What one walk of the user's paths found, for every family to choose from."""

    #: Every file, with the cheapest reading: its size, or why it cannot be opened.
    files: tuple[FileSubject, ...]
    #: Folders whose files were not walked, and why.
    folders: tuple[FolderProblem, ...] = ()
    #: The paths as the user named them (a file named directly may be taken
    #: whatever its extension).
    given: frozenset[str] = frozenset()

    def usable(self) -> Iterator[FileSubject]:
        """Files that open and are not empty: the ones worth reading further.

        The others are the file checks' (FILE001, FILE002); no other family
        reads them, so one broken file is one finding.
        """
        return (f for f in self.files if f.error is None and f.size > 0)


@dataclass(frozen=True, slots=True)
class Job:
    """One subject a family takes: the file, how messages name it, what to read of it."""

    path: Path
    display: str
    #: Handed to the family's ``reader``, possibly in another process: it must
    #: pickle. None: nothing to read, ``check`` gets None.
    task: Any = None
    #: Kept in this process for ``check`` (a role, a placement); never pickled.
    context: Any = None


@dataclass(frozen=True, slots=True)
class Load:
    """How much work a family's reads are, so the engine can choose where they run."""

    #: Worth a second process by the family's own measure (the default pool).
    parallel: bool = False
    #: Each read decodes pixels or searches: hand them out in small batches.
    heavy: bool = False


@dataclass(frozen=True, slots=True)
class Checked:
    """What checking one job gave: the subjects it stands for, and their findings."""

    subjects: Sequence[str]
    findings: Sequence[Finding] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What a caller of the engine sets for every family of one run."""

    #: Seconds one subject's read may take (None: no limit). Enforced by
    #: ``SIGALRM`` on a process's main thread only: not in a thread pool.
    timeout: float | None = None
    #: One role for every image instead of the one folder and file names give.
    role: str | None = None
    #: Keep what is read of each file in the user's cache folder, and take it
    #: from there when the file is unchanged (:mod:`listingkit.cache`).
    cache: bool = False


class Pipeline(Protocol):
    """One family in one run: choose subjects, read them (anywhere), check them (here)."""

    @property
    def reader(self) -> Callable[[Any], Any]:
        """A top-level function (so it pickles by name): a job's task → what was read."""
        ...

    def take(self, found: Found) -> list[Job]:
        """The subjects of this family among what the walk found, in a stable order."""
        ...

    def load(self, jobs: Sequence[Job]) -> Load:
        """How heavy reading these jobs is."""
        ...

    def check(self, job: Job, read: Any) -> Checked:
        """The findings of one subject, given what ``reader`` returned for its task."""
        ...

    def finish(self) -> list[Finding]:
        """Findings about many subjects at once (counts per product), after every check."""
        ...


@dataclass(frozen=True, slots=True)
class Family:
    """A check family as the engine sees it."""

    #: The code prefix: ``"IMG"``.
    prefix: str
    #: The kinds of subject its pipeline builds and hands to checks (of any
    #: family: an image that cannot be read is FILE003's ``image_error``). The
    #: engine starts the family only when a selected check reads one of them.
    kinds: frozenset[str]
    #: The pipeline for one run; ``selection`` is what ``--select``/``--ignore`` chose.
    start: Callable[[Rules, Selection, RunOptions], Pipeline]
