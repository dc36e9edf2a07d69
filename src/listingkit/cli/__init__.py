"""The ``listingkit`` command: parse, call one API function, render, exit.

``main(argv) -> int`` returns the exit status (see :mod:`listingkit.status`),
so tests call it directly. A user error is one line on stderr and status 2;
a traceback appears only with ``--debug``. SIGINT returns 130 and SIGTERM 143
after every worker is stopped and every temporary file removed; a reader that
leaves early (``| head -1``) ends the run quietly with 141.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import gettext
import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from listingkit import __version__
from listingkit.errors import ListingkitError, RuleFileError
from listingkit.printable import printable, show_path
from listingkit.status import (
    EXIT_BROKEN_PIPE,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    Terminated,
)

__all__ = ["COMMANDS", "build_parser", "main"]


# argparse's own words (its gettext msgids, Python 3.11), as listingkit's help says them.
_ARGPARSE_CHINESE = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "subcommands": "子命令",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "这个选项不带值，多余的值：%r",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 必须给出其中一个",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 不明确，可能是 %(matches)s"
    ),
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "%(type)s 值无效：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "无效的选项值：%(value)r（可选：%(choices)s）"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "没有子命令 %(parser_name)r（可选：%(choices)s）"
    ),
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}


class _ArgparseChinese(gettext.NullTranslations):
    """argparse's messages in Chinese; a msgid not in the table stays as it is."""

    def gettext(self, message: str) -> str:
        return _ARGPARSE_CHINESE.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)


_CHINESE = _ArgparseChinese()
_SWITCH = threading.RLock()


@contextlib.contextmanager
def _argparse_in_chinese() -> Iterator[None]:
    """argparse looks up ``_`` and ``ngettext`` in its module when it speaks: point them
    at the Chinese table for the duration of one call of listingkit's parser, then put
    back what was there, so a program that imports listingkit keeps its own argparse."""
    module: Any = argparse
    with _SWITCH:
        before = module._, module.ngettext
        module._, module.ngettext = _CHINESE.gettext, _CHINESE.ngettext
        try:
            yield
        finally:
            module._, module.ngettext = before


class _Parser(argparse.ArgumentParser):
    """argparse in Chinese, with its usage errors returned as status 2 instead of exiting.

    Subcommand parsers are made of the same class, so they speak Chinese too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with _argparse_in_chinese():  # the -h option's help and the group titles
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        with _argparse_in_chinese():
            return super().add_subparsers(**kwargs)

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:
        with _argparse_in_chinese():  # "unrecognized arguments" is said here
            return super().parse_args(*args, **kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with _argparse_in_chinese():  # errors, and the help printed by -h
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with _argparse_in_chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with _argparse_in_chinese():
            return super().format_help()

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _ArgumentError(f"{self.prog}: 参数错误：{message}；用 --help 查看用法")


class _ArgumentError(Exception):
    pass


# Every command in the order ``listingkit --help`` lists them: its name, the line
# of help shown there, and the module whose ``add_parser`` builds it. Only the
# module of the command being run is imported (with what it imports), so
# ``listingkit images`` never pays for the sheet, slot or rule-file commands.
# tests/cli/test_lazy_commands.py holds these lines equal to the modules' own.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("check", "检查商品文件夹或文件，上传前运行", "check"),
    ("images", "检查图片：格式、尺寸、比例、大小、颜色模式、张数", "images"),
    (
        "names",
        "检查图片文件名：命名规则、商品表里的货号和颜色、序号、在别的系统上能否使用",
        "names",
    ),
    ("rename", "按命名规则批量改名照片：先显示计划，--apply 才改名，可撤销", "rename"),
    ("undo", "按改名日志撤销一次改名，恢复全部原文件名", "rename"),
    (
        "titles",
        "按公式 营销词+类目词+产品词+属性词+修饰词 为参数表的每一行生成候选标题",
        "titles",
    ),
    (
        "slots",
        "排上架时间：按需求时段、竞品上架时间和淘宝 7 天周期为每个商品选一个时段，并写明原因",
        "slots",
    ),
    ("lint-titles", "检查标题：长度、极限词、重复词、禁用字符", "lint_titles"),
    ("rules", "查看和校验平台规则文件", "rules"),
    ("explain", "说明一项检查：查什么、为什么、示例", "explain"),
    (
        "cache",
        "缓存：不带参数显示位置和大小；clean 清空（图片内容没变时，再次检查直接用上次读到的结果）",
        "cache",
    ),
)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser. Given the arguments, only the command they name is built
    in full and every other command is just its name and help line, which is all
    ``listingkit --help`` and argparse's errors about the command name show."""
    parser = _Parser(
        prog="listingkit",
        description="电商上架素材检查：标题、图片、SKU 图命名与上架时间，按平台规则文件检查。",
    )
    parser.add_argument(
        "--version", action="version", version=f"listingkit {__version__}", help="显示版本号并退出"
    )
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的调用栈")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = _module_of(argv)
    built: set[str] = set()
    for name, help_line, module in COMMANDS:
        if module in built:
            continue  # its add_parser made this command too (rename makes undo)
        if argv is None or module == chosen:
            importlib.import_module(f"listingkit.cli.{module}").add_parser(commands)
            built.add(module)
        else:
            commands.add_parser(name, help=help_line)
    return parser


def _module_of(argv: Sequence[str] | None) -> str | None:
    """The module of the command argparse will run: the first argument that is
    not an option (``listingkit --debug images …``). The top-level options take
    no value, so anything before it starting with ``-`` is an option or an error
    argparse reports itself. None when no known command comes first (``--help``,
    a misspelt name): argparse then stops before any command runs."""
    modules = {name: module for name, _, module in COMMANDS}
    for argument in argv or ():
        if argument in modules:
            return modules[argument]
        if not argument.startswith("-") or argument == "-":
            return None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    _cover_closed_descriptors()
    if sys.stderr is None:  # started with 2>&-: messages go nowhere, never into the report
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the whole run
    if argv is None:
        # Run as the command: the interpreter's last cycle collection at exit would
        # walk every object of the run (a sheet of 10,000 rows, a dictionary) and
        # free nothing reference counting does not; frozen, they are skipped. A
        # program that calls main() keeps its own exit.
        atexit.register(gc.freeze)
    with _signals_raise() as received:
        try:
            status = _run(list(sys.argv[1:] if argv is None else argv))
            if received:  # raised where Python drops exceptions (a __del__): still stop
                raise KeyboardInterrupt if received[0] == signal.SIGINT else Terminated
            return status
        except BrokenPipeError:
            return _reader_gone()
        except KeyboardInterrupt:
            _stop_everything()
            _say("listingkit: 已中断（SIGINT），工作进程已停止，临时文件已删除")
            return _stopped(EXIT_INTERRUPTED, argv)
        except Terminated:
            _stop_everything()
            _say("listingkit: 收到 SIGTERM，已停止；工作进程已停止，临时文件已删除")
            return _stopped(EXIT_TERMINATED, argv)


def _stopped(status: int, argv: Sequence[str] | None) -> int:
    """Leave at once after a signal when run as the command (``argv`` None): workers and
    temporary files are gone already, and the interpreter's normal exit would join the
    process pool's threads, which a worker killed mid-write can leave waiting forever."""
    if argv is not None:  # called from a program: return to it
        return status
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


def _run(argv: list[str]) -> int:
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except _ArgumentError as exc:
        _say(str(exc))
        return EXIT_ERROR
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    try:
        status: int = args.handler(args)
        _flush_stdout()
    except RuleFileError as exc:
        for problem in exc.problems:
            _say(str(problem))
        return EXIT_ERROR
    except ListingkitError as exc:
        _say(f"listingkit: {exc}")
        return EXIT_ERROR
    except BrokenPipeError:
        raise
    except OSError as exc:
        _say(f"listingkit: {_os_error_line(exc)}")
        return EXIT_ERROR
    except Exception as exc:
        if args.debug:
            import traceback  # only for --debug

            traceback.print_exc()
        else:
            _say(
                f"listingkit: 内部错误 {type(exc).__name__}: {printable(str(exc))}；"
                "请加 --debug 重新运行并把输出报告给维护者"
            )
        return EXIT_ERROR
    return status


def _say(line: str) -> None:
    """One line on standard error; a closed or broken stderr must not turn into a traceback."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _flush_stdout() -> None:
    # Flushed here, so a broken pipe or a full disk is met inside main, not at exit.
    if sys.stdout is not None:
        sys.stdout.flush()


def _reader_gone() -> int:
    """``listingkit … | head -1``: the reader left; stop quietly.

    As the Python documentation advises (signal module, "Note on SIGPIPE"):
    point standard output at /dev/null so the flush at exit does not raise
    again. The status is 141 (128 + SIGPIPE), what a shell reports for any
    other program stopped by a closed pipe, so ``set -o pipefail`` scripts
    treat listingkit like ``grep`` or ``cat``; it is not 0 because the report
    was not delivered whole.
    """
    _stop_everything()
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_BROKEN_PIPE


def _os_error_line(exc: OSError) -> str:
    """An operating-system error no layer turned into a message: name the file and the reason."""
    from listingkit.oserrors import os_reason

    if isinstance(exc.filename, str | bytes):
        return f"{show_path(os.fsdecode(exc.filename))}：{os_reason(exc)}"
    return f"系统错误：{os_reason(exc)}"


def _stop_everything() -> None:
    """After Ctrl-C, SIGTERM or a closed pipe: no worker and no temporary file survives."""
    from listingkit.safeio import remove_temporaries
    from listingkit.workers import stop_all_pools

    stop_all_pools()
    remove_temporaries()


def _cover_closed_descriptors() -> None:
    """Started with ``>&-`` or ``2>&-``: hold descriptors 0-2 open on /dev/null.

    Otherwise the next file opened (a temporary output file) would get number
    1 or 2, and anything written to "standard output" would land in it.
    """
    for number in (0, 1, 2):
        try:
            os.fstat(number)
        except OSError:
            with contextlib.suppress(OSError):
                opened = os.open(os.devnull, os.O_RDWR)
                if opened != number:  # a lower one was closed too and took it first
                    os.dup2(opened, number)
                    os.close(opened)


def _raise_in(main_pid: int, received: list[int]) -> Callable[[int, object], None]:
    """The handler for SIGINT and SIGTERM in the process ``main_pid``.

    A worker forked from it keeps this handler until its initializer replaces
    it; a signal in that moment must end the worker quietly, not raise into
    the pool's start-up code.
    """

    def handler(signum: int, frame: object) -> None:
        if os.getpid() != main_pid:
            if signum == signal.SIGTERM:
                os._exit(EXIT_TERMINATED)
            return  # SIGINT: the parent decides
        _ignore_further_signals()
        received.append(signum)
        raise KeyboardInterrupt if signum == signal.SIGINT else Terminated

    return handler


def _ignore_further_signals() -> None:
    # A second Ctrl-C or SIGTERM must not cut the cleanup short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@contextlib.contextmanager
def _signals_raise() -> Iterator[list[int]]:
    """SIGINT and SIGTERM raise in the main thread while a command runs, then the
    handlers in place before (a test runner's, say) come back. Yields the list
    of signals received."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    handler = _raise_in(os.getpid(), received)
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    previous_hook = sys.unraisablehook

    def quiet_about_signals(unraisable: Any) -> None:
        # A signal that lands in a __del__ cannot propagate; main() sees it in
        # ``received`` and stops, so Python's "Exception ignored" note is noise.
        if not isinstance(unraisable.exc_value, KeyboardInterrupt | Terminated):
            previous_hook(unraisable)

    sys.unraisablehook = quiet_about_signals
    try:
        yield received
    finally:
        sys.unraisablehook = previous_hook
        for signum, previous in zip((signal.SIGINT, signal.SIGTERM), before, strict=True):
            if previous is not None:  # None: set outside Python, cannot be put back
                signal.signal(signum, previous)
