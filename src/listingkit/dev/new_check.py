"""``new-check CODE name``: the code line, a stub check and a case file for a new check.

Everything is read from the tree being edited (``--root``), never from the
installed package: the codes table and the family's checks module are parsed
with :mod:`ast`, so a tree with a half-written check can still be extended.
Every problem is found before anything is written.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from listingkit.codes import CODE_PATTERN, family_of
from listingkit.dev import DOCS_COMMAND, read_source, write_source
from listingkit.dev.templates import case_file, check_stub
from listingkit.errors import UsageError

__all__ = ["NAME_PATTERN", "STUB_MARK", "CheckPlan", "plan_check", "write_check"]

#: A check's name: kebab-case, at least two words (``banned-word``).
NAME_PATTERN = re.compile(r"^[a-z]+(-[a-z0-9]+)+$")
#: What the stub and its case file leave for the developer; a meta-test refuses it.
STUB_MARK = "待填写"
CODES_FILE = Path("src/listingkit/codes.py")
CASES_DIR = Path("tests/cases")


@dataclass(frozen=True, slots=True)
class _Codes:
    """What the tree's ``codes.py`` says, with where its CODES table sits."""

    text: str
    codes: dict[str, str]
    families: dict[str, str]
    subjects: dict[str, frozenset[str]]
    code_lines: dict[str, int]  # code → its line (1-based)
    closing_line: int  # the line of the table's closing brace


@dataclass(frozen=True, slots=True)
class _Signature:
    subject: str
    parameters: tuple[str, str]  # annotations of subject and rules, as written
    returns: str


@dataclass(frozen=True, slots=True)
class CheckPlan:
    """The three edits for one new check, computed before any is made."""

    root: Path
    code: str
    name: str
    subject: str
    codes_path: Path
    codes_text: str
    module_path: Path
    module_text: str
    case_path: Path
    case_text: str

    @property
    def function(self) -> str:
        return self.name.replace("-", "_")


def _literal_dict(node: ast.expr, what: str) -> dict[str, str]:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        raise UsageError(f"{CODES_FILE} 的 {what} 不是字面的字典，无法自动添加") from None
    if not isinstance(value, dict):
        raise UsageError(f"{CODES_FILE} 的 {what} 不是字典")
    return {str(k): str(v) for k, v in value.items()}


def _subject_sets(node: ast.expr) -> dict[str, frozenset[str]]:
    """``{"FILE": frozenset({"file", ...}), ...}`` read without running it."""
    found: dict[str, frozenset[str]] = {}
    if not isinstance(node, ast.Dict):
        return found
    for key, value in zip(node.keys, node.values, strict=True):
        if not isinstance(key, ast.Constant):
            continue
        names = [n.value for n in ast.walk(value) if isinstance(n, ast.Constant)]
        found[str(key.value)] = frozenset(str(n) for n in names)
    return found


def _read_codes(root: Path) -> _Codes:
    text = read_source(root / CODES_FILE)
    tables: dict[str, ast.expr] = {}
    for node in ast.parse(text).body:
        target: ast.expr | None = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and value is not None:
            tables[target.id] = value
    missing = [name for name in ("CODES", "FAMILIES") if name not in tables]
    if missing:
        raise UsageError(f"{CODES_FILE} 里没有 {'、'.join(missing)}")
    table = tables["CODES"]
    if not isinstance(table, ast.Dict) or table.end_lineno is None:
        raise UsageError(f"{CODES_FILE} 的 CODES 不是字面的字典，无法自动添加")
    lines = {str(key.value): key.lineno for key in table.keys if isinstance(key, ast.Constant)}
    return _Codes(
        text,
        _literal_dict(table, "CODES"),
        _literal_dict(tables["FAMILIES"], "FAMILIES"),
        _subject_sets(tables.get("FAMILY_SUBJECTS", ast.Dict(keys=[], values=[]))),
        lines,
        table.end_lineno,
    )


def _with_code_line(codes: _Codes, code: str, name: str) -> str:
    """codes.py with ``"CODE": "name",`` in code order."""
    lines = codes.text.splitlines(keepends=True)
    later = [line for other, line in codes.code_lines.items() if other > code]
    at = min(later) if later else codes.closing_line
    sample = lines[min(codes.code_lines.values()) - 1] if codes.code_lines else "    "
    indent = sample[: len(sample) - len(sample.lstrip())]
    lines.insert(at - 1, f'{indent}"{code}": "{name}",\n')
    return "".join(lines)


def _module_path(root: Path, module: str) -> Path:
    base = root / "src" / Path(*module.split("."))
    package = base / "__init__.py"
    return package if package.is_file() else base.with_suffix(".py")


def _decorated_checks(tree: ast.Module) -> list[tuple[str, str, _Signature]]:
    """(code, name, signature) of every ``@check(...)`` function in a module."""
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "check"):
                continue
            values = [a.value for a in decorator.args if isinstance(a, ast.Constant)]
            keywords = {k.arg: k.value for k in decorator.keywords}
            subject = keywords.get("subject")
            arguments = node.args.args
            if len(values) < 2 or not isinstance(subject, ast.Constant) or len(arguments) < 2:
                continue
            annotations = tuple(
                ast.unparse(a.annotation) if a.annotation else "object" for a in arguments[:2]
            )
            returns = ast.unparse(node.returns) if node.returns else "Iterator[Hit]"
            signature = _Signature(str(subject.value), (annotations[0], annotations[1]), returns)
            found.append((str(values[0]), str(values[1]), signature))
    return found


def _top_level_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            names.add(node.name)
        for target in getattr(node, "targets", []):
            if isinstance(target, ast.Name):
                names.add(target.id)
        for alias in getattr(node, "names", []):
            if isinstance(alias, ast.alias):
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def _with_export(text: str, tree: ast.Module, function: str) -> str:
    """The module with ``function`` in its ``__all__`` (kept in its order), if it has one."""
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            and isinstance(node.value, ast.List)
            and node.end_lineno is not None
        ):
            continue
        names = [str(e.value) for e in node.value.elts if isinstance(e, ast.Constant)]
        later = [i for i, n in enumerate(names) if n.islower() and n > function]
        names.insert(later[0] if later else len(names), function)
        lines = text.splitlines(keepends=True)
        rendered = "__all__ = [\n" + "".join(f'    "{n}",\n' for n in names) + "]\n"
        lines[node.lineno - 1 : node.end_lineno] = [rendered]
        return "".join(lines)
    return text


def _case_folder(root: Path, family: str) -> Path:
    """The folder holding this family's case files (``IMG`` → ``tests/cases/image``)."""
    cases = root / CASES_DIR
    for folder in sorted(p for p in cases.glob("*") if p.is_dir()):
        if any(family_of(p.stem) == family for p in folder.glob("*.toml")):
            return folder
    return cases / family.lower()


def _default_subject(family: str, signatures: list[_Signature], allowed: frozenset[str]) -> str:
    counts = Counter(s.subject for s in signatures if s.subject in allowed)
    if counts:
        return counts.most_common(1)[0][0]
    if len(allowed) == 1:
        return next(iter(allowed))
    raise UsageError(
        f"{family} 族的检查读哪种对象？用 --subject 给出：{'、'.join(sorted(allowed))}"
    )


def plan_check(root: Path, code: str, name: str, subject: str | None = None) -> CheckPlan:
    """Check the request against the tree and compute the three edits."""
    if not CODE_PATTERN.match(code):
        raise UsageError(
            f"检查代码 “{code}” 格式不对：应为族前缀加三位数字，"
            f"如 TITLE099、IMG050（前缀见 {CODES_FILE}）"
        )
    if not NAME_PATTERN.match(name):
        raise UsageError(f"名称 “{name}” 格式不对：应为小写英文单词用 - 连接，如 banned-word")
    codes = _read_codes(root)
    if code in codes.codes:
        raise UsageError(
            f"{code} 已在 {CODES_FILE} 中（{codes.codes[code]}）；请换一个未用过的代码"
        )
    taken = [c for c, n in codes.codes.items() if n == name]
    if taken:
        raise UsageError(f"名称 {name} 已被 {taken[0]} 使用；请换一个名称")
    family = family_of(code)
    if family not in codes.families:
        raise UsageError(
            f"{family} 族还没有检查模块：先在 {CODES_FILE} 的 FAMILIES 和 FAMILY_SUBJECTS 里登记它"
        )
    module_path = _module_path(root, codes.families[family])
    module_text = read_source(module_path)
    tree = ast.parse(module_text)
    declared = _decorated_checks(tree)
    signatures = [signature for _, _, signature in declared]
    allowed = codes.subjects.get(family) or frozenset(s.subject for s in signatures)
    chosen = subject or _default_subject(family, signatures, allowed)
    if allowed and chosen not in allowed:
        raise UsageError(
            f"{family} 族的检查不读 “{chosen}”；--subject 可以是 {'、'.join(sorted(allowed))}"
            f"（见 {CODES_FILE} 的 FAMILY_SUBJECTS）"
        )
    for other_code, other_name, _ in declared:
        if other_code == code or other_name == name:
            raise UsageError(f"{module_path.relative_to(root)} 里已有 {other_code} {other_name}")
    function = name.replace("-", "_")
    if keyword.iskeyword(function) or function in _top_level_names(tree):
        raise UsageError(
            f"{module_path.relative_to(root)} 里已有名为 {function} 的定义；请换一个名称"
        )
    same = [s for s in signatures if s.subject == chosen]
    like = same[0] if same else (signatures[0] if signatures else None)
    parameters = like.parameters if like else ("object", "Rules")
    if not same:
        parameters = ("object", parameters[1])
    returns = like.returns if like else "Iterator[Hit]"
    case_path = _case_folder(root, family) / f"{code}.toml"
    if case_path.exists():
        raise UsageError(
            f"{case_path.relative_to(root)} 已存在；请换一个代码，或删掉这个旧用例文件"
        )
    stub = check_stub(
        code=code,
        name=name,
        subject=chosen,
        function=function,
        parameters=parameters,
        returns=returns,
        case=str(case_path.relative_to(root)),
    )
    body = _with_export(module_text, tree, function).rstrip("\n") + "\n\n\n" + stub
    return CheckPlan(
        root,
        code,
        name,
        chosen,
        root / CODES_FILE,
        _with_code_line(codes, code, name),
        module_path,
        body,
        case_path,
        case_file(code, name, chosen),
    )


def write_check(plan: CheckPlan) -> list[str]:
    """Make the three edits; what to tell the developer, one line each."""
    plan.case_path.parent.mkdir(parents=True, exist_ok=True)
    write_source(plan.case_path, plan.case_text)
    write_source(plan.module_path, plan.module_text)
    write_source(plan.codes_path, plan.codes_text)
    module = plan.module_path.relative_to(plan.root)
    case = plan.case_path.relative_to(plan.root)
    return [
        f"已写入 {CODES_FILE}：{plan.code} {plan.name}",
        f"已写入 {module}：{plan.function}（检查 {plan.subject}，先对每个对象都报告，直到写好）",
        f"已写入 {case}：一个通过、一个不通过的用例",
        f"下一步：写好 {plan.function} 的说明和逻辑，把“{STUB_MARK}”都换成真实内容，"
        f"然后运行 {DOCS_COMMAND} 和 python3 -m pytest tests/checks tests/test_registry.py",
    ]
