"""``listingkit rules list|show|validate``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from listingkit.ruleset import builtin_names, load_rules, resolve_rules
from listingkit.ruleset.schema_doc import rules_document
from listingkit.ruleset.show import rules_to_dict, rules_to_text
from listingkit.status import EXIT_OK

__all__ = ["add_parser"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("rules", help="查看和校验平台规则文件")
    sub = parser.add_subparsers(
        dest="rules_command", required=True, metavar="list|show|validate|schema"
    )

    listing = sub.add_parser("list", help="列出内置的平台")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(handler=_list)

    show = sub.add_parser("show", help="显示解析后的规则，每个数值带出处、证据等级和设定位置")
    show.add_argument(
        "name",
        nargs="?",
        help="平台名或规则文件路径；省略时用 --rules、listingkit.toml 或 --platform",
    )
    show.add_argument("--platform", metavar="NAME")
    show.add_argument("--rules", metavar="FILE")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(handler=_show)

    validate = sub.add_parser("validate", help="校验规则文件，列出全部问题")
    validate.add_argument("file", help="规则文件路径")
    validate.set_defaults(handler=_validate)

    schema = sub.add_parser("schema", help="输出规则文件格式说明（即 docs/rules.md）")
    schema.set_defaults(handler=_schema)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _list(args: argparse.Namespace) -> int:
    rows = []
    for name in builtin_names():
        rules = load_rules(name)
        facts = list(rules.facts())
        rows.append(
            {
                "platform": rules.platform,
                "display_name": rules.display_name,
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
        sys.stdout.write(
            f"{row['platform']:<10}{row['display_name']}"
            f"（{row['facts_set']} 项有出处的数值{extends}）\n"
        )
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    if args.name:
        rules = load_rules(args.name)
    else:
        rules = resolve_rules(args.platform, args.rules)
    if args.format == "json":
        _print_json(rules_to_dict(rules))
    else:
        sys.stdout.write(rules_to_text(rules))
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    rules = load_rules(args.file)
    chain = " → ".join(rules.files)
    sys.stdout.write(f"{args.file}：规则有效（{rules.display_name}，{chain}）\n")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    sys.stdout.write(rules_document())
    return EXIT_OK
