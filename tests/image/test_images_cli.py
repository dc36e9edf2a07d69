"""``listingkit images`` on real folders: bad files, exit statuses, no jieba."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def _bomb() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def test_bad_files_are_one_finding_each_and_the_run_goes_on(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "商品A" / "主图"
    folder.mkdir(parents=True)
    Image.new("RGB", (800, 800), "white").save(folder / "01.jpg", "JPEG")
    (folder / "02.jpg").write_text("这不是图片", encoding="utf-8")
    good = folder / "01.jpg"
    (folder / "03.jpg").write_bytes(good.read_bytes()[:-300])  # truncated
    (folder / "04.png").write_bytes(_bomb())
    (folder / "05.jpg").write_bytes(b"")
    (folder / "说明.txt").write_text("not an image and not an image name", encoding="utf-8")
    run = cli("images", str(tmp_path / "商品A"), "--platform", "taobao", "--format", "json")
    assert run.status == 1 and "Traceback" not in run.err
    data = json.loads(run.out)
    by_file = {Path(f["location"]["path"]).name: f["code"] for f in data["findings"]}
    assert by_file == {
        "02.jpg": "FILE003",
        "03.jpg": "FILE003",
        "04.png": "FILE003",
        "05.jpg": "FILE002",  # empty: the same finding as under `listingkit check`
    }
    assert len(data["subjects"]) == 5  # 说明.txt is not an image


def test_clean_images_exit_0_and_globs_expand(cli, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "主图"
    folder.mkdir()
    for slot in (1, 2):
        Image.new("RGB", (800, 800), "white").save(folder / f"0{slot}.jpg", "JPEG")
    monkeypatch.chdir(tmp_path)
    run = cli("images", "主图/*.jpg", "--platform", "taobao")
    assert run.status == 0, run.out + run.err
    assert cli("images", "没有/*.jpg", "--platform", "taobao").status == 2


def test_role_option_overrides_the_layout(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    path = tmp_path / "随便.jpg"
    Image.new("RGB", (800, 800), "white").save(path, "JPEG")
    run = cli("images", str(path), "--platform", "taobao", "--role", "main_3x4", "--format", "json")
    codes = {f["code"] for f in json.loads(run.out)["findings"]}
    assert "IMG004" in codes  # square where 3:4 is required


def test_an_image_run_does_not_import_jieba(tmp_path):
    image = tmp_path / "01.jpg"
    Image.new("RGB", (800, 800), "white").save(image, "JPEG")
    code = (
        "import sys\n"
        "from listingkit.cli import main\n"
        f"status = main(['images', {str(image)!r}, '--platform', 'taobao'])\n"
        "assert status == 0, status\n"
        "assert 'jieba' not in sys.modules and 'openpyxl' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=tmp_path)


def test_pre_commit_hook_runs_the_images_command():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "id: listingkit-images" in text and "entry: listingkit images" in text
    assert "types: [image]" in text


def test_two_processes_give_the_same_report(tmp_path, monkeypatch):
    from listingkit import load_rules
    from listingkit.image import run

    folder = tmp_path / "商品" / "主图"
    folder.mkdir(parents=True)
    for slot, size in enumerate([(800, 800), (700, 700), (800, 790), (800, 800)], start=1):
        Image.new("RGB", size, "white").save(folder / f"0{slot}.jpg", "JPEG")
    (folder / "05.jpg").write_text("不是图片", encoding="utf-8")
    rules = load_rules("taobao")
    serial = run.check_images([tmp_path / "商品"], rules).to_dict()
    monkeypatch.setattr(run, "PARALLEL_MIN_FILES", 2)
    parallel = run.check_images([tmp_path / "商品"], rules).to_dict()
    assert parallel == serial
    assert {f["code"] for f in serial["findings"]} == {"IMG004", "IMG006", "FILE003"}


def test_a_broken_watermark_template_stops_the_run(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "logo.png").write_text("不是图片", encoding="utf-8")
    (tmp_path / "listingkit.toml").write_text(
        'extends = "taobao"\n[images.watermark]\ntemplate = "logo.png"\nrequired_on = ["main"]\n',
        encoding="utf-8",
    )
    folder = tmp_path / "商品" / "主图"
    folder.mkdir(parents=True)
    Image.new("RGB", (800, 800), "white").save(folder / "01.jpg", "JPEG")
    run = cli("images", str(tmp_path / "商品"))
    assert run.status == 2 and "[images.watermark]" in run.err and "logo.png" in run.err
    assert "Traceback" not in run.err


def _store_with_watermark(root: Path) -> None:
    (root / ".git").mkdir()
    logo = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    logo.paste((214, 40, 40, 255), (10, 10, 70, 70))
    logo.paste((35, 35, 35, 255), (90, 20, 190, 60))
    logo.save(root / "logo.png")
    (root / "listingkit.toml").write_text(
        'extends = "taobao"\n[images.watermark]\ntemplate = "logo.png"\nrequired_on = ["main"]\n',
        encoding="utf-8",
    )


def test_a_file_over_the_time_limit_is_one_finding(cli, tmp_path):
    _store_with_watermark(tmp_path)
    folder = tmp_path / "商品" / "主图"
    folder.mkdir(parents=True)
    Image.new("RGB", (800, 800), "white").save(folder / "01.jpg", "JPEG")
    # The watermark search alone takes far longer than a millisecond.
    run = cli("images", str(tmp_path / "商品"), "--timeout", "0.001", "--format", "json")
    assert run.status == 1 and "Traceback" not in run.err
    (finding,) = json.loads(run.out)["findings"]
    assert finding["code"] == "FILE003"
    assert "超过 0.001 秒" in finding["message"] and "--timeout" in finding["hint"]
    # With no limit the same image is searched to the end: the logo is missing.
    run = cli("images", str(tmp_path / "商品"), "--timeout", "0", "--format", "json")
    assert [f["code"] for f in json.loads(run.out)["findings"]] == ["IMG040"]


def test_a_negative_timeout_is_a_usage_error(cli, tmp_path):
    run = cli("images", str(tmp_path), "--platform", "taobao", "--timeout", "-1")
    assert run.status == 2 and "--timeout" in run.err and "-1" in run.err
    assert len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err


def test_a_pipe_in_the_folder_is_reported_not_opened(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "商品" / "主图"
    folder.mkdir(parents=True)
    Image.new("RGB", (800, 800), "white").save(folder / "01.jpg", "JPEG")
    os.mkfifo(folder / "02.jpg")  # opening it would wait for a writer forever
    for command in ("images", "check"):
        run = cli(command, str(tmp_path / "商品"), "--platform", "taobao", "--format", "json")
        assert run.status == 1 and "Traceback" not in run.err
        findings = json.loads(run.out)["findings"]
        assert [Path(f["location"]["path"]).name for f in findings] == ["02.jpg"]
        assert "不是普通文件" in findings[0]["message"]


def test_no_progress_bar_when_stderr_is_not_a_terminal(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "主图"
    folder.mkdir()
    Image.new("RGB", (800, 800), "white").save(folder / "01.jpg", "JPEG")
    run = cli("images", str(folder), "--platform", "taobao")
    assert run.err == ""


def test_progress_is_reported_for_every_file_serial_and_parallel(tmp_path, monkeypatch):
    from listingkit import load_rules
    from listingkit.image import run

    folder = tmp_path / "商品" / "主图"
    folder.mkdir(parents=True)
    for slot in range(1, 6):
        Image.new("RGB", (800, 800), "white").save(folder / f"0{slot}.jpg", "JPEG")
    rules = load_rules("taobao")
    for parallel_from in (run.PARALLEL_MIN_FILES, 2):
        monkeypatch.setattr(run, "PARALLEL_MIN_FILES", parallel_from)
        seen: list[tuple[int, int]] = []

        def record(done: int, total: int, seen: list[tuple[int, int]] = seen) -> None:
            seen.append((done, total))

        run.check_images([tmp_path / "商品"], rules, progress=record)
        assert seen == [(done, 5) for done in range(1, 6)]


def test_a_timer_the_caller_set_survives_the_time_limit():
    import signal
    import time

    from listingkit.timelimit import time_limit

    fired: list[bool] = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with time_limit(5):
            pass
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.3
        time.sleep(0.5)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_check_reads_images_on_two_processes_with_the_same_report(tmp_path, monkeypatch):
    from listingkit import load_rules
    from listingkit.engine import check_files
    from listingkit.image import run

    folder = tmp_path / "商品" / "主图"
    folder.mkdir(parents=True)
    for slot, size in enumerate([(800, 800), (700, 700), (800, 790)], start=1):
        Image.new("RGB", size, "white").save(folder / f"0{slot}.jpg", "JPEG")
    (folder / "04.jpg").write_bytes(b"")
    (folder / "说明.txt").write_text("备注", encoding="utf-8")
    rules = load_rules("taobao")
    serial = check_files([tmp_path / "商品"], rules).to_dict()
    monkeypatch.setattr(run, "PARALLEL_MIN_FILES", 2)
    seen: list[tuple[int, int]] = []

    def record(done: int, total: int) -> None:
        seen.append((done, total))

    parallel = check_files([tmp_path / "商品"], rules, progress=record).to_dict()
    assert parallel == serial
    assert {f["code"] for f in serial["findings"]} == {"IMG004", "IMG006", "FILE002"}
    assert seen == [(1, 3), (2, 3), (3, 3)]  # the three readable images


def test_rules_of_two_platforms_in_one_process_keep_their_own_numbers(tmp_path):
    """Each platform's numbers are read once per run and stay with that platform's rules."""
    from listingkit import check_images, load_rules

    shop = tmp_path / "商品"
    for role, size in (("主图", (500, 500)), ("详情", (500, 900))):
        (shop / role).mkdir(parents=True)
        for n in range(3):
            Image.new("RGB", size, (200, 180, 160)).save(shop / role / f"{n + 1:02d}.jpg")

    def codes(platform: str) -> list[tuple[str, str]]:
        report = check_images([shop], load_rules(platform), ignore=("IMG030", "IMG031"))
        return sorted((f.code, Path(f.location.path).parent.name) for f in report.findings)

    def alone(platform: str) -> list[tuple[str, str]]:
        script = (
            "import json, sys; from pathlib import Path; from listingkit import check_images, "
            "load_rules; r = check_images([sys.argv[1]], load_rules(sys.argv[2]), "
            "ignore=('IMG030', 'IMG031')); print(json.dumps(sorted([f.code, "
            "Path(f.location.path).parent.name] for f in r.findings)))"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(shop), platform],
            capture_output=True,
            text=True,
            check=True,
        )
        return [tuple(pair) for pair in json.loads(done.stdout)]

    taobao, jd = codes("taobao"), codes("jd")
    assert taobao and jd and taobao != jd  # the two platforms judge these sizes differently
    assert codes("taobao") == taobao == alone("taobao")
    assert jd == alone("jd")
