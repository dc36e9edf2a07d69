"""``listingkit rules list|show|validate``."""

from __future__ import annotations

import argparse
import io
import sys
import warnings
from typing import Any

from listingkit.errors import InputError, RuleFileError, RuleProblem
from listingkit.output.safe import json_text
from listingkit.printable import printable, show_path
from listingkit.registry import all_checks
from listingkit.ruleset import Rules, builtin_names, load_rules, resolve_rules
from listingkit.ruleset.loader import load_rule_file
from listingkit.safeio.read import read_input
from listingkit.status import EXIT_OK
from listingkit.timelimit import DEFAULT_TIMEOUT, FileTimeout, time_limit

__all__ = ["add_parser"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("rules", help="查看和校验平台规则文件")
    sub = parser.add_subparsers(
        dest="rules_command", required=True, metavar="list|show|validate|schema"
    )

    listing = sub.add_parser("list", help="列出内置的平台")
    listing.add_argument(
        "--format", choices=("text", "json"), default="text", help="输出格式，默认 text"
    )
    listing.set_defaults(handler=_list)

    show = sub.add_parser("show", help="显示解析后的规则，每个数值带出处、证据等级和设定位置")
    show.add_argument(
        "name",
        nargs="?",
        help="平台名或规则文件路径；省略时用 --rules、listingkit.toml 或 --platform",
    )
    show.add_argument("--platform", metavar="NAME", help="平台：平台名或 id，如 淘宝、taobao")
    show.add_argument("--rules", metavar="FILE", help="规则文件（.toml）")
    show.add_argument(
        "--format", choices=("text", "json"), default="text", help="输出格式，默认 text"
    )
    show.set_defaults(handler=_show)

    validate = sub.add_parser("validate", help="校验规则文件，列出全部问题")
    validate.add_argument("file", help="规则文件路径")
    validate.set_defaults(handler=_validate)

    schema = sub.add_parser("schema", help="输出规则文件格式说明（即 docs/rules.md）")
    schema.set_defaults(handler=_schema)


def _print_json(data: Any) -> None:
    sys.stdout.write(json_text(data) + "\n")


def _list(args: argparse.Namespace) -> int:
    rows: list[dict[str, Any]] = []
    for name in builtin_names():
        rules = load_rules(name)
        facts = list(rules.facts())
        rows.append(
            {
                "platform": rules.platform,
                "display_name": rules.display_name,
                "aliases": list(rules.model.aliases),
                "extends": rules.model.extends,
                "file": rules.files[-1],
                "facts_set": sum(1 for f in facts if f.is_set),
                "facts_missing": sum(1 for f in facts if f.value is None),
            }
        )
    if args.format == "json":
        _print_json(rows)
        return EXIT_OK
    for row in rows:
        extends = f"，继承 {row['extends']}" if row["extends"] else ""
        aliases = f"，别名 {'、'.join(row['aliases'])}" if row["aliases"] else ""
        line = (
            f"{row['platform']:<10}{row['display_name']}"
            f"（{row['facts_set']} 项有出处的数值{aliases}{extends}）"
        )
        sys.stdout.write(printable(line) + "\n")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    # Imported here: building the parser for an image run must not load the schema.
    from listingkit.ruleset.show import rules_to_dict, rules_to_text

    if args.name:
        rules = load_rules(args.name)
    else:
        rules = resolve_rules(args.platform, args.rules)
    read_keys = _read_keys()
    if args.format == "json":
        _print_json(rules_to_dict(rules, read_keys))
    else:
        # Store names, comments and word lists come from the user's file: shown escaped.
        sys.stdout.write(printable(rules_to_text(rules, read_keys), keep_newlines=True))
    return EXIT_OK


def _read_keys() -> frozenset[str]:
    """The rule-file keys some check declares it reads (``images.<role>.x`` for any role)."""
    return frozenset(key for spec in all_checks() for key in spec.keys)


def _validate(args: argparse.Namespace) -> int:
    rules = load_rule_file(args.file)
    problem = _template_problem(rules)
    if problem is not None:
        raise RuleFileError([problem])
    chain = " → ".join(rules.files)
    line = f"{show_path(args.file)}：规则有效（{rules.display_name}，{chain}）"
    sys.stdout.write(printable(line) + "\n")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from listingkit.ruleset.schema_doc import rules_document

    sys.stdout.write(rules_document())
    return EXIT_OK


#: A logo file is a few hundred KB; anything this large is not one.
MAX_TEMPLATE_BYTES = 32 * 1024 * 1024
TEMPLATE_KEY = "images.watermark.template"


def _template_problem(rules: Rules) -> RuleProblem | None:
    """One CONF problem when the watermark template cannot be used, naming key and file.

    Every image run would otherwise stop on it; ``rules validate`` opens it
    the way a run does: through the safe reader (no pipe, no device, bounded),
    its header against ``[images] max_pixels``, then whole through Pillow.
    """
    mark = rules.model.images.watermark
    if mark is None:
        return None
    origin = rules.origin(TEMPLATE_KEY)
    file, line = (origin.file, origin.line) if origin else (rules.files[-1], None)
    try:
        data = read_input(mark.template, what="水印图片", limit=MAX_TEMPLATE_BYTES)
    except InputError as exc:
        return RuleProblem("CONF010", file, line, TEMPLATE_KEY, str(exc))
    reason = _unusable_image(mark.template, data, rules.model.images.max_pixels)
    return None if reason is None else RuleProblem("CONF015", file, line, TEMPLATE_KEY, reason)


def _unusable_image(path: str, data: bytes, max_pixels: int) -> str | None:
    """Why the logo at ``path`` (holding ``data``) cannot serve as a watermark, or None."""
    from PIL import Image, UnidentifiedImageError

    from listingkit.image.watermark import Watermark

    shown = show_path(path)
    # Library warnings (corrupt EXIF …) are about this file; the problem line says enough.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            with time_limit(DEFAULT_TIMEOUT):
                with Image.open(io.BytesIO(data)) as header:
                    width, height = header.size
                if width * height > max_pixels:
                    return (
                        f"水印图片 {shown} 有 {width}×{height} 像素，超过 [images] max_pixels "
                        f"{max_pixels:,}（疑似解压炸弹）；请换一张小的带透明 PNG"
                    )
                Watermark.load(path)
        except UnidentifiedImageError:
            return f"水印图片 {shown} 不是图片，或是不支持的图片格式；请换一张带透明的 PNG"
        except Image.DecompressionBombError:
            return f"水印图片 {shown} 的像素数大得异常（疑似解压炸弹）；请换一张小的带透明 PNG"
        except FileTimeout:
            return f"水印图片 {shown} 读取超过 {DEFAULT_TIMEOUT:g} 秒；请换一张带透明的 PNG"
        except ValueError as exc:  # the watermark's own words, naming the file
            return f"{exc}；请换一张带透明的 PNG"
        except Exception as exc:  # any parser failure on a hostile file
            return (
                f"水印图片 {shown} 无法作为图片读取（{type(exc).__name__}：{exc}）；"
                "请换一张带透明的 PNG"
            )
    return None
