"""The IMG family as the engine runs it: image files by extension, placed by role folder.

A file whose name has an image extension and that opens (the file checks
report the others) is one job; its task says what to read (the header always,
pixels only when a selected check needs them) and is read by
:func:`listingkit.image.run.perform`, in a worker when the batch is large. An
image that cannot be read is FILE003's ``image_error``. After every image,
the per-product counts (IMG020–IMG022).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from listingkit.codes import ADAPTER_KINDS
from listingkit.engine import active_checks
from listingkit.family import Checked, Family, Found, Job, Load, RunOptions
from listingkit.findings import Finding
from listingkit.image.run import ImageChecker, Read, is_image_name, load_of, perform
from listingkit.registry import Selection
from listingkit.ruleset import Rules

if TYPE_CHECKING:
    from listingkit.cache.images import ImageReads

__all__ = ["FAMILY", "ImagePipeline"]


class ImagePipeline:
    """IMG0xx (and FILE003) over one walk, through :class:`ImageChecker`."""

    def __init__(self, rules: Rules, selection: Selection, options: RunOptions) -> None:
        self.reader: Callable[[Any], Any] = perform
        # Kept reads of unchanged files (listingkit.cache.images): such a job has no task.
        self._kept: ImageReads | None = None
        if options.cache:
            from listingkit.cache.images import ImageReads

            self._kept = ImageReads.for_run(
                rules.paths,
                rules.platform,
                selection.codes(),
                reader=perform,
                read_type=Read,
                load=load_of,
            )
            self.reader = self._kept.fresh_reader
        self._checker = ImageChecker(
            rules,
            role=options.role,
            select=selection.select,
            ignore=selection.ignore,
            timeout=options.timeout,
        )
        self._wanted = any(
            active_checks(kind, rules, selection) for kind in sorted(ADAPTER_KINDS["IMG"])
        )

    def take(self, found: Found) -> list[Job]:
        if not self._wanted:
            return []
        jobs: list[Job] = []
        for file in found.usable():
            if is_image_name(file.display):
                placement = self._checker.place(file.display)
                task = self._checker.task(file.path, file.display, placement)
                kept = self._kept.lookup(task) if self._kept is not None else None
                if kept is not None:
                    jobs.append(Job(file.path, file.display, None, (placement, kept, task)))
                else:
                    jobs.append(Job(file.path, file.display, task, (placement, None, task)))
        return jobs

    def load(self, jobs: Sequence[Job]) -> Load:
        return load_of([job.task for job in jobs])

    def check(self, job: Job, read: Any) -> Checked:
        placement, kept, task = job.context
        if kept is not None:
            read = kept
        elif self._kept is not None:
            read = self._kept.keep(task, read)
        findings = self._checker.check(job.path, job.display, read, placement)
        return Checked([job.display], findings)

    def finish(self) -> list[Finding]:
        if self._kept is not None:
            self._kept.save()
        return self._checker.finish()


FAMILY = Family("IMG", ADAPTER_KINDS["IMG"], ImagePipeline)
