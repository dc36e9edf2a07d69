"""``python -m listingkit.dev``: new-check and docs, run as processes on a copy of the tree."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from listingkit.dev.docs import generated_docs
from tests.checks.cases import load_cases

ROOT = Path(__file__).resolve().parent.parent


def _tree(tmp_path: Path, *parts: str) -> Path:
    """A copy of the source tree's ``parts`` (src, tests/cases, docs) under tmp_path."""
    root = tmp_path / "tree"
    for part in parts:
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _dev(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listingkit.dev", *argv, "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=120,
    )


def _digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _python(root: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` importing listingkit from the copy, not from the checkout."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )


NEW_CHECKS = [
    ("TITLE099", "my-word", [], "title", "title/checks.py", "title"),
    ("TITLE041", "row-check", ["--subject", "sheet_row"], "sheet_row", "title/checks.py", "title"),
    ("IMG050", "my-image-check", [], "image", "image/checks.py", "image"),
    ("FILE005", "my-file-check", [], "file", "files/checks.py", "file"),
]


@pytest.mark.parametrize(
    ("code", "name", "options", "subject", "module", "folder"),
    NEW_CHECKS,
    ids=[c[0] for c in NEW_CHECKS],
)
def test_new_check_writes_the_code_line_a_stub_and_a_case_file(
    tmp_path: Path,
    code: str,
    name: str,
    options: list[str],
    subject: str,
    module: str,
    folder: str,
) -> None:
    root = _tree(tmp_path, "src", "tests/cases")
    before = (root / "src/listingkit/codes.py").read_text(encoding="utf-8").splitlines()
    run = _dev(root, "new-check", code, name, *options)
    assert run.returncode == 0, run.stderr
    assert "python -m listingkit.dev docs" in run.stdout  # says what to do next

    after = (root / "src/listingkit/codes.py").read_text(encoding="utf-8").splitlines()
    added = [line for line in after if line not in before]
    assert added == [f'    "{code}": "{name}",'] and len(after) == len(before) + 1
    module_path = root / "src/listingkit" / module
    compile(module_path.read_text(encoding="utf-8"), str(module_path), "exec")

    cases = [c for c in load_cases(root / "tests" / "cases") if c.code == code]
    assert cases[0].file == root / "tests" / "cases" / folder / f"{code}.toml"
    assert [c.expect for c in cases] == [[], [code]]
    assert tomllib.loads(cases[0].file.read_text(encoding="utf-8"))["case"][1]["expect"] == [code]

    # the copy imports, registers the stub with its doc headings, and the stub fails by default
    checked = _python(
        root,
        "import listingkit, sys\n"
        f"assert listingkit.__file__.startswith({str(root)!r}), listingkit.__file__\n"
        "from listingkit.codes import CODES\n"
        "from listingkit.registry import DOC_HEADINGS, all_checks\n"
        "assert list(CODES) == sorted(CODES)\n"
        f"spec = {{s.code: s for s in all_checks()}}[{code!r}]\n"
        f"assert (spec.name, spec.subject) == ({name!r}, {subject!r}), spec\n"
        "positions = [spec.doc.find(h) for h in DOC_HEADINGS]\n"
        "assert -1 not in positions and positions == sorted(positions), spec.doc\n"
        f"assert 'Okay:' in spec.doc and {code + ':'!r} in spec.doc\n"
        "hits = list(spec.func(object(), None))\n"
        f"assert len(hits) == 1 and {code!r} in hits[0].message, hits\n",
    )
    assert checked.returncode == 0, checked.stderr

    # what it writes is already in the project's style
    changed = [str(module_path), str(root / "src/listingkit/codes.py")]
    config = ["--config", str(ROOT / "pyproject.toml")]
    style = subprocess.run(
        ["ruff", "check", *config, "--select", "E501,F,W,I", *changed],
        capture_output=True,
        text=True,
    )
    assert style.returncode == 0, style.stdout
    layout = subprocess.run(
        ["ruff", "format", *config, "--diff", *changed], capture_output=True, text=True
    )
    assert layout.returncode == 0, layout.stdout + layout.stderr


def test_the_stub_makes_the_meta_tests_name_what_to_fill_in(tmp_path: Path) -> None:
    """A title stub reports every title, so its passing case fails with its own message."""
    root = _tree(tmp_path, "src", "tests/cases", "rules")
    assert _dev(root, "new-check", "TITLE099", "my-word").returncode == 0
    checked = _python(
        root,
        "from listingkit import load_rules\n"
        "from listingkit.title.lint import lint_title\n"
        "found = [f for f in lint_title('夏季纯棉短袖T恤', load_rules('taobao'))]\n"
        "assert [f.code for f in found] == ['TITLE099'], found\n"
        "assert '待填写' in found[0].message and 'TITLE099.toml' in (found[0].hint or '')\n",
    )
    assert checked.returncode == 0, checked.stderr


REFUSED = [
    (["TITLE99", "my-word"], "TITLE99” 格式不对"),
    (["title099", "my-word"], "格式不对"),
    (["TITLE001", "my-word"], "TITLE001 已在 src/listingkit/codes.py 中"),
    (["TITLE099", "banned-word"], "名称 banned-word 已被 TITLE010 使用"),
    (["TITLE099", "My_Word"], "名称 “My_Word” 格式不对"),
    (["TITLE099", "word"], "名称 “word” 格式不对"),
    (["TITLE099", "my-word", "--subject", "image"], "TITLE 族的检查不读 “image”"),
]


@pytest.fixture(scope="module")
def untouched(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the tree for the refusals: none of them may write anything."""
    return _tree(tmp_path_factory.mktemp("refused"), "src", "tests/cases")


@pytest.mark.parametrize(("argv", "message"), REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_new_check_refuses_a_bad_or_taken_code_or_name(
    untouched: Path, argv: list[str], message: str
) -> None:
    before = _digest(untouched)
    run = _dev(untouched, "new-check", *argv)
    assert run.returncode == 2, run.stdout
    assert message in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert _digest(untouched) == before  # nothing written


def test_new_check_refuses_a_prefix_without_a_family_module(tmp_path: Path) -> None:
    """Every prefix CODE_PATTERN allows has a module, so the copy unregisters one first."""
    root = _tree(tmp_path, "src", "tests/cases")
    codes = root / "src/listingkit/codes.py"
    line = '    "SLOT": "listingkit.slots.checks",\n'
    text = codes.read_text(encoding="utf-8")
    assert text.count(line) == 1
    codes.write_text(text.replace(line, ""), encoding="utf-8")
    before = _digest(root)
    run = _dev(root, "new-check", "SLOT099", "slot-name")
    assert run.returncode == 2, run.stdout
    assert "SLOT 族还没有检查模块" in run.stderr and "Traceback" not in run.stderr
    assert _digest(root) == before


def test_new_check_refuses_the_same_code_twice(tmp_path: Path) -> None:
    root = _tree(tmp_path, "src", "tests/cases")
    assert _dev(root, "new-check", "TITLE099", "my-word").returncode == 0
    before = _digest(root)
    again = _dev(root, "new-check", "TITLE099", "other-word")
    assert again.returncode == 2 and "TITLE099 已在 src/listingkit/codes.py 中" in again.stderr
    renamed = _dev(root, "new-check", "TITLE098", "my-word")
    assert renamed.returncode == 2 and "名称 my-word 已被 TITLE099 使用" in renamed.stderr
    assert _digest(root) == before


def test_new_check_refuses_an_existing_case_file(tmp_path: Path) -> None:
    root = _tree(tmp_path, "src", "tests/cases")
    (root / "tests/cases/title/TITLE099.toml").write_text("# left over\n", encoding="utf-8")
    before = _digest(root)
    run = _dev(root, "new-check", "TITLE099", "my-word")
    assert run.returncode == 2 and "tests/cases/title/TITLE099.toml 已存在" in run.stderr
    assert _digest(root) == before


def test_new_check_refuses_a_folder_that_is_not_the_source_tree(tmp_path: Path) -> None:
    run = _dev(tmp_path, "new-check", "TITLE099", "my-word")
    assert run.returncode == 2 and "不是 listingkit 的源码树" in run.stderr


def test_docs_finds_stale_pages_and_regenerates_them(tmp_path: Path) -> None:
    root = _tree(tmp_path, "src", "docs")
    assert _dev(root, "docs").returncode == 0  # from where the checkout is now
    titles = root / "docs" / "titles.md"
    text = titles.read_text(encoding="utf-8")
    assert "<!-- checks:TITLE -->" in text
    titles.write_text(text.replace("| title-too-long |", "| title-too-lengthy |"), encoding="utf-8")
    (root / "docs" / "rules.md").unlink()

    stale = _dev(root, "docs", "--check")
    assert stale.returncode == 1
    assert "docs/titles.md 已过时；运行 python -m listingkit.dev docs" in stale.stderr
    assert "docs/rules.md 已过时" in stale.stderr

    fixed = _dev(root, "docs")
    assert fixed.returncode == 0, fixed.stderr
    assert sorted(fixed.stdout.split()) == sorted(
        ["已更新", "docs/rules.md", "已更新", "docs/titles.md"]
    )
    assert all(doc.is_current() for doc in generated_docs(root))
    assert "| title-too-long |" in titles.read_text(encoding="utf-8")
    assert _dev(root, "docs", "--check").returncode == 0


def test_docs_refuses_a_table_marker_that_selects_nothing(tmp_path: Path) -> None:
    root = _tree(tmp_path, "src", "docs")
    page = root / "docs" / "images.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n<!-- checks:NOPE -->\n<!-- /checks -->\n",
        encoding="utf-8",
    )
    run = _dev(root, "docs")
    assert run.returncode == 2
    assert "docs/images.md" in run.stderr and "“NOPE”不是检查代码或前缀" in run.stderr
