"""The import graph of ``src/listingkit``, built from the source, keeps its layers.

Every ``import`` counts, at module level or inside a function (a lazy import
is still an arrow), and so does ``importlib.import_module("literal")``; only
imports under ``if TYPE_CHECKING:`` are left out, as they never run. The rules:

- no import cycle anywhere;
- the engine names no check family: families reach it through the registry;
- renderers (``listingkit.output``) import no family and not the registry:
  they are handed the report and the check documentation;
- the rule-file layer (``listingkit.ruleset``) is below text, title and image
  work, and ``listingkit.text`` is below the rule files and every family.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from listingkit.codes import FAMILIES

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "listingkit"

#: Check families: the packages of ``codes.FAMILIES``, and the ones announced.
FAMILY_PACKAGES = sorted(
    {".".join(module.split(".")[:2]) for module in FAMILIES.values()}
    | {f"{PACKAGE}.sku", f"{PACKAGE}.slot"}
)


@dataclass(frozen=True, order=True)
class Arrow:
    """``importer`` imports ``imported`` at ``line`` of the importer's file."""

    importer: str
    imported: str
    line: int

    def __str__(self) -> str:
        return f"{self.importer} → {self.imported}（{self.path_of_importer()}:{self.line}）"

    def path_of_importer(self) -> str:
        return self.importer.replace(".", "/") + ".py"


Graph = Mapping[str, Mapping[str, int]]  # importer → imported → first line


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``root``: dotted name → file."""
    modules: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _running_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that can run: the bodies of ``if TYPE_CHECKING:`` are skipped."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))


def _known(name: str, modules: Iterable[str]) -> str | None:
    """``name`` or its nearest enclosing module that exists (``a.b.C`` → ``a.b``)."""
    known = set(modules)
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def _imported_names(node: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """The absolute dotted names one node imports (a name may be a module's attribute)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join([*base, *([node.module] if node.module else [])])
        else:
            prefix = node.module or ""
        for alias in node.names:
            yield f"{prefix}.{alias.name}"  # a submodule, else resolved to ``prefix``
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "import_module"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        yield node.args[0].value


def import_graph(root: Path, package: str) -> dict[str, dict[str, int]]:
    """Importer → {imported module of the same package → first line}."""
    modules = module_names(root, package)
    graph: dict[str, dict[str, int]] = {name: {} for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in _running_nodes(tree):
            for imported in _imported_names(node, name, is_package):
                target = _known(imported, modules)
                if target is not None and target != name:
                    line = getattr(node, "lineno", 0)
                    graph[name][target] = min(graph[name].get(target, line), line)
    return graph


def _strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's components, iteratively (no recursion limit on a deep graph)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def _cycle_through(graph: Graph, component: list[str]) -> list[str]:
    """A shortest cycle from the component's first module back to it."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(graph[node]):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if child in members and child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"{component} is not a cycle")


def import_cycles(graph: Graph) -> list[list[str]]:
    """One cycle (first module repeated at the end) per group of modules that import
    each other."""
    return [
        _cycle_through(graph, component)
        for component in _strongly_connected(graph)
        if len(component) > 1
    ]


def describe_cycle(graph: Graph, cycle: list[str]) -> str:
    steps = "；".join(f"{a} 在第 {graph[a][b]} 行导入 {b}" for a, b in pairwise(cycle))
    return f"{' → '.join(cycle)}（{steps}）"


def _inside(module: str, packages: Iterable[str]) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in packages)


def arrows(graph: Graph, importers: Iterable[str], imported: Iterable[str]) -> list[Arrow]:
    """The arrows from modules in ``importers`` to modules in ``imported`` (packages)."""
    importers, imported = list(importers), list(imported)
    return sorted(
        Arrow(source, target, line)
        for source, targets in graph.items()
        if _inside(source, importers)
        for target, line in targets.items()
        if _inside(target, imported)
    )


def _listed(found: list[Arrow]) -> str:
    return "\n".join(f"  {arrow}" for arrow in found)


GRAPH = import_graph(SRC, PACKAGE)


def test_the_graph_sees_the_package() -> None:
    # A graph built from the wrong folder would pass every rule below.
    assert "listingkit.engine" in GRAPH
    assert "listingkit.registry" in GRAPH["listingkit.engine"]
    assert set(FAMILY_PACKAGES) >= {"listingkit.files", "listingkit.image", "listingkit.title"}


def test_no_import_cycle() -> None:
    cycles = import_cycles(GRAPH)
    assert not cycles, (
        "导入形成循环（Python 能否启动取决于导入顺序，改动时容易断）：\n"
        + "\n".join(f"  {describe_cycle(GRAPH, cycle)}" for cycle in cycles)
        + "\n请把两边共用的部分移到更底层的模块（数据类型放 listingkit.subjects，"
        "异常放 listingkit.errors），或让底层模块通过参数拿到它需要的东西"
    )


def test_engine_names_no_family() -> None:
    found = arrows(GRAPH, ["listingkit.engine"], FAMILY_PACKAGES)
    assert not found, (
        "engine 直接导入了检查家族：\n"
        + _listed(found)
        + "\n引擎只能经 listingkit.registry 按选中的代码取得家族；"
        "家族自己的读取和运行放到家族包里，通过家族协议交给引擎"
    )


# The workbook writer lives in the sheets package beside the SHEET checks but holds
# no check: the Excel report writes through it (creator mark, formula-safe cells).
RENDERER_LIBRARIES = frozenset({"listingkit.sheets.writer"})


def test_renderers_import_no_family_and_no_registry() -> None:
    found = [
        arrow
        for arrow in arrows(GRAPH, ["listingkit.output"], [*FAMILY_PACKAGES, "listingkit.registry"])
        if arrow.imported not in RENDERER_LIBRARIES
    ]
    assert not found, (
        "输出模块导入了检查家族或注册表：\n"
        + _listed(found)
        + "\n渲染器只读交给它的 Report 和检查说明；"
        "需要的检查文档由命令（listingkit.cli）从注册表取出后传进来"
    )


def test_rule_files_sit_below_text_title_and_image() -> None:
    above = ["listingkit.text", "listingkit.title", "listingkit.image"]
    found = arrows(GRAPH, ["listingkit.ruleset"], above)
    assert not found, (
        "规则文件层（listingkit.ruleset）导入了它上层的模块：\n"
        + _listed(found)
        + "\n规则数据（含词表）的读取和校验留在 ruleset；匹配放在 listingkit.text，"
        "两边共用的小函数放到更底层（如 listingkit.folding）"
    )


def test_text_imports_nothing_above_it() -> None:
    above = [
        "listingkit.ruleset",
        "listingkit.registry",
        "listingkit.engine",
        "listingkit.output",
        "listingkit.cli",
        *FAMILY_PACKAGES,
    ]
    found = arrows(GRAPH, ["listingkit.text"], above)
    assert not found, (
        "listingkit.text 是最底层的文字工具，却导入了上层模块：\n"
        + _listed(found)
        + "\n把需要的数据作为参数传给它（如词表的词语和允许短语），不要从 text 里读规则或调检查"
    )


# --------------------------------------------------------------------------
# The graph builder itself, on a small package written for the test


def _package(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "toy/__init__.py": "",
            "toy/low.py": "def later():\n    from toy.high import thing\n    return thing\n",
            "toy/high.py": "from . import middle\nthing = 1\n",
            "toy/middle.py": "import toy.low\n",
            "toy/apart.py": "from toy import low\n",
        },
    )
    graph = import_graph(root, "toy")
    cycles = import_cycles(graph)
    assert cycles == [["toy.high", "toy.middle", "toy.low", "toy.high"]]
    assert describe_cycle(graph, cycles[0]) == (
        "toy.high → toy.middle → toy.low → toy.high"
        "（toy.high 在第 1 行导入 toy.middle；toy.middle 在第 1 行导入 toy.low；"
        "toy.low 在第 2 行导入 toy.high）"
    )


def test_type_checking_imports_and_attributes_are_not_arrows(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "toy/__init__.py": "from toy.sub.leaf import VALUE\n",
            "toy/sub/__init__.py": "",
            "toy/sub/leaf.py": (
                "from typing import TYPE_CHECKING\n"
                "import typing\n"
                "if TYPE_CHECKING:\n"
                "    from toy import VALUE\n"
                "if typing.TYPE_CHECKING:\n"
                "    import toy\n"
                "else:\n"
                "    from .. import other\n"
                "VALUE = 1\n"
            ),
            "toy/other.py": "import importlib\nimportlib.import_module('toy.sub')\n",
        },
    )
    graph = import_graph(root, "toy")
    assert graph == {
        "toy": {"toy.sub.leaf": 1},
        "toy.sub": {},
        "toy.sub.leaf": {"toy.other": 8},
        "toy.other": {"toy.sub": 2},
    }
    assert import_cycles(graph) == []
    assert arrows(graph, ["toy.sub"], ["toy.other"]) == [Arrow("toy.sub.leaf", "toy.other", 8)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from . import b", "toy.pkg.b"),
        ("from .b import thing", "toy.pkg.b"),
        ("from .. import c", "toy.c"),
        ("from ..pkg import b", "toy.pkg.b"),
        ("import toy.pkg.b as alias", "toy.pkg.b"),
    ],
)
def test_relative_names_resolve_from_the_importing_module(
    tmp_path: Path, source: str, expected: str
) -> None:
    root = _package(
        tmp_path,
        {
            "toy/__init__.py": "",
            "toy/c.py": "",
            "toy/pkg/__init__.py": "",
            "toy/pkg/a.py": source + "\n",
            "toy/pkg/b.py": "thing = 1\n",
        },
    )
    assert import_graph(root, "toy")["toy.pkg.a"] == {expected: 1}
