"""Keys audit: every check, run on its case files, reads only the rule keys it declares.

Each case of tests/cases is run as the case runner runs it, with every check
handed a recording proxy of the rules instead of the rules themselves: reads of
``rules.model.<section>.<field>…`` (through tables, properties and methods) and
``rules.fact(key)`` / ``rules.origin(key)`` are recorded as dotted keys. A
check fails the audit when it reads a key its ``keys=`` does not declare
(``images.<role>.max_bytes`` covers ``images.main.max_bytes``), cites a
``rule_key`` it does not declare, or yields a finding without a source after
reading a number from the rules.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from listingkit import load_rules
from listingkit.codes import FAMILIES
from listingkit.findings import Hit
from listingkit.registry import CheckSpec, all_checks
from listingkit.ruleset.models import IMAGE_ROLES
from tests.checks.cases import load_cases
from tests.checks.test_cases import _codes

CHECKS = all_checks()


@dataclass
class RunLog:
    """What one run of one check read."""

    keys: set[str] = field(default_factory=set)
    numbers: list[str] = field(default_factory=list)  # keys whose value was a number

    def read(self, key: str, value: object) -> None:
        self.keys.add(key)
        if _numeric(value):
            self.numbers.append(key)


def _numeric(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, list | tuple) and any(_numeric(v) for v in value)


class RecordedModel:
    """A rule-file table that records each value read from it by its dotted key."""

    def __init__(self, target: BaseModel, path: tuple[str, ...], log: RunLog) -> None:
        self._target = target
        self._path = path
        self._log = log

    def __getattr__(self, name: str) -> Any:
        target = self._target
        if name.startswith(("_", "model_")):
            return getattr(target, name)
        declared = inspect.getattr_static(type(target), name, None)
        if isinstance(declared, property) and declared.fget is not None:
            return declared.fget(self)  # reads inside the property are recorded too
        if isinstance(declared, types.FunctionType):
            return types.MethodType(declared, self)
        value = getattr(target, name)
        path = (*self._path, name)
        if isinstance(value, BaseModel):
            return RecordedModel(value, path, self._log)
        self._log.read(".".join(path), value)
        return value


class RecordingRules:
    """The rules as a check sees them, recording what it reads."""

    def __init__(self, rules: Any, log: RunLog) -> None:
        self._rules = rules
        self._log = log

    @property
    def model(self) -> RecordedModel:
        return RecordedModel(self._rules.model, (), self._log)

    def fact(self, key: str) -> Any:
        info = self._rules.fact(key)
        self._log.read(key, info.value)
        return info

    def origin(self, key: str) -> Any:
        self._log.keys.add(key)
        return self._rules.origin(key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rules, name)


def covered(key: str, declared: Iterable[str]) -> bool:
    """Whether a key read is one of ``declared``, a table on the way to one, or inside one."""
    read = key.split(".")
    for entry in declared:
        parts = entry.split(".")
        depth = min(len(read), len(parts))
        if all(
            want == got or (want == "<role>" and got in IMAGE_ROLES)
            for want, got in zip(parts[:depth], read[:depth], strict=True)
        ):
            return True
    return False


@dataclass
class Audit:
    """What one check read and yielded over all the cases."""

    runs: int = 0
    keys: dict[str, str] = field(default_factory=dict)  # key → first case that read it
    cited: dict[str, str] = field(default_factory=dict)  # rule_key → first case citing it
    unsourced: list[str] = field(default_factory=list)  # "case: message (numbers read)"


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Audit]:
    found: dict[str, Audit] = {spec.code: Audit() for spec in CHECKS}
    current = [""]

    def recording_run(spec: CheckSpec, subject: Any, rules: Any) -> Iterator[Hit]:
        log = RunLog()
        record = found[spec.code]
        record.runs += 1
        hits = []
        for hit in spec.func(subject, RecordingRules(rules, log)):
            hits.append(hit)
            if hit.rule_key is not None:
                record.cited.setdefault(hit.rule_key, current[0])
                source = rules.fact(hit.rule_key).citation()
            else:
                source = hit.source
            if source is None and log.numbers:
                numbers = ", ".join(sorted(set(log.numbers)))
                record.unsourced.append(f"{current[0]}: “{hit.message}” (read {numbers})")
        for key in log.keys:
            record.keys.setdefault(key, current[0])
        return iter(hits)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CheckSpec, "run", recording_run)
        for case in load_cases():
            current[0] = case.id
            _codes(case, tmp_path_factory.mktemp(case.code))
    return found


def _where(spec: CheckSpec) -> str:
    module = "src/" + FAMILIES[spec.family].replace(".", "/") + ".py"
    return f"@check({spec.code!r}, …) on {spec.func.__name__} in {module}"


@pytest.mark.parametrize("spec", CHECKS, ids=lambda s: s.code)
def test_every_check_runs_in_the_audit(spec: CheckSpec, audit: dict[str, Audit]) -> None:
    assert audit[spec.code].runs, (
        f"no case reached {spec.code}, so the audit saw nothing of it: add a case that gives it"
        f" a subject to tests/cases/…/{spec.code}.toml"
    )


@pytest.mark.parametrize("spec", CHECKS, ids=lambda s: s.code)
def test_a_check_reads_only_the_keys_it_declares(spec: CheckSpec, audit: dict[str, Audit]) -> None:
    undeclared = {k: case for k, case in audit[spec.code].keys.items() if not covered(k, spec.keys)}
    assert not undeclared, (
        f"{spec.code} reads {', '.join(sorted(undeclared))} (case {min(undeclared.values())})"
        f" without declaring it: add the key to keys= in {_where(spec)}"
        " (images.<role>.… for a role's table)"
    )


@pytest.mark.parametrize("spec", CHECKS, ids=lambda s: s.code)
def test_a_check_cites_only_keys_it_declares(spec: CheckSpec, audit: dict[str, Audit]) -> None:
    undeclared = {k: c for k, c in audit[spec.code].cited.items() if not covered(k, spec.keys)}
    assert not undeclared, (
        f"{spec.code} cites rule_key {', '.join(sorted(undeclared))} (case"
        f" {min(undeclared.values())}) without declaring it: add it to keys= in {_where(spec)}"
    )


@pytest.mark.parametrize("spec", CHECKS, ids=lambda s: s.code)
def test_a_number_applied_is_cited(spec: CheckSpec, audit: dict[str, Audit]) -> None:
    unsourced = audit[spec.code].unsourced
    assert not unsourced, (
        f"{spec.code} read a number from the rules and yielded a finding with no source:"
        f" {unsourced[0]}; in {_where(spec)} give the Hit rule_key= of the number it applies"
        " (the engine adds its source and grade), or source= when the number has no source"
        " field in the schema"
    )


def test_the_recorder_sees_reads_through_tables_properties_and_methods(tmp_path: Path) -> None:
    from tests.checks.test_cases import store_file

    rules = load_rules(store_file(tmp_path, {"watermark": {"required_on": ["main"]}}))
    log = RunLog()
    recorded = RecordingRules(rules, log)
    assert recorded.model.images.main.max_bytes == rules.model.images.main.max_bytes
    assert recorded.model.images.watermark.roles == {"main"}  # a property
    assert dict(recorded.model.images.roles())["sku"].max_count == 24  # through a method
    recorded.fact("title.max_units")
    assert log.keys == {
        "images.main.max_bytes",
        "images.watermark.required_on",
        "images.watermark.forbidden_on",
        "images.sku.max_count",
        "title.max_units",
    }
    assert log.numbers == ["images.main.max_bytes", "images.sku.max_count", "title.max_units"]


@pytest.mark.parametrize(
    ("key", "declared", "expected"),
    [
        ("images.main.max_bytes", ["images.<role>.max_bytes"], True),
        ("images.white_background", ["images.white_background.main_slot"], True),
        ("title.unit_weights.ascii", ["title.unit_weights"], True),
        ("images.max_off_white", ["images.<role>.max_bytes"], False),
        ("title.forbid", ["title.max_units"], False),
        ("images.main.max_count", ["images.<role>.max_bytes"], False),
    ],
)
def test_covered(key: str, declared: list[str], expected: bool) -> None:
    assert covered(key, declared) is expected


def test_a_store_setting_without_a_source_field_cites_its_line(tmp_path: Path) -> None:
    """[images.watermark] has no source field: IMG040 names the line that asks for it."""
    from listingkit.image.run import check_images
    from tests.checks.test_cases import make_image, store_file

    rules = load_rules(store_file(tmp_path, {"watermark": {"required_on": ["main"]}}))
    product = tmp_path / "商品"
    make_image(product, {"name": "主图/01.jpg", "product": [120, 120, 679, 679]})
    found = [f for f in check_images([product], rules).findings if f.code == "IMG040"]
    line = f"本店设定（{tmp_path / 'listingkit.toml'}:7）：images.watermark.required_on"
    assert [f.source for f in found] == [line]
