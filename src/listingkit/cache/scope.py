"""What decides which cache file holds a run's kept image reads, with nothing else imported.

:mod:`listingkit.cache.images` keeps the reads; :mod:`listingkit.cache.runs`
names the same file without importing the image modules.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from listingkit.cache.store import results_folder

__all__ = [
    "RACY_SECONDS",
    "READS_KIND",
    "code_version",
    "digest",
    "reads_file",
    "reads_scope",
    "rules_content",
]

READS_KIND = "listingkit image reads"
#: A file modified this close to (or after) the moment it was looked at may have
#: changed without its times showing it: 2 s covers the coarsest file-system clock (FAT).
RACY_SECONDS = 2.0


def digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def code_version() -> tuple[object, ...]:
    """The version, and when each module that reads images was last changed."""
    from listingkit import _version, image

    folder = Path(image.__file__).parent
    modules: list[object] = [_version.__version__]
    for path in sorted([*folder.glob("*.py"), Path(__file__).with_name("images.py")]):
        with contextlib.suppress(OSError):
            status = path.stat()
            modules.append((path.name, status.st_size, status.st_mtime_ns))
    return tuple(modules)


def rules_content(paths: Iterable[Path], platform: str) -> tuple[object, ...]:
    contents: list[object] = [platform]
    for path in paths:
        try:
            contents.append((os.fspath(path), hashlib.sha256(path.read_bytes()).hexdigest()))
        except OSError:
            contents.append((os.fspath(path), None))
    return tuple(contents)


def reads_scope(rule_paths: Iterable[Path], platform: str, codes: Iterable[str]) -> str:
    """The scope of the kept reads of a run with these rule files, platform and check codes."""
    return digest(READS_KIND, code_version(), rules_content(rule_paths, platform), sorted(codes))


def reads_file(scope: str) -> Path:
    """The cache file of the kept reads of ``scope``."""
    return results_folder() / f"images-{scope[:32]}.json"
