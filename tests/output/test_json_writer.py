"""The JSON writer gives, byte for byte, what ``json.dumps(indent=2)`` gives after escaping.

json and sarif output (and ``rules show --format json``) go through
:func:`listingkit.output.safe.json_text`. Its text is compared here with the
standard library's encoder, run on the value with undecodable name bytes
written as ``\\xff`` text and the control characters ``json.dumps`` leaves raw
escaped afterwards, over every value hypothesis can build and the awkward
ones it rarely does.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listingkit.findings import Finding, Location, Report, Severity, Subject
from listingkit.output.safe import json_text
from listingkit.printable import CONTROL, without_surrogates


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, Mapping):
        return {_escaped(k): _escaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_escaped(item) for item in value]
    return value


def _expected(value: Any) -> str:
    text = json.dumps(_escaped(value), ensure_ascii=False, indent=2)
    return "\n".join(
        CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", part) for part in text.split("\n")
    )


_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_keys = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
_values = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(_keys, inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_any_value_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert json_text(value) == _expected(value)


AWKWARD = [
    {},
    [],
    {"a": {}, "b": [], "c": [[]], "d": [{}]},
    {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "big": 1e300, "int": -(2**70)},
    {1: "int", 2.5: "float", None: "null"},
    {True: "true", False: "false"},
    # Two keys that become the same text once the undecodable byte is escaped.
    {"名\udcff": 1, "名\\xff": 2},
    {"s": 'tab\t nl\n esc\x1b[31m del\x7f nel\x85 ls\u2028 rlo\u202e fffe\ufffe \udc80 中文 "\\'},
    (1, (2, 3), MappingProxyType({"a": (1,)})),
    {"subjects": [Subject("商品/01.jpg"), Subject("标题.txt", None, 3)]},
    {"severity": Severity.WARNING, "again": "warning"},
    "plain",
    7,
    None,
]


@pytest.mark.parametrize("value", AWKWARD, ids=range(len(AWKWARD)))
def test_awkward_values_are_written_as_json_dumps_writes_them(value: Any) -> None:
    assert json_text(value) == _expected(value)


@pytest.mark.parametrize("value", [{"a": object()}, {"a": {1, 2}}, {(1, 2): 1}])
def test_what_json_refuses_is_still_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        json_text(value)


def test_a_report_is_written_as_json_dumps_writes_it() -> None:
    findings = [
        Finding(
            Location(f"商品-{n % 7}/主图/0{n % 5}.jpg", row=n if n % 3 else None),
            "IMG001",
            "image-too-small",
            Severity.ERROR if n % 2 else Severity.WARNING,
            f"图片 {n} 像素不足",
            hint="换一张大图",
            source="淘宝发布页配置（A 级）",
            data={"width": n, "ratio": n / 7, "sizes": [n, n + 1]},
        )
        for n in range(60)
    ]
    report = Report("taobao", findings, [f.location.path for f in findings])
    assert json_text(report.to_dict()) == _expected(report.to_dict())
