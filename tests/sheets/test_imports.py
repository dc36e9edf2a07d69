"""Importing the sheet layer must not load the spreadsheet libraries."""

from __future__ import annotations

import subprocess
import sys

import listingkit.sheets


def test_import_does_not_load_calamine_or_openpyxl() -> None:
    code = (
        "import sys, listingkit.sheets;"
        "print(sorted(m for m in sys.modules"
        " if m.split('.')[0] in {'python_calamine', 'openpyxl'}))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]", run.stdout


def test_public_names_are_exported() -> None:
    for name in listingkit.sheets.__all__:
        assert hasattr(listingkit.sheets, name), name
    assert {"read_sheet", "find_columns", "split_list", "read_keywords", "write_xlsx"} <= set(
        listingkit.sheets.__all__
    )
