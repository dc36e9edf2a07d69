"""Meta-tests: the registry, the code table, the docs and the cases agree."""

from __future__ import annotations

import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from listingkit.cli.explain import checks_document
from listingkit.codes import CODE_PATTERN, CODES, FAMILIES, family_of
from listingkit.registry import DOC_HEADINGS, all_checks
from listingkit.ruleset.models import PlatformRules
from tests.checks.cases import load_cases

ROOT = Path(__file__).resolve().parent.parent
CHECKS = all_checks()


def test_every_check_reads_a_subject_its_family_declares() -> None:
    from listingkit.codes import FAMILY_SUBJECTS

    for spec in CHECKS:
        assert spec.subject in FAMILY_SUBJECTS[spec.family], spec.code


def test_codes_are_unique_and_well_formed() -> None:
    assert [c.code for c in CHECKS] == sorted(CODES)
    names = [c.name for c in CHECKS]
    assert len(set(names)) == len(names)
    for spec in CHECKS:
        assert CODE_PATTERN.match(spec.code)
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", spec.name), spec.name
        assert family_of(spec.code) in FAMILIES


@pytest.mark.parametrize("spec", CHECKS, ids=lambda s: s.code)
def test_every_check_is_documented(spec) -> None:
    doc = spec.doc
    assert spec.summary and not spec.summary.startswith("#")
    positions = [doc.find(heading) for heading in DOC_HEADINGS]
    assert -1 not in positions, f"{spec.code} lacks one of {DOC_HEADINGS}"
    assert positions == sorted(positions), f"{spec.code}: headings out of order"
    example = doc[positions[-1] :]
    assert "Okay:" in example and f"{spec.code}:" in example


@pytest.mark.parametrize("spec", CHECKS, ids=lambda s: s.code)
def test_every_key_a_check_reads_exists(spec) -> None:
    for key in spec.keys:
        node: object = PlatformRules
        for part in key.replace("<role>", "main").split("."):
            fields = _fields(node)
            assert part in fields, f"{spec.code} reads unknown key {key}"
            node = fields[part].annotation


def _fields(annotation: object) -> dict[str, object]:
    """Model fields of an annotation such as ``ImageSpec | None``."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if hasattr(candidate, "model_fields"):
            return dict(candidate.model_fields)
    return {}


@pytest.mark.parametrize("spec", CHECKS, ids=lambda s: s.code)
def test_every_code_has_a_passing_and_a_failing_case(spec) -> None:
    cases = [c for c in load_cases() if c.code == spec.code]
    assert any(spec.code in c.expect for c in cases), f"no failing case for {spec.code}"
    assert any(spec.code not in c.expect for c in cases), f"no passing case for {spec.code}"


def test_docs_checks_md_is_what_explain_all_prints() -> None:
    assert (ROOT / "docs" / "checks.md").read_text(encoding="utf-8") == checks_document()


def test_rules_commands_do_not_import_jieba_or_openpyxl() -> None:
    code = (
        "import sys, listingkit; from listingkit.cli import main;"
        "main(['rules', 'list']);"
        "assert 'jieba' not in sys.modules and 'openpyxl' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_docs_rules_md_is_what_rules_schema_prints() -> None:
    from listingkit.ruleset.schema_doc import rules_document

    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_document()
