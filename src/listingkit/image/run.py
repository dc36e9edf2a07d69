"""Check images: probe each file's header, run the image checks, count per product.

Only files with an image extension are taken from a folder; a file named on
the command line is always probed. A file that cannot be probed is one
``FILE003`` finding and the batch goes on.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from listingkit.engine import active_checks, run_checks
from listingkit.files.checks import ImageError
from listingkit.findings import Finding, Location, Report
from listingkit.image.checks import ImageSet, ImageSubject
from listingkit.image.probe import EXTENSION_FORMATS, ImageFacts, ProbeError, probe_image
from listingkit.image.roles import place_image
from listingkit.registry import Selection
from listingkit.ruleset.loader import Rules
from listingkit.subjects import walk_files

__all__ = ["PARALLEL_MIN_FILES", "ImageChecker", "check_images", "is_image_name"]

# Below this many files, starting a second process costs more than it saves.
PARALLEL_MIN_FILES = 400


def is_image_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in EXTENSION_FORMATS


class ImageChecker:
    """The selected image checks for one set of rules; feed it files, then finish."""

    def __init__(
        self,
        rules: Rules,
        *,
        role: str | None = None,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
    ) -> None:
        self.rules = rules
        self.role = role
        selection = Selection(tuple(select), tuple(ignore))
        self._image = active_checks("image", rules, selection)
        self._sets = active_checks("image_set", rules, selection)
        self._errors = active_checks("image_error", rules, selection)
        self._slots: dict[tuple[str, str], list[int | None]] = defaultdict(list)

    def probe(self, path: str | os.PathLike[str]) -> ImageFacts | ImageError:
        try:
            return probe_image(path, max_pixels=self.rules.model.images.max_pixels)
        except ProbeError as exc:
            return ImageError(exc.reason, exc.kind)

    def check(
        self,
        path: str | os.PathLike[str],
        display: str,
        probed: ImageFacts | ImageError | None = None,
    ) -> list[Finding]:
        """Findings of one image file (``probed``: its facts, when already read)."""
        where = Location(display)
        placement = place_image(display, self.rules.model.images.layout, self.role)
        facts = probed if probed is not None else self.probe(path)
        if isinstance(facts, ImageError):
            return run_checks(self._errors, facts, where, self.rules)
        if placement.role is not None:
            self._slots[(placement.product, placement.role)].append(placement.slot)
        subject = ImageSubject(facts, placement.role, placement.slot)
        return run_checks(self._image, subject, where, self.rules)

    def finish(self) -> list[Finding]:
        """Findings about each product's set of images (counts, required slots)."""
        findings: list[Finding] = []
        for (product, role), slots in sorted(self._slots.items()):
            subject = ImageSet(product, role, tuple(slots))
            findings += run_checks(self._sets, subject, Location(product), self.rules)
        return findings


def check_images(
    paths: Iterable[str | os.PathLike[str]],
    rules: Rules,
    *,
    role: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> Report:
    """Check every image under ``paths`` (folders walked recursively).

    ``role`` forces one role for all of them; otherwise it comes from folder
    and file names (``[images.layout]``).
    """
    checker = ImageChecker(rules, role=role, select=select, ignore=ignore)
    given = [os.fspath(p) for p in paths]
    files = [
        (path, display)
        for path, display in walk_files(given)
        if os.fspath(path) in given or is_image_name(display)
    ]
    probed = _probe_all([path for path, _ in files], rules.model.images.max_pixels)
    findings: list[Finding] = []
    for (path, display), facts in zip(files, probed, strict=True):
        findings += checker.check(path, display, facts)
    findings += checker.finish()
    return Report(rules.platform, findings, [display for _, display in files])


def _probe_one(path: Path, max_pixels: int) -> ImageFacts | ImageError:
    try:
        return probe_image(path, max_pixels=max_pixels)
    except ProbeError as exc:
        return ImageError(exc.reason, exc.kind)


def _probe_all(paths: list[Path], max_pixels: int) -> list[ImageFacts | ImageError]:
    """Every file's facts; a large batch is read by as many processes as there are cores."""
    workers = os.cpu_count() or 1
    if workers < 2 or len(paths) < PARALLEL_MIN_FILES:
        return [_probe_one(path, max_pixels) for path in paths]
    chunk = max(64, len(paths) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_probe_one, paths, [max_pixels] * len(paths), chunksize=chunk))
