"""The project's own promises: the README's commands, lint and types, the wheel."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## 两条命令", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    install_and_run, test = _readme_commands()
    assert "pip install" in install_and_run and "fixtures/" in install_and_run
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test and "pytest" in test


def _tool(name: str) -> list[str]:
    return [sys.executable, "-m", name]


def test_ruff_is_clean() -> None:
    for args in (["check", "src", "tests"], ["format", "--check", "src", "tests"]):
        run = subprocess.run([*_tool("ruff"), *args], cwd=ROOT, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_is_clean() -> None:
    run = subprocess.run(_tool("mypy"), cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow
def test_installed_wheel_finds_shipped_rules_from_any_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("listingkit-*.whl")
    # The venv sees the test environment's dependencies; listingkit itself comes
    # only from the wheel (checked below), so the test needs no download.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import listingkit, listingkit.ruleset.builtin as b;"
            "print(listingkit.__file__); print(b.rules_dir())",
        ],
        cwd=elsewhere,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert where[0].startswith(str(env_dir)), where
    assert where[1].startswith(str(env_dir)) and where[1].endswith("_rules"), where
    listingkit = shutil.which("listingkit", path=str(bindir))
    assert listingkit is not None
    run = subprocess.run(
        [listingkit, "rules", "show", "taobao"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "max_units = 60    ← publish-page-2024（A 级） rules/taobao.toml:" in run.stdout
    listed = subprocess.run(
        [listingkit, "rules", "list"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert len(listed.stdout.splitlines()) == 7


def test_readme_python_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.+?)\n```", text, flags=re.S)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("TITLE010 “最佳”是绝对化用语、最高级类极限词")
    assert printed[1] == "连衣裙碎花雪纺 14"


def test_public_api_names_resolve() -> None:
    import listingkit

    for name in listingkit.__all__:
        assert getattr(listingkit, name) is not None, name
