"""Every promise in docs/cli.md's "承诺" section names the tests that keep it, and they exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_TESTS = re.compile(r"<!-- test: (.+?) -->")


def _promises() -> list[str]:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text.split("\n## 承诺\n", 1)[1].split("\n## ", 1)[0]
    # A promise is a bullet with its continuation lines.
    return [item.strip() for item in re.split(r"\n(?=- )", section) if item.startswith("- ")]


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def test_every_promise_names_tests_that_exist() -> None:
    promises = _promises()
    assert len(promises) >= 15, "the promise section went missing"
    for promise in promises:
        found = _TESTS.search(promise)
        assert found, f"docs/cli.md: this promise names no test: {promise[:60]}…"
        for reference in found.group(1).split():
            file, _, name = reference.partition("::")
            assert name in _test_names(ROOT / file), (
                f"docs/cli.md names {reference}, which does not exist; "
                "fix the name in the promise's <!-- test: … --> comment"
            )
