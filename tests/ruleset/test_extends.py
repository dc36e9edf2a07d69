"""A store file over a platform: what replaces, what appends, what it remembers."""

from __future__ import annotations

from pathlib import Path

import pytest

from listingkit import Severity, UsageError, check_files, find_store_file, load_rules, resolve_rules

SOURCE = '[sources.guide]\ntitle = "本店视觉规范"\ngrade = "A"\n'


def test_values_replace_and_the_rest_is_inherited(write):
    path = write(
        "shop/listingkit.toml",
        'extends = "taobao"\n' + SOURCE + '[images.main]\nsource = "guide"\nmax_bytes = "2MB"\n',
    )
    rules = load_rules(path)
    assert rules.model.images.main.max_bytes == 2 * 1024 * 1024
    assert rules.model.images.main.max_count == 5  # inherited from taobao
    fact = rules.fact("images.main.max_bytes")
    assert fact.source_name == "guide" and fact.grade == "A"
    assert str(fact.origin) == "shop/listingkit.toml:7"
    inherited = rules.fact("images.main.max_count")
    assert inherited.source_name == "publish-page-2024"
    assert inherited.origin.file == "rules/taobao.toml"
    assert rules.files == ("rules/taobao.toml", "shop/listingkit.toml")


def test_lists_replace_unless_extended(write):
    replaced = load_rules(
        write(
            "a/listingkit.toml",
            'extends = "taobao"\n'
            + SOURCE
            + '[images.main]\nsource = "guide"\nformats = ["png"]\n',
        )
    )
    assert replaced.model.images.main.formats == ["png"]
    extended = load_rules(
        write(
            "b/listingkit.toml",
            'extends = "taobao"\n'
            + SOURCE
            + '[images.main]\nsource = "guide"\nextend_formats = ["webp", "png"]\n',
        )
    )
    assert extended.model.images.main.formats == ["jpeg", "png", "gif", "bmp", "webp"]
    fact = extended.fact("images.main.formats")
    assert fact.source_name == "publish-page-2024 + guide"
    assert "淘宝发布页配置" in fact.citation() and "本店视觉规范" in fact.citation()


def test_checks_merge_per_code(write):
    write("base.toml", 'extends = "taobao"\n[checks]\nFILE001 = "warning"\nFILE002 = "off"\n')
    store = write("listingkit.toml", 'extends = "base.toml"\n[checks]\nfile-empty = "info"\n')
    rules = load_rules(store)
    assert rules.model.checks == {"FILE001": "warning", "FILE002": "off", "file-empty": "info"}
    assert rules.check_level("FILE001", "file-unreadable") == "warning"
    assert rules.files[-2:] == ("base.toml", "listingkit.toml")


def test_tmall_stands_alone_with_its_own_sources():
    rules = load_rules("tmall")
    assert rules.files == ("rules/tmall.toml",)
    assert rules.model.title.max_units is None
    assert rules.fact("images.detail.recommended_width_px").value == 790
    assert rules.fact("images.detail.recommended_width_px").grade == "C"


def test_store_file_found_from_product_folder_upward(write, tmp_path):
    (tmp_path / ".git").mkdir()  # the walk stops at a repository root
    store = write("listingkit.toml", 'extends = "jd"\nstore = "京东店"\n')
    product = tmp_path / "商品" / "主图"
    product.mkdir(parents=True)
    assert find_store_file(product) == store.resolve()
    rules = resolve_rules(start=product)
    assert rules.platform == "jd" and rules.model.store == "京东店"
    # --platform naming another platform uses that platform's own rules
    assert resolve_rules("pdd", start=product).files == ("rules/pdd.toml",)


def test_walk_stops_at_repository_root(tmp_path):
    (tmp_path / "listingkit.toml").write_text('extends = "jd"\n', encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert find_store_file(repo) is None


def test_no_platform_and_no_store_file_is_a_usage_error(tmp_path):
    (tmp_path / ".git").mkdir()
    with pytest.raises(UsageError, match="--platform"):
        resolve_rules(start=tmp_path)


def test_unknown_platform_suggests(tmp_path):
    with pytest.raises(UsageError, match="是否想写 douyin"):
        load_rules("douyn")


def test_severity_follows_the_store_checks(write, tmp_path):
    product = tmp_path / "商品"
    product.mkdir()
    (product / "01.jpg").write_bytes(b"")
    store = write("listingkit.toml", 'extends = "taobao"\n[checks]\nFILE002 = "warning"\n')
    report = check_files([product], load_rules(store))
    assert [(f.code, f.severity) for f in report.findings] == [("FILE002", Severity.WARNING)]
    assert report.exit_code() == 0 and report.exit_code(Severity.WARNING) == 1


def test_byte_sizes_are_binary(write):
    rules = load_rules(
        write(
            "listingkit.toml",
            'extends = "taobao"\n'
            + SOURCE
            + '[images.sku]\nsource = "guide"\nmax_bytes = "500KB"\n',
        )
    )
    assert rules.model.images.sku.max_bytes == 500 * 1024


def test_shipped_rules_are_frozen():
    rules = load_rules("taobao")
    with pytest.raises(Exception, match="frozen"):
        rules.model.title.max_units = 10  # type: ignore[misc]


@pytest.mark.parametrize("name", ["taobao", "tmall", "jd", "pdd", "1688", "douyin", "kuaishou"])
def test_every_platform_loads(name):
    rules = load_rules(name)
    assert rules.platform == name and rules.display_name
    assert all(f.source is not None for f in rules.facts() if f.is_set)


def test_locate_handles_inline_tables_and_multiline_arrays(write):
    path = write(
        "listingkit.toml",
        'extends = "taobao"\n' + SOURCE + '[title]\nsource = "guide"\n'
        'forbid = [\n  "tab",\n  "emoji",\n]\nunit_weights = { ascii = 1, other = 3 }\n',
    )
    rules = load_rules(path)
    assert rules.fact("title.forbid").origin.line == 7
    assert rules.fact("title.unit_weights").origin.line == 11
    assert rules.origin("title.unit_weights.other").line == 11
    assert Path(rules.fact("title.forbid").origin.file).name == "listingkit.toml"


INHERITING = (
    'platform = "tmall-like"\ndisplay_name = "天猫样"\nextends = "taobao"\n'
    'extends_reason = "同一套发布接口"\ninherited_grade = "B"\n'
)


def test_inherited_numbers_are_only_warnings(write):
    rules = load_rules(write("tmall-like.toml", INHERITING))
    fact = rules.fact("title.max_units")
    assert fact.source.grade == "A" and fact.grade == "B"
    assert "沿用自 rules/taobao.toml，按 B 级" in fact.citation()
    # a store on Taobao itself keeps Taobao's grade A
    assert load_rules("taobao").fact("title.max_units").grade == "A"


def test_rules_show_marks_capped_grades(cli, write):
    out = cli("rules", "show", str(write("tmall-like.toml", INHERITING))).out
    assert "max_units = 60    ← publish-page-2024（原 A 级，沿用按 B 级） rules/taobao.toml:" in out
    out = cli("rules", "show", "tmall").out
    line = next(ln for ln in out.splitlines() if "recommended_width_px = 790" in ln)
    assert "← tmall-prompt-code（C 级） rules/tmall.toml:" in line
