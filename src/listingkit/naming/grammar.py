"""The store's naming grammar: write a photo's file name from its parts, read it back.

Each role of ``[naming.roles]`` is a template (``{item}{sep}白底{sep}{seq}``)
compiled once into a pattern. Reading tries the roles with the most literal
characters first (``{sep}`` not counted; ties keep the rule file's order), so
``A1023_白底_01.jpg`` is a white-background photo and never an SKU photo of the
colour 白底. Writing refuses parts the grammar would read back differently, so
``parse(format(parts))`` always gives the parts back.

Names are compared after Unicode NFC. A name that fits no role is a
:class:`NameMismatch` naming the part that fails: the 货号, the colour, the
sequence number, the separator, the extension or the name as a whole.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import regex

from listingkit.naming.portable import name_problems
from listingkit.printable import printable
from listingkit.ruleset.models import WINDOWS_FORBIDDEN, NamingSpec, seq_width_of

if TYPE_CHECKING:
    from listingkit.ruleset.rules import Rules

__all__ = ["NameGrammar", "NameMismatch", "NameParts"]

#: Seconds a single match may take; validated item patterns take microseconds.
_TIMEOUT = 1.0
_PARTS = ("item", "colour", "seq", "separator", "extension", "role", "name")


@dataclass(frozen=True, slots=True)
class NameParts:
    """What a photo's file name says."""

    item: str  # 货号, e.g. "A1023"
    seq: int  # sequence number, 1-based
    role: str = "main"  # a key of [naming.roles]
    colour: str | None = None  # colour / SKU value, for roles whose template has {colour}
    extension: str = ".jpg"  # with the dot, as it will be written (after extension_case)


class NameMismatch(ValueError):
    """A name the grammar cannot read, or parts it cannot write.

    When a name is readable but only written wrongly (``A1023_1.JPG``: the
    padding of its number, the case of its extension), ``parts`` holds what it
    says, so ``grammar.format(exc.parts)`` is the name it should have.
    """

    part: str
    message: str
    parts: NameParts | None

    def __init__(self, part: str, message: str, *, parts: NameParts | None = None) -> None:
        if part not in _PARTS:
            raise ValueError(f"unknown name part {part!r}; one of {', '.join(_PARTS)}")
        super().__init__(message)
        self.part = part
        self.message = message
        self.parts = parts


@dataclass(frozen=True, slots=True)
class _Role:
    name: str
    template: str
    pieces: tuple[tuple[str, str | None], ...]  # (literal, placeholder or None)
    width: int
    has_colour: bool
    literal_chars: int
    strict: regex.Pattern[str]
    loose: regex.Pattern[str]


def _shown(text: str) -> str:
    return f"“{printable(text)}”"


class NameGrammar:
    """The ``[naming]`` table of a rule file, able to format and parse names."""

    roles: tuple[str, ...]

    def __init__(self, spec: NamingSpec) -> None:
        self._spec = spec
        self._sep = unicodedata.normalize("NFC", spec.separator)
        self._extensions = tuple(spec.extensions)
        self._item = regex.compile(f"(?:{spec.item_pattern})")
        self._colour_chars = regex.compile(self._colour_pattern())
        built = [self._build(role, template) for role, template in spec.roles.items()]
        self._roles = {role.name: role for role in built}
        self.roles = tuple(role.name for role in built)
        # Most literal characters first; sorted() is stable, so ties keep file order.
        self._order: Sequence[_Role] = sorted(built, key=lambda role: -role.literal_chars)

    @classmethod
    def from_rules(cls, rules: Rules) -> NameGrammar:
        """The grammar of ``rules.model.naming``."""
        return cls(rules.model.naming)

    def template(self, role: str) -> str:
        """The role's template as written in the rule file."""
        if role not in self._roles:
            raise NameMismatch("role", self._unknown_role(role))
        return self._roles[role].template

    # -- building -------------------------------------------------------------

    def _colour_pattern(self) -> str:
        forbidden = regex.escape(WINDOWS_FORBIDDEN)
        # Lone surrogates stand for bytes that are not UTF-8: no colour is written so.
        return rf"(?:(?!{regex.escape(self._sep)})[^{forbidden}\x00-\x1f\x7f\ud800-\udfff])+"

    def _build(self, name: str, template: str) -> _Role:
        width = self._spec.sequence_width
        pieces: list[tuple[str, str | None]] = []
        strict: list[str] = []
        loose: list[str] = []
        literal_chars = 0
        has_colour = False
        for literal, field, spec, _ in string.Formatter().parse(template):
            literal_chars += len(literal)
            literal = unicodedata.normalize("NFC", literal)  # names are read after NFC
            text = literal + (self._sep if field == "sep" else "")
            placeholder = None if field in (None, "sep") else field
            pieces.append((text, placeholder))
            strict.append(regex.escape(text))
            loose.append(regex.escape(text))
            if placeholder == "item":
                strict.append(f"(?P<item>{self._item.pattern})")
                loose.append(f"(?P<item>(?:(?!{regex.escape(self._sep)}).)+?)")
            elif placeholder == "colour":
                has_colour = True
                strict.append(f"(?P<colour>{self._colour_pattern()})")
                loose.append("(?P<colour>.+?)")
            elif placeholder == "seq":
                width = seq_width_of(spec or "") or width
                strict.append("(?P<seq>[0-9]+)")
                loose.append("(?P<seq>[0-9]+)")
        return _Role(
            name=name,
            template=template,
            pieces=tuple(pieces),
            width=width,
            has_colour=has_colour,
            literal_chars=literal_chars,
            strict=regex.compile("".join(strict)),
            loose=regex.compile("".join(loose), flags=regex.DOTALL),
        )

    # -- writing --------------------------------------------------------------

    def _cased(self, extension: str) -> str:
        case = self._spec.extension_case
        if case == "lower":
            return extension.lower()
        if case == "upper":
            return extension.upper()
        return extension

    def format(self, parts: NameParts) -> str:
        """The file name (with extension) for ``parts``; raises :class:`NameMismatch`."""
        if not isinstance(parts, NameParts):
            raise TypeError(f"parts must be NameParts, not {type(parts).__name__}")
        role = self._roles.get(parts.role)
        if role is None:
            raise NameMismatch("role", self._unknown_role(parts.role))
        item = unicodedata.normalize("NFC", parts.item)
        self._check_item(item)
        colour = None if parts.colour is None else unicodedata.normalize("NFC", parts.colour)
        self._check_colour(role, colour)
        if isinstance(parts.seq, bool) or not isinstance(parts.seq, int) or parts.seq < 1:
            raise NameMismatch("seq", f"序号 {parts.seq!r} 不对：序号是从 1 开始的整数")
        extension = self._cased(unicodedata.normalize("NFC", parts.extension))
        if extension.lower() not in self._extensions:
            raise NameMismatch("extension", self._unknown_extension(extension))
        values = {"item": item, "colour": colour or "", "seq": self._seq_text(parts.seq, role)}
        stem = "".join(text + (values[field] if field else "") for text, field in role.pieces)
        name = stem + extension
        problems = name_problems(name)
        if problems:
            raise NameMismatch(
                "name", f"文件名 {_shown(name)} 在别的系统上会出问题：{problems[0][1]}"
            )
        expected = replace(parts, item=item, colour=colour, extension=extension)
        try:
            back = self.parse(name)
        except NameMismatch as exc:
            back_error: str | None = exc.message
        else:
            back_error = None if back == expected else self._read_as(back)
        if back_error is not None:
            part = "colour" if role.has_colour else "item"
            raise NameMismatch(
                part,
                f"按模板 {role.template} 写出的 {_shown(name)} 读回来不一样（{back_error}）；"
                f"请换一个{'颜色写法' if part == 'colour' else '货号写法'}",
            )
        return name

    def _read_as(self, parts: NameParts) -> str:
        colour = f"、颜色 {_shown(parts.colour)}" if parts.colour else ""
        return f"会读成角色 {parts.role}、货号 {_shown(parts.item)}{colour}、序号 {parts.seq}"

    def _check_item(self, item: str) -> None:
        # Only what breaks the file name itself: "NUL_01.jpg" is a fine name, even if
        # unsafe_item() keeps "NUL" out of folder names.
        if not item:
            raise NameMismatch("item", "货号是空的；请填上货号")
        if any(c in WINDOWS_FORBIDDEN or unicodedata.category(c) == "Cc" for c in item):
            raise NameMismatch(
                "item",
                f"货号 {_shown(item)} 里有 / \\ : 等文件名不能用的字符或控制字符；请在商品表里改掉",
            )
        if self._sep in item:
            raise NameMismatch(
                "item", f"货号 {_shown(item)} 里有分隔符 {_shown(self._sep)}，文件名就分不出货号"
            )
        if not self._match(self._item, item, "item"):
            raise NameMismatch(
                "item",
                f"货号 {_shown(item)} 不符合 item_pattern {self._spec.item_pattern}；"
                "请改货号，或在本店 listingkit.toml 的 [naming] 里改 item_pattern",
            )

    def _check_colour(self, role: _Role, colour: str | None) -> None:
        if not role.has_colour:
            if colour is not None:
                raise NameMismatch(
                    "colour", f"角色 {role.name} 的模板 {role.template} 里没有 {{colour}}，不写颜色"
                )
            return
        if not colour:
            raise NameMismatch(
                "colour", f"角色 {role.name} 的文件名要写颜色（模板 {role.template}）"
            )
        if self._sep in colour:
            raise NameMismatch(
                "colour", f"颜色 {_shown(colour)} 里有分隔符 {_shown(self._sep)}；请去掉或换掉"
            )
        if not self._match(self._colour_chars, colour, "colour"):
            raise NameMismatch(
                "colour",
                f"颜色 {_shown(colour)} 里有文件名不能用的字符（{WINDOWS_FORBIDDEN} 或控制字符）；"
                "请去掉",
            )

    def _seq_text(self, seq: int, role: _Role) -> str:
        return str(seq).zfill(role.width)

    # -- reading --------------------------------------------------------------

    def _match(self, pattern: regex.Pattern[str], text: str, part: str) -> regex.Match[str] | None:
        try:
            return pattern.fullmatch(text, timeout=_TIMEOUT)
        except TimeoutError:
            raise NameMismatch(part, f"{_shown(text)} 太长太复杂，读不出来；请缩短文件名") from None

    def parse(self, name: str, role: str | None = None) -> NameParts:
        """The parts of ``name`` (a file name, not a path); raises :class:`NameMismatch`.

        With ``role`` (a photo in the SKU folder must be named as a SKU photo),
        only that role's template is tried; a role the rules do not have is
        ignored and every template is tried.
        """
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, not {type(name).__name__}")
        text = unicodedata.normalize("NFC", name)
        if "/" in text or "\\" in text:
            raise NameMismatch("name", f"{_shown(text)} 是路径，不是文件名；只给文件名")
        stem, dot, suffix = text.rpartition(".")
        if dot and not stem:
            raise NameMismatch(
                "name", f"{_shown(text)} 只有扩展名，没有文件名；应写成 {self._example()} 这样"
            )
        if not dot:
            raise NameMismatch(
                "extension",
                f"文件名 {_shown(text)} 没有扩展名；应以 {self._extension_list()} 之一结尾",
            )
        extension = "." + suffix
        if extension.lower() not in self._extensions:
            raise NameMismatch("extension", self._unknown_extension(extension, text))
        padding: NameMismatch | None = None
        wanted = self._roles.get(role) if role is not None else None
        order = [wanted] if wanted is not None else self._order
        for role_spec in order:
            match = self._match(role_spec.strict, stem, "name")
            if match is None:
                continue
            digits = match.group("seq")
            seq = int(digits)
            expected = self._seq_text(seq, role_spec)
            colour = match.group("colour") if role_spec.has_colour else None
            parts = NameParts(match.group("item"), seq, role_spec.name, colour, extension)
            if seq < 1 or digits != expected:
                if padding is None:
                    padding = self._seq_problem(text, digits, expected, role_spec, parts)
                continue
            break
        else:
            raise padding or self._diagnose(text, stem, order, wanted)
        cased = self._cased(extension)
        if cased != extension:
            raise NameMismatch(
                "extension",
                f"{_shown(text)} 的扩展名 {extension} 应写成 {cased}"
                f"（extension_case = {self._spec.extension_case}）",
                parts=replace(parts, extension=cased),
            )
        return parts

    def _seq_problem(
        self, text: str, digits: str, expected: str, role: _Role, parts: NameParts
    ) -> NameMismatch:
        if int(digits) < 1:
            return NameMismatch("seq", f"{_shown(text)} 的序号 {digits} 不对：序号从 1 开始")
        return NameMismatch(
            "seq",
            f"{_shown(text)} 的序号 {digits} 应写成 {expected}（补零到 {role.width} 位，"
            f"模板 {role.template}）",
            parts=replace(parts, extension=self._cased(parts.extension)),
        )

    def _diagnose(
        self, text: str, stem: str, order: Sequence[_Role], wanted: _Role | None = None
    ) -> NameMismatch:
        """Which part keeps ``stem`` from every role tried, judged by the closest role."""
        for role in order:
            match = self._match(role.loose, stem, "name")
            if match is None:
                continue
            item = match.group("item")
            if not self._match(self._item, item, "item"):
                return NameMismatch(
                    "item",
                    f"{_shown(text)} 的货号 {_shown(item)} 不符合 item_pattern "
                    f"{self._spec.item_pattern}（模板 {role.template}）；请改成只含允许的字符",
                )
            if role.has_colour:
                colour = match.group("colour")
                return NameMismatch(
                    "colour",
                    f"{_shown(text)} 的颜色 {_shown(colour)} 含有分隔符或文件名不能用的字符；"
                    "请去掉",
                )
        example = self._example(wanted)
        if stem.startswith(self._sep):
            return NameMismatch("item", f"{_shown(text)} 开头没有货号；应写成 {example} 这样")
        if self._sep * 2 in stem:
            return NameMismatch(
                "separator",
                f"{_shown(text)} 里两个分隔符 {_shown(self._sep)} 连在一起；应写成 {example} 这样",
            )
        if self._sep not in stem:
            return NameMismatch(
                "separator",
                f"{_shown(text)} 里没有分隔符 {_shown(self._sep)}；应写成 {example} 这样",
            )
        if not stem[-1:].isascii() or not stem[-1:].isdigit():
            return NameMismatch(
                "seq", f"{_shown(text)} 的结尾没有序号；应写成 {example} 这样，以序号结尾"
            )
        return NameMismatch(
            "name",
            f"{_shown(text)} 不符合{self._which(wanted)}（{'、'.join(self._templates(wanted))}）；"
            f"应写成 {example} 这样",
        )

    def _example(self, wanted: _Role | None = None) -> str:
        role = wanted or self._roles.get("main") or self._order[-1]
        values = {"item": "A1023", "colour": "红色", "seq": self._seq_text(1, role)}
        stem = "".join(text + (values[field] if field else "") for text, field in role.pieces)
        return _shown(stem + self._cased(self._extensions[0]))

    def _templates(self, wanted: _Role | None = None) -> list[str]:
        names = [wanted.name] if wanted is not None else self.roles
        return [f"{role} = {self._roles[role].template}" for role in names]

    @staticmethod
    def _which(wanted: _Role | None) -> str:
        return f" {wanted.name} 的命名模板" if wanted is not None else "任何命名模板"

    def _extension_list(self) -> str:
        return "、".join(self._extensions)

    def _unknown_extension(self, extension: str, text: str | None = None) -> str:
        whose = f"{_shown(text)} 的" if text else ""
        return (
            f"{whose}扩展名 {_shown(extension)} 不在命名规则的 extensions 里"
            f"（{self._extension_list()}）；改扩展名，或在本店 listingkit.toml 的 [naming] 里加上它"
        )

    def _unknown_role(self, role: str) -> str:
        return f"没有角色 {_shown(role)}；[naming.roles] 里有：{'、'.join(self.roles)}"
