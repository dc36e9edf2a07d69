"""The Dask example of docs/scale.md, run as written on a local two-process cluster.

Installed with the ``test`` extra (``dask[distributed]``); skipped only where it is not.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from listingkit import check_files, load_rules
from tests.test_executors import build_shop

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parent.parent


def _dask_example() -> str:
    """The first Python block under the "## Dask" heading of docs/scale.md."""
    text = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    section = text.split("\n## Dask\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "docs/scale.md: the Dask section has no python block"
    return match.group(1)


def test_the_documented_dask_example_gives_the_serial_report(tmp_path):
    example = _dask_example()
    assert "client.get_executor()" in example and "cluster.close()" in example
    shop = build_shop(tmp_path / "shop")
    shutil.move(shop / "商品A", tmp_path / "商品A")
    (tmp_path / ".git").mkdir()  # no store rule file is looked for above
    script = tmp_path / "scan.py"
    script.write_text(example, encoding="utf-8")

    # A real script in its own process: Dask spawns workers that import listingkit;
    # the cluster is closed in the example's finally, so the process ends.
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    summary = ast.literal_eval(run.stdout.strip().splitlines()[-1])  # the example prints it
    serial = check_files([tmp_path / "商品A"], load_rules("taobao"))
    assert summary == serial.to_dict()["summary"]
    assert summary["error"] > 0 and summary["findings"] >= 5


def test_a_client_executor_in_this_process_gives_the_serial_report(tmp_path):
    from distributed import Client, LocalCluster

    shop = build_shop(tmp_path)
    rules = load_rules("taobao")
    cluster = LocalCluster(
        n_workers=2, processes=False, threads_per_worker=1, dashboard_address=None
    )
    try:
        with Client(cluster) as client:
            given = check_files([shop], rules, executor=client.get_executor())
    finally:
        cluster.close()
    assert given.to_dict() == check_files([shop], rules).to_dict()
