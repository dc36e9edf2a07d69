"""IMG0xx: image spec checks. Each docstring is the operator's doc.

Most read header facts only; a check that needs pixels says what it reads
(``reads=``), and the image pipeline decodes only for those.

Numbers come from the role's table in the rule file (``[images.<role>]``);
a role with no table, or a number the platform does not publish, is not
checked. Each finding cites the source of the number applied.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from listingkit.findings import Hit, Severity
from listingkit.image.background import BackgroundFacts
from listingkit.image.probe import ImageFacts

if TYPE_CHECKING:
    from listingkit.image.watermark import WatermarkMatch
    from listingkit.ruleset.models import ImageSpec, WatermarkSpec
from listingkit.registry import check
from listingkit.ruleset import Rules

__all__ = [
    "READS_BACKGROUND",
    "READS_WATERMARK",
    "ImageSet",
    "ImageSubject",
    "color_mode",
    "extension_mismatch",
    "format_not_allowed",
    "image_too_heavy",
    "image_too_large",
    "image_too_small",
    "needs_white_background",
    "not_white_background",
    "product_fill",
    "required_slot_missing",
    "too_few_images",
    "too_many_images",
    "transparency_or_animation",
    "under_recommended_size",
    "watermark_forbidden",
    "watermark_missing",
    "wrong_aspect_ratio",
]

ROLE_NAMES = {
    "main": "主图",
    "main_3x4": "3:4 主图",
    "white_background": "白底图",
    "detail": "详情图",
    "sku": "SKU 图",
    "long": "长图",
}
FORMAT_NAMES = {
    "jpeg": "JPEG",
    "png": "PNG",
    "gif": "GIF",
    "bmp": "BMP",
    "webp": "WebP",
    "tiff": "TIFF",
    "avif": "AVIF",
    "heif": "HEIF/HEIC",
    "jxl": "JPEG XL",
}


#: What an image check may read beyond the header facts (``@check(reads=...)``);
#: the image pipeline decodes pixels only for these, once per file for all of them.
READS_BACKGROUND = "background"  # a reduced decode: the border bands and product box
READS_WATERMARK = "watermark"  # a working-size decode searched for the store's logo


@dataclass(frozen=True, slots=True)
class ImageSubject:
    """One image with its role and slot."""

    facts: ImageFacts
    role: str | None
    slot: int | None
    background: BackgroundFacts | None = None  # measured when the image must be white
    watermark: WatermarkMatch | None = None  # where the store's watermark was found
    watermark_checked: bool = False  # whether it was looked for

    def spec(self, rules: Rules) -> ImageSpec | None:
        return _role_spec(rules, self.role)

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role or "", "图片")


@dataclass(frozen=True, slots=True)
class ImageSet:
    """The images of one role in one product folder, for counts and slots."""

    product: str
    role: str
    slots: tuple[int | None, ...]

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)


def _key(subject: ImageSubject | ImageSet, field: str) -> str:
    return f"images.{subject.role}.{field}"


_T = TypeVar("_T")
_UNSET: Any = object()


def _kept(rules: Rules, key: Hashable, work: Callable[[Rules], _T]) -> _T:
    """``work(rules)``, worked out once per rules object and kept in ``Rules.memo``.

    Rules never change once built, and the image checks run once per file: a
    role's table and the numbers a check takes from it are the same for every
    file of the role. Only a :class:`Rules` keeps them; anything else handed in
    as the rules (a view that records what is read) is asked every time.
    """
    if not isinstance(rules, Rules):
        return work(rules)
    memo = rules.memo
    found = memo.get(key, _UNSET)
    if found is _UNSET:
        found = memo[key] = work(rules)
    return found  # type: ignore[no-any-return]


def _role_spec(rules: Rules, role: str | None) -> ImageSpec | None:
    """The role's table (``[images.<role>]``), or None for no role or no table."""
    if not role:
        return None
    spec: ImageSpec | None = _kept(
        rules, ("image spec", role), lambda r: getattr(r.model.images, role)
    )
    return spec


def _from_spec(
    rules: Rules, code: str, role: str | None, read: Callable[[ImageSpec | None], _T]
) -> _T:
    """What check ``code`` reads from the role's table, read once per role."""
    key = ("image limits", code, role)
    if isinstance(rules, Rules):  # asked once per file and check: the kept value, no closure
        found = rules.memo.get(key, _UNSET)
        if found is not _UNSET:
            return found  # type: ignore[no-any-return]
    return _kept(rules, key, lambda r: read(_role_spec(r, role)))


@check("IMG001", "format-not-allowed", subject="image", keys=("images.<role>.formats",))
def format_not_allowed(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """图片格式不在平台允许的范围内。

    ## 检查什么
    按文件内容（不是扩展名）判断格式，不在该角色的 `formats` 里就报告。

    ## 为什么
    平台只接受列出的格式（淘宝主图：JPEG、PNG），其他格式上传会失败。

    ## 示例
    Okay: 主图/01.jpg（JPEG）
    IMG001: 主图/01.webp（WebP，淘宝主图不接受）
    """
    allowed = _from_spec(rules, "IMG001", subject.role, _formats)
    if allowed is None or subject.facts.format in allowed[0]:
        return
    formats, names = allowed
    actual = FORMAT_NAMES.get(subject.facts.format, subject.facts.format.upper())
    yield Hit(
        f"{subject.role_name}的格式是 {actual}，平台只接受 {names}",
        hint=f"另存为 {names}",
        rule_key=_key(subject, "formats"),
        data={"actual": subject.facts.format, "limit": list(formats)},
    )


def _formats(spec: ImageSpec | None) -> tuple[tuple[str, ...], str] | None:
    """The formats a role takes and how a message names them; None when any will do."""
    if spec is None or not spec.formats:
        return None
    formats = tuple(spec.formats)
    return formats, "、".join(FORMAT_NAMES.get(f, f) for f in formats)


@check("IMG002", "extension-mismatch", subject="image", severity=Severity.WARNING)
def extension_mismatch(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """文件扩展名与实际格式不符。

    ## 检查什么
    扩展名说的格式（.jpg）与文件内容的格式（PNG）不一致时报告。

    ## 为什么
    有的上传工具按扩展名处理文件，改名不改格式的图会被拒绝或显示异常。

    ## 示例
    Okay: 主图/01.png（内容是 PNG）
    IMG002: 主图/01.jpg（内容是 PNG）
    """
    facts = subject.facts
    if facts.extension_lies:
        actual = FORMAT_NAMES.get(facts.format, facts.format.upper())
        yield Hit(
            f"扩展名是 {facts.path.suffix}，内容却是 {actual}",
            hint=f"用作图软件另存为真正的 {facts.path.suffix[1:].upper()}，或把扩展名改对",
            data={"actual": facts.format, "extension": facts.path.suffix},
        )


@check("IMG003", "image-too-heavy", subject="image", keys=("images.<role>.max_bytes",))
def image_too_heavy(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """文件大小超过平台上限。

    ## 检查什么
    文件字节数超过该角色的 `max_bytes` 时报告（1 MB 按 1024×1024 字节计）。

    ## 为什么
    超过上限的图上传会被拒绝。

    ## 示例
    Okay: 主图/01.jpg（2.9 MB，淘宝上限 3 MB）
    IMG003: 主图/01.jpg（3.2 MB）
    """
    limit = _from_spec(rules, "IMG003", subject.role, _max_bytes)
    size = subject.facts.bytes
    if limit is None or size <= limit:
        return
    yield Hit(
        f"{subject.role_name}大小 {_mb(size)} 超过上限 {_mb(limit)}（{limit:,} 字节）",
        hint="降低 JPEG 质量（80–85 通常看不出差别）或缩小尺寸后重新导出",
        rule_key=_key(subject, "max_bytes"),
        data={"actual": size, "limit": limit, "unit": "byte"},
    )


def _max_bytes(spec: ImageSpec | None) -> int | None:
    return None if spec is None else spec.max_bytes


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.2f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def _ratio(aspect: str) -> float:
    width, height = aspect.split(":")
    return int(width) / int(height)


@check(
    "IMG004",
    "wrong-aspect-ratio",
    subject="image",
    keys=("images.<role>.aspect", "images.<role>.aspect_tolerance"),
)
def wrong_aspect_ratio(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """宽高比不是平台要求的比例。

    ## 检查什么
    按显示方向（已应用 EXIF 旋转）的宽高算比例，与该角色的 `aspect`（如 1:1、3:4）相差超过
    `aspect_tolerance`（默认 1%）时报告。

    ## 为什么
    比例不对的图会被裁切或留白，主图在搜索结果里显示变形。

    ## 示例
    Okay: 主图/01.jpg（800×800）
    IMG004: 主图/01.jpg（800×790）
    """
    wanted = _from_spec(rules, "IMG004", subject.role, _aspect)
    facts = subject.facts
    if wanted is None or not facts.height:
        return
    aspect, want, tolerance = wanted
    actual = facts.width / facts.height
    if abs(actual - want) / want <= tolerance:
        return
    yield Hit(
        f"{subject.role_name}尺寸 {facts.width}×{facts.height}，比例不是 {aspect}",
        hint=f"按 {aspect} 裁切或补边后重新导出",
        rule_key=_key(subject, "aspect"),
        data={"actual": f"{facts.width}:{facts.height}", "limit": aspect},
    )


def _aspect(spec: ImageSpec | None) -> tuple[str, float, float] | None:
    """The role's aspect (``3:4``), as a ratio, and its tolerance; None when not set."""
    if spec is None or spec.aspect is None:
        return None
    return spec.aspect, _ratio(spec.aspect), spec.aspect_tolerance


@check(
    "IMG005",
    "image-too-small",
    subject="image",
    keys=("images.<role>.min_side_px", "images.<role>.min_width_px", "images.<role>.min_height_px"),
)
def image_too_small(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """图片尺寸低于平台的最小值。

    ## 检查什么
    显示方向的宽、高低于该角色的 `min_side_px`、`min_width_px` 或 `min_height_px` 时报告。

    ## 为什么
    低于最小尺寸的图平台不收，或发布时报错。

    ## 示例
    Okay: 3x4/01.jpg（750×1000）
    IMG005: 3x4/01.jpg（749×1000，淘宝 3:4 主图最小 750×1000）
    """
    limits = _from_spec(rules, "IMG005", subject.role, _min_sizes)
    if limits is None:
        return
    facts = subject.facts
    reported: set[str] = set()
    for field, side, limit in limits:
        actual = facts.width if side == "宽" else facts.height
        if limit is None or actual >= limit or side in reported:
            continue
        reported.add(side)
        yield Hit(
            f"{subject.role_name}{side} {actual} 像素，低于最小值 {limit}",
            hint=f"用更大的原图重新导出，{side}至少 {limit} 像素",
            rule_key=_key(subject, field),
            data={"actual": actual, "limit": limit, "unit": "px"},
        )


_MIN_SIZES = (
    ("min_side_px", "宽"),
    ("min_side_px", "高"),
    ("min_width_px", "宽"),
    ("min_height_px", "高"),
)


def _min_sizes(spec: ImageSpec | None) -> tuple[tuple[str, str, int | None], ...] | None:
    """(field, side, limit) in the order IMG005 weighs them; None for no table."""
    if spec is None:
        return None
    return tuple((field, side, getattr(spec, field)) for field, side in _MIN_SIZES)


@check(
    "IMG006",
    "under-recommended-size",
    subject="image",
    keys=(
        "images.<role>.recommended_width_px",
        "images.<role>.recommended_height_px",
        "images.<role>.zoom_min_side_px",
    ),
    severity=Severity.WARNING,
)
def under_recommended_size(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """图片小于平台建议的尺寸（如淘宝主图建议 800×800、700 以上才有放大镜）。

    ## 检查什么
    显示方向的宽、高低于 `recommended_width_px`、`recommended_height_px`，或短边低于
    `zoom_min_side_px` 时提醒。

    ## 为什么
    平台建议的尺寸以下，详情页没有放大镜、在大屏上发虚，点击率受影响。

    ## 示例
    Okay: 主图/01.jpg（800×800）
    IMG006: 主图/01.jpg（799×799）
    """
    sizes = _from_spec(rules, "IMG006", subject.role, _recommended)
    if sizes is None:
        return
    facts = subject.facts
    width, height, zoom = sizes
    if (width and facts.width < width) or (height and facts.height < height):
        want = f"{width or '—'}×{height or '—'}"
        yield Hit(
            f"{subject.role_name}尺寸 {facts.width}×{facts.height}，小于平台建议的 {want}",
            hint=f"用更大的原图导出，建议 {want}",
            rule_key=_key(subject, "recommended_width_px" if width else "recommended_height_px"),
            data={"actual": [facts.width, facts.height], "limit": [width, height], "unit": "px"},
        )
    short_side = min(facts.width, facts.height)
    if zoom and short_side < zoom:
        yield Hit(
            f"{subject.role_name}短边 {short_side} 像素，低于 {zoom}，没有放大镜",
            hint=f"短边至少 {zoom} 像素",
            rule_key=_key(subject, "zoom_min_side_px"),
            data={"actual": short_side, "limit": zoom, "unit": "px"},
        )


def _recommended(spec: ImageSpec | None) -> tuple[int | None, int | None, int | None] | None:
    """The recommended width and height and the zoom side; None for no table."""
    if spec is None:
        return None
    return spec.recommended_width_px, spec.recommended_height_px, spec.zoom_min_side_px


@check(
    "IMG007",
    "image-too-large",
    subject="image",
    keys=("images.<role>.max_width_px", "images.<role>.max_height_px"),
)
def image_too_large(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """图片宽或高超过平台上限（如淘宝手机详情图宽 480–1500、高不超过 2500）。

    ## 检查什么
    显示方向的宽、高超过该角色的 `max_width_px`、`max_height_px` 时报告。

    ## 为什么
    超宽、超高的详情图会被拒绝或压缩变糊；长图应切成几段。

    ## 示例
    Okay: 详情/01.jpg（750×2500）
    IMG007: 详情/01.jpg（750×2501）
    """
    limits = _from_spec(rules, "IMG007", subject.role, _max_sizes)
    if limits is None:
        return
    facts = subject.facts
    for (field, side, hint), limit, actual in zip(
        _MAX_SIZES, limits, (facts.width, facts.height), strict=True
    ):
        if limit is not None and actual > limit:
            yield Hit(
                f"{subject.role_name}{side} {actual} 像素，超过上限 {limit}",
                hint=hint,
                rule_key=_key(subject, field),
                data={"actual": actual, "limit": limit, "unit": "px"},
            )


_MAX_SIZES = (
    ("max_width_px", "宽", "缩小到上限以内"),
    ("max_height_px", "高", "切成几张，每张不超过上限"),
)


def _max_sizes(spec: ImageSpec | None) -> tuple[int | None, ...] | None:
    """The largest width and height, in :data:`_MAX_SIZES` order; None for no table."""
    if spec is None:
        return None
    return tuple(getattr(spec, field) for field, _, _ in _MAX_SIZES)


@check("IMG010", "color-mode", subject="image", severity=Severity.WARNING)
def color_mode(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """颜色模式或色彩配置不适合网页：CMYK、16 位、非 sRGB 的色彩配置。

    ## 检查什么
    CMYK 模式（印刷用）、每通道 16 位、嵌入了 sRGB 以外的色彩配置文件（如 Adobe RGB）。

    ## 为什么
    平台会把图转成 8 位 sRGB，转换后颜色偏灰或偏艳，与设计稿不同；有的上传工具直接拒收 CMYK。
    平台规则未见对颜色模式的规定，所以只作警告。

    ## 示例
    Okay: 主图/01.jpg（RGB，8 位）
    IMG010: 主图/01.jpg（CMYK）
    """
    facts = subject.facts
    if facts.is_cmyk:
        yield Hit(
            "图片是 CMYK 模式（印刷用）",
            hint="在作图软件里转为 RGB（sRGB）后导出",
            data={"actual": "CMYK"},
        )
    if facts.bits == 16:
        yield Hit("图片每通道 16 位", hint="导出为 8 位", data={"actual": 16, "limit": 8})
    if facts.is_srgb is False:
        yield Hit(
            f"嵌入的色彩配置是“{facts.icc_description}”，不是 sRGB",
            hint="导出时转换为 sRGB（“转换为配置文件”，不是“指定配置文件”）",
            data={"actual": facts.icc_description},
        )


@check(
    "IMG011",
    "transparency-or-animation",
    subject="image",
    keys=("images.<role>.allow_alpha", "images.<role>.allow_animation"),
)
def transparency_or_animation(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """该角色不允许透明像素或动图。

    ## 检查什么
    角色设置 `allow_alpha = false` 时报告带透明的图；`allow_animation = false`（默认）时报告动图。

    ## 为什么
    透明部分在平台上会被填成黑色或白色；动图只显示第一帧或被拒收。

    ## 示例
    Okay: 主图/01.png（不透明）
    IMG011: 主图/01.gif（3 帧动图）
    """
    spec = subject.spec(rules)
    if spec is None:
        return
    facts = subject.facts
    if facts.has_alpha and not spec.allow_alpha:
        yield Hit(f"{subject.role_name}有透明像素", hint="在白色或实色背景上合并后导出为 JPEG")
    if facts.animated and not spec.allow_animation:
        yield Hit(
            f"{subject.role_name}是 {facts.frames} 帧的动图",
            hint="导出为静态图；要展示动态效果请用主图视频",
            data={"actual": facts.frames, "limit": 1},
        )


@check("IMG020", "too-many-images", subject="image_set", keys=("images.<role>.max_count",))
def too_many_images(subject: ImageSet, rules: Rules) -> Iterator[Hit]:
    """一个商品某种图的张数超过平台上限（如淘宝主图最多 5 张）。

    ## 检查什么
    按商品文件夹统计每种角色的图片张数，超过 `max_count` 时报告。

    ## 为什么
    多出的图传不上去，排在后面的往往是精心准备的白底图。

    ## 示例
    Okay: 商品A/主图/01–05.jpg（5 张）
    IMG020: 商品A/主图/01–06.jpg（6 张）
    """
    limit = _from_spec(rules, "IMG020", subject.role, _max_count)
    count = len(subject.slots)
    if limit is not None and count > limit:
        yield Hit(
            f"{subject.product} 的{subject.role_name}有 {count} 张，超过上限 {limit}",
            hint=f"只保留 {limit} 张",
            rule_key=_key(subject, "max_count"),
            data={"actual": count, "limit": limit},
        )


def _max_count(spec: ImageSpec | None) -> int | None:
    return None if spec is None else spec.max_count


@check("IMG021", "too-few-images", subject="image_set", keys=("images.<role>.min_count",))
def too_few_images(subject: ImageSet, rules: Rules) -> Iterator[Hit]:
    """一个商品某种图的张数少于平台要求。

    ## 检查什么
    按商品文件夹统计每种角色的图片张数，少于 `min_count` 时报告。

    ## 为什么
    图不够，商品展示不全，有的平台不让发布。

    ## 示例
    Okay: 商品A/主图/01–04.jpg（京东 4 张起）
    IMG021: 商品A/主图/01–03.jpg（3 张）
    """
    limit = _from_spec(rules, "IMG021", subject.role, _min_count)
    count = len(subject.slots)
    if limit is not None and count < limit:
        yield Hit(
            f"{subject.product} 的{subject.role_name}只有 {count} 张，少于 {limit}",
            hint=f"补到至少 {limit} 张",
            rule_key=_key(subject, "min_count"),
            data={"actual": count, "limit": limit},
        )


def _min_count(spec: ImageSpec | None) -> int | None:
    return None if spec is None else spec.min_count


@check(
    "IMG022", "required-slot-missing", subject="image_set", keys=("images.<role>.required_slots",)
)
def required_slot_missing(subject: ImageSet, rules: Rules) -> Iterator[Hit]:
    """必须有图的位置没有图（如第 1 张主图）。

    ## 检查什么
    按文件名里的序号（主图1.jpg、01.jpg）找出 `required_slots` 里缺的位置。

    ## 为什么
    第 1 张主图是搜索结果里显示的图，缺了商品不能发布。

    ## 示例
    Okay: 商品A/主图/01.jpg、02.jpg
    IMG022: 商品A/主图/02.jpg、03.jpg（没有第 1 张）
    """
    required = _from_spec(rules, "IMG022", subject.role, _required_slots)
    if not required:
        return
    present = {slot for slot in subject.slots if slot is not None}
    for slot in required:
        if slot not in present:
            yield Hit(
                f"{subject.product} 缺第 {slot} 张{subject.role_name}",
                hint=f"把这张图命名为 {slot:02d}.jpg（或 {subject.role_name}{slot}.jpg）",
                rule_key=_key(subject, "required_slots"),
                data={"actual": sorted(present), "limit": list(required)},
            )


def _required_slots(spec: ImageSpec | None) -> tuple[int, ...]:
    return tuple(spec.required_slots or ()) if spec is not None else ()


EDGE_NAMES = {"top": "上边", "bottom": "下边", "left": "左边", "right": "右边"}
# No platform gives a number for "pure white", so the threshold is listingkit's
# default (a warning) unless the store sets it (its own rule, as binding as it wants).
_DEFAULT_WHITE = "listingkit 默认阈值（没有平台给出纯白的数值）：边带里非白像素最多 {limit:.0%}"


def needs_white_background(rules: Rules, role: str | None, slot: int | None) -> str | None:
    """Why an image must be on white: the rule key that asks, or None.

    A white-background image must be; so must the main image in the slot the
    platform gives the white-background image (淘宝第 5 张，京东第 1 张).
    Asked once per image file; answered once per role and slot.
    """
    return _kept(rules, ("white", role, slot), lambda r: _white_key(r, role, slot))


def _white_key(rules: Rules, role: str | None, slot: int | None) -> str | None:
    white = rules.model.images.white_background
    if role == "white_background":
        return "images.white_background"
    if white is not None and role == "main" and slot is not None and slot == white.main_slot:
        return "images.white_background.main_slot"
    return None


def _setting_source(rules: Rules, key: str, default: str) -> str:
    """The source of a setting the schema gives no ``source`` field: the line that set it.

    ``[images]`` thresholds are listingkit's defaults and ``[images.watermark]``
    is the store's own requirement; neither is a platform fact with a grade. No
    shipped platform file sets them, so a file that does is the store's.
    """
    return _kept(rules, ("setting source", key, default), lambda r: _source_line(r, key, default))


def _source_line(rules: Rules, key: str, default: str) -> str:
    origin = rules.origin(key)
    return f"本店设定（{origin}）：{key}" if origin is not None else default


def _white_set_by_store(rules: Rules) -> bool:
    return _kept(rules, "white set by store", _white_origins)


def _white_origins(rules: Rules) -> bool:
    return any(rules.origin(f"images.{k}") for k in ("max_off_white", "white_level"))


@check(
    "IMG030",
    "not-white-background",
    subject="image",
    reads={READS_BACKGROUND},
    keys=("images.white_level", "images.max_off_white", "images.white_background.main_slot"),
)
def not_white_background(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """白底图的背景不是纯白。

    ## 检查什么
    白底图，以及规则文件 `main_slot` 指定放白底图的那张主图（京东第 1 张，B 级；淘宝第 5 张只是
    增加曝光的建议，默认不查，店铺可自己设定），
    四条边的窄边带（短边的 1%）里非白像素（任一通道低于 `[images] white_level`，默认 250）
    的比例超过 `max_off_white` 即报告，
    并指出是哪条边、差多少。按缩小后的尺寸解码（JPEG 直接按 1/2–1/8 解码），按显示方向判断。

    ## 为什么
    白底图用于首页、搜索推荐等场景，背景不纯白可能不被采用。没有平台公开“纯白”的数值
    （淘宝的“纯白背景”是社区说法，C 级；京东 2016 年的文档要求纯白底，B 级），
    所以阈值是 listingkit 的默认值（在 81 张真实白底商品图和 99 张实拍照片上校准），默认按警告报告；
    店铺在自己的规则文件里设定 `max_off_white` 或 `white_level` 时按本店设定报错误。

    ## 示例
    Okay: 白底/01.jpg（商品在纯白背景中间）
    IMG030: 白底/01.jpg（浅灰背景 #F0F0F0）
    """
    background = subject.background
    if background is None:
        return
    limit = rules.model.images.max_off_white
    if background.is_white(limit):
        return
    worst = background.worst_edge()
    why = needs_white_background(rules, subject.role, subject.slot)
    yield Hit(
        f"{EDGE_NAMES[worst.edge]}不是纯白：边带里 {worst.off_white:.0%} 的像素不是白色"
        f"（允许 {limit:.0%}），最暗处 {worst.darkest}",
        hint="把背景改成纯白 #FFFFFF（RGB 255,255,255），商品不要贴边",
        rule_key=why if why and why.endswith("main_slot") else None,
        source=_setting_source(rules, "images.max_off_white", _DEFAULT_WHITE.format(limit=limit)),
        severity=None if _white_set_by_store(rules) else Severity.WARNING,
        data={
            "edge": worst.edge,
            "actual": round(worst.off_white, 4),
            "limit": limit,
            "darkest": worst.darkest,
        },
    )


@check(
    "IMG031",
    "product-fill",
    subject="image",
    reads={READS_BACKGROUND},
    keys=(
        "images.white_background.min_fill",
        "images.white_background.max_fill",
        "images.white_background.max_margin_px",
    ),
    severity=Severity.WARNING,
)
def product_fill(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """白底图里商品占画面太少、太满，或离边缘太远。

    ## 检查什么
    在白底图上找出商品的外框，商品长边占画面对应边的比例低于 `min_fill` 或高于 `max_fill`，
    或外框离画布边缘超过 `max_margin_px` 像素（京东）时报告。

    ## 为什么
    商品太小，缩略图里看不清；太满会被裁切。这些比例多为社区说法，只作警告。

    ## 示例
    Okay: 白底/01.jpg（商品占画面 70%）
    IMG031: 白底/01.jpg（商品只占画面 30%）
    """
    white = rules.model.images.white_background
    background = subject.background
    if white is None or background is None or background.bbox is None:
        return
    fill = background.fill
    key = "images.white_background"
    if white.min_fill is not None and fill < white.min_fill:
        yield Hit(
            f"商品只占画面 {fill:.0%}，低于 {white.min_fill:.0%}",
            hint="放大商品或裁掉多余的白边",
            rule_key=f"{key}.min_fill",
            data={"actual": round(fill, 3), "limit": white.min_fill},
        )
    if white.max_fill is not None and fill > white.max_fill:
        yield Hit(
            f"商品占画面 {fill:.0%}，超过 {white.max_fill:.0%}",
            hint="四周留出白边",
            rule_key=f"{key}.max_fill",
            data={"actual": round(fill, 3), "limit": white.max_fill},
        )
    if white.max_margin_px is not None:
        left, top, right, bottom = background.bbox
        width, height = subject.facts.width, subject.facts.height
        # the long side of the product decides which margins count
        across = (left, width - right) if right - left >= bottom - top else (top, height - bottom)
        if max(across) > white.max_margin_px:
            yield Hit(
                f"商品长边离画布边缘 {max(across)} 像素，超过 {white.max_margin_px}",
                hint="放大商品，让长边几乎贴满画布并居中",
                rule_key=f"{key}.max_margin_px",
                data={"actual": max(across), "limit": white.max_margin_px, "unit": "px"},
            )


def _place(box: tuple[int, int, int, int], width: int, height: int) -> str:
    """左上、右下、正中 … : where a box sits, in thirds of the picture."""
    centre_x, centre_y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    column = "左" if centre_x < width / 3 else "右" if centre_x > width * 2 / 3 else "中"
    row = "上" if centre_y < height / 3 else "下" if centre_y > height * 2 / 3 else "中"
    return "正中" if column == row == "中" else f"{column}{row}"


@check(
    "IMG040",
    "watermark-missing",
    subject="image",
    keys=("images.watermark.required_on",),
    reads={READS_WATERMARK},
)
def watermark_missing(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """应有店铺水印的图片上找不到水印。

    ## 检查什么
    店铺在 `[images.watermark]` 里给出水印图片（带透明的 PNG）和 `required_on`（如 main、detail），
    这些角色的图片上找不到水印时报告。水印可以在任何位置，宽度约为图片的 5%–30%，
    半透明、经过 JPEG 压缩也能找到。

    ## 为什么
    没有水印的图容易被同行盗用；店铺规范要求的水印漏加，往往要等上架后才发现。

    ## 示例
    Okay: 主图/01.jpg（右下角有店铺水印）
    IMG040: 主图/02.jpg（没有水印）
    """
    mark = _kept(rules, "watermark", _watermark)
    if (
        mark is None
        or not subject.watermark_checked
        or not _watermark_on(rules, "required_on", subject.role)
    ):
        return
    if subject.watermark is None:
        yield Hit(
            f"{subject.role_name}上没有找到店铺水印",
            hint="按店铺视觉规范加上水印后重新导出",
            source=_setting_source(
                rules, "images.watermark.required_on", "店铺的 [images.watermark]"
            ),
        )


@check(
    "IMG041",
    "watermark-forbidden",
    subject="image",
    keys=("images.watermark.forbidden_on",),
    reads={READS_WATERMARK},
)
def watermark_forbidden(subject: ImageSubject, rules: Rules) -> Iterator[Hit]:
    """不能有水印的图片上有店铺水印（如白底图）。

    ## 检查什么
    `[images.watermark]` 的 `forbidden_on` 列出的角色（如 white_background）的图片上找到水印时报告，
    写明水印在哪里、多大。

    ## 为什么
    平台要求白底图等素材干净，带水印会被判为不合格。

    ## 示例
    Okay: 白底/01.jpg（没有水印）
    IMG041: 白底/01.jpg（左上角有水印）
    """
    mark = _kept(rules, "watermark", _watermark)
    match = subject.watermark
    if mark is None or match is None or not _watermark_on(rules, "forbidden_on", subject.role):
        return
    place = _place(match.box, subject.facts.width, subject.facts.height)
    yield Hit(
        f"{subject.role_name}上有店铺水印：在{place}，宽约占图片的 {match.scale:.0%}",
        hint="去掉水印后重新导出",
        source=_setting_source(rules, "images.watermark.forbidden_on", "店铺的 [images.watermark]"),
        data={"box": list(match.box), "scale": round(match.scale, 3)},
    )


def _watermark(rules: Rules) -> WatermarkSpec | None:
    return rules.model.images.watermark


def _watermark_on(rules: Rules, field: str, role: str | None) -> bool:
    """Whether ``[images.watermark]``'s ``required_on`` or ``forbidden_on`` names the role."""
    return _kept(rules, ("watermark on", field, role), lambda r: _names_role(r, field, role))


def _names_role(rules: Rules, field: str, role: str | None) -> bool:
    mark = rules.model.images.watermark
    return mark is not None and role in getattr(mark, field)
