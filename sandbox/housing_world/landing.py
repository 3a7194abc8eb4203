"""Files the borough's systems drop into the landing zone, day by day, and malformed ones on demand.

Layout under the landing root:
  housing/housing_management/<table>/<table>_full_YYYYMMDD.csv      first day: every row (initial full extract)
  housing/housing_management/<table>/<table>_changes_YYYYMMDD.csv   later days: rows changed that day only
  data-and-insight/gazetteer/llpg_full_YYYYMMDD.csv                  the whole gazetteer, every N days
  housing/repairs/<contractor>/<file>                                contractors who email exports:
      purdy           CSV, cumulative (the whole sheet so far), every day
      stannah         XLSX, cumulative, weekdays only
      herts_heritage  CSV, incremental: the responses submitted the day before (the first file: all so far);
                      later edits to a response already sent are never re-sent
Files for day D are what arrived on D: the housing changes recorded on D (written that night), the sheets as
they stood at D 00:00.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from sandbox.housing_world.contractors import Contractor
from sandbox.housing_world.housing import TABLES
from sandbox.housing_world.world import HousingRepairsWorld

HOUSING_DIR = "housing/housing_management"
GAZETTEER_DIR = "data-and-insight/gazetteer"
REPAIRS_DIR = "housing/repairs"
GAZETTEER_COLUMNS = (
    "uprn", "parent_uprn", "usrn", "address_line_1", "address_line_2", "address_line_3", "town", "postcode",
    "blpu_class", "x_coordinate", "y_coordinate",
)  # fmt: skip
MALFORMED_KINDS = (
    "bad_encoding", "missing_column", "extra_column", "renamed_header", "empty", "header_only", "truncated_csv",
    "truncated_xlsx",
)  # fmt: skip


@dataclass(frozen=True)
class ExportFile:
    path: Path
    contractor: str
    sheet_rows: tuple[int, ...]  # the responses the file holds, in file order (A1 row numbers)


@dataclass(frozen=True)
class MalformedFile:
    path: Path
    contractor: str
    kind: str
    description: str


def cell(value: Any) -> str:
    """The housing system's CSV form: ISO dates, 'YYYY-MM-DD HH:MM:SS' times, Y/N flags, empty for null."""
    if value is None:
        return ""
    if value is True:
        return "Y"
    if value is False:
        return "N"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    # Windows code pages lose what they cannot hold ("Yıldız" -> "Y?ld?z"), as a real legacy export does.
    return buffer.getvalue().encode(encoding, errors="strict" if encoding == "utf-8" else "replace")


def xlsx_bytes(rows: list[list[str]], title: str, day: date) -> bytes:
    """An XLSX whose cells are all text, as the contractor's export holds them."""
    book = Workbook(write_only=True)
    book.properties.created = book.properties.modified = datetime.combine(day, time(7))
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)  # a reader never sees half a file (unless we drop one on purpose)
    return path


class Landing:
    """Writes a world's files into a landing folder."""

    def __init__(self, world: HousingRepairsWorld, root: Path) -> None:
        self.world = world
        self.root = Path(root)

    # ------------------------------------------------------------------ one day of drops

    def write_day(self, day: date) -> list[Path]:
        paths = self.write_housing_extract(day)
        gazetteer = self.write_gazetteer(day)
        if gazetteer is not None:
            paths.append(gazetteer)
        paths += [f.path for f in self.write_exports(day)]
        return paths

    def replay(self, days: int | None = None) -> list[Path]:
        """Every day's files from the start date (default: all simulated days)."""
        out: list[Path] = []
        for i in range(days if days is not None else self.world.days):
            out += self.write_day(self.world.start_date + timedelta(days=i))
        return out

    # ------------------------------------------------------------------ housing management extract

    def housing_path(self, table: str, day: date) -> Path:
        kind = "full" if day == self.world.start_date else "changes"
        return self.root / HOUSING_DIR / table / f"{table}_{kind}_{day:%Y%m%d}.csv"

    def housing_rows(self, table: str, day: date) -> list[list[str]]:
        housing = self.world.housing
        rows = housing.full_rows(table, day) if day == self.world.start_date else housing.changed_rows(table, day)
        return [list(TABLES[table])] + [[cell(v) for v in row] for row in rows]

    def write_housing_extract(self, day: date) -> list[Path]:
        """One CSV per table: the full extract on the first day, then the rows changed that day (maybe none)."""
        return [_write(self.housing_path(t, day), csv_bytes(self.housing_rows(t, day))) for t in TABLES]

    # ------------------------------------------------------------------ gazetteer

    def gazetteer_path(self, day: date) -> Path:
        return self.root / GAZETTEER_DIR / f"llpg_full_{day:%Y%m%d}.csv"

    def gazetteer_rows(self, day: date) -> list[list[str]]:
        rows = [list(GAZETTEER_COLUMNS)]
        for a in self.world.gazetteer_on(day):
            rows.append([cell(v) for v in (a.uprn, a.parent_uprn, a.usrn, *a.lines(), "LONDON", a.postcode,
                                           a.blpu_class, a.x, a.y)])  # fmt: skip
        return rows

    def write_gazetteer(self, day: date) -> Path | None:
        """The full gazetteer on refresh days (the start date, then every `gazetteer_every_days`)."""
        if self.world.gazetteer_file_day(day) != day:
            return None
        return _write(self.gazetteer_path(day), csv_bytes(self.gazetteer_rows(day)))

    # ------------------------------------------------------------------ contractor exports

    def export_contractors(self) -> list[Contractor]:
        return [c for c in self.world.contractors.values() if c.delivery.kind != "sheets"]

    def export_path(self, contractor: Contractor, day: date) -> Path:
        return self.root / REPAIRS_DIR / contractor.key / day.strftime(contractor.delivery.file_pattern)

    def export_content(self, contractor: Contractor, day: date) -> tuple[list[list[str]], tuple[int, ...]]:
        """(rows with header, sheet rows held) of the export the contractor sends on `day`."""
        values = self.world.sheet_values(contractor.key, day)
        width = len(values[0])
        padded = [row + [""] * (width - len(row)) for row in values]
        if contractor.delivery.kind == "csv_incremental":
            # The first file backfills everything so far; after that, the day before's new responses.
            since = datetime.min if day == self.world.start_date else datetime.combine(day - timedelta(days=1), time())
            visible = self.world.log.visible(contractor.key, self.world.cutoff(day))
            chosen = [r.sheet_row for r in visible if r.raised >= since]
            return [padded[0]] + [padded[n - 1] for n in chosen], tuple(chosen)
        return padded, tuple(range(2, len(padded) + 1))

    def write_exports(self, day: date) -> list[ExportFile]:
        out = []
        for contractor in self.export_contractors():
            if contractor.delivery.weekdays_only and day.weekday() >= 5:
                continue
            rows, held = self.export_content(contractor, day)
            path = self.export_path(contractor, day)
            data = xlsx_bytes(rows, contractor.tab, day) if path.suffix == ".xlsx" else csv_bytes(rows)
            out.append(ExportFile(_write(path, data), contractor.key, held))
        return out

    # ------------------------------------------------------------------ malformed files

    def write_malformed(self, contractor_key: str, day: date, kind: str) -> MalformedFile:
        """Drop a broken export under the contractor's usual file name for `day` (replacing the good one)."""
        contractor = self.world.contractors[contractor_key]
        if kind not in MALFORMED_KINDS:
            raise ValueError(f"unknown malformed kind {kind!r}; choose one of {', '.join(MALFORMED_KINDS)}")
        rows, _ = self.export_content(contractor, day)
        path = self.export_path(contractor, day)
        if kind == "truncated_xlsx":
            path = path.with_suffix(".xlsx")
            data = xlsx_bytes(rows, contractor.tab, day)
            return self._malformed(path, contractor_key, kind, data[: len(data) // 2],
                                   f"XLSX cut to {len(data) // 2} of {len(data)} bytes")  # fmt: skip
        if path.suffix == ".xlsx":
            path = path.with_suffix(".csv")  # the contractor fell back to a CSV export that day
        header = rows[0]
        if kind == "bad_encoding":
            rows = [list(r) for r in rows]
            rows[-1 if len(rows) > 1 else 0][0] += " £"  # guarantees a byte that is not UTF-8
            described = "encoded as Windows-1252, not UTF-8 (characters it cannot hold became ?)"
            return self._malformed(path, contractor_key, kind, csv_bytes(rows, "cp1252"), described)
        if kind == "missing_column":
            i = _column_index(header, ("Postcode", "Post Code", "Postcode of property"), len(header) // 2)
            dropped = header[i]
            rows = [r[:i] + r[i + 1 :] for r in rows]
            return self._malformed(path, contractor_key, kind, csv_bytes(rows), f"column {dropped!r} missing")
        if kind == "extra_column":
            rows = [rows[0] + ["Checked by"]] + [r + ["JB" if n % 3 == 0 else ""] for n, r in enumerate(rows[1:])]
            return self._malformed(path, contractor_key, kind, csv_bytes(rows), "extra column 'Checked by'")
        if kind == "renamed_header":
            new = f"{header[0]} (date and time)"
            rows = [[new, *header[1:]], *rows[1:]]
            return self._malformed(path, contractor_key, kind, csv_bytes(rows),
                                   f"header {header[0]!r} renamed {new!r}")  # fmt: skip
        if kind == "empty":
            return self._malformed(path, contractor_key, kind, b"", "zero bytes")
        if kind == "header_only":
            return self._malformed(path, contractor_key, kind, csv_bytes(rows[:1]), "header row, no responses")
        data = csv_bytes(rows)
        cut = data.rfind(b"\r\n", 0, len(data) - 2) + 2 + 7  # stop 7 bytes into the last row
        return self._malformed(path, contractor_key, kind, data[:cut], "last row cut off mid-line")

    def _malformed(self, path: Path, contractor: str, kind: str, data: bytes, description: str) -> MalformedFile:
        return MalformedFile(_write(path, data), contractor, kind, description)


def _column_index(header: list[str], names: tuple[str, ...], default: int) -> int:
    for name in names:
        if name in header:
            return header.index(name)
    return default
