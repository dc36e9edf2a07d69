"""TITLE0xx: title checks. Each docstring is the operator's documentation.

Examples in the ``## 示例`` sections are run as tests against Taobao's rules:
an ``Okay:`` line must pass the check, a ``TITLEnnn:`` line must fail it.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from listingkit.findings import Hit, Severity
from listingkit.registry import check
from listingkit.ruleset import Rules
from listingkit.text.chars import CHAR_CLASSES, char_codes, find_class
from listingkit.text.width import describe_weights, units_of
from listingkit.text.wordlist import normal_form
from listingkit.title.repeat import find_repeats, group_repeats, may_repeat
from listingkit.title.subject import TOKENS, RowSubject, TitleSubject

__all__ = [
    "MAX_TITLE_CHARS",
    "bad_spacing",
    "banned_word",
    "emoji_in_title",
    "forbidden_character",
    "foreign_brand",
    "invisible_character",
    "is_blank_title",
    "missing_product_word",
    "repeated_word",
    "title_not_composed",
    "title_too_long",
    "title_too_short",
]


#: Text longer than this is not checked as a title: no platform takes a title
#: a tenth as long, and checks such as segmentation and repeated words would
#: spend seconds on a paragraph read as one line.
MAX_TITLE_CHARS = 1000


def _position(index: int) -> str:
    return f"第 {index + 1} 个字"


def _beyond_cap(subject: TitleSubject) -> Hit:
    text = subject.text
    units = units_of(text, subject.context.weights)
    return Hit(
        f"标题有 {len(text)} 个字（{units} 个字符单位），超过 listingkit 按标题检查的上限"
        f" {MAX_TITLE_CHARS} 个字；其余标题检查没有运行",
        hint="这不像一个标题：检查文件是否每行一个标题、表格的标题列是否选对，改好后再检查",
        source=f"listingkit：超过 {MAX_TITLE_CHARS} 个字的文字不按标题检查",
        span=(MAX_TITLE_CHARS, len(text)),
        data={"actual": len(text), "limit": MAX_TITLE_CHARS, "unit": "字"},
    )


@check(
    "TITLE001", "title-too-long", subject="title", keys=("title.max_units", "title.unit_weights")
)
def title_too_long(subject: TitleSubject, rules: Rules) -> Iterator[Hit]:
    """标题超过平台的长度上限。

    ## 检查什么
    按规则文件的计数方式（淘宝：汉字计 2、字母数字计 1）计算标题长度，
    超过 `title.max_units` 即报告，并指出从哪个字开始超出。
    超过 1,000 个字的文字（不论平台）不像标题，多半是整段文字或读错了列：只报告这一条，
    其余标题检查（分词、重复词、极限词等）不再对它运行。

    ## 为什么
    发布页不允许超长标题；用接口或表格批量发布时，超出部分会被截掉，截掉的往往是后面的属性词。
    一段误当作标题的长文字不该让整个检查慢下来。

    ## 示例
    Okay: 夏季纯棉短袖T恤男宽松圆领
    TITLE001: 夏季新款纯棉短袖T恤男士宽松圆领半袖上衣潮流百搭学生休闲打底衫韩版
    """
    if len(subject.text) > MAX_TITLE_CHARS:
        yield _beyond_cap(subject)
        return
    limit = rules.model.title.max_units
    measured = subject.measure
    if limit is None or measured.units <= limit:
        return
    start = measured.index_over(limit) or 0
    counting = describe_weights(subject.context.weights)
    yield Hit(
        f"标题长度 {measured.units} 超过上限 {limit}（{counting}）",
        hint=f"删减修饰词或重复的属性词；从{_position(start)}起超出：“{subject.text[start:]}”",
        rule_key="title.max_units",
        span=(start, len(subject.text)),
        data={"actual": measured.units, "limit": limit, "unit": "字符单位"},
    )


# Nothing a reader would see: whitespace (full-width space too), format characters
# such as U+200B, U+180E, and control characters.
_BLANK = regex.compile(r"[\s\p{Cf}\p{Cc}\u180e]*")


def is_blank_title(text: str) -> bool:
    """Whether a title has nothing a reader would see (TITLE002 reports it as empty)."""
    return _BLANK.fullmatch(text) is not None


def _shown_codes(text: str, most: int = 8) -> str:
    shown = char_codes(text[:most])
    return f"{shown} …（共 {len(text)} 个）" if len(text) > most else shown


@check("TITLE002", "title-too-short", subject="title", keys=("title.min_units",))
def title_too_short(subject: TitleSubject, rules: Rules) -> Iterator[Hit]:
    r"""标题是空的，或短于平台或店铺规定的最短长度。

    ## 检查什么
    空标题——没有字，或只有空格（含全角空格）、看不见的字符（零宽空格等）和控制字符——
    不论平台都报告：`--text ""`、标题文件里只有看不见的字符的一行、
    `lint-titles` 读表格时标题列里的空格子（这一列有别的标题时）。
    标题文件里的空行和只有空格的行是标题之间的分隔，不检查。
    其余标题的长度（计数方式同 TITLE001）低于 `title.min_units` 时报告；规则文件没有下限时不检查。

    ## 为什么
    空标题无法发布，批量上架时整行会被平台拒绝；只有看不见的字符的标题在表格里看起来是空的，
    却不会被当作空格子跳过。太短的标题覆盖的搜索词少；有的平台和店铺规范要求最短长度。

    ## 示例
    Okay: 夏季纯棉短袖T恤男宽松圆领
    TITLE002: （在 min_units = 20 的规则下）T恤
    TITLE002: \u200b
    """
    if is_blank_title(subject.text):
        yield Hit(
            "标题是空的" + (f"：只有 {_shown_codes(subject.text)}" if subject.text else ""),
            hint="填写标题，或删掉这一行",
            source="listingkit：空标题无法发布",
            data={"actual": len(subject.text), "unit": "字"},
        )
        return
    limit = rules.model.title.min_units
    units = subject.measure.units
    if limit is not None and units < limit:
        yield Hit(
            f"标题长度 {units} 低于下限 {limit}（{describe_weights(subject.context.weights)}）",
            hint="补充属性词、类目词或修饰词",
            rule_key="title.min_units",
            data={"actual": units, "limit": limit, "unit": "字符单位"},
        )


_REWRITES = {"tab": "平台会把它换成空格", "newline": "平台会把它换成空格"}


@check("TITLE003", "forbidden-character", subject="title", keys=("title.forbid",))
def forbidden_character(subject: TitleSubject, rules: Rules) -> Iterator[Hit]:
    r"""标题含平台禁止或会改写的字符。

    ## 检查什么
    `title.forbid` 列出的字符类：制表符、换行符（淘宝会换成空格；含 CR、NEL、U+2028）、
    半角尖括号 `< >`、零宽字符、全角空格。emoji 由 TITLE005 检查，
    规则文件没有禁止的控制字符由 TITLE004 报告。

    ## 为什么
    这些字符会被平台拒绝或悄悄改写，改写后标题长度和分词都会变化。

    ## 示例
    Okay: 夏季纯棉短袖T恤男宽松圆领
    TITLE003: 夏季纯棉短袖T恤\t男宽松圆领
    """
    for name in rules.model.title.forbid or ():
        if name == "emoji":
            continue
        for run in find_class(name, subject.text):
            effect = _REWRITES.get(name, "平台不允许")
            yield Hit(
                f"{_position(run.start)}是{CHAR_CLASSES[name]}，{effect}",
                hint="删除它，词与词之间需要分隔时用一个半角空格",
                rule_key="title.forbid",
                span=(run.start, run.end),
                data={"class": name, "actual": run.text},
            )


# Reported by TITLE004 unless the rule file forbids the class (then TITLE003 reports it).
_INVISIBLE = ("zero_width", "control", "tab", "newline")


@check(
    "TITLE004",
    "invisible-character",
    subject="title",
    keys=("title.forbid",),
    severity=Severity.WARNING,
)
def invisible_character(subject: TitleSubject, rules: Rules) -> Iterator[Hit]:
    r"""标题里有看不见的字符（零宽空格、方向控制符、控制字符等）。

    ## 检查什么
    Unicode 格式字符（Cf 类），例如从网页或聊天软件复制时带进来的零宽空格 U+200B；
    控制字符：C0（ESC、BEL 等，也包括制表符和换行符）、DEL 和 C1（NEL、CSI 等）。
    规则文件已禁止的字符类（如淘宝的制表符、换行符）由 TITLE003 报告，这里不重复。

    ## 为什么
    看不见的字符占长度、打断搜索词，还会让极限词检查漏掉被隔开的词；
    控制字符在终端、日志和表格里会改写显示的内容，平台也可能拒绝整个标题。

    ## 示例
    Okay: 夏季纯棉短袖T恤男宽松圆领
    TITLE004: 夏季纯棉\u200b短袖T恤
    TITLE004: 夏季纯棉\u001b短袖T恤
    """
    forbidden = set(rules.model.title.forbid or ())
    for name in _INVISIBLE:
        if name in forbidden:
            continue
        for run in find_class(name, subject.text):
            codes = char_codes(run.text)
            if name == "zero_width":
                message = f"{_position(run.start)}有看不见的字符 {codes}"
                hint = "删除它；从网页复制的标题先粘贴到纯文本编辑器里再复制"
            else:
                message = f"{_position(run.start)}是{CHAR_CLASSES[name]} {codes}，看不见却占长度"
                hint = "删除它，词与词之间需要分隔时用一个半角空格"
            yield Hit(message, hint=hint, span=(run.start, run.end), data={"actual": codes})


@check("TITLE005", "emoji-in-title", subject="title", keys=("title.forbid",))
def emoji_in_title(subject: TitleSubject, rules: Rules) -> Iterator[Hit]:
    """标题含 emoji，而平台不允许。

    ## 检查什么
    `title.forbid` 含 `emoji` 时（如抖音电商），报告标题中的每个 emoji。
    ©、®、™ 按文字处理，不算 emoji。

    ## 为什么
    平台的标题字段不接受 emoji，发布会失败。

    ## 示例
    Okay: 夏季纯棉短袖T恤男宽松圆领
    TITLE005: （在抖音电商的规则下）夏季纯棉短袖T恤🔥
    """
    if "emoji" not in (rules.model.title.forbid or ()):
        return
    for run in find_class("emoji", subject.text):
        yield Hit(
            f"{_position(run.start)}是 emoji “{run.text}”，平台不允许",
            hint="删除 emoji，用文字写出卖点",
            rule_key="title.forbid",
            span=(run.start, run.end),
            data={"actual": run.text},
        )


_INNER_SPACES = regex.compile(r"(?<=\S) {2,}(?=\S)")


@check(
    "TITLE006", "bad-spacing", subject="title", keys=("title.forbid",), severity=Severity.WARNING
)
def bad_spacing(subject: TitleSubject, rules: Rules) -> Iterator[Hit]:
    """标题首尾有空格、连续空格或全角空格。

    ## 检查什么
    开头或结尾的空白、两个以上连续的半角空格，以及全角空格（`title.forbid` 已禁止全角空格时由
    TITLE003 报告）。

    ## 为什么
    空格占长度：两个半角空格和一个汉字一样长。词与词之间最多一个半角空格就够了。

    ## 示例
    Okay: 夏季纯棉短袖 T恤
    TITLE006: 夏季纯棉短袖  T恤
    """
    text = subject.text
    stripped = text.strip()
    if stripped != text and stripped:
        lead = len(text) - len(text.lstrip())
        where = "开头" if lead else "结尾"
        span = (0, lead) if lead else (len(text.rstrip()), len(text))
        yield Hit(f"标题{where}有空白", hint="删除首尾的空格", span=span)
    for gap in _INNER_SPACES.finditer(text):
        yield Hit(
            f"{_position(gap.start())}起有 {len(gap.group())} 个连续空格",
            hint="只留一个半角空格",
            span=gap.span(),
        )
    if "full_width_space" not in (rules.model.title.forbid or ()):
        for run in find_class("full_width_space", text):
            yield Hit(
                f"{_position(run.start)}是全角空格，占 2 个单位",
                hint="换成一个半角空格",
                span=(run.start, run.end),
            )


_LEVEL = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


# gate=True (here, on TITLE020 and on TITLE030): a composed title must pass
# the check (see listingkit.title.gates); the words chosen decide whether it
# does. The length, character and spacing checks (TITLE001, TITLE003-TITLE006)
# hold by construction, since the composer measures every word, cuts out every
# character class a rule file can forbid and joins words with at most one
# space, and it always keeps the product word (TITLE031): a gate on them would
# cost time and find nothing. A title too short (TITLE002) is no gate either:
# leaving words out cannot lengthen it.
@check(
    "TITLE010",
    "banned-word",
    subject="title",
    keys=("title.word_lists", "title.allow_words"),
    gate=True,
)
def banned_word(subject: TitleSubject, rules: Rules) -> Iterator[Hit]:
    """标题含广告法禁用的极限词或平台禁用词。

    ## 检查什么
    按规则文件 `title.word_lists` 列出的词表查找（内置词表见 `rules/words/ad-law.toml`，
    按绝对化用语、“第一/唯一”、国家级、权威背书、虚假紧迫、医疗功效、迷信等分类）。
    不区分全角半角和大小写；不会在货号、型号、较长的数字或英文单词内部误报（`ZX-最1`、`NO.12`）；
    词表的例外短语（第一次、最近）、店铺的 `allow_words` 和 `own_brands` 不算。
    词表还可以写模式（`最{han}` 查出最快、最潮等没有逐个列出的词）。规避写法照样查出：
    繁体字、带圈或上标数字（第①）、字间的一两个空格或符号（最-好、最 好）、拼音 zui（zui好）。

    ## 为什么
    《广告法》第九条禁止“国家级”“最高级”“最佳”等用语，平台会据此删除商品或扣分。

    ## 示例
    Okay: 第一次做妈妈的孕妇连衣裙
    TITLE010: 全网最佳纯棉短袖T恤
    TITLE010: 銷量第①名保温杯
    """
    for hit in subject.context.banned.find(subject.text):
        word = hit.value
        replace = "删除它" if word.replace == "删除" else f"改为“{word.replace}”或删除"
        yield Hit(
            f"“{hit.text}”是{word.category}类极限词：{word.reason}",
            hint=replace,
            source=word.citation(),
            severity=_LEVEL[word.level],
            span=(hit.start, hit.end),
            data={"word": word.word, "category": word.category, "replace": word.replace},
        )


@check(
    "TITLE020",
    "repeated-word",
    subject="title",
    severity=Severity.WARNING,
    reads=(TOKENS,),
    gate=True,
)
def repeated_word(subject: TitleSubject, rules: Rules) -> Iterator[Hit]:
    """标题里同一个词作为词出现两次，或一个词已经包含在另一个词里。

    ## 检查什么
    用 jieba 分词（附带电商词典，面包服、小型犬、豆腐猫砂、不掉毛 这类词保持完整；
    型号、品牌也保持完整），报告应删掉的那个词：同一个词的第二次出现（三脚架 … 三脚架）；
    更长的词已经包含的单独的短词（打底 … 打底衫、猫砂 … 豆腐猫砂、单独的“裙” … 连衣裙，删短的）；
    同一个数量（300ml … 300ML），或与某个数量同数的裸数字（1.8升 … 1.8、1000元 … 1000，删裸数字）。
    同一个词删几处都只报一条，写明每一处的位置。

    左边紧贴着修饰词的词是那个词组的一部分（运动耳机 里的 耳机）：两个词组共用中心词
    （蓝牙耳机 与 运动耳机、手机三脚架 与 遥控三脚架、软橡皮 与 高光橡皮）是各自的搜索词，不算重复；
    只有整个词组相同（升降茶几 … 升降茶几），或较短的那个单独成词（前后是空格、标点或标题两端：
    T恤 … 纯棉T恤）时才算。

    不算重复的：只共用字的两个词（羽绒服 与 面包服、小型犬 与 成犬；
    翻分牌 与 分牌、铅画纸 与 画纸，前面只多一个字的是另一个词）；
    长词里的单字，贴着汉字、字母的单字（不掉毛 的“毛”）和单独的量词（作文本 … 本）；
    “的、款、型”等连接字；不同的数量（4盘 与 24盘、5000公里 与 50公里，24 不算在 240 里）；
    裸数字之间（2024 … 2024）；不完全相同的英文、型号和型号名（潘多拉魔盒 与 潘多拉MAX）。

    标题后面附的规格与标题主体分开检查，主体里的词在规格里再出现不算重复。规格是：
    最后一处两个以上空格或全角空格之后的部分；【】、[]、（）里的内容；以及京东商品名这类
    “一长串不带空格的标题主体（16 个字符以上）+ 空格 + 销售属性”里主体之后的部分
    （… 涂鸦材料丙烯画 银色 300ML丙烯）——但主体后面只跟一个单独的词（可带一个数量）时，
    那是标题自己的词又写了一次（… 冬季外套 羽绒服），照样检查。
    组标题时按同样的规则判断，两边结论一致。

    ## 为什么
    重复的词不会带来更多搜索，却占掉标题的长度；淘宝导购标题规则明确不许重复词。

    ## 示例
    Okay: 真无线蓝牙耳机 运动耳机 防掉落耳塞
    TITLE020: 连衣裙 夏季新款碎花连衣裙
    """
    if not may_repeat(subject.text):
        return  # certain from the characters alone: no need to segment the title
    for group in group_repeats(find_repeats(subject.tokens)):
        # One finding per word to delete, however many copies: one problem to fix.
        first = group[0]
        kept, flagged, extra = first.kept, first.flagged, len(group)
        if first.inside:
            message = f"“{flagged.text}”已包含在“{kept.text}”里"
        else:
            message = f"“{flagged.text}”重复出现，{_position(kept.start)}起已有"
        if extra > 1:
            message += f"，多出 {extra} 处"
        where = "、".join(f"{_position(r.flagged.start)}起的“{r.flagged.text}”" for r in group)
        times = f"（共 {extra} 处）" if extra > 1 else ""
        yield Hit(
            message,
            hint=f"删掉{where}{times}，把长度留给别的搜索词",
            span=(flagged.start, flagged.end),
            data={
                "word": flagged.text,
                "kept": kept.text,
                "kept_span": [kept.start, kept.end],
                "count": extra,
                "spans": [[r.flagged.start, r.flagged.end] for r in group],
            },
        )


@check("TITLE030", "foreign-brand", subject="title", keys=("title.foreign_brands",), gate=True)
def foreign_brand(subject: TitleSubject, rules: Rules) -> Iterator[Hit]:
    """标题含本店没有授权的品牌词。

    ## 检查什么
    店铺规则文件 `title.foreign_brands` 列出的品牌词出现在标题中即报告（不区分全角半角和大小写）。

    ## 为什么
    平台要求标题与商品的品牌一致；蹭别家品牌词会被判滥用关键词或侵权。

    ## 示例
    Okay: 夏季纯棉短袖T恤男宽松圆领
    TITLE030: （在 foreign_brands = ["耐克"] 的规则下）耐克同款纯棉短袖T恤
    """
    for hit in subject.context.foreign_brands.find(subject.text):
        yield Hit(
            f"“{hit.text}”是本店没有授权的品牌词",
            hint="删除它；写本店自己的品牌，或用品类词描述",
            span=(hit.start, hit.end),
            data={"word": hit.value},
        )


@check("TITLE031", "missing-product-word", subject="title")
def missing_product_word(subject: TitleSubject, rules: Rules) -> Iterator[Hit]:
    """标题里没有表格给出的产品词。

    ## 检查什么
    参数表有“产品词”列时，标题必须包含其中的产品词（不区分全角半角和大小写）。

    ## 为什么
    产品词是买家搜索的核心词，标题里没有它，商品就搜不到。

    ## 示例
    Okay: （产品词为 连衣裙）夏季碎花连衣裙
    TITLE031: （产品词为 连衣裙）夏季碎花长裙
    """
    folded = normal_form(subject.text)
    missing = [p for p in subject.products if p and normal_form(p) not in folded]
    if subject.products and len(missing) == len(subject.products):
        words = "、".join(subject.products)
        yield Hit(
            f"标题里没有产品词“{words}”",
            hint="把产品词写进标题，放在类目词之后",
            data={"expected": list(subject.products)},
        )


@check("TITLE040", "title-not-composed", subject="sheet_row")
def title_not_composed(subject: RowSubject, rules: Rules) -> Iterator[Hit]:
    """参数表的这一行组不出标题。

    ## 检查什么
    产品词为空、产品词本身含极限词或未授权的品牌词、产品词单独就超过长度上限时，这一行没有候选标题；
    报告写明行号、列名和原因，其余行照常处理。

    ## 为什么
    产品词是标题里唯一不能省的词：没有它，或者它本身不合规，任何组合都不能用。

    ## 示例
    Okay: 第 2 行，产品词“连衣裙”
    TITLE040: 第 3 行，产品词为空
    """
    if subject.error is not None:
        yield Hit(
            f"第 {subject.row} 行无法组标题：{subject.error}",
            hint="在产品词列填写这件商品的核心词（如 连衣裙），不要带营销词",
            column=subject.column,
        )
