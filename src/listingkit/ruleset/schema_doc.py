"""Generate ``docs/rules.md`` from the models' field descriptions.

``listingkit rules schema`` prints it; a test keeps the file equal to it, so
the document cannot drift from what the loader accepts.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo

from listingkit.ruleset.models import (
    ImageSpec,
    ImagesSpec,
    NamingSpec,
    PlatformRules,
    Range,
    ScheduleSpec,
    Source,
    Sourced,
    TitleSpec,
    UnitWeights,
    WatermarkSpec,
)
from listingkit.ruleset.nesting import MAX_NESTING
from listingkit.safeio.read import MAX_RULE_FILE_BYTES

__all__ = ["rules_document"]

_INTRO = f"""# 规则文件

本页由 `listingkit rules schema` 生成，请勿手改。

每个平台一份规则文件 `rules/<平台>.toml`，随程序安装。店铺可以写自己的 `listingkit.toml`
继承一个平台，只写与平台不同的地方。规则文件是 TOML，UTF-8 编码。

## 出处与证据等级

平台的数值（下表标为“事实”的字段）每一个都要有出处：在表里写 `source = "出处名"`，
或者为个别字段写 `source_for.字段 = "出处名"`；出处名必须在 `[sources.出处名]` 登记，
登记时写明来源是什么（title）、在哪里（where）、什么时候（seen）和证据等级（grade）：

| 等级 | 含义 | 默认级别 |
| --- | --- | --- |
| A | 平台自己的文字或机器规则 | 错误 |
| B | 转引的官方文字，或旧的官方文件 | 警告 |
| C | 社区、工具商的说法 | 警告 |

出处只对写它的文件有效：店铺文件改了平台的数值，就必须给出自己的出处，
不会被当成平台的出处引用。平台没有公开数值的地方就不写，`listingkit rules show` 会显示
“未找到公开数值”；不要编数字。

文件大小可以写字节数，也可以写 `"3M"`、`"1MB"`、`"500KB"`：K、M、G 一律按 1024 进位，
因为平台文案写的“3M”对应的机器规则就是 3145728 字节。所以 `"1MB"` 是 1,048,576 字节
（不是 1,000,000），`"5MB"` 是 5,242,880 字节；文件大小的报告（IMG003）同时写出上限的字节数，
如“超过上限 1.00 MB（1,048,576 字节）”。

平台只是建议、没有规定的做法不写成平台数值：比如淘宝旧发布页说第 5 张主图放白底图
“可增加”曝光，淘宝规则文件就不写 `main_slot`；店铺要这样做，在自己的文件里写
`[images.white_background] main_slot = 5`。没有公开出处的 listingkit 默认值（如
`[schedule] lead_minutes = 60`）是设置，不是事实，`rules show` 里显示为设置。

## 取值范围

每个数值在读规则文件时就按类型和范围校验，超出时报 CONF003 并写明允许的范围：

- 整数字段只收整数：`true`/`false` 不算 1 和 0，`800.0` 也不算 800；比例字段收整数或小数，
  不收 `true`、文字、`nan` 和 `inf`；开关字段（`allow_alpha` 等）只收 `true` 或 `false`。
- 范围取得远宽于任何平台的数值，只拦住没有意义的值：标题长度 1 到 1,000 单位，
  像素边长 1 到 100,000，张数 0 到 1,000，位置 1 到 100，文件大小 1 字节到 1 GiB，
  单张图片像素数上限 1 到 10 亿，比例 0 到 1。每个字段的范围见下面各表的“取值范围”一栏。
- `min_units` 不能大于 `max_units`，`min_count` 不能大于 `max_count`，宽、高和 `min_fill`/`max_fill`
  同理；`unit_weights` 的两项不能都为 0；宽高比两边各不超过 4 位数。
- `[naming.roles]` 的模板只能用 `{{item}}`、`{{colour}}`、`{{seq}}`（可写 `{{seq:02d}}`）
  和 `{{sep}}`，必须有 `{{item}}` 和 `{{seq}}`，不能含 `/` 或 `\\`，两个角色的模板不能相同；
  `separator` 不能含数字、不能是 Windows 文件名不能用的字符，`item_pattern` 必须是不会长时间
  回溯的正则、且不能允许分隔符；`sequence_width` 是 1 到 6。
- 词语列表（`allow_words`、`own_brands`、`foreign_brands`、`[images.layout]`）里不能有空字符串。

规则文件和词表最大 {MAX_RULE_FILE_BYTES // (1024 * 1024)} MB，表和列表最多嵌套 {MAX_NESTING} 层
（平台规则文件最深 4 层），必须是普通文件：管道、设备、文件夹都报 CONF010，不会卡住。

## 继承与合并

- `extends = "taobao"` 继承内置平台；`extends = "../base.toml"` 继承一个文件（相对于本文件）。
  可以多层继承，循环继承会报错。平台文件继承另一个平台时要写 `extends_reason` 说明原因。
- 表逐层深度合并；数值和列表整体替换。
- `extend_<键> = [...]` 把元素追加到继承来的列表后面（如 `extend_forbid`、`extend_formats`）；
  这样的列表同时引用两边的出处。
- `[checks]` 按检查代码合并：`IMG041 = "error"`、`FILE002 = "warning"`、`TITLE003 = "off"`。
- 每个值都记得是哪个文件哪一行设的，`listingkit rules show` 会显示出来。

## 在哪里找规则文件

`--rules FILE` 优先；否则从被检查的文件夹向上找 `listingkit.toml`（到家目录或仓库根目录为止），
它继承的平台与 `--platform` 一致时使用它；否则用 `--platform` 指定的内置平台。

店铺规则文件能关掉检查，所以向上找时不信任别人能放文件的地方：

- 任何人都可写的文件夹（如 `/tmp`）里的 `listingkit.toml` 不看，查找也在那里停下；
- 被检查的文件夹以上，属于别的用户（既不是当前用户也不是 root）的文件夹不进入；
- 找到的 `listingkit.toml` 属于别的用户时不使用，以退出码 2 结束并说明它属于谁：
  确认要用它就加 `--rules 该文件`，不用它就用 `--rules 平台名`（如 `--rules taobao`）。

`--rules` 明确写出的文件不受这些限制。

## 错误代码

规则文件有问题时，所有问题一次列出，每行一条，退出码为 2：

```
listingkit.toml:14: images.main.min_sid_px: 未知的键（是否想写 min_side_px？） [CONF002]
```

| 代码 | 问题 |
| --- | --- |
| CONF001 | TOML 语法错误（给出行和列） |
| CONF002 | 未知的键（给出最接近的正确写法） |
| CONF003 | 类型不对或取值超出范围 |
| CONF004 | 缺少必填项 |
| CONF005 | 内置平台规则文件里的数值没有出处（店铺自己的规则文件里不写出处的数值按“本店设定”接受） |
| CONF006 | 出处名没有在 `[sources]` 登记 |
| CONF007 | `extends` 指向未知的平台或不存在的文件 |
| CONF008 | `extends` 形成循环 |
| CONF009 | `[checks]` 里有未知的检查代码 |
| CONF010 | 文件无法读取 |
| CONF011 | 文件不是 UTF-8 编码 |
| CONF012 | `extend_` 用在不是列表的键上 |
| CONF013 | 规则文件提到的文件（词表、水印图片）不存在 |
| CONF014 | 表或列表嵌套过深（超过 {MAX_NESTING} 层） |
| CONF015 | 水印图片无法使用（不是图片、不完整、像素过多、全透明）；由 `rules validate` 检查 |

## 字段
"""

_SECTIONS: list[tuple[str, type[BaseModel], str]] = [
    ("顶层", PlatformRules, "文件本身：平台、继承、店铺名。"),
    ("[sources.<出处名>]", Source, "一个出处：数值从哪里来、证据等级。"),
    ("[title]", TitleSpec, "商品标题。"),
    ("[title.unit_weights]", UnitWeights, "每个字符算几个单位。"),
    ("[images]", ImagesSpec, "图片，每个角色一张表；没有公开规则的角色不写。"),
    ("[images.<角色>]", ImageSpec, "一种角色的图片要求。"),
    ("[images.watermark]", WatermarkSpec, "店铺水印（店铺设定，不是平台数值）。"),
    ("[naming]", NamingSpec, "SKU 图的文件名（店铺约定，不是平台数值）。"),
    ("[schedule]", ScheduleSpec, "上架时间。"),
]


def _default(model: type[BaseModel], name: str) -> str:
    info = model.model_fields[name]
    if info.is_required():
        return "必填"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
    else:
        value = info.default
    if isinstance(value, BaseModel) or value in (None, {}, []):
        return "—"
    return f"`{value!r}`".replace("'", '"')


def _range(info: FieldInfo) -> str:
    """The :class:`Range` a field's type carries (inside ``| None`` or a list), or —."""
    pending: list[Any] = [*info.metadata, info.annotation]
    while pending:
        item = pending.pop()
        if isinstance(item, AfterValidator) and isinstance(item.func, Range):
            return item.func.span()
        pending.extend(typing.get_args(item))
        pending.extend(getattr(item, "__metadata__", ()))
    return "—"


def _kind(model: type[BaseModel], name: str) -> str:
    if issubclass(model, Sourced) and name in model.fact_fields():
        return "事实"
    return "设置"


def _section(title: str, model: type[BaseModel], summary: str) -> str:
    lines = [f"### {title}", "", summary, ""]
    lines += ["| 键 | 类别 | 默认 | 取值范围 | 说明 |", "| --- | --- | --- | --- | --- |"]
    for name, info in model.model_fields.items():
        description = (info.description or "").replace("|", "\\|")
        cells = [f"`{name}`", _kind(model, name), _default(model, name), _range(info), description]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def rules_document() -> str:
    return _INTRO + "".join("\n" + _section(*section) for section in _SECTIONS)
