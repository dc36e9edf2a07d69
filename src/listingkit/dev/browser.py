"""``python -m listingkit.dev browser``: the Chromium the HTML report's tests drive.

The tests run the report in a real headless Chromium through Playwright, with
the system's browser (Playwright's own download is neither needed nor
wanted). This command finds it, or installs Debian's ``chromium`` package when
it may (as root, or with password-less sudo), and prints where it is. Set
``LISTINGKIT_CHROMIUM`` to use another Chromium or Chrome.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from listingkit.errors import UsageError

__all__ = ["BROWSER_COMMAND", "ENV", "ensure_chromium", "find_chromium"]

BROWSER_COMMAND = "python3 -m listingkit.dev browser"
#: The environment variable naming a Chromium to use instead of the system's.
ENV = "LISTINGKIT_CHROMIUM"
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_APT_SECONDS = 1800


def find_chromium() -> Path | None:
    """The Chromium to drive: ``$LISTINGKIT_CHROMIUM``, else the first on ``PATH``."""
    named = os.environ.get(ENV)
    if named:
        return Path(named) if os.access(named, os.X_OK) else None
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def ensure_chromium() -> Path:
    """Chromium's path, installing Debian's package first when it is missing and allowed."""
    found = find_chromium()
    if found is not None:
        return found
    if os.environ.get(ENV):
        raise UsageError(f"{ENV}={os.environ[ENV]} 不是可执行文件；改成 Chromium 的路径或删掉它")
    apt = shutil.which("apt-get")
    if apt is None:
        raise UsageError(
            f"没有找到 Chromium，这台机器也没有 apt-get；请装 Chromium 或 Chrome，"
            f"或设置 {ENV}=浏览器路径"
        )
    prefix: list[str] = []
    if os.geteuid() != 0:
        sudo = shutil.which("sudo")
        if sudo is None or subprocess.run([sudo, "-n", "true"], check=False).returncode != 0:
            raise UsageError("没有找到 Chromium；请运行 sudo apt-get install -y chromium")
        prefix = [sudo, "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*prefix, apt, "install", "-y", "--no-install-recommends", "chromium"]
    if subprocess.run(install, env=env, timeout=_APT_SECONDS, check=False).returncode != 0:
        # The package lists of a fresh machine may be empty: fetch them once and retry.
        subprocess.run([*prefix, apt, "update"], env=env, timeout=_APT_SECONDS, check=False)
        subprocess.run(install, env=env, timeout=_APT_SECONDS, check=False)
    found = find_chromium()
    if found is None:
        raise UsageError("apt-get 没能装上 chromium；请手动安装后重试")
    return found
