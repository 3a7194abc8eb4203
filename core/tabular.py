"""Tables that arrive as a header row and rows of cells: CSV and XLSX files, spreadsheet ranges read through an API.

The platform's rules for them, in one place:
  * headers are free text, normalised the borough's way (lower case, dots removed, every other run of
    non-alphanumeric characters -> '_', leading and trailing '_' removed); a blank header at position n is named
    `column<n>`, as the borough's tools named unnamed columns;
  * two headers that normalise to one name are refused (TabularProblem): which one a model should read would be a
    guess, and two columns must never merge;
  * cells are text; an empty cell is null (CSV and spreadsheets do not tell an empty cell from a missing one);
  * a file that cannot be read whole (not the expected encoding, cut short, not a workbook, empty) is refused whole
    with the reason, so a half-read file never lands.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


class TabularProblem(ValueError):
    """Why a delivery cannot be read as a table; the message says what to ask the sender for."""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]  # the header cells as received
    columns: tuple[str, ...]  # the normalised column names, one per header cell (and per extra cell position)
    rows: tuple[tuple[int, tuple[str | None, ...]], ...]  # (row number, cells), header = row 1, blank rows left out

    def records(self) -> Iterator[tuple[int, dict[str, str | None]]]:
        for number, cells in self.rows:
            yield number, dict(zip(self.columns, cells, strict=True))


def normalise_header(text: str) -> str:
    """'Order value (£)' -> 'order_value', 'Form ref.' -> 'form_ref', 'UH Property Reference (e.g. P000123)' ->
    'uh_property_reference_eg_p000123'."""
    lowered = text.strip().lower().replace(".", "")
    return _NON_ALNUM.sub("_", lowered).strip("_")


def column_names(header: Sequence[str | None], width: int, reserved: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Normalised names for `width` columns under `header` (shorter headers are padded with blanks)."""
    names: list[str] = []
    texts = [(header[p] if p < len(header) else None) or "" for p in range(width)]
    where: dict[str, int] = {}
    for position, text in enumerate(texts):
        name = normalise_header(text) or f"column{position + 1}"
        if name[0].isdigit():
            name = f"c_{name}"  # an identifier may not start with a digit
        clash = where.get(name)
        if clash is not None or name in reserved:
            first = f"column {clash + 1} ({texts[clash]!r})" if clash is not None else "a name the platform adds"
            raise TabularProblem(
                f"headers {first} and column {position + 1} ({text!r}) both normalise to {name!r}: the delivery was "
                "not landed, because which one to read would be a guess. Rename one of them at the source."
            )
        where[name] = position
        names.append(name)
    return tuple(names)


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        text = value.strftime("%d/%m/%Y %H:%M:%S")
    elif isinstance(value, date):
        text = value.strftime("%d/%m/%Y")
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text if text != "" else None


def from_rows(cells: Sequence[Sequence[Any]], reserved: frozenset[str] = frozenset(), ragged: bool = True) -> Table:
    """A table from a header row and rows of cells. ragged: rows may be shorter than the header (a spreadsheet API
    trims trailing empty cells); otherwise a short row means the delivery was cut short and is refused."""
    if not cells:
        raise TabularProblem("no header row: the delivery is empty")
    header = tuple("" if h is None else str(h) for h in cells[0])
    width = max(len(row) for row in cells)
    columns = column_names(header, width, reserved)
    rows = []
    for offset, row in enumerate(cells[1:], start=2):
        values = tuple(_cell(v) for v in row)
        if not ragged and len(values) < len(header):
            raise TabularProblem(
                f"row {offset} has {len(values)} of {len(header)} fields: the file looks cut short. It was not "
                "landed; ask the sender for the file again."
            )
        if all(v is None for v in values):
            continue
        rows.append((offset, values + (None,) * (width - len(values))))
    return Table(header, columns, tuple(rows))


def read_csv(data: bytes, encoding: str = "utf-8", reserved: frozenset[str] = frozenset()) -> Table:
    """A CSV file (any line ending, quoted cells may span lines), decoded strictly."""
    if not data:
        raise TabularProblem("the file is empty (0 bytes): it was not landed; ask the sender for the file again")
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TabularProblem(
            f"not valid {encoding} text (byte 0x{data[error.start]:02x} on line {line}): it was not landed. Ask the "
            f"sender for a {encoding} export, or set this sender's encoding if it always sends another one."
        ) from None
    try:
        cells = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise TabularProblem(f"not a well-formed CSV file ({error}): it was not landed") from None
    if text and not text.endswith(("\n", "\r")) and len(cells) > 1:
        # Every CSV writer ends the last row with a line break; a file that stops mid-row was cut short.
        raise TabularProblem(
            f"the last row (row {len(cells)}) has no line ending: the file looks cut short. It was not landed; "
            "ask the sender for the file again."
        )
    return from_rows(cells, reserved, ragged=False)


def read_xlsx(data: bytes, sheet: str | None = None, reserved: frozenset[str] = frozenset()) -> Table:
    """The first worksheet of an XLSX workbook (or the one named `sheet`)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not data:
        raise TabularProblem("the file is empty (0 bytes): it was not landed; ask the sender for the file again")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise TabularProblem(
            f"not a readable XLSX workbook ({type(error).__name__}: {error}): it was not landed. The file may be cut "
            "short; ask the sender for it again."
        ) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise TabularProblem(f"the workbook has no sheet {sheet!r} (it has {', '.join(book.sheetnames)})")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        cells = [list(row) for row in worksheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TabularProblem(
            f"the workbook cannot be read whole ({type(error).__name__}: {error}): not landed"
        ) from None
    finally:
        book.close()
    while cells and all(v is None for v in cells[-1]):
        cells.pop()
    return from_rows([_trim(row) for row in cells], reserved, ragged=True)


def _trim(row: list[Any]) -> list[Any]:
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return row[:end]
