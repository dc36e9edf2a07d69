"""SKU030: the same picture saved under two names in one folder.

What the check reads (the ``sku_folder`` subject's side of it): the folder
subject carries ``hashes: list[PhotoHash]``, one per photo of the folder in the
folder's order, each hashed by :func:`listingkit.naming.phash.photo_hash` (in
the family's reader, so in worker processes); an empty list when SKU030 is not
selected, so that nothing is decoded. A photo whose hash is None (not
decodable: FILE003 says so; or one flat colour) is left out.

Photos whose hashes differ in at most ``[naming] duplicate_distance`` bits are
one picture; pictures joined through a common one form one group, and each
group is one finding naming every file of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from listingkit.findings import Hit, Severity
from listingkit.naming.phash import hash_distance
from listingkit.registry import check
from listingkit.ruleset import Rules

__all__ = ["PhotoHash", "default_distance", "duplicate_groups", "duplicate_photo"]

# How many file names one message lists before "… 等 N 个".
_SHOWN = 8


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


def _distance_of(rules: Rules) -> int:
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


def _names(group: Sequence[PhotoHash]) -> str:
    shown = "、".join(p.display for p in group[:_SHOWN])
    return shown + (f" 等 {len(group)} 个" if len(group) > _SHOWN else "")


def _source(rules: Rules) -> str:
    origin = rules.origin("naming.duplicate_distance")
    if origin is not None:
        return f"本店设定（{origin}）：naming.duplicate_distance"
    return (
        f"listingkit 默认阈值（没有平台给出这个数值）：两张图的感知哈希相差不超过"
        f" {_distance_of(rules)} 位算同一张图"
    )


@check(
    "SKU030",
    "duplicate-photo",
    subject="sku_folder",
    keys=("naming.duplicate_distance",),
    severity=Severity.WARNING,
)
def duplicate_photo(subject: Any, rules: Rules) -> Iterator[Hit]:
    """同一张图片以不同的文件名出现了两次或更多次。

    ## 检查什么
    把同一个文件夹里的每张图缩小解码后算出感知哈希（64 位：画面结构 40 位，主体的亮度和颜色 24 位；
    白底或纯色背景的图先裁到主体），两张图的哈希相差不超过 `naming.duplicate_distance` 位
    （listingkit 默认 8，店铺可改）就算同一张图：改过尺寸、重新压缩过、裁掉了边上几个百分点、
    PNG 和 JPEG 互转过的副本都算。同一件商品换了角度、位置、远近或光线重拍的照片不算，
    同样构图只换了颜色（红色款、黑色款）的照片一般也不算；颜色非常接近的两款可能被当成同一张，
    这时按提示核对即可。
    每组相同的图报告一次，列出这组的每个文件。纯色图（全白、全灰）看不出内容，不参与比较；
    打不开的图片由 FILE003 报告。

    ## 为什么
    同一张图存成两个名字（例如 `A1023_01.jpg` 和 `A1023_红色_01.jpg`），上架时会把错的图
    当成另一个颜色或另一个位置的图传上去，买家看到的两张图一模一样；批量改名时也会被当成两张图排序号。

    ## 示例
    Okay: A1023_01.jpg 与 A1023_02.jpg（同一件商品，换了角度重拍）
    SKU030: A1023_01.jpg 与 A1023_红色_01.jpg（同一张图缩小后另存为 JPEG）
    """
    photos: Sequence[PhotoHash] = getattr(subject, "hashes", None) or ()
    distance = _distance_of(rules)
    for group in duplicate_groups(photos, distance):
        keep = group[0].display
        others = "、".join(p.display for p in group[1:_SHOWN])
        more = " 等" if len(group) > _SHOWN else ""
        yield Hit(
            f"同一张图片存成了 {len(group)} 个文件：{_names(group)}",
            hint=(
                f"保留一个（如 {keep}），删除其余的（{others}{more}）；"
                "如果其中某个本该是另一张图（另一个颜色、另一个角度），换成那张图再改名"
            ),
            source=_source(rules),
            data={
                "files": [p.display for p in group],
                "distance": max(hash_distance(group[0].hash or 0, p.hash or 0) for p in group[1:]),
                "limit": distance,
            },
        )
