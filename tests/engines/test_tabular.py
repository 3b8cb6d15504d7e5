"""The upload kit: one reader for every tabular upload (CSV in any encoding and delimiter the importers
accept, Excel through calamine), declared columns, clean refusals for oversized files, zip bombs and
overlong CSV fields, and the grouped report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from susi.engines import tabular
from susi.engines.tabular import Column, Table, TabularError

TABLE = Table(
    (
        Column("cpr", "CPR-nummer", ("cpr", "cprnummer")),
        Column("value", "værdi", ("vaerdi", "value")),
        Column("note", "note", required=False),
    )
)


def rows_of(data: bytes, name: str = "f.csv", **kwargs) -> list[list]:
    upload = tabular.open_upload(io.BytesIO(data), name, **kwargs)
    return [list(row) for row in upload.rows]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ";"),
        ("utf-8-sig", ";"),  # Excel's "CSV UTF-8" writes a BOM
        ("cp1252", ";"),  # Danish Excel's plain "CSV"
        ("utf-8", ","),
        ("cp1252", "\t"),
    ],
)
def test_csv_in_every_encoding_and_delimiter_the_importers_accept(encoding, delimiter):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([["Værdi", "Måleredskab", "note"], ["2,5", "Ærø", "å"]])
    rows = rows_of(out.getvalue().encode(encoding))
    assert rows == [["Værdi", "Måleredskab", "note"], ["2,5", "Ærø", "å"]]


def test_headings_are_matched_by_alias_and_a_missing_column_is_named_in_both_languages():
    located = TABLE.locate(["  CPR nummer ", "VÆRDI"])
    assert located.positions == {"cpr": 0, "value": 1}
    assert located.cell(["0101314000", "3"], "value") == "3"
    assert located.cell(["0101314000"], "note") is None
    with pytest.raises(TabularError) as err:
        TABLE.locate(["cpr", "note"])
    assert err.value.code == "missing_columns"
    assert "værdi" in err.value.message.da and "mangler" in err.value.message.da
    assert "missing" in err.value.message.en


def test_data_rows_number_rows_as_the_user_sees_them_and_skip_empty_ones():
    rows = [["a", "b"], ["", None], None, ["1", ""], ["", "2"]]
    assert list(tabular.data_rows(iter(rows[1:]))) == [(4, ["1", ""]), (5, ["", "2"])]


def test_excel_is_read_with_calamine_and_gives_whole_numbers_as_int():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Data")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["cpr", "værdi", "dato"])
    sheet.write_row(1, 0, [101314000, 2.5])
    sheet.write_datetime(1, 2, dt.datetime(2024, 3, 1), date_format)
    sheet.write_row(3, 0, ["x", "", "y"])
    book.add_worksheet("Andet").write(0, 0, "z")
    book.close()
    data = buffer.getvalue()
    assert list(tabular.excel_sheets(io.BytesIO(data))) == ["Data", "Andet"]
    rows = rows_of(data, "maalinger.xlsx")
    assert rows[0] == ["cpr", "værdi", "dato"]
    assert rows[1][:2] == [101314000, 2.5] and type(rows[1][0]) is int
    assert tabular.parse_date(rows[1][2]) == dt.date(2024, 3, 1)
    assert tabular.parse_cpr_cell(rows[1][0]) == "0101314000"
    assert rows[2] == [None, None, None]  # an empty row keeps its place: row numbers stay true
    assert rows[3] == ["x", None, "y"]


def test_a_file_over_the_limit_is_refused_before_reading():
    data = b"cpr;value\n" + b"0101314000;1\n" * 1000
    assert len(rows_of(data, max_bytes=len(data))) == 1001
    with pytest.raises(TabularError) as err:
        rows_of(data, max_bytes=len(data) - 1)
    assert err.value.code == "too_large"
    assert "for stor" in err.value.message.da and "too large" in err.value.message.en


def test_an_unknown_file_type_is_refused_in_both_languages():
    with pytest.raises(TabularError) as err:
        tabular.open_upload(io.BytesIO(b"%PDF"), "rapport.pdf")
    assert "Filtypen .pdf" in err.value.message.da and "file type .pdf" in err.value.message.en


def _bomb(unpacked: int) -> bytes:
    """A zip named like a workbook whose one member is ``unpacked`` zero bytes (compresses ~1000 times)."""
    buffer = io.BytesIO()
    chunk = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        for _ in range(unpacked // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


def test_an_xlsx_zip_bomb_is_refused_from_its_directory_without_unpacking():
    data = _bomb(64 * tabular.MB)
    assert len(data) < 256 * 1024  # small on the wire
    with pytest.raises(TabularError) as err:
        tabular.open_upload(io.BytesIO(data), "bombe.xlsx", max_bytes=50 * tabular.MB)
    assert err.value.code == "excel_too_large"
    assert "udpakket" in err.value.message.da and "unpacked" in err.value.message.en
    # The absolute bound holds for a file that is not very compressible as well.
    with pytest.raises(TabularError):
        tabular.check_xlsx(io.BytesIO(_bomb(4 * tabular.MB)), max_uncompressed=2 * tabular.MB)


def test_a_broken_workbook_is_a_sentence():
    with pytest.raises(TabularError) as err:
        rows_of(b"not a zip file", "viden.xlsx")
    assert err.value.code == "excel_unreadable"


def test_a_long_csv_field_is_read_up_to_the_documented_limit_and_refused_cleanly_above_it():
    long = "x" * (200 * 1024)  # over Python's default 128 KB, which raised an unhandled csv.Error
    rows = rows_of(f"cpr;note\n0101314000;{long}\n".encode())
    assert len(rows[1][1]) == len(long)
    too_long = "x" * (tabular.CSV_FIELD_LIMIT + 1)
    with pytest.raises(TabularError) as err:
        rows_of(f"cpr;note\n0101314000;1\n0101314000;{too_long}\n".encode())
    assert err.value.code == "csv_unreadable" and err.value.row == 3
    assert "Række 3" in err.value.message.da and "Row 3" in err.value.message.en


def test_numbers_with_decimal_comma_and_unicode_minus():
    assert tabular.parse_number("0,25") == 0.25
    assert tabular.parse_number("\u22121.5") == -1.5
    assert tabular.parse_number(" 1 000,5 ") == 1000.5
    assert tabular.parse_number(3) == 3.0
    for bad in ("abc", "1.234,5", "inf", None):
        with pytest.raises((ValueError, TypeError)):
            tabular.parse_number(bad)


def test_row_ranges_and_grouped_errors():
    assert tabular.row_ranges([14, 3, 5, 9, 10, 11, 12, 13]) == "3, 5, 9-14"
    assert tabular.row_ranges([7]) == "7"
    assert tabular.row_ranges([]) == ""
    errors = [
        {"row": r, "field": "værdi", "message": "Værdien mangler eller er ikke et tal."}
        for r in (3, 5, 9, 10, 11, 12, 13, 14)
    ] + [{"row": 4, "field": "CPR-nummer", "message": "Ugyldigt."}]
    grouped = tabular.group_errors(sorted(errors, key=lambda e: e["row"]))
    assert grouped == [
        {
            "rows": "3, 5, 9-14",
            "count": 8,
            "field": "værdi",
            "message": "Værdien mangler eller er ikke et tal.",
        },
        {"rows": "4", "count": 1, "field": "CPR-nummer", "message": "Ugyldigt."},
    ]


def test_calamine_reads_what_openpyxl_read():
    """The switch of reader keeps every value an importer sees (dates compare as dates)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    rows = [
        ["CPR-nummer", "gruppe", "startdato", "værdi", "kommune", "note"],
        [101314000, "indsats", dt.datetime(2024, 1, 2), 12.5, 751, None],
        ["010131-4001", "sammenligning", "2024-01-03", 7, "0751", "æøå"],
        [None, None, None, None, None, None],
        ["010131-4002", "venteliste", dt.datetime(2024, 2, 29), -0.25, 101, True],
    ]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    reference = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True, data_only=True)
    expected = [list(r) for r in reference.worksheets[0].iter_rows(values_only=True)]

    def comparable(value):
        return value.date() if isinstance(value, dt.datetime) else value

    got = rows_of(buffer.getvalue(), "f.xlsx")
    assert [[comparable(v) for v in r] for r in got] == [[comparable(v) for v in r] for r in expected]


@settings(deadline=None, max_examples=200)
@given(st.sets(st.integers(min_value=2, max_value=200), max_size=40))
def test_row_ranges_name_exactly_the_rows(rows):
    named = set()
    for part in filter(None, tabular.row_ranges(rows).split(", ")):
        first, _, last = part.partition("-")
        named.update(range(int(first), int(last or first) + 1))
    assert named == rows
