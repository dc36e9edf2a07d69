"""Write a new .xlsx (candidate titles and the like) without ever clobbering an input.

openpyxl is imported only when a file is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import itertools
import os
import re
import shutil
import signal
import stat
import threading
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from listingkit.errors import SheetError
from listingkit.printable import show_path
from listingkit.safeio import atomic_output, check_target
from listingkit.sheets.model import column_name
from listingkit.sheets.text import display_width

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "CREATOR",
    "column_widths",
    "formula_safe",
    "is_our_workbook",
    "open_regular",
    "safe_cell",
    "write_xlsx",
    "write_xlsx_book",
    "write_xlsx_stream",
]

# Column widths come from the header and this many first rows, so the rest can
# stream straight to disk.
_WIDTH_SAMPLE = 200
_MIN_WIDTH, _MAX_WIDTH = 8, 60
# Excel re-reads a cell starting with one of these as a formula once it is edited;
# '#' covers the error literals (#N/A) that openpyxl would store as error cells.
# Full-width forms too: an input method may turn them into the ASCII ones on edit.
_FORMULA_LEAD = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
_RISKY_LEAD = (*_FORMULA_LEAD, "#", "＃")
# Skipped before the test above: a tab or CR is a known way round formula guards,
# and a zero-width or direction mark hides what the cell starts with.
_INVISIBLE_LEAD = (
    " \t\r\n\u00a0\u3000\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"
)
# Control characters pasted in from web pages: openpyxl refuses a cell holding a C0
# one (the XML cannot carry them; openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE), and DEL
# and the C1 ones are invisible anyway, so they all go (tab, LF and CR stay).
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037\177-\237]")
_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31
#: The workbook's creator property, the mark of a file listingkit may replace.
CREATOR = "listingkit"
_CREATOR_MARK = re.compile(rb"<dc:creator(?:\s[^>]{0,200})?>\s*listingkit\s*</dc:creator>")
_CORE_XML_MAX = 64 * 1024
# A large part (the sheet's XML, some 20 MB for 10,000 rows of titles) is deflated
# in blocks on two threads, zlib letting go of the GIL: the file is saved once every
# row is in, when nothing else is left to do and the second core is idle. Each block
# is primed with the 32 KiB before it (deflate's window), so it compresses as well.
_DEFLATE_BLOCK = 1 << 20
_DEFLATE_WINDOW = 32 * 1024
_DEFLATE_THREADS = 2


def write_xlsx(
    path: str | os.PathLike[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    sheet_name: str = "标题",
    overwrite: bool = False,
) -> None:
    """Write ``headers`` and ``rows`` to a new .xlsx file at ``path``.

    Refuses (:class:`SheetError`) a name not ending in .xlsx, and
    (:class:`OutputError`) any of ``inputs``, a device, FIFO or folder, and an
    existing file that is not a workbook listingkit wrote unless ``overwrite``.
    The file appears complete or not at all (see :func:`listingkit.safeio.atomic_output`).
    Text that Excel would take for a formula (``=SUM(…)``, ``+86 138``, ``-5%``,
    ``@home``, also behind control or invisible characters) is stored as text.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise SheetError(f"输出文件必须以 .xlsx 结尾：{show_path(target)}；请改用 .xlsx 文件名")
    _check_sheet_name(target, sheet_name)
    check_target(target, inputs=inputs, force=overwrite, ours=is_our_workbook)
    rows = iter(rows)
    sample = [list(row) for row in itertools.islice(rows, _WIDTH_SAMPLE)]
    try:
        with atomic_output(
            target, binary=True, inputs=inputs, force=overwrite, ours=is_our_workbook
        ) as handle:
            _save(handle, headers, itertools.chain(sample, _own_errors(rows)), sample, sheet_name)
    except _RowsFailed as failed:
        raise failed.error from None


class _RowsFailed(Exception):
    """An error raised by the rows themselves (made while the file is written),
    carried past :func:`atomic_output`, which would report it as a write error."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


def _own_errors(rows: Iterator[Sequence[object]]) -> Iterator[Sequence[object]]:
    try:
        yield from rows
    except OSError as exc:
        raise _RowsFailed(exc) from exc


def write_xlsx_book(
    path: str | os.PathLike[str],
    fill: Callable[[Workbook], None],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    overwrite: bool = False,
) -> None:
    """Write a workbook of several sheets that ``fill`` adds, with :func:`write_xlsx`'s guarantees.

    ``fill`` gets a write-only workbook and creates its sheets; it builds every
    cell with :func:`safe_cell` (formula-looking text stays text, control
    characters go). The target is refused and replaced as by :func:`write_xlsx`.
    """
    from openpyxl import Workbook

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise SheetError(f"输出文件必须以 .xlsx 结尾：{show_path(target)}；请改用 .xlsx 文件名")
    check_target(target, inputs=inputs, force=overwrite, ours=is_our_workbook)
    with atomic_output(
        target, binary=True, inputs=inputs, force=overwrite, ours=is_our_workbook
    ) as handle:
        book = Workbook(write_only=True)
        book.properties.creator = CREATOR  # how a later run knows it may replace this file
        try:
            fill(book)
            for name in book.sheetnames:
                _check_sheet_name(target, name)
            _save_book(book, handle)
        except BaseException:
            for sheet in book.worksheets:
                _discard_spool(sheet)
            raise


def write_xlsx_stream(handle: IO[bytes], fill: Callable[[Workbook], None]) -> None:
    """Write the workbook ``fill`` makes, as :func:`write_xlsx_book` does, to an open ``handle``.

    For a stream the caller opened and guards itself (an ``--output`` file,
    standard output): the workbook carries :data:`CREATOR`, so a later run may
    replace it, and ``fill`` builds every cell with :func:`safe_cell`.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.properties.creator = CREATOR  # how a later run knows it may replace this file
    try:
        fill(book)
        _save_book(book, handle)
    except BaseException:
        for sheet in book.worksheets:
            _discard_spool(sheet)
        raise


def column_widths(headers: Sequence[str], sample: Sequence[Sequence[object]]) -> list[float]:
    """Column widths fitting ``headers`` and ``sample`` rows as :func:`write_xlsx` sets them
    (Chinese and full-width characters count two, between 8 and 60)."""
    return _widths(headers, sample)


def safe_cell(sheet: WriteOnlyWorksheet, value: object) -> Cell:
    """A cell of ``sheet`` holding ``value`` as :func:`write_xlsx` stores it, ready for styles."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    stored = _value(sheet, value)
    if isinstance(stored, Cell):
        return stored
    return WriteOnlyCell(sheet, stored)  # type: ignore[arg-type]  # _value's cell values


def formula_safe(text: str) -> str:
    """``text`` for a .csv: control characters removed, and a leading apostrophe
    when Excel would read it as a formula or an error value (as :func:`write_xlsx`
    marks such a cell as text)."""
    cleaned = _clean(text)
    return "'" + cleaned if _looks_risky(cleaned) else cleaned


def is_our_workbook(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an .xlsx listingkit wrote: its creator property says so.

    Reads only the zip directory and ``docProps/core.xml`` (at most 64 KiB of it).
    """
    try:
        with open_regular(path) as handle, zipfile.ZipFile(handle) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > _CORE_XML_MAX:
                return False
            with archive.open(info) as member:
                core = member.read(_CORE_XML_MAX)
    except (OSError, KeyError, ValueError, RuntimeError, EOFError, NotImplementedError):
        return False
    except (zipfile.BadZipFile, zlib.error):
        return False
    return _CREATOR_MARK.search(core) is not None


def _check_sheet_name(target: Path, name: str) -> None:
    if not name or len(name) > _SHEET_NAME_MAX or _BAD_SHEET_NAME.search(name):
        raise SheetError(
            f"{target}：工作表名“{name}”不能用：Excel 要求 1 到 31 个字符，且不含 [ ] : * ? / \\"
        )


def _save(
    handle: IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    sample: Sequence[Sequence[object]],
    sheet_name: str,
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    book.properties.creator = CREATOR  # how a later run knows it may replace this file
    sheet = book.create_sheet(sheet_name)
    # In write-only mode widths and panes must be set before the first row.
    for index, width in enumerate(_widths(headers, sample)):
        sheet.column_dimensions[column_name(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = [_cell(sheet, header) for header in headers]
    for cell in header_cells:
        cell.font = bold
    try:
        # The first row creates the spool file: a signal in between would leave
        # it where nothing removes it, so one waits until the sheet knows it.
        with _signals_deferred():
            sheet.append(header_cells)
        for row in rows:
            sheet.append([_value(sheet, value) for value in row])
        _save_book(book, handle)
    except BaseException:
        _discard_spool(sheet)
        raise


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM noted during the block and raised again after it.

    Only the main thread sets handlers; elsewhere, or under a handler set
    outside Python, the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def note(signum: int, frame: object) -> None:
        caught.append(signum)

    before: dict[signal.Signals, Any] = {}
    try:
        for held in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(held) is None:  # not Python's to restore
                continue
            before[held] = signal.signal(held, note)
        yield
    finally:
        for held, handler in before.items():
            signal.signal(held, handler)
        for signum in caught:
            signal.raise_signal(signum)


def _save_book(book: Workbook, handle: IO[bytes]) -> None:
    """``book.save(handle)``, with the zip closed even when writing fails.

    openpyxl leaves its zip open on an error; collected later it writes to the
    closed file and prints "Exception ignored … Traceback" at exit.
    """
    from concurrent.futures import ThreadPoolExecutor

    from openpyxl.writer.excel import ExcelWriter

    with ThreadPoolExecutor(_DEFLATE_THREADS) as threads:
        archive = _Archive(threads, handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        try:
            ExcelWriter(book, archive).save()  # what Workbook.save does, on our zip
        finally:
            with contextlib.suppress(Exception):
                archive.close()


class _Archive(zipfile.ZipFile):
    """A zip whose large files are deflated by :class:`_BlockDeflate` (the same bytes
    once inflated)."""

    def __init__(self, threads: ThreadPoolExecutor, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._threads = threads

    def write(
        self,
        filename: str | os.PathLike[str],
        arcname: str | os.PathLike[str] | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if (
            compress_type not in (None, zipfile.ZIP_DEFLATED)
            or compresslevel is not None
            or self.compression != zipfile.ZIP_DEFLATED
            or not os.path.isfile(filename)
            or os.path.getsize(filename) < 2 * _DEFLATE_BLOCK
        ):
            super().write(filename, arcname, compress_type, compresslevel)
            return
        info = zipfile.ZipInfo.from_file(filename, arcname)
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(filename, "rb") as source, self.open(info, "w") as target:
            # zipfile's own compressor, swapped before the first byte: where
            # that attribute is not there, it deflates as usual.
            if hasattr(target, "_compressor"):
                target._compressor = _BlockDeflate(self._threads)
            shutil.copyfileobj(source, target, _DEFLATE_BLOCK)


class _BlockDeflate:
    """One raw deflate stream, made of blocks deflated on ``threads`` and joined in order.

    Every block but the last ends on a sync flush (byte-aligned, not final), so
    the blocks run together into a stream any inflater reads (as pigz makes them).
    """

    def __init__(self, threads: ThreadPoolExecutor) -> None:
        self._threads = threads
        self._buffer = bytearray()
        self._window = b""
        self._pending: deque[Future[bytes]] = deque()

    def compress(self, data: bytes) -> bytes:
        self._buffer += data
        while len(self._buffer) >= _DEFLATE_BLOCK:
            block = bytes(self._buffer[:_DEFLATE_BLOCK])
            del self._buffer[:_DEFLATE_BLOCK]
            self._submit(block, last=False)
        done: list[bytes] = []
        # Blocks already deflated go out; at most a few wait, to bound the memory held.
        while self._pending and (
            self._pending[0].done() or len(self._pending) > 2 * _DEFLATE_THREADS
        ):
            done.append(self._pending.popleft().result())
        return b"".join(done)

    def flush(self) -> bytes:
        self._submit(bytes(self._buffer), last=True)
        self._buffer.clear()
        done = [future.result() for future in self._pending]
        self._pending.clear()
        return b"".join(done)

    def _submit(self, block: bytes, *, last: bool) -> None:
        try:
            future = self._threads.submit(_deflate, block, self._window, last)
        except RuntimeError:  # no thread to be had (a tight process limit): deflated here
            from concurrent.futures import Future

            future = Future()
            future.set_result(_deflate(block, self._window, last))
        self._pending.append(future)
        self._window = (self._window + block)[-_DEFLATE_WINDOW:]


def _deflate(block: bytes, window: bytes, last: bool) -> bytes:
    if window:
        compressor = zlib.compressobj(
            zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS, zdict=window
        )
    else:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS)
    end = zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH
    return compressor.compress(block) + compressor.flush(end)


def _discard_spool(sheet: WriteOnlyWorksheet) -> None:
    """Close and remove the file openpyxl spools the sheet into (in the system temp folder).

    openpyxl removes it only on a successful save (or at exit): on Ctrl-C,
    SIGTERM or a full disk it would stay, and its half-closed XML stream would
    print "Exception ignored" when collected.
    """
    writer = getattr(sheet, "_writer", None)
    rows = getattr(sheet, "_rows", None)
    with contextlib.suppress(Exception):
        if rows is not None:
            rows.close()
    if writer is None:
        return
    with contextlib.suppress(Exception):
        writer.close()
    spool = getattr(writer, "out", None)
    if isinstance(spool, str):
        with contextlib.suppress(OSError):
            os.remove(spool)
        with contextlib.suppress(Exception):
            openpyxl_spools().remove(spool)


def open_regular(path: str | os.PathLike[str]) -> IO[bytes]:
    """``path`` opened for reading if it is a regular file, never waiting on a FIFO
    swapped in since it was checked, never through a symbolic link."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
    return os.fdopen(descriptor, "rb")


def openpyxl_spools() -> list[str]:
    """openpyxl's list of spool files it removes at exit."""
    from openpyxl.worksheet import _writer

    spools: list[str] = _writer.ALL_TEMP_FILES
    return spools


def _value(sheet: WriteOnlyWorksheet, value: object) -> object:
    if isinstance(value, str):
        text = _clean(value)
        if _looks_risky(text):
            return _text_cell(sheet, text)
        return text
    if value is None or isinstance(value, int | float | Decimal | dt.date | dt.time | dt.timedelta):
        return value
    return _value(sheet, str(value))


def _cell(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    """A header cell: always text, whatever it looks like."""
    return _text_cell(sheet, _clean(text))


def _looks_risky(text: str) -> bool:
    # Decided on the cleaned text, and past leading blanks and invisible characters:
    # "\x01=HYPERLINK(…)" is "=HYPERLINK(…)" once the control character is gone.
    return text.lstrip(_INVISIBLE_LEAD).startswith(_RISKY_LEAD)


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, text)
    # openpyxl would store "=…" as a formula and "#N/A" as an error value: force text.
    cell.data_type = "s"
    if text.lstrip(_INVISIBLE_LEAD).startswith(_FORMULA_LEAD):
        # Excel's leading apostrophe: the cell stays text even after it is edited.
        cell.quotePrefix = True
    return cell


def _clean(text: str) -> str:
    return _ILLEGAL.sub("", text)


def _widths(headers: Sequence[str], sample: Sequence[Sequence[object]]) -> list[float]:
    count = max([len(headers), *(len(row) for row in sample)])
    widths = [0] * count
    for row in (headers, *sample):
        for index, value in enumerate(row):
            text = "" if value is None else str(value)
            longest = max((display_width(line) for line in text.splitlines()), default=0)
            widths[index] = max(widths[index], longest)
    return [float(min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)) for width in widths]
