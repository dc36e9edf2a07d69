"""Run checks over subjects and stamp their hits into findings.

The engine, not the check, decides a finding's severity: the rule file's
``[checks]`` level if it sets one, else the check's default, lowered to a
warning when the number applied has evidence grade B or C.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from listingkit.arguments import code_list, path_list, rules_argument
from listingkit.findings import Finding, Hit, Location, Report, Severity
from listingkit.registry import CheckSpec, Selection, checks_for
from listingkit.ruleset.loader import Rules
from listingkit.subjects import file_subject, walk
from listingkit.timelimit import DEFAULT_TIMEOUT, checked_timeout

__all__ = ["active_checks", "check_files", "run_checks", "stamp"]

_GRADE_CAP = {"A": Severity.ERROR, "B": Severity.WARNING, "C": Severity.WARNING}


def stamp(spec: CheckSpec, hit: Hit, where: Location, rules: Rules) -> Finding:
    """Turn a check's hit into a finding with code, severity, source and place.

    ``where`` is the subject's place; the hit may narrow it to a row or a span.
    """
    source = hit.source
    severity = spec.severity
    if hit.severity is not None:
        severity = min(severity, hit.severity, key=lambda s: s.rank)
    if hit.rule_key is not None:
        fact = rules.fact(hit.rule_key)
        source = fact.citation()
        cap = _GRADE_CAP.get(fact.grade or "A", Severity.ERROR)
        severity = min(severity, cap, key=lambda s: s.rank)
    level = rules.check_level(spec.code, spec.name)
    if level is not None and level != "off":
        severity = Severity(level)
    location = Location(
        where.path,
        where.sheet,
        hit.row if hit.row is not None else where.row,
        hit.column or where.column,
        hit.span or where.span,
    )
    return Finding(
        location, spec.code, spec.name, severity, hit.message, hit.hint, source, hit.data
    )


def active_checks(subject: str, rules: Rules, selection: Selection) -> list[CheckSpec]:
    """The selected checks for a kind of subject, less those the rule file turns off."""
    return [
        spec
        for spec in checks_for(subject, selection.codes())
        if rules.check_level(spec.code, spec.name) != "off"
    ]


def run_checks(
    specs: Sequence[CheckSpec], subject: Any, where: Location, rules: Rules
) -> list[Finding]:
    """Every finding of ``specs`` on one subject."""
    return [stamp(spec, hit, where, rules) for spec in specs for hit in spec.run(subject, rules)]


def check_files(
    paths: Iterable[str | os.PathLike[str]],
    rules: Rules,
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Check every file under ``paths`` (folders walked recursively), images by their role.

    ``paths`` is a list of paths; a single ``str`` or path object is taken as
    one path, and a single string for ``select``/``ignore`` as one entry.
    ``timeout``: seconds one image may take (None or 0: no limit); ``progress``
    is called as (images read, images in all). Images are read on both cores in
    a large batch, as by :func:`~listingkit.image.run.check_images`. Arguments
    of the wrong kind raise :class:`ArgumentError`.
    """
    from listingkit.image.run import ImageChecker, is_image_name, perform_all

    paths, rules = path_list(paths), rules_argument(rules)
    select, ignore = code_list(select, "select"), code_list(ignore, "ignore")
    timeout = checked_timeout(timeout)

    selection = Selection(tuple(select), tuple(ignore))
    specs = active_checks("file", rules, selection)
    images = ImageChecker(rules, select=select, ignore=ignore, timeout=timeout)
    found = walk(paths)
    findings = [f for folder in found.folders for f in images.folder(folder)]
    files = [(path, display, file_subject(path, display)) for path, display in found.files]
    # A file already reported as unreadable or empty is not probed again.
    pictures = [
        (Path(path), display)
        for path, display, subject in files
        if is_image_name(display) and subject.error is None and subject.size > 0
    ]
    reads = perform_all([images.task(path, display) for path, display in pictures], progress)
    read_of = {display: read for (_, display), read in zip(pictures, reads, strict=True)}
    for path, display, subject in files:
        findings += run_checks(specs, subject, Location(display), rules)
        if display in read_of:
            findings += images.check(Path(path), display, read_of[display])
    findings += images.finish()
    subjects = [display for _, display, _ in files]
    return Report(rules.platform, findings, subjects)
