"""The Python example in docs/images.md runs as shown and prints what it says."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_python_example_runs(monkeypatch, capsys):
    text = (ROOT / "docs" / "images.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.+?)\n```", text, flags=re.S)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "docs/images.md", "exec"), {})
    printed = capsys.readouterr().out.replace("\r", "\n").splitlines()
    assert printed[0] == "png 800 800 RGB"
    assert "IMG002 fixtures/store/连衣裙-A001/主图/05.jpg 扩展名是 .jpg，内容却是 PNG" in printed
    assert printed[printed.index("1") - 1].startswith("IMG005")  # the last finding, then the status
    assert printed[-1] == "5/5"
