"""The schema of a rule file: pydantic models, unknown keys rejected, frozen.

Fields marked as *facts* (``json_schema_extra={"fact": True}``) are platform
numbers and rules taken from a published source: each one set in a file must
name that source (the table's ``source``, or ``source_for.<field>``), and its
evidence grade decides the default severity of a check that applies it.
Everything else is a setting of the store or of listingkit.

``docs/rules.md`` is generated from the field descriptions below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = [
    "DEFAULT_LAYOUT",
    "FORMULA_PARTS",
    "IMAGE_ROLES",
    "Grade",
    "ImageSpec",
    "ImagesSpec",
    "NamingSpec",
    "PlatformRules",
    "ScheduleSpec",
    "Source",
    "TitleSpec",
    "UnitWeights",
    "WatermarkSpec",
    "parse_byte_size",
]

Grade = Literal["A", "B", "C"]
CheckLevel = Literal["error", "warning", "info", "off"]
ImageFormat = Literal["jpeg", "png", "gif", "bmp", "webp"]
ForbiddenChar = Literal[
    "tab", "newline", "emoji", "half_width_angle", "zero_width", "full_width_space"
]
FormulaPart = Literal["marketing", "category", "brand", "product", "attribute", "modifier"]

IMAGE_ROLES = ("main", "main_3x4", "white_background", "detail", "sku", "long")
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

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|K|KB|KiB|M|MB|MiB|G|GB|GiB)?\s*$", re.IGNORECASE)
_SIZE_FACTOR = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_byte_size(value: Any) -> Any:
    """Accept ``3145728``, ``"3M"``, ``"3MB"`` or ``"3 MiB"``.

    Platform texts write "3M" where their machine rule says 3145728, so K/M/G
    are read as binary multiples whether or not an ``i`` is written.
    """
    if isinstance(value, str):
        match = _SIZE.match(value)
        if not match:
            return value  # let pydantic report it as a wrong type
        number, unit = match.groups()
        factor = _SIZE_FACTOR[(unit or "")[:1].lower()]
        return int(float(number) * factor)
    return value


ByteSize = Annotated[int, BeforeValidator(parse_byte_size), Field(gt=0)]
Aspect = Annotated[str, Field(pattern=r"^[1-9]\d*:[1-9]\d*$")]
TimeWindow = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")]
Pixels = Annotated[int, Field(gt=0)]
Count = Annotated[int, Field(ge=0)]


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

    ascii: int = Field(1, ge=0, description="ASCII 字符（字母、数字、半角符号、半角空格）")
    other: int = Field(2, ge=0, description="其他字符（汉字、全角符号等）")


class TitleSpec(Sourced):
    """``[title]``: the product title."""

    max_units: int | None = fact("标题长度上限，按 unit_weights 计")
    min_units: int | None = fact("标题长度下限（平台有规定时）")
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
    allow_words: list[str] = Field(
        default_factory=list, description="不算极限词的词语（专有名词、已注册的商标等）"
    )
    own_brands: list[str] = Field(
        default_factory=list,
        description="本店拥有或获授权的品牌词：不算极限词，分词时保持完整",
    )
    foreign_brands: list[str] = Field(
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
    required_slots: list[Annotated[int, Field(gt=0)]] | None = fact("必须有图的位置，如 [1]")
    aspect: Aspect | None = fact('宽高比，如 "1:1"、"3:4"')
    min_side_px: Pixels | None = fact("宽和高的最小像素")
    min_width_px: Pixels | None = fact("最小宽度（像素）")
    min_height_px: Pixels | None = fact("最小高度（像素）")
    recommended_width_px: Pixels | None = fact("建议宽度（像素），低于时提示")
    recommended_height_px: Pixels | None = fact("建议高度（像素），低于时提示")
    max_width_px: Pixels | None = fact("最大宽度（像素）")
    max_height_px: Pixels | None = fact("最大高度（像素）")
    pc_width_px: Pixels | None = fact("电脑端详情页宽度（像素）")
    zoom_min_side_px: Pixels | None = fact("达到此边长才有放大镜功能（像素）")
    max_bytes: ByteSize | None = fact(
        '文件大小上限：字节数，或 "3M"、"1MB"、"500KB"（K、M 按 1024 进位）'
    )
    formats: list[ImageFormat] | None = fact("允许的格式：jpeg, png, gif, bmp, webp")
    main_slot: Annotated[int, Field(gt=0)] | None = fact("作为第几张主图上传（如白底图放第 5 张）")
    min_fill: Annotated[float, Field(gt=0, le=1)] | None = fact(
        "白底图：商品长边至少占画面对应边的比例（0.7 即 70%）"
    )
    max_fill: Annotated[float, Field(gt=0, le=1)] | None = fact("白底图：商品长边最多占画面的比例")
    max_margin_px: Annotated[int, Field(ge=0)] | None = fact(
        "白底图：商品长边离画布边缘最多多少像素"
    )
    aspect_tolerance: float = Field(
        0.01, ge=0, lt=1, description="宽高比允许的相对偏差（0.01 即 1%），listingkit 的设定"
    )
    allow_alpha: bool = Field(True, description="是否允许透明像素（false 时报告透明图）")
    allow_animation: bool = Field(False, description="是否允许动图")

    @model_validator(mode="after")
    def _ranges(self) -> ImageSpec:
        pairs = [
            ("min_count", "max_count"),
            ("min_width_px", "max_width_px"),
            ("min_height_px", "max_height_px"),
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


class WatermarkSpec(Strict):
    """``[images.watermark]``: the store's own watermark (a store setting)."""

    template: str = Field(description="水印图片（带透明的 PNG），路径相对于写它的规则文件")
    required_on: list[ImageRole] = Field(default_factory=list, description="必须有水印的图片角色")
    forbidden_on: list[ImageRole] = Field(default_factory=list, description="不能有水印的图片角色")

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

    white_level: int = Field(
        250, ge=0, le=255, description="三个通道都不低于此值的像素算白色（白底检查用）"
    )
    max_off_white: float = Field(
        0.75,
        ge=0,
        le=1,
        description="白底图四边的边带里非白像素最多占多少（在真实白底图与实拍图上校准）",
    )
    watermark: WatermarkSpec | None = Field(None, description="店铺水印：模板图片与要求")
    max_pixels: int = Field(
        100_000_000,
        gt=0,
        description="单张图片最多多少像素，超过按解压炸弹拒绝处理（listingkit 的安全设定）",
    )
    layout: dict[ImageRole, list[str]] = Field(
        default_factory=lambda: {role: list(names) for role, names in DEFAULT_LAYOUT.items()},
        description="哪个文件夹名或文件名开头对应哪种图：{角色 = [名称, …]}，不区分大小写",
    )

    def roles(self) -> Iterator[tuple[str, ImageSpec | None]]:
        for role in IMAGE_ROLES:
            yield role, getattr(self, role)


class NamingSpec(Strict):
    """``[naming]``: how SKU photo files are named (a store convention)."""

    template: str = Field(
        "{item}_{seq:02d}",
        description="文件名模板：{item} 货号，{seq} 序号，{colour} 颜色；扩展名自动保留",
    )
    colour_template: str = Field("{item}_{colour}_{seq:02d}", description="有颜色时的文件名模板")

    @model_validator(mode="after")
    def _placeholders(self) -> NamingSpec:
        for name in ("template", "colour_template"):
            value = getattr(self, name)
            try:
                value.format(item="A1", seq=1, colour="红")
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(
                    f"{name} 模板 {value!r} 无效（只能用 {{item}}、{{seq}}、{{colour}}）：{exc}"
                ) from None
        return self


class ScheduleSpec(Sourced):
    """``[schedule]``: when to list products."""

    peaks: list[TimeWindow] | None = fact('流量高峰时段，如 "20:00-23:00"')
    lead_minutes: Annotated[int, Field(ge=0)] | None = fact("在高峰前多少分钟上架")
    cycle_days: Annotated[int, Field(gt=0)] | None = fact("上下架周期（天）")


class PlatformRules(Strict):
    """A whole rule file, after ``extends`` has been resolved."""

    schema_version: Literal[1] = Field(1, description="规则文件格式版本，目前为 1")
    platform: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$", description="平台标识，如 taobao、jd、1688"
    )
    display_name: str = Field(description="平台中文名，如 淘宝")
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
