"""Meta-tests: the registry, the code table, the docs and the cases agree.

Each failure says what to run or which file to edit: a new check starts with
``python -m listingkit.dev new-check CODE name``, and every generated page or
table is rewritten by ``python -m listingkit.dev docs``.
"""

from __future__ import annotations

import subprocess
import sys
import typing
from pathlib import Path

import pytest

from listingkit.codes import CODE_PATTERN, CODES, FAMILIES, FAMILY_SUBJECTS, family_of
from listingkit.dev import DOCS_COMMAND, NEW_CHECK_COMMAND
from listingkit.dev.docs import GeneratedDoc, generated_docs
from listingkit.dev.new_check import NAME_PATTERN, STUB_MARK
from listingkit.registry import DOC_HEADINGS, CheckSpec, all_checks
from listingkit.ruleset.models import PlatformRules
from tests.checks.cases import CASES_DIR, load_cases

ROOT = Path(__file__).resolve().parent.parent
CHECKS = all_checks()
CASES = load_cases()


def _module(spec: CheckSpec) -> str:
    return "src/" + FAMILIES[spec.family].replace(".", "/") + ".py"


def _where(spec: CheckSpec) -> str:
    return f"@check({spec.code!r}, …) on {spec.func.__name__} in {_module(spec)}"


def test_every_check_reads_a_subject_its_family_declares() -> None:
    for spec in CHECKS:
        assert spec.subject in FAMILY_SUBJECTS[spec.family], (
            f"{_where(spec)} reads subject {spec.subject!r}, which FAMILY_SUBJECTS[{spec.family!r}]"
            " in src/listingkit/codes.py does not list: fix subject= or add it there"
        )


def test_every_code_in_the_table_has_a_check() -> None:
    registered = {spec.code for spec in CHECKS}
    for code, name in CODES.items():
        module = "src/" + FAMILIES[family_of(code)].replace(".", "/") + ".py"
        assert code in registered, (
            f"{code} {name} is in src/listingkit/codes.py but no check registers it: write"
            f" @check({code!r}, {name!r}, …) in {module}, or remove its line from codes.py"
            f" (a new check starts with: {NEW_CHECK_COMMAND} CODE name)"
        )
    assert [c.code for c in CHECKS] == sorted(CODES)


def test_codes_and_names_are_unique_and_well_formed() -> None:
    seen: dict[str, str] = {}
    for spec in CHECKS:
        assert CODE_PATTERN.match(spec.code), f"{_where(spec)}: malformed code"
        assert family_of(spec.code) in FAMILIES, (
            f"{spec.code}: family {spec.family} has no module in FAMILIES (src/listingkit/codes.py)"
        )
        assert NAME_PATTERN.match(spec.name), (
            f"{_where(spec)}: name {spec.name!r} must be kebab-case words, such as banned-word;"
            " rename it here and in src/listingkit/codes.py"
        )
        assert spec.name not in seen, (
            f"{spec.code} and {seen[spec.name]} are both named {spec.name!r}: rename one"
            " (here and in src/listingkit/codes.py)"
        )
        seen[spec.name] = spec.code


@pytest.mark.parametrize("spec", CHECKS, ids=lambda s: s.code)
def test_every_check_is_documented(spec: CheckSpec) -> None:
    doc = spec.doc
    assert spec.summary and not spec.summary.startswith("#"), (
        f"{_where(spec)}: the docstring must open with a one-line summary in Chinese"
    )
    positions = [doc.find(heading) for heading in DOC_HEADINGS]
    missing = [h for h, at in zip(DOC_HEADINGS, positions, strict=True) if at == -1]
    assert not missing, f"{_where(spec)}: the docstring lacks {missing}; write each section"
    assert positions == sorted(positions), (
        f"{_where(spec)}: put the docstring's sections in the order {DOC_HEADINGS}"
    )
    example = doc[positions[-1] :]
    assert "Okay:" in example and f"{spec.code}:" in example, (
        f"{_where(spec)}: ## 示例 needs an “Okay: …” line and a “{spec.code}: …” line"
    )


@pytest.mark.parametrize("spec", CHECKS, ids=lambda s: s.code)
def test_no_check_keeps_the_stub_placeholders(spec: CheckSpec) -> None:
    assert STUB_MARK not in spec.doc, (
        f"{_where(spec)}: the docstring still says “{STUB_MARK}” ({NEW_CHECK_COMMAND} wrote it):"
        " write the summary, the sections and real examples"
    )


def test_no_case_file_keeps_the_stub_placeholders() -> None:
    for path in sorted(CASES_DIR.glob("*/*.toml")):
        assert STUB_MARK not in path.read_text(encoding="utf-8"), (
            f"{path.relative_to(ROOT)} still says “{STUB_MARK}” ({NEW_CHECK_COMMAND} wrote it):"
            " replace the placeholders with a real passing and a real failing case"
        )


@pytest.mark.parametrize("spec", CHECKS, ids=lambda s: s.code)
def test_every_key_a_check_reads_exists(spec: CheckSpec) -> None:
    for key in spec.keys:
        node: object = PlatformRules
        for part in key.replace("<role>", "main").split("."):
            fields = _fields(node)
            assert part in fields, (
                f"{_where(spec)} declares keys={key!r}, which is not in the rule-file schema"
                " (docs/rules.md): fix the key in keys="
            )
            node = fields[part].annotation


def _fields(annotation: object) -> dict[str, typing.Any]:
    """Model fields of an annotation such as ``ImageSpec | None``."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if hasattr(candidate, "model_fields"):
            return dict(candidate.model_fields)
    return {}


def _case_file(spec: CheckSpec) -> str:
    folders = {family_of(c.code): c.file.parent.name for c in CASES}
    return f"tests/cases/{folders.get(spec.family, spec.family.lower())}/{spec.code}.toml"


@pytest.mark.parametrize("spec", CHECKS, ids=lambda s: s.code)
def test_every_code_has_a_passing_and_a_failing_case(spec: CheckSpec) -> None:
    cases = [c for c in CASES if c.code == spec.code]
    assert cases, (
        f"{spec.code} has no case file: add {_case_file(spec)} with a passing and a failing"
        f" [[case]] (for a new check, {NEW_CHECK_COMMAND} {spec.code} … writes one)"
    )
    assert any(spec.code in c.expect for c in cases), (
        f"no failing case for {spec.code}: add a [[case]] with expect = [{spec.code!r}]"
        f" to {_case_file(spec)}"
    )
    assert any(spec.code not in c.expect for c in cases), (
        f"no passing case for {spec.code}: add a [[case]] with expect = [] to {_case_file(spec)}"
    )


def test_every_case_file_names_a_check() -> None:
    registered = {spec.code for spec in CHECKS}
    for path in sorted(CASES_DIR.glob("*/*.toml")):
        assert path.stem in registered, (
            f"{path.relative_to(ROOT)} names no registered check: rename it after its check's"
            " code, or delete it"
        )


def _first_difference(have: str, want: str) -> str:
    for number, (old, new) in enumerate(zip(have.splitlines(), want.splitlines(), strict=False)):
        if old != new:
            return f"line {number + 1}: has {old[:80]!r}, should be {new[:80]!r}"
    return f"has {len(have.splitlines())} lines, should have {len(want.splitlines())}"


@pytest.mark.parametrize("doc", generated_docs(ROOT), ids=lambda d: d.path.name)
def test_generated_docs_are_current(doc: GeneratedDoc) -> None:
    if not doc.is_current():
        have = doc.path.read_text(encoding="utf-8") if doc.path.is_file() else ""
        pytest.fail(
            f"{doc.path.relative_to(ROOT)} is stale ({_first_difference(have, doc.expected)});"
            f" run: {DOCS_COMMAND}",
            pytrace=False,
        )


def test_the_check_tables_are_generated() -> None:
    names = {doc.path.name for doc in generated_docs(ROOT)}
    assert {"checks.md", "rules.md", "titles.md", "images.md"} <= names, (
        f"only {sorted(names)} are generated: mark each check table with"
        " <!-- checks:PREFIX --> … <!-- /checks --> and run: " + DOCS_COMMAND
    )


def test_rules_commands_do_not_import_jieba_or_openpyxl() -> None:
    code = (
        "import sys, listingkit; from listingkit.cli import main;"
        "main(['rules', 'list']);"
        "assert 'jieba' not in sys.modules and 'openpyxl' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
