"""Reading a spreadsheet upload (.xlsx or .csv) whose columns are known by their header names:
the user-count export's reader (its limits, encodings and title rows above the header) for any
table. Each row comes with its number as a person sees it in Excel; what a cell means is the
caller's to decide."""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain, islice

from exports.user_count_file import (
    HEADER_SEARCH_ROWS,
    FileLimitError,
    UnreadableFileError,
    clean_text,
    header_text,
    read_rows,
)


@dataclass(frozen=True)
class TableRow:
    row: int  # 1-based, as a person sees it in Excel
    cells: dict  # column key → the raw cell (None when the column is absent or empty)


def _find_header(rows: list, column_of: dict[str, str],
                 is_header: Callable[[set[str]], bool]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            key = column_of.get(header_text(cell).lower())
            if key and key not in columns:
                columns[key] = position
        if is_header(set(columns)):
            return index, columns
    raise LookupError


def read_table(data: bytes, filename: str, *, columns: dict[str, list[str]],
               is_header: Callable[[set[str]], bool], header_message: str, max_rows: int,
               too_many_message: str) -> list[TableRow]:
    """The non-blank rows below the header: the first of the top rows whose recognised
    columns (`columns`: key → the names a header may give it) satisfy `is_header`. Refused
    (UnreadableFileError, FileLimitError, with the messages given) without a header or past
    `max_rows` rows, as soon as the next row is read."""
    column_of = {header_text(name).lower(): key for key, names in columns.items()
                 for name in names}
    rows = read_rows(data, filename)
    top = list(islice(rows, HEADER_SEARCH_ROWS))
    try:
        header_index, positions = _find_header(top, column_of, is_header)
    except LookupError:
        raise UnreadableFileError(header_message) from None
    table = []
    for count, row in enumerate(chain(top[header_index + 1:], rows), start=1):
        if count > max_rows:
            raise FileLimitError(too_many_message)
        if all(clean_text(value) == "" for value in row):
            continue
        table.append(TableRow(header_index + 1 + count, {
            key: row[position] if position < len(row) else None
            for key, position in positions.items()}))
    return table
