"""Every page and table built from the registry, and the command that writes them.

``docs/checks.md`` and ``docs/rules.md`` are generated whole. Any other page
under ``docs/`` may hold a check table in a marked region::

    <!-- checks:TITLE -->
    (generated: do not edit)
    <!-- /checks -->

The selectors after ``checks:`` are codes or prefixes, comma-separated
(``FILE003,FILE004,IMG``), as ``--select`` takes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from listingkit.cli.explain import checks_document
from listingkit.dev import DOCS_COMMAND, read_source, write_source
from listingkit.errors import UsageError
from listingkit.registry import CheckSpec, all_checks, resolve_selector
from listingkit.ruleset.schema_doc import rules_document

__all__ = ["GeneratedDoc", "check_table", "fill_regions", "generated_docs", "write_docs"]

REGION = re.compile(
    r"(?P<open><!-- checks:(?P<selectors>[^>]*?) -->\n)(?P<body>.*?)(?P<close><!-- /checks -->)",
    re.S,
)
_HEADER = "| 代码 | 名称 | 默认级别 | 检查什么 | 读取的规则键 |\n|---|---|---|---|---|\n"
_NOTE = f"<!-- 由 {DOCS_COMMAND} 按检查的注册信息生成，请勿手改 -->\n"


@dataclass(frozen=True, slots=True)
class GeneratedDoc:
    """A documentation file and the text it must hold."""

    path: Path
    expected: str

    def is_current(self) -> bool:
        return self.path.is_file() and read_source(self.path) == self.expected


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(spec: CheckSpec) -> str:
    keys = "、".join(f"`{key}`" for key in spec.keys) or "—"
    cells = (spec.code, spec.name, spec.severity.label, _cell(spec.summary), keys)
    return "| " + " | ".join(cells) + " |\n"


def check_table(selectors: str, *, where: str = "") -> str:
    """The Markdown table of the checks that ``selectors`` names, in code order."""
    codes: set[str] = set()
    for selector in selectors.split(","):
        if not selector.strip():
            continue
        try:
            codes |= resolve_selector(selector)
        except UsageError:
            raise UsageError(
                f"{where}<!-- checks:{selectors} --> 里的“{selector.strip()}”不是检查代码或前缀；"
                "写成 TITLE、IMG0 或 FILE003 这样"
            ) from None
    specs = [spec for spec in all_checks() if spec.code in codes]
    if not specs:
        raise UsageError(f"{where}<!-- checks:{selectors} --> 没有选中任何检查")
    return _NOTE + _HEADER + "".join(_row(spec) for spec in specs)


def fill_regions(text: str, *, where: str = "") -> str:
    """``text`` with every marked check table regenerated."""

    def fill(match: re.Match[str]) -> str:
        table = check_table(match["selectors"], where=where)
        return match["open"] + table + match["close"]

    return REGION.sub(fill, text)


def generated_docs(root: Path) -> list[GeneratedDoc]:
    """Every generated page and every page holding a marked table, under ``root/docs``."""
    docs = root / "docs"
    whole = {docs / "checks.md": checks_document(), docs / "rules.md": rules_document()}
    found = [GeneratedDoc(path, text) for path, text in whole.items()]
    for path in sorted(docs.glob("*.md")):
        if path in whole:
            continue
        text = read_source(path)
        if REGION.search(text):
            found.append(GeneratedDoc(path, fill_regions(text, where=f"docs/{path.name}：")))
    return found


def write_docs(root: Path) -> list[Path]:
    """Regenerate what is stale; the paths written."""
    written = []
    for doc in generated_docs(root):
        if not doc.is_current():
            write_source(doc.path, doc.expected)
            written.append(doc.path)
    return written
