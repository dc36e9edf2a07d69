"""The schema of a rule file: pydantic models, unknown keys rejected, frozen.

Fields marked as *facts* (``json_schema_extra={"fact": True}``) are platform
numbers and rules taken from a published source: each one set in a file must
name that source (the table's ``source``, or ``source_for.<field>``), and its
evidence grade decides the default severity of a check that applies it.
Everything else is a setting of the store or of listingkit.

Every number is checked where it is born: of the right type (``true`` is not
a number, ``800.0`` is not a pixel count) and within a :class:`Range` that
makes sense for it, so a value no platform could mean (``max_units = -5``,
``max_bytes = "99999999999999999999999G"``) is a CONF003 problem with the
range, not a check that silently passes or fails everything.

``docs/rules.md`` is generated from the field descriptions and ranges below.
"""

from __future__ import annotations

import math
import re
import reprlib
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic import Strict as NoCoercion  # `Strict` is this module's base model

# Defined where checks read them without loading the schema (an image run from the cache).
from listingkit.ruleset.rules import IMAGE_ROLES, SOURCE_JOIN

__all__ = [
    "DEFAULT_LAYOUT",
    "EXTEND_PREFIX",
    "FORMULA_PARTS",
    "IMAGE_ROLES",
    "MAX_IMAGE_BYTES",
    "SOURCED_TABLES",
    "SOURCE_JOIN",
    "Grade",
    "ImageSpec",
    "ImagesSpec",
    "NamingSpec",
    "PlatformRules",
    "Range",
    "ScheduleSpec",
    "Source",
    "Sourced",
    "TitleSpec",
    "UnitWeights",
    "WatermarkSpec",
    "parse_byte_size",
    "shown_value",
]

Grade = Literal["A", "B", "C"]
CheckLevel = Literal["error", "warning", "info", "off"]
ImageFormat = Literal["jpeg", "png", "gif", "bmp", "webp"]
ForbiddenChar = Literal[
    "tab", "newline", "emoji", "half_width_angle", "zero_width", "full_width_space"
]
FormulaPart = Literal["marketing", "category", "brand", "product", "attribute", "modifier"]

ImageRole = Literal["main", "main_3x4", "white_background", "detail", "sku", "long"]
#: Folder names (or file-name beginnings) → role, as designers name them.
DEFAULT_LAYOUT: dict[ImageRole, tuple[str, ...]] = {
    "main_3x4": ("3比4", "3x4", "3：4", "3:4", "竖图", "main_3x4"),
    "white_background": ("白底", "白底图", "white", "white_background"),
    "detail": ("详情", "详情图", "detail", "details"),
    "sku": ("SKU", "sku图", "颜色图", "属性图"),
    "long": ("长图", "long"),
    "main": ("主图", "main"),
}
FORMULA_PARTS: tuple[FormulaPart, ...] = (
    "marketing",
    "category",
    "product",
    "attribute",
    "modifier",
)


@dataclass(frozen=True, slots=True)
class Range:
    """The values a number may take; checked after its type, listed in docs/rules.md."""

    low: float
    high: float
    low_open: bool = False  # ``low`` itself is not allowed (a fraction above 0)
    words: str | None = None  # how the range is said, when digits would not say it well

    def __call__(self, value: Any) -> Any:
        above = value > self.low if self.low_open else value >= self.low
        if not (above and value <= self.high):  # NaN is neither
            raise ValueError(f"取值 {shown_value(value)} 超出范围：{self.text()}")
        return value

    def span(self) -> str:
        """The range in words: ``1 到 1,000``, ``大于 0、不超过 1``."""
        if self.words:
            return self.words
        if self.low_open:
            return f"大于 {_number_text(self.low)}、不超过 {_number_text(self.high)}"
        return f"{_number_text(self.low)} 到 {_number_text(self.high)}"

    def text(self) -> str:
        """What a message asks for: ``应在 1 到 1,000 之间``."""
        return f"应{self.span()}" if self.low_open else f"应在 {self.span()} 之间"


def shown_value(value: Any, limit: int = 40) -> str:
    """A value as a message quotes it: TOML's ``true``, and never a whole megabyte."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}…（共 {len(value):,} 个字符）"
    return _SHORT.repr(value)


# repr of a huge list or table would take seconds and fill the screen.
_SHORT = reprlib.Repr()
_SHORT.maxlist = _SHORT.maxdict = 4
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 40


def _number_text(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) or value >= 1000 else f"{value:g}"


def _plain_number(value: Any) -> Any:
    """Refuse ``true``/``false`` and text where a number is meant (pydantic would take them)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"类型不对：应为数字，实际是 {shown_value(value)}")
    return value


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"类型不对：应为整数，实际是 {shown_value(value)}")
    return value


#: The largest file size a rule may name: far above any platform's limit
#: (they are a few MB), far below a number that means nothing.
MAX_IMAGE_BYTES = 1024**3
BYTE_RANGE = Range(1, MAX_IMAGE_BYTES, words="1 字节到 1 GiB")

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|K|KB|KiB|M|MB|MiB|G|GB|GiB)?\s*$", re.IGNORECASE)
_SIZE_FACTOR = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_byte_size(value: Any) -> Any:
    """Accept ``3145728``, ``"3M"``, ``"3MB"`` or ``"3 MiB"``.

    Platform texts write "3M" where their machine rule says 3145728, so K/M/G
    are read as binary multiples whether or not an ``i`` is written. A size
    beyond :data:`MAX_IMAGE_BYTES` is refused here, in the words it was written.
    """
    if isinstance(value, str):
        match = _SIZE.match(value)
        if not match:
            return value  # let pydantic report it as a wrong type
        number, unit = match.groups()
        size = float(number) * _SIZE_FACTOR[(unit or "")[:1].lower()]
        if not math.isfinite(size) or size > MAX_IMAGE_BYTES:
            raise ValueError(f"取值 {shown_value(value)} 超出范围：{BYTE_RANGE.text()}")
        return int(size)
    return value


# Bounds, each far beyond any platform's number and short of nonsense.
MAX_TITLE_UNITS = 1000
MAX_COUNT = 1000
MAX_SLOT = 100
MAX_SIDE_PX = 100_000
MAX_PIXELS = 1_000_000_000
MAX_UNIT_WEIGHT = 10

ByteSize = Annotated[
    int, NoCoercion(), BeforeValidator(parse_byte_size), AfterValidator(BYTE_RANGE)
]
Aspect = Annotated[str, Field(pattern=r"^[1-9]\d{0,3}:[1-9]\d{0,3}$")]
TimeWindow = Annotated[
    str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$")
]
TitleUnits = Annotated[int, NoCoercion(), AfterValidator(Range(1, MAX_TITLE_UNITS))]
UnitWeight = Annotated[int, NoCoercion(), AfterValidator(Range(0, MAX_UNIT_WEIGHT))]
Pixels = Annotated[int, NoCoercion(), AfterValidator(Range(1, MAX_SIDE_PX))]
Margin = Annotated[int, NoCoercion(), AfterValidator(Range(0, MAX_SIDE_PX))]
Count = Annotated[int, NoCoercion(), AfterValidator(Range(0, MAX_COUNT))]
Slot = Annotated[int, NoCoercion(), AfterValidator(Range(1, MAX_SLOT))]
Share = Annotated[float, BeforeValidator(_plain_number), AfterValidator(Range(0, 1, low_open=True))]
Fraction = Annotated[float, BeforeValidator(_plain_number), AfterValidator(Range(0, 1))]
Tolerance = Annotated[float, BeforeValidator(_plain_number), AfterValidator(Range(0, 0.5))]
Level = Annotated[int, NoCoercion(), AfterValidator(Range(0, 255))]
PixelCount = Annotated[int, NoCoercion(), AfterValidator(Range(1, MAX_PIXELS))]
Minutes = Annotated[int, NoCoercion(), AfterValidator(Range(0, 24 * 60))]
Days = Annotated[int, NoCoercion(), AfterValidator(Range(1, 366))]
CrowdingWeight = Annotated[float, BeforeValidator(_plain_number), AfterValidator(Range(0, 10))]
Flag = Annotated[bool, NoCoercion()]
Word = Annotated[str, Field(min_length=1)]


def fact(description: str) -> Any:
    """A platform fact: optional, needs a source wherever a file sets it."""
    return Field(default=None, description=description, json_schema_extra={"fact": True})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """One entry of ``[sources.<name>]``: where a number comes from."""

    title: str = Field(description="来源是什么（页面、接口字段或文档名）")
    where: str | None = Field(None, description="在哪里能找到（仓库与路径、网址）")
    seen: str | None = Field(None, description="来源的日期（如 2024-12）")
    grade: Grade = Field(description="证据等级：A 平台原文，B 转引或旧文，C 社区说法")
    note: str | None = Field(None, description="补充说明")


#: ``extend_<key> = [...]`` appends to the list ``<key>`` of the file extended.
EXTEND_PREFIX = "extend_"


class Sourced(Strict):
    """A table whose facts name their source."""

    source: str | None = Field(None, description="本表所有事实的出处，[sources] 下的名字")
    source_for: dict[str, str] = Field(
        default_factory=dict, description="个别字段的出处，覆盖 source：{字段 = 出处名}"
    )
    note: str | None = Field(None, description="说明，如缺少公开数值的原因")

    @classmethod
    def fact_fields(cls) -> tuple[str, ...]:
        return tuple(
            name
            for name, info in cls.model_fields.items()
            if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("fact")
        )

    def source_of(self, field: str) -> str | None:
        return self.source_for.get(field, self.source)


class UnitWeights(Strict):
    """How many units one character costs in a title."""

    ascii: UnitWeight = Field(1, description="ASCII 字符（字母、数字、半角符号、半角空格）")
    other: UnitWeight = Field(2, description="其他字符（汉字、全角符号等）")

    @model_validator(mode="after")
    def _something_counts(self) -> UnitWeights:
        if self.ascii == 0 and self.other == 0:
            raise ValueError("ascii 和 other 不能都为 0（那样任何标题都是 0 长度）")
        return self


class TitleSpec(Sourced):
    """``[title]``: the product title."""

    max_units: TitleUnits | None = fact("标题长度上限，按 unit_weights 计")
    min_units: TitleUnits | None = fact("标题长度下限（平台有规定时）")
    unit_weights: UnitWeights = Field(
        default_factory=UnitWeights,
        description="计数方式；未写时按 ASCII 计 1、其他计 2",
        json_schema_extra={"fact": True},
    )
    forbid: list[ForbiddenChar] | None = fact(
        "平台禁止或会改写的字符类：tab, newline, emoji, half_width_angle, zero_width, "
        "full_width_space"
    )
    word_lists: list[str] = Field(
        default_factory=list,
        description="极限词表文件，路径相对于写它的规则文件；店铺用 extend_word_lists 追加",
    )
    allow_words: list[Word] = Field(
        default_factory=list, description="不算极限词的词语（专有名词、已注册的商标等）"
    )
    own_brands: list[Word] = Field(
        default_factory=list,
        description="本店拥有或获授权的品牌词：不算极限词，分词时保持完整",
    )
    foreign_brands: list[Word] = Field(
        default_factory=list, description="本店没有授权的品牌词：出现在标题中即报告"
    )
    formula: list[FormulaPart] = Field(
        default_factory=lambda: list(FORMULA_PARTS),
        description="组标题的顺序：marketing 营销词, category 类目词, brand 品牌, "
        "product 产品词, attribute 属性词, modifier 修饰词",
    )

    @model_validator(mode="after")
    def _min_below_max(self) -> TitleSpec:
        if self.min_units and self.max_units and self.min_units > self.max_units:
            raise ValueError(f"min_units {self.min_units} 大于 max_units {self.max_units}")
        return self


class ImageSpec(Sourced):
    """``[images.<role>]``: what one role of image must be."""

    min_count: Count | None = fact("该角色最少几张")
    max_count: Count | None = fact("该角色最多几张")
    required_slots: list[Slot] | None = fact("必须有图的位置，如 [1]")
    aspect: Aspect | None = fact('宽高比，如 "1:1"、"3:4"')
    min_side_px: Pixels | None = fact("宽和高的最小像素")
    min_width_px: Pixels | None = fact("最小宽度（像素）")
    min_height_px: Pixels | None = fact("最小高度（像素）")
    recommended_width_px: Pixels | None = fact(
        "建议宽度（像素），低于时提示（详情图：详情页的显示宽度）"
    )
    recommended_height_px: Pixels | None = fact("建议高度（像素），低于时提示")
    max_width_px: Pixels | None = fact("最大宽度（像素）")
    max_height_px: Pixels | None = fact("最大高度（像素）")
    zoom_min_side_px: Pixels | None = fact("达到此边长才有放大镜功能（像素）")
    max_bytes: ByteSize | None = fact(
        '文件大小上限：字节数，或 "3M"、"1MB"、"500KB"（K、M 按 1024 进位）'
    )
    formats: list[ImageFormat] | None = fact("允许的格式：jpeg, png, gif, bmp, webp")
    main_slot: Slot | None = fact(
        "白底图作为第几张主图上传（京东规定第 1 张）；平台只是建议时不写，店铺需要时自己写"
    )
    min_fill: Share | None = fact("白底图：商品长边至少占画面对应边的比例（0.7 即 70%）")
    max_fill: Share | None = fact("白底图：商品长边最多占画面的比例")
    max_margin_px: Margin | None = fact("白底图：商品长边离画布边缘最多多少像素")
    aspect_tolerance: Tolerance = Field(
        0.01, description="宽高比允许的相对偏差（0.01 即 1%），listingkit 的设定"
    )
    allow_alpha: Flag = Field(True, description="是否允许透明像素（false 时报告透明图）")
    allow_animation: Flag = Field(False, description="是否允许动图")

    @model_validator(mode="after")
    def _ranges(self) -> ImageSpec:
        pairs = [
            ("min_count", "max_count"),
            ("min_width_px", "max_width_px"),
            ("min_height_px", "max_height_px"),
            ("min_fill", "max_fill"),
        ]
        for low, high in pairs:
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"{low} {lo} 大于 {high} {hi}")
        if self.required_slots and self.max_count is not None:
            over = [s for s in self.required_slots if s > self.max_count]
            if over:
                raise ValueError(f"required_slots {over} 超出 max_count {self.max_count}")
        return self


# The logo sizes the watermark search was measured on (benchmarks/watermark_accuracy.py).
WatermarkScale = Annotated[float, BeforeValidator(_plain_number), AfterValidator(Range(0.05, 0.30))]
WatermarkPosition = Literal["top_left", "top_right", "bottom_left", "bottom_right", "center"]


class WatermarkSpec(Strict):
    """``[images.watermark]``: the store's own watermark (a store setting)."""

    template: str = Field(description="水印图片（带透明的 PNG），路径相对于写它的规则文件")
    required_on: list[ImageRole] = Field(default_factory=list, description="必须有水印的图片角色")
    forbidden_on: list[ImageRole] = Field(default_factory=list, description="不能有水印的图片角色")
    position: WatermarkPosition | None = Field(
        None,
        description="水印放在哪里：top_left、top_right、bottom_left、bottom_right（四分之一画面）"
        "或 center（中间一半）；与 region 二选一，都不写时在整张图上找",
    )
    region: list[Fraction] | None = Field(
        None,
        description="水印所在的框 [x0, y0, x1, y1]，按图片宽高的比例（0 到 1），水印整个落在框内",
    )
    scale: list[WatermarkScale] | None = Field(
        None, description="水印宽度占图片宽度的范围 [最小, 最大]，如 [0.10, 0.15]；不写为 0.05–0.30"
    )
    min_width_px: Margin | None = Field(
        None, description="水印在原图上至少多宽（像素）；更小的不算店铺水印"
    )

    @model_validator(mode="after")
    def _placement(self) -> WatermarkSpec:
        if self.position is not None and self.region is not None:
            raise ValueError(
                "position 和 region 只能写一个：写角落用 position，写具体的框用 region"
            )
        if self.region is not None:
            if len(self.region) != 4:
                raise ValueError(
                    f"region 应是 4 个数 [x0, y0, x1, y1]，现在是 {len(self.region)} 个"
                )
            x0, y0, x1, y1 = self.region
            if x0 >= x1:
                raise ValueError(f"region 的 x0 {x0:g} 应小于 x1 {x1:g}（左边在右边的左侧）")
            if y0 >= y1:
                raise ValueError(f"region 的 y0 {y0:g} 应小于 y1 {y1:g}（上边在下边的上方）")
        if self.scale is not None:
            if len(self.scale) != 2:
                raise ValueError(f"scale 应是 2 个数 [最小, 最大]，现在是 {len(self.scale)} 个")
            if self.scale[0] > self.scale[1]:
                raise ValueError(f"scale 的最小值 {self.scale[0]:g} 大于最大值 {self.scale[1]:g}")
        return self

    @property
    def roles(self) -> set[str]:
        """The roles on which the watermark is looked for."""
        return {*self.required_on, *self.forbidden_on}


class ImagesSpec(Strict):
    """``[images]``: one table per image role."""

    main: ImageSpec | None = Field(None, description="1:1 主图（第 1–5 张）")
    main_3x4: ImageSpec | None = Field(None, description="3:4 主图")
    white_background: ImageSpec | None = Field(None, description="白底图")
    detail: ImageSpec | None = Field(None, description="详情图")
    sku: ImageSpec | None = Field(None, description="SKU 图（销售属性图）")
    long: ImageSpec | None = Field(None, description="长图")

    white_level: Level = Field(250, description="三个通道都不低于此值的像素算白色（白底检查用）")
    max_off_white: Fraction = Field(
        0.75,
        description="白底图四边的边带里非白像素最多占多少（在真实白底图与实拍图上校准）",
    )
    watermark: WatermarkSpec | None = Field(None, description="店铺水印：模板图片与要求")
    max_pixels: PixelCount = Field(
        100_000_000,
        description="单张图片最多多少像素，超过按解压炸弹拒绝处理（listingkit 的安全设定）",
    )
    layout: dict[ImageRole, list[Word]] = Field(
        default_factory=lambda: {role: list(names) for role, names in DEFAULT_LAYOUT.items()},
        description="哪个文件夹名或文件名开头对应哪种图：{角色 = [名称, …]}，不区分大小写",
    )

    def roles(self) -> Iterator[tuple[str, ImageSpec | None]]:
        for role in IMAGE_ROLES:
            yield role, getattr(self, role)


#: Role templates a store gets unless it overrides them: listingkit's own choice.
DEFAULT_NAMING_ROLES: dict[str, str] = {
    "main": "{item}{sep}{seq}",
    "main_3x4": "{item}{sep}3x4{sep}{seq}",
    "white_background": "{item}{sep}白底{sep}{seq}",
    "detail": "{item}{sep}详情{sep}{seq}",
    "sku": "{item}{sep}{colour}{sep}{seq}",
}
DEFAULT_PHOTO_EXTENSIONS = (
    ".jpg",
    ".jpeg",
    ".png",
    ".psd",
    ".tif",
    ".tiff",
    ".webp",
    ".cr2",
    ".nef",
    ".arw",
    ".dng",
)
#: Characters Windows refuses in a file name, besides control characters.
WINDOWS_FORBIDDEN = '<>:"/\\|?*'
_PLACEHOLDERS = frozenset({"item", "seq", "colour", "sep"})
_MAX_FIELD_WIDTH = 64
_SEQ_SPEC = re.compile(r"^(?:0([1-6])d?|d?)$")
_ROLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
#: The strings an item pattern is tried on when it is checked for runaway backtracking.
_BACKTRACK_PROBES = tuple(
    piece * 3000 + tail for piece in ("a", "A1", "A-", "1", "a1-_", "中") for tail in ("", "!", "_")
)
_PATTERN_TIMEOUT = 0.2  # seconds; a sane pattern takes microseconds on these probes


def _bad_filename_chars(text: str) -> list[str]:
    return sorted({c for c in text if c in WINDOWS_FORBIDDEN or ord(c) < 32 or c == "\x7f"})


def seq_width_of(spec: str) -> int | None:
    """The zero padding a ``{seq:03d}`` spec asks for; None for a plain ``{seq}``."""
    match = _SEQ_SPEC.match(spec)
    if match is None:
        raise ValueError(f"序号只能写成 {{seq}} 或 {{seq:02d}} 这样，不能写 {{seq:{spec}}}")
    return int(match.group(1)) if match.group(1) else None


def check_name_template(template: str) -> None:
    """Refuse a template the grammar could not both write and read back."""
    if not template:
        raise ValueError("模板不能是空字符串")
    try:
        pieces = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"花括号没有配对：{exc}；字面的花括号写成 {{{{ 或 }}}}") from None
    seen: list[str] = []
    adjacent = False  # the last piece was a value placeholder with nothing after it yet
    for literal, name, spec, conversion in pieces:
        bad = _bad_filename_chars(literal)
        if bad:
            shown = "、".join(repr(c) for c in bad)
            raise ValueError(f"文件名里不能有 / 或 \\ 等 Windows 不允许的字符：{shown}")
        if literal:
            adjacent = False
        if name is None:
            continue
        if name not in _PLACEHOLDERS:
            raise ValueError(
                f"未知的占位符 {{{name}}}；只能用 {{item}}、{{seq}}、{{colour}}、{{sep}}"
            )
        widths = [int(digits) for digits in re.findall(r"\d+", spec or "")]
        if any(width > _MAX_FIELD_WIDTH for width in widths):
            raise ValueError(f"宽度不能超过 {_MAX_FIELD_WIDTH}")
        if conversion:
            raise ValueError(f"占位符 {{{name}}} 不能带 !{conversion}")
        if name == "seq":
            seq_width_of(spec or "")
        elif spec:
            raise ValueError(f"占位符 {{{name}}} 不能带格式 :{spec}；只有 {{seq}} 可以写宽度")
        if name == "sep":
            adjacent = False
            continue
        if name in seen:
            raise ValueError(f"占位符 {{{name}}} 只能出现一次")
        if adjacent:
            raise ValueError(
                f"{{{seen[-1]}}} 和 {{{name}}} 之间要有分隔符（如 {{sep}}），否则读不回来"
            )
        seen.append(name)
        adjacent = True
    for needed in ("item", "seq"):
        if needed not in seen:
            raise ValueError(f"模板里缺少 {{{needed}}}（每个文件名都要有货号和序号）")


def _role_template(value: str) -> str:
    check_name_template(value)
    return value


def _roles_over_defaults(value: Any) -> Any:
    """A store's ``[naming.roles]`` overrides role by role; ``""`` drops a role."""
    if not isinstance(value, dict):
        return value
    merged: dict[str, Any] = {**DEFAULT_NAMING_ROLES, **value}
    roles = {role: template for role, template in merged.items() if template != ""}
    if not roles:
        raise ValueError("至少要留一个角色的模板")
    for role in roles:
        if not isinstance(role, str) or not _ROLE_NAME.match(role):
            raise ValueError(f"角色名 {shown_value(role)} 只能用字母、数字和下划线，以字母开头")
    return roles


def _separator(value: str) -> str:
    if not value:
        raise ValueError("分隔符不能是空字符串")
    bad = _bad_filename_chars(value)
    if bad:
        shown = "、".join(repr(c) for c in bad)
        raise ValueError(f"分隔符里有 Windows 不允许或看不见的字符：{shown}；请换成 _ 或 -")
    if any(c.isdigit() for c in value):
        raise ValueError("分隔符不能含数字（会和序号连在一起读不出来）；请换成 _ 或 -")
    if value != value.strip() or value.strip(".") != value:
        raise ValueError("分隔符不能以空格或点开头、结尾；请换成 _ 或 -")
    return value


def _extension(value: str) -> str:
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,15}", value):
        raise ValueError(f'扩展名 {shown_value(value)} 应写成点加字母数字，如 ".jpg"')
    return value.lower()


#: The 货号 pattern every rule file has unless a store sets its own: vetted here,
#: so loading rules for an image run never imports regex to probe it.
DEFAULT_ITEM_PATTERN = "[A-Za-z0-9][A-Za-z0-9-]*"


def _default_allows(separator: str) -> bool:
    """Whether the default 货号 pattern could hold ``separator``: only letters, digits and -."""
    return all(c.isascii() and (c.isalnum() or c == "-") for c in separator)


def _item_pattern(value: str) -> str:
    if value == DEFAULT_ITEM_PATTERN:
        return value
    import regex  # only for a store's own pattern

    # It matches the whole 货号 anyway; anchors would break it inside a file name's pattern.
    if value.startswith("^"):
        value = value[1:]
    if value.endswith("$") and not value.endswith("\\$"):
        value = value[:-1]
    try:
        regex.compile(value)  # on its own: "a)(b" must not pass once wrapped
        compiled = regex.compile(f"(?:{value})")
    except regex.error as exc:
        raise ValueError(f"不是有效的正则表达式：{exc}") from None
    if compiled.groupindex:
        raise ValueError("不能有命名分组 (?P<…>)；用 (?:…) 分组")
    if re.search(r"\\[1-9]|\(\?P=|\\g<|\(\?[0-9R&]", value):
        raise ValueError("不能用反向引用或递归（\\1、(?P=…)、(?R)）；请写成简单的字符类")
    try:
        if compiled.fullmatch("", timeout=_PATTERN_TIMEOUT):
            raise ValueError("会接受空的货号；请用 + 而不是 * 要求至少一个字符")
        for probe in _BACKTRACK_PROBES:
            compiled.fullmatch(probe, timeout=_PATTERN_TIMEOUT)
    except TimeoutError:
        raise ValueError(
            "这个正则在长文件名上会回溯很久（嵌套的 + 或 *）；请写成简单的字符类，"
            "如 [A-Za-z0-9][A-Za-z0-9-]*"
        ) from None
    return value


def item_pattern_allows(pattern: str, separator: str) -> bool:
    """Whether a 货号 matching ``pattern`` could hold ``separator`` (probed, not proved)."""
    if pattern == DEFAULT_ITEM_PATTERN:
        return _default_allows(separator)
    import regex

    compiled = regex.compile(f"(?:{pattern})")
    probes = [separator]
    for a in ("A", "a", "1", "A1", "中"):
        probes += [a + separator, separator + a, a + separator + a, a + separator + "1"]
    try:
        return any(compiled.fullmatch(p, timeout=_PATTERN_TIMEOUT) for p in probes)
    except TimeoutError:
        return True


Separator = Annotated[str, NoCoercion(), Field(max_length=8), AfterValidator(_separator)]
SequenceWidth = Annotated[int, NoCoercion(), AfterValidator(Range(1, 6))]
DuplicateDistance = Annotated[int, NoCoercion(), AfterValidator(Range(0, 32))]
PhotoExtension = Annotated[str, NoCoercion(), AfterValidator(_extension)]
ItemPattern = Annotated[
    str, NoCoercion(), Field(min_length=1, max_length=500), AfterValidator(_item_pattern)
]
RoleTemplate = Annotated[str, NoCoercion(), Field(max_length=200), AfterValidator(_role_template)]


class NamingSpec(Strict):
    """``[naming]``: how SKU photo files are named (a store convention).

    No platform publishes a naming rule: every value here is listingkit's
    default, and a store sets its own in its listingkit.toml.
    """

    separator: Separator = Field(
        "_", description="文件名各部分之间的分隔符：listingkit 默认值（平台没有命名规则），店铺可改"
    )
    sequence_width: SequenceWidth = Field(
        2,
        description="序号补零到几位（2 即 01、02；更长的序号如 100 照写）："
        "listingkit 默认值，店铺可改",
    )
    extension_case: Literal["lower", "upper", "keep"] = Field(
        "lower",
        description='扩展名大小写："lower" 小写、"upper" 大写、"keep" 不管：'
        "listingkit 默认值，店铺可改",
    )
    extensions: list[PhotoExtension] = Field(
        default_factory=lambda: list(DEFAULT_PHOTO_EXTENSIONS),
        min_length=1,
        description="按命名规则检查的文件扩展名（不分大小写）：listingkit 默认值，店铺可改",
    )
    item_pattern: ItemPattern = Field(
        DEFAULT_ITEM_PATTERN,
        description="货号允许的写法（正则，匹配整个货号，不能允许分隔符）："
        "listingkit 默认值，店铺可改",
    )
    roles: Annotated[dict[str, RoleTemplate], BeforeValidator(_roles_over_defaults)] = Field(
        default_factory=lambda: dict(DEFAULT_NAMING_ROLES),
        description="每种图的文件名模板 {角色 = 模板}，占位符 {item} 货号、{colour} 颜色、"
        '{seq} 序号、{sep} 分隔符；店铺按角色覆盖，写 "" 不用该角色：listingkit 默认值',
    )
    template: str | None = Field(
        None, description="旧写法，等同 roles.main（新文件请写 [naming.roles]）"
    )
    colour_template: str | None = Field(
        None, description="旧写法，等同 roles.sku（新文件请写 [naming.roles]）"
    )
    products: str | None = Field(
        None,
        description="本店的商品表（.xlsx/.xls/.csv，有货号列，可有颜色列），路径相对于写它的"
        "规则文件；listingkit check 用它检查 SKU002、SKU003，不写时这两项不运行",
    )
    duplicate_distance: DuplicateDistance = Field(
        8,
        description="两张图的感知哈希（64 位）相差不超过几位算同一张图（SKU030）：listingkit"
        " 默认值，在 benchmarks/photo_duplicates.py 的副本与重拍图上选定，店铺可改",
    )

    @model_validator(mode="before")
    @classmethod
    def _old_keys(cls, data: Any) -> Any:
        """``template``/``colour_template`` (older store files) name roles main and sku."""
        if not isinstance(data, dict) or not isinstance(data.get("roles", {}), dict):
            return data  # pydantic reports the wrong type under its key
        given = data.get("roles")
        roles = dict(given) if isinstance(given, dict) else {}
        for key, role in (("template", "main"), ("colour_template", "sku")):
            value = data.get(key)
            if not isinstance(value, str):
                continue  # absent, or a wrong type pydantic reports under the key itself
            try:
                check_name_template(value)
            except ValueError as exc:
                raise ValueError(f"{key} 模板 {shown_value(value)} 无效：{exc}") from None
            if role in roles and roles[role] != value:
                raise ValueError(f"{key} 和 roles.{role} 都写了且不一样；只写 roles.{role}")
            roles[role] = value
        if roles or isinstance(given, dict):
            data = {**data, "roles": roles}
        return data

    @model_validator(mode="after")
    def _readable(self) -> NamingSpec:
        first: dict[str, str] = {}
        for role, template in self.roles.items():
            other = first.setdefault(template, role)
            if other != role:
                raise ValueError(
                    f"roles.{other} 和 roles.{role} 的模板相同（{template}），"
                    "文件名分不出是哪一种图；请给其中一个加上区分的字"
                )
        if item_pattern_allows(self.item_pattern, self.separator):
            raise ValueError(
                f"item_pattern 允许货号里有分隔符 separator = {self.separator!r}，"
                "文件名就分不出货号；请改 item_pattern（如 [A-Za-z0-9]+）或换一个分隔符"
            )
        return self


class ScheduleSpec(Sourced):
    """``[schedule]``: when to list products."""

    peaks: list[TimeWindow] | None = fact('数据显示的流量高峰时段，如 "19:00-23:00"')
    rule_of_thumb_peaks: list[TimeWindow] | None = fact(
        '运营经验里常说的高峰时段（经验说法，不是数据），如 "09:00-12:00"'
    )
    lead_minutes: Minutes = Field(
        60, description="在高峰前多少分钟上架：listingkit 默认值，无公开来源，店铺可改"
    )
    crowding_weight: CrowdingWeight = Field(
        0.5,
        description="竞品拥挤对时段得分的折扣：得分 = 需求占比 / (1 + 本值 × 拥挤占比)，"
        "拥挤占比是该时段竞品数除以全周最挤时段的竞品数；0.5 时最挤的时段只值同需求空闲时段的 2/3。"
        "listingkit 默认值，无公开来源，店铺可改",
    )
    cycle_days: Days | None = fact("上下架周期（天）")
    profile: list[dict[str, str]] | None = fact(
        "一天各时段的流量等级，按时间顺序、不重叠、整点、覆盖 00:00-24:00，"
        '如 [{ hours = "00:00-06:00", level = "低谷" }, …]；等级词取自出处的说法，须在 levels 里'
    )
    levels: dict[Word, Annotated[int, NoCoercion(), AfterValidator(Range(0, 100))]] = Field(
        default_factory=lambda: {
            "低谷": 1,
            "未说明": 2,
            "上升": 2,
            "小高峰": 3,
            "平稳偏高": 3,
            "高峰": 4,
            "最高": 5,
        },
        description="profile 各等级词的序数分（越大流量越高）：listingkit 的约定，"
        "不是测量值，只表示先后次序；出处没有排出先后的等级同分，"
        "“未说明”是出处没有提到的时段；店铺可改",
    )

    @model_validator(mode="after")
    def _profile_covers_the_day(self) -> ScheduleSpec:
        if self.profile is None:
            return self
        end = 0
        for index, window in enumerate(self.profile, start=1):
            if set(window) != {"hours", "level"}:
                raise ValueError(
                    f"profile 第 {index} 项应当只有 hours 和 level 两个键，"
                    f'如 {{ hours = "00:00-06:00", level = "低谷" }}'
                )
            hours = _PROFILE_HOURS.match(window["hours"])
            if hours is None:
                raise ValueError(
                    f"profile 第 {index} 项的 hours “{window['hours']}”不是整点时段，"
                    '请写成 "08:00-10:00" 这样（结束可以是 24:00）'
                )
            start, stop = int(hours[1]), int(hours[2])
            if start != end or stop <= start or stop > 24:
                raise ValueError(
                    f"profile 第 {index} 项 {window['hours']} 应当从 {end:02d}:00 开始、"
                    "结束晚于开始：各时段按时间顺序首尾相接，不重叠、不留空"
                )
            if window["level"] not in self.levels:
                raise ValueError(
                    f"profile 第 {index} 项的等级“{window['level']}”不在 levels 里"
                    f"（有：{'、'.join(self.levels)}）；请改用其中之一，或在 levels 里加上它的分数"
                )
            end = stop
        if end != 24:
            raise ValueError(f"profile 只写到 {end:02d}:00，请补到 24:00，一天的每个小时都要有等级")
        return self


#: An on-the-hour window of ``[schedule].profile``: "08:00-10:00", ending at 24:00 at most.
_PROFILE_HOURS = re.compile(r"^([01]\d|2[0-3]):00-([01]\d|2[0-4]):00$")


class PlatformRules(Strict):
    """A whole rule file, after ``extends`` has been resolved."""

    schema_version: Annotated[Literal[1], BeforeValidator(_not_bool)] = Field(
        1, description="规则文件格式版本，目前为 1"
    )
    platform: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$", description="平台标识，如 taobao、jd、1688"
    )
    display_name: str = Field(description="平台中文名，如 淘宝")
    aliases: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default_factory=list,
        description='平台的别名，--platform 和 extends 里与平台标识同样可用，如 ["淘宝"]；'
        "各平台之间不能重复",
    )
    extends: str | None = Field(None, description="继承的平台名或规则文件路径（相对于本文件）")
    extends_reason: str | None = Field(None, description="为什么继承该平台（平台规则文件必填）")
    extends_source: str | None = Field(
        None, description="extends_reason 的出处，[sources] 下的名字"
    )
    inherited_grade: Grade | None = Field(
        None,
        description="继承来的数值在本平台最多算几级证据：别的平台的数值未在本平台核实时，"
        '写 "B" 或 "C"，它们就只报警告',
    )
    store: str | None = Field(None, description="店铺名（店铺规则文件）")
    sources: dict[str, Source] = Field(default_factory=dict, description="出处表")
    title: TitleSpec = Field(default_factory=TitleSpec, description="标题")
    images: ImagesSpec = Field(default_factory=ImagesSpec, description="图片，按角色分表")
    naming: NamingSpec = Field(default_factory=NamingSpec, description="SKU 图命名")
    schedule: ScheduleSpec = Field(default_factory=ScheduleSpec, description="上架时间")
    checks: dict[str, CheckLevel] = Field(
        default_factory=dict,
        description='按检查代码或名称调整级别：error、warning、info，"off" 关闭',
    )

    def sourced_tables(self) -> Iterator[tuple[str, Sourced]]:
        """Every table that holds facts, with its dotted key path."""
        yield "title", self.title
        for role, spec in self.images.roles():
            if spec is not None:
                yield f"images.{role}", spec
        yield "schedule", self.schedule


#: Key paths of the tables that hold facts, and their models, for the loader.
SOURCED_TABLES: dict[tuple[str, ...], type[Sourced]] = {
    ("title",): TitleSpec,
    **{("images", role): ImageSpec for role in IMAGE_ROLES},
    ("schedule",): ScheduleSpec,
}
