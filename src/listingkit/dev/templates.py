"""The text ``new-check`` writes: a stub check and its case file.

The stub reports every subject it is given, so the passing case of its case
file fails until the check is written; the placeholders all say ``待填写``,
which a meta-test refuses in a finished tree.
"""

from __future__ import annotations

__all__ = ["case_file", "check_stub"]

_STUB = '''@check("{code}", "{name}", subject="{subject}")
def {function}(subject: {subject_type}, rules: {rules_type}) -> {returns}:
    """（待填写：一句话写明这项检查报告什么，如“标题含平台禁用的词”。）

    ## 检查什么
    （待填写：读什么、怎样算有问题。用到规则文件的数值时，把键写进 @check 的 keys=，
    并在 Hit 里用 rule_key= 引用它，报告才会写明这个数值的出处和证据等级。）

    ## 为什么
    （待填写：不改会怎样，依据是什么。）

    ## 示例
    Okay: （待填写：一个通过的例子）
    {code}: （待填写：一个不通过的例子）
    """
    # Reports every subject until written, so that the passing case fails.
    yield Hit(
        "{code} {name} 尚未实现（待填写）",
        hint="写好这项检查，再改 {case} 里的用例",
    )
'''

#: What one case gives the case runner (tests/checks/test_cases.py), by subject.
_INPUTS = {
    "title": (
        'title = "夏季纯棉短袖T恤男宽松圆领"',
        'title = "待填写：一个应报 {code} 的标题"',
    ),
    "sheet_row": (
        'sheet = [["货号", "产品词", "属性词"], ["A1", "连衣裙", "碎花、雪纺"]]',
        '# 待填写：一行应报 {code} 的参数\nsheet = [["货号", "产品词"], ["A1", "连衣裙"]]',
    ),
    "sheet": (
        'sheet = [["货号", "产品词"], ["A1", "连衣裙"]]',
        '# 待填写：一张应报 {code} 的表\nsheet = [["货号", "产品词"], ["A1", "连衣裙"]]',
    ),
    "image": (
        'images = [{{ name = "主图/01.jpg" }}]',
        "# 待填写：一张应报 {code} 的图（size、color、mode、format 等见 make_image）\n"
        'images = [{{ name = "主图/01.jpg" }}]',
    ),
    "image_set": (
        'images = [{{ name = "主图/01.jpg" }}]',
        '# 待填写：应报 {code} 的一组图\nimages = [{{ name = "主图/01.jpg" }}]',
    ),
}
_FILES = (
    'files = [{{ name = "说明.txt", content = "x" }}]',
    '# 待填写：应报 {code} 的文件\nfiles = [{{ name = "说明.txt", content = "x" }}]',
)


def check_stub(
    *,
    code: str,
    name: str,
    subject: str,
    function: str,
    parameters: tuple[str, str],
    returns: str,
    case: str,
) -> str:
    """A registered check with the three doc headings and a body that always reports."""
    return _STUB.format(
        code=code,
        name=name,
        subject=subject,
        function=function,
        subject_type=parameters[0],
        rules_type=parameters[1],
        returns=returns,
        case=case,
    )


def case_file(code: str, name: str, subject: str) -> str:
    """A case file with one passing and one failing case, in the case runner's format."""
    passing, failing = _INPUTS.get(subject, _FILES)
    return (
        f"# {code} {name}\n"
        "# 格式见 tests/checks/test_cases.py；把“待填写”换成真实的例子。\n"
        "\n[[case]]\n"
        'name = "passes"\n'
        f"{passing.format(code=code)}\n"
        "expect = []\n"
        "\n[[case]]\n"
        'name = "fails"\n'
        f"{failing.format(code=code)}\n"
        f'expect = ["{code}"]\n'
    )
