"""The same picture saved under two names in one folder: grouping photos by hash.

What the check reads (the ``sku_folder`` subject's side of it): the folder
subject carries ``hashes: list[PhotoHash]``, one per photo of the folder in the
folder's order, each hashed by :func:`listingkit.naming.phash.photo_hash` (in
the family's reader, so in worker processes); an empty list when no selected
check reads the hash, so that nothing is decoded. A photo whose hash is None (not
decodable: FILE003 says so; or one flat colour) is left out.

Photos whose hashes differ in at most ``[naming] duplicate_distance`` bits are
one picture; pictures joined through a common one form one group, and each
group is one finding naming every file of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from listingkit.naming.phash import hash_distance
from listingkit.ruleset import Rules

__all__ = [
    "SHOWN",
    "PhotoHash",
    "default_distance",
    "distance_of",
    "duplicate_groups",
    "group_names",
    "source_of",
]

# How many file names one message lists before "… 等 N 个".
SHOWN = 8


@dataclass(frozen=True, slots=True)
class PhotoHash:
    """One photo of a folder and its perceptual hash."""

    path: Path
    display: str  # the name shown to operators
    hash: int | None  # None: not decodable, or one flat colour


def default_distance() -> int:
    """``[naming] duplicate_distance`` when a rule file sets none (chosen on
    ``benchmarks/photo_duplicates.py``: copies resized, re-compressed, cropped and
    converted, against other shots and other colours of the same product)."""
    from listingkit.ruleset.models import NamingSpec

    default = NamingSpec.model_fields["duplicate_distance"].default
    assert isinstance(default, int)
    return default


def distance_of(rules: Rules) -> int:
    return rules.model.naming.duplicate_distance


def duplicate_groups(photos: Sequence[PhotoHash], distance: int) -> list[list[PhotoHash]]:
    """Groups of two or more photos within ``distance`` bits of each other, in folder order."""
    hashed = [p for p in photos if p.hash is not None]
    parent = list(range(len(hashed)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(hashed):
        for j in range(i + 1, len(hashed)):
            b = hashed[j]
            if hash_distance(a.hash or 0, b.hash or 0) <= distance:
                parent[root(j)] = root(i)
    groups: dict[int, list[PhotoHash]] = {}
    for i, photo in enumerate(hashed):
        groups.setdefault(root(i), []).append(photo)
    return [g for g in groups.values() if len(g) > 1]


def group_names(group: Sequence[PhotoHash]) -> str:
    shown = "、".join(p.display for p in group[:SHOWN])
    return shown + (f" 等 {len(group)} 个" if len(group) > SHOWN else "")


def source_of(rules: Rules) -> str:
    origin = rules.origin("naming.duplicate_distance")
    if origin is not None:
        return f"本店设定（{origin}）：naming.duplicate_distance"
    return (
        f"listingkit 默认阈值（没有平台给出这个数值）：两张图的感知哈希相差不超过"
        f" {distance_of(rules)} 位算同一张图"
    )
