"""SKU0xx: photo file names against the store's naming rule and product sheet.

Each docstring is the operator's documentation. Its ``## 示例`` lines are run
as tests: the names on a line (separated by spaces) are files of one folder;
a line may start with the product sheet it assumes, ``（商品表：A001 红色、黑色）``.
Nothing here opens a photo: names are read from the folder listing (SKU030,
in :mod:`listingkit.naming.duplicates`, is the one check that decodes).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from listingkit.findings import Hit, Severity
from listingkit.naming.duplicates import (
    SHOWN,
    PhotoHash,
    distance_of,
    duplicate_groups,
    group_names,
    source_of,
)
from listingkit.naming.phash import PHOTO_HASH, hash_distance
from listingkit.naming.portable import clashing_names, name_problems
from listingkit.naming.products import PRODUCT_SHEET
from listingkit.printable import printable
from listingkit.registry import check
from listingkit.ruleset import Rules

if TYPE_CHECKING:
    from listingkit.naming.grammar import NameGrammar, NameMismatch, NameParts
    from listingkit.naming.products import ProductSheet

__all__ = [
    "SkuFolder",
    "SkuPhoto",
    "item_without_photo",
    "items_named_by",
    "name_breaks_elsewhere",
    "name_not_in_grammar",
    "names_clash",
    "naming_source",
    "same_text",
    "sequence_gap_or_duplicate",
    "unknown_item",
]

# How many names one message lists before "… 等 N 个".
_SHOWN = 8

_ROLE_NAMES = {
    "main": "主图",
    "main_3x4": "3:4 主图",
    "white_background": "白底图",
    "detail": "详情图",
    "sku": "SKU 图",
}


@dataclass(frozen=True, slots=True)
class SkuPhoto:
    """One photo file, read from its name only: the parts the grammar reads, or why not."""

    name: str  # the file name, as on disk
    display: str  # the path as reports show it
    grammar: NameGrammar
    parts: NameParts | None
    mismatch: NameMismatch | None
    sheet: ProductSheet | None = None
    role: str | None = None  # the role the name must have (sku in a SKU folder), or any


@dataclass(frozen=True, slots=True)
class SkuFolder:
    """The photos of one folder, for the checks that compare names with each other."""

    display: str
    photos: tuple[SkuPhoto, ...]
    sheet: ProductSheet | None = None
    #: The 货号 SKU003 looks at for this folder: those its photos or its path name,
    #: less those an earlier folder of the run already stands for.
    items: frozenset[str] = frozenset()
    #: Every photo of the run (a colour shot may lie in another folder of the product).
    run_photos: tuple[SkuPhoto, ...] = ()
    #: One per photo, in folder order, when SKU030 runs (see naming.duplicates); else empty.
    hashes: tuple[PhotoHash, ...] = field(default_factory=tuple)


def same_text(text: str) -> str:
    """The form names and sheet cells are compared in: NFC, case-folded, no outer spaces."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def naming_source(rules: Rules) -> str:
    """Where the naming rule comes from: the store's file, or listingkit's default."""
    for key in ("naming.roles", "naming.separator", "naming.template", "naming.colour_template"):
        origin = rules.origin(key)
        if origin is not None:
            return f"本店设定（{origin}）：[naming]"
    return (
        "listingkit 默认命名规则（平台没有规定文件名；店铺可在 listingkit.toml 的 [naming] 里改）"
    )


def _sheet_source(sheet: ProductSheet) -> str:
    return f"商品表 {sheet.display}"


def _names(names: Sequence[str]) -> str:
    shown = "、".join(printable(name) for name in names[:_SHOWN])
    return shown + (f" 等 {len(names)} 个" if len(names) > _SHOWN else "")


@lru_cache(maxsize=256)
def _example(grammar: NameGrammar, role: str, item: str = "A1023") -> str:
    # Cached: a folder of camera names gets the same hint on every photo.
    # The grammar (and its regex engine) is imported only once a photo is read.
    from listingkit.naming.grammar import NameMismatch, NameParts

    colour = "红色" if "{colour}" in grammar.template(role) else None
    try:
        return grammar.format(NameParts(item, 1, role, colour))
    except (NameMismatch, KeyError, ValueError):
        return grammar.template(role)


@check(
    "SKU001", "name-not-in-grammar", subject="sku_photo", keys=("naming",), severity=Severity.ERROR
)
def name_not_in_grammar(subject: SkuPhoto, rules: Rules) -> Iterator[Hit]:
    """文件名不符合本店的命名规则，并指出哪一部分不对。

    ## 检查什么
    按规则文件 `[naming]` 的模板（listingkit 默认：主图 `货号_序号`，SKU 图 `货号_颜色_序号`，
    白底图 `货号_白底_序号`，详情图 `货号_详情_序号`，分隔符 `_`，序号至少两位）读每个图片文件名，
    读不出来就报告，并说明是哪一部分不对：货号、颜色、序号、分隔符、扩展名还是整个名字。
    `listingkit check` 只看 SKU 文件夹（`SKU/`、`颜色图/` 等）里的图，
    `listingkit names` 看给定文件夹里
    扩展名在 `naming.extensions` 里的每个文件。

    ## 为什么
    美工按统一的名字交图，运营才能按货号和颜色把图传到对应的 SKU 下；相机原名（IMG_4711.JPG）、
    “红色 副本.jpg”这样的名字，上架时只能一张张打开看，容易传错颜色。平台不规定文件名，
    这套规则是本店的约定，在 listingkit.toml 的 `[naming]` 里改。

    ## 示例
    Okay: A001_红色_01.jpg A001_01.jpg
    SKU001: IMG_4711.JPG
    """
    mismatch = subject.mismatch
    if mismatch is None:
        return
    grammar = subject.grammar
    roles = [subject.role] if subject.role in grammar.roles else grammar.roles[:5]
    shapes = "、".join(f"{_ROLE_NAMES.get(role, role)} {_example(grammar, role)}" for role in roles)
    part = _PART_NAMES.get(mismatch.part, mismatch.part)
    yield Hit(
        f"文件名不符合命名规则（{part}）：{mismatch.message}",
        hint=f"按命名规则改名，例如 {shapes}；整个文件夹可用 listingkit rename 批量改名",
        source=naming_source(rules),
        data={"part": mismatch.part, "name": subject.name},
    )


_PART_NAMES = {
    "item": "货号",
    "colour": "颜色",
    "seq": "序号",
    "separator": "分隔符",
    "extension": "扩展名",
    "role": "图片类型",
    "name": "文件名",
}


@check(
    "SKU002",
    "unknown-item",
    subject="sku_photo",
    severity=Severity.ERROR,
    reads=(PRODUCT_SHEET,),
)
def unknown_item(subject: SkuPhoto, rules: Rules) -> Iterator[Hit]:
    """文件名里的货号（或货号下的颜色）不在商品表里。

    ## 检查什么
    有商品表时（`listingkit names --sheet 商品表.xlsx`，或规则文件 `[naming] products`），
    按命名规则读出的货号不在表的货号列里，或表里这个货号列了颜色、文件名里的颜色不在其中，就报告。
    比较时不分大小写和全角半角以外的写法差别（NFC、忽略大小写）。
    商品表里不能用作文件名的货号（含 `/`、`..`、`C:`、`CON` 等）也在这里报告，指出是第几行。
    没有商品表时这项检查不运行。

    ## 为什么
    货号写错一个字母（A1O23 与 A1023）的图，上架时找不到对应的商品，或者传到了别的商品下。

    ## 示例
    Okay: （商品表：A001 红色、黑色）A001_红色_01.jpg
    SKU002: （商品表：A001 红色、黑色）A002_红色_01.jpg
    SKU002: （商品表：A001 红色、黑色）A001_白色_01.jpg
    """
    sheet, parts = subject.sheet, subject.parts
    if sheet is None or parts is None:
        return
    source = _sheet_source(sheet)
    items = {same_text(item): item for item in sheet.items()}
    item = items.get(same_text(parts.item))
    if item is None:
        yield Hit(
            f"货号“{printable(parts.item)}”不在{source} 里",
            hint="核对文件名里的货号是否写错；新商品请先加进商品表",
            source=source,
            data={"item": parts.item},
        )
        return
    colours = sheet.colours(item)
    if parts.colour is None or not colours:
        return
    if same_text(parts.colour) not in {same_text(c) for c in colours}:
        yield Hit(
            f"颜色“{printable(parts.colour)}”不在{source} 里货号 {printable(item)} 的颜色"
            f"（{_names(list(colours))}）中",
            hint="把文件名里的颜色改成商品表里的写法；新颜色请先加进商品表",
            source=source,
            data={"item": item, "colour": parts.colour, "colours": list(colours)},
        )


@check(
    "SKU003",
    "item-without-photo",
    subject="sku_folder",
    severity=Severity.WARNING,
    reads=(PRODUCT_SHEET,),
)
def item_without_photo(subject: SkuFolder, rules: Rules) -> Iterator[Hit]:
    """商品表里的货号或颜色没有对应的图片。

    ## 检查什么
    有商品表时，对本次检查到的每个货号（有按规则命名的图片，或所在文件夹的名字里有这个货号，
    如 `连衣裙-A001/`），表里列出的每个颜色都要有一张 `货号_颜色_序号` 的图；表里没有颜色的货号
    至少要有一张按规则命名的图。只看本次检查的文件夹：表里别的商品不在这里报告。
    没有商品表时这项检查不运行。

    ## 为什么
    漏拍或漏交一个颜色，上架时这个 SKU 没有图；等买家问起才发现就晚了。

    ## 示例
    Okay: （商品表：A001 红色、黑色）A001_红色_01.jpg A001_黑色_01.jpg
    SKU003: （商品表：A001 红色、黑色）A001_红色_01.jpg
    """
    sheet = subject.sheet
    if sheet is None:
        return
    source = _sheet_source(sheet)
    have: dict[str, set[str | None]] = defaultdict(set)
    for photo in subject.run_photos or subject.photos:
        if photo.parts is not None:
            colour = photo.parts.colour
            have[same_text(photo.parts.item)].add(None if colour is None else same_text(colour))
    for item in sorted(subject.items):
        got = have.get(same_text(item), set())
        colours = sheet.colours(item)
        if not colours:
            if not got:
                example = _example(_grammar_of(subject), "main", item)
                yield Hit(
                    f"{source} 第 {sheet.first_row(item)} 行的货号 {printable(item)}"
                    " 没有按规则命名的图片",
                    hint=f"补上这个货号的图片，或按命名规则改名（如 {example}）",
                    source=source,
                    data={"item": item},
                )
            continue
        for colour, row in colours.items():
            if same_text(colour) not in got:
                yield Hit(
                    f"{source} 第 {row} 行：货号 {printable(item)}"
                    f" 的颜色“{printable(colour)}”没有图片",
                    hint=f"补上这个颜色的图（如 {printable(item)}_{printable(colour)}_01.jpg），"
                    "或核对文件名里的颜色写法",
                    source=source,
                    data={"item": item, "colour": colour, "row": row},
                )


def _grammar_of(subject: SkuFolder) -> NameGrammar:
    return (subject.photos or subject.run_photos)[0].grammar


@check(
    "SKU004",
    "sequence-gap-or-duplicate",
    subject="sku_folder",
    keys=("naming",),
    severity=Severity.WARNING,
)
def sequence_gap_or_duplicate(subject: SkuFolder, rules: Rules) -> Iterator[Hit]:
    """同一货号（同一颜色、同一类图）的序号不连续，或同一个序号用了两次。

    ## 检查什么
    把文件夹里按规则命名的图按货号、图片类型和颜色分组，每组的序号应当从 1 开始、一个接一个：
    缺了中间的号（01、02、04）或者同一个号出现两次（`A001_01.jpg` 与 `A001_01.png`、
    `A001_1.jpg` 与 `A001_01.jpg`）就报告，列出缺的号或重号的文件。

    ## 为什么
    序号决定上传的顺序；缺一个号常常是漏了一张图，重号的两张里上传时只会留下一张。

    ## 示例
    Okay: A001_01.jpg A001_02.jpg A001_红色_01.jpg
    SKU004: A001_01.jpg A001_03.jpg
    SKU004: A001_01.jpg A001_01.png
    """
    groups: dict[tuple[str, str, str | None], list[SkuPhoto]] = defaultdict(list)
    for photo in subject.photos:
        parts = photo.parts
        if parts is not None:
            colour = None if parts.colour is None else same_text(parts.colour)
            groups[(same_text(parts.item), parts.role, colour)].append(photo)
    for photos in groups.values():
        first = photos[0].parts
        assert first is not None
        what = f"货号 {printable(first.item)} 的{_ROLE_NAMES.get(first.role, first.role)}"
        if first.colour is not None:
            what = f"货号 {printable(first.item)} 颜色“{printable(first.colour)}”的图"
        counts = Counter(photo.parts.seq for photo in photos if photo.parts is not None)
        for seq, count in sorted(counts.items()):
            if count > 1:
                names = [p.name for p in photos if p.parts is not None and p.parts.seq == seq]
                yield Hit(
                    f"{what}有 {count} 个第 {seq} 号：{_names(names)}",
                    hint="保留一个，其余的改成还没用过的序号（或删除重复的图）",
                    source=naming_source(rules),
                    data={"seq": seq, "files": names},
                )
        missing = sorted(set(range(1, max(counts) + 1)) - set(counts))
        if missing:
            shown = "、".join(str(n) for n in missing[:_SHOWN])
            more = f" 等 {len(missing)} 个" if len(missing) > _SHOWN else ""
            yield Hit(
                f"{what}缺第 {shown}{more} 号（现有 {len(counts)} 张，最大序号 {max(counts)}）",
                hint="补上缺的图，或把后面的图依次改小序号（listingkit rename 可以重新编号）",
                source=naming_source(rules),
                data={"missing": missing},
            )


@check("SKU010", "name-breaks-elsewhere", subject="sku_photo", severity=Severity.ERROR)
def name_breaks_elsewhere(subject: SkuPhoto, rules: Rules) -> Iterator[Hit]:
    r"""文件名在 Windows 或别的系统上不能用：非法字符、结尾的点或空格、保留名、过长。

    ## 检查什么
    文件名里有 Windows 不允许的字符 `< > : " / \ | ? *` 或控制字符，以点或空格结尾，
    是 Windows 的保留名（CON、PRN、AUX、NUL、COM1–COM9、LPT1–LPT9，不论大小写和扩展名），
    或按 UTF-8 超过 255 字节，就报告。

    ## 为什么
    在 Mac 或 Linux 上做好的图，拷到运营的 Windows 电脑、网盘或压缩包里时，这样的文件会
    打不开、被改名或直接丢失；上传工具也可能拒收。

    ## 示例
    Okay: A001_01.jpg
    SKU010: A001_01?.jpg
    SKU010: CON.jpg
    """
    for kind, message in name_problems(subject.name):
        yield Hit(
            f"文件名“{printable(subject.name)}”在别的系统上不能用：{message}",
            hint="改名，只用字母、数字、汉字、连字符和下划线",
            source="Windows 文件名规则（微软文档 Naming Files, Paths, and Namespaces）",
            data={"kind": kind, "name": subject.name},
        )


@check("SKU011", "names-clash", subject="sku_folder", severity=Severity.ERROR)
def names_clash(subject: SkuFolder, rules: Rules) -> Iterator[Hit]:
    """同一文件夹里两个文件名只差大小写，或只差 Unicode 写法（看起来一模一样）。

    ## 检查什么
    同一文件夹里的两个文件名，忽略大小写后相同（`A001_01.jpg` 与 `a001_01.JPG`），
    或按 Unicode 规范化（NFC/NFD）后相同（Mac 上输入的“白底”和 Windows 上输入的“白底”
    字节不同、看起来一样），就报告这一对。

    ## 为什么
    Windows 和 Mac 默认不分大小写：拷过去时一个文件会覆盖另一个，或者拷贝直接失败；
    两种 Unicode 写法的同名文件在网盘同步时也会互相覆盖。

    ## 示例
    Okay: A001_01.jpg A001_02.jpg
    SKU011: A001_01.jpg a001_01.jpg
    """
    names = [photo.name for photo in subject.photos]
    for first, second, kind in clashing_names(names):
        how = "只差大小写" if kind == "case" else "只差 Unicode 写法（NFC/NFD），看起来一样"
        yield Hit(
            f"文件夹 {printable(subject.display)} 里“{printable(first)}”"
            f"和“{printable(second)}”{how}",
            hint="拷到 Windows 或 Mac 时一个会覆盖另一个：改掉其中一个的名字，或删除重复的文件",
            source="Windows、macOS 默认不区分大小写的文件系统",
            data={"files": [first, second], "kind": kind},
        )


_RUN = re.compile(r"[A-Za-z0-9]+(?:-+[A-Za-z0-9]+)*")


def items_named_by(path_parts: Sequence[str], items: Iterable[str]) -> frozenset[str]:
    """The 货号 a folder path names as a word of its own (``连衣裙-A001`` names A001).

    A word is a run of letters and digits, or several joined by hyphens, not
    touching another letter or digit; case is ignored.
    """
    wanted = {item.casefold(): item for item in items}
    found = set()
    for part in path_parts:
        for run in _RUN.findall(part):
            pieces = run.split("-")
            for start in range(len(pieces)):
                for end in range(start + 1, len(pieces) + 1):
                    word = "-".join(pieces[start:end]).casefold()
                    if word in wanted:
                        found.add(wanted[word])
    return frozenset(found)


@check(
    "SKU030",
    "duplicate-photo",
    subject="sku_folder",
    keys=("naming.duplicate_distance",),
    severity=Severity.WARNING,
    reads=(PHOTO_HASH,),
)
def duplicate_photo(subject: SkuFolder, rules: Rules) -> Iterator[Hit]:
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
    photos = subject.hashes
    distance = distance_of(rules)
    for group in duplicate_groups(photos, distance):
        keep = group[0].display
        others = "、".join(p.display for p in group[1:SHOWN])
        more = " 等" if len(group) > SHOWN else ""
        yield Hit(
            f"同一张图片存成了 {len(group)} 个文件：{group_names(group)}",
            hint=(
                f"保留一个（如 {keep}），删除其余的（{others}{more}）；"
                "如果其中某个本该是另一张图（另一个颜色、另一个角度），换成那张图再改名"
            ),
            source=source_of(rules),
            data={
                "files": [p.display for p in group],
                "distance": max(hash_distance(group[0].hash or 0, p.hash or 0) for p in group[1:]),
                "limit": distance,
            },
        )
