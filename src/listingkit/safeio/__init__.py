"""The only way files come in and reports go out.

Every input a user hands over (sheets, title files, keyword files, rule files,
word lists, watermark templates) is read through :mod:`listingkit.safeio.read`:
regular files only, never a pipe or a device, within a size limit, decoded by
a fixed list of encodings. Every output (reports, result sheets) is written
through :mod:`listingkit.safeio.write`: never onto a device, a pipe or a file
that is not ours without ``--force``, through a fresh temporary file that is
renamed into place and removed on any failure or signal.
"""

from listingkit.safeio.read import (
    MAX_RULE_FILE_BYTES,
    MAX_SHEET_BYTES,
    MAX_TEXT_FILE_BYTES,
    decode_text,
    read_input,
    show_path,
)
from listingkit.safeio.write import (
    atomic_output,
    check_target,
    has_marker,
    remove_temporaries,
)

__all__ = [
    "MAX_RULE_FILE_BYTES",
    "MAX_SHEET_BYTES",
    "MAX_TEXT_FILE_BYTES",
    "atomic_output",
    "check_target",
    "decode_text",
    "has_marker",
    "read_input",
    "remove_temporaries",
    "show_path",
]
