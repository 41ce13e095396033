"""The one place where a workbook cell gets its value. User text is data, never code: whatever
it begins with, it is written as a text cell showing what the user typed, minus the characters
an xlsx file cannot hold."""

import re

from openpyxl.cell.cell import ERROR_CODES, TYPE_STRING

# What an xlsx cannot hold: C0 controls other than tab, newline and carriage return (openpyxl
# raises IllegalCharacterError), lone surrogates (not encodable as UTF-8) and U+FFFE/U+FFFF
# (not XML; lxml refuses them). One such character in an older row would fail the whole
# workbook; dropping it lets the week render. DEL would be written, but as an invisible
# control character it is dropped with the rest.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

# First characters that make Excel, LibreOffice or a CSV import read text as a formula (OWASP's
# CSV injection list, plus their full-width forms, which Chinese input methods type and some
# spreadsheets fold to ASCII).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def writable_text(text: str) -> str:
    """The text without the characters a workbook cannot hold."""
    return UNWRITABLE.sub("", text)


def write_cell(sheet, row: int, column: int, value, style: str | None = None):
    """Write one cell; a str is always a text cell (never a formula or an error value).
    Numbers, dates and None keep openpyxl's own types. `style` names a registered NamedStyle."""
    text = isinstance(value, str)
    if text:
        value = writable_text(value)
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if style:
        cell.style = style  # replaces the cell's whole style, so quotePrefix is set after it
    if text:
        # openpyxl types a str beginning with "=" as a formula and "#N/A" as an error;
        # forcing the type after assignment keeps it a string.
        cell.data_type = TYPE_STRING
        if value.startswith(FORMULA_STARTS) or value in ERROR_CODES:
            # Excel's and LibreOffice's leading apostrophe: the cell stays text when someone
            # edits it and presses Enter, instead of being re-read as a formula or an error.
            cell.quotePrefix = True
    return cell
