"""File parsers: the bilingual template (round trip, shifted columns, text in numbers), the eCRF workbook and the
CityCatalyst CSV (foreign notation keys and per-gas sums are warnings), bounded input. Files are written to disk and
read back as bytes, as an upload would be."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from citybridge.climate import importers
from citybridge.climate.accounting import Amount, Entry, Factor, Issue, compute_inventory
from citybridge.climate.importers import (
    TEMPLATE_COLUMNS,
    ImportedRow,
    parse_any,
    parse_citycatalyst_csv,
    parse_ecrf,
    parse_template,
    template_workbook,
    to_entry,
)


def _save(tmp_path, name: str, data: bytes) -> bytes:
    path = tmp_path / name
    path.write_bytes(data)
    return path.read_bytes()


def _xlsx(tmp_path, rows: list[list[object]], name: str = "f.xlsx") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path.read_bytes()


def _codes(res) -> list[tuple[str, int | None, str]]:
    return [(i.code, i.index, i.field) for i in res.issues]


EN = [c.en for c in TEMPLATE_COLUMNS]
ZH = [c.zh for c in TEMPLATE_COLUMNS]


def _row(**values: object) -> list[object]:
    return [values.get(c.key) for c in TEMPLATE_COLUMNS]


def test_template_round_trip_and_the_entries_it_makes(tmp_path):
    rows = [
        ImportedRow(
            3,
            "I.1.2",
            activity_value=1_000_000,
            activity_unit="kWh",
            factor_id="mee-nbs-2023-china-guangdong",
            data_quality="high",
            source="Guangdong Power Grid 2023 bill totals",
        ),
        ImportedRow(4, "I.1.1", notation_key="NO", explanation="no fuel burnt in homes"),
        ImportedRow(
            5, "III.1.1", emissions_by_gas={"CH4": Amount(12.5, "t")}, data_quality="low", source="=HYPERLINK()"
        ),
        ImportedRow(
            6,
            "I.3.1",
            activity_value=100,
            activity_unit="TJ",
            factors=(Factor("own-co2", "CO2", 56100, "kg/TJ", source="city utility"),),
        ),
    ]
    data = _save(tmp_path, "template.xlsx", template_workbook(rows))
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    header = next(wb.worksheets[0].iter_rows(max_row=2, values_only=True))
    assert list(header) == EN and "GPC 编号" in ZH and wb.sheetnames[1] == "GPC lines 编号"
    res = parse_template(data)
    assert res.ok and res.issues == []
    assert [r.ref for r in res.rows] == ["I.1.2", "I.1.1", "III.1.1", "I.3.1"]
    assert [r.row for r in res.rows] == [3, 4, 5, 6]  # English header, Chinese header, then data
    assert res.rows[0].factor_id == "mee-nbs-2023-china-guangdong" and res.rows[0].data_quality == "high"
    assert res.rows[2].source == "=HYPERLINK()"  # written as quoted text, never a formula; it comes back as written
    # entries: the library factor is resolved by id; an unknown id is a row issue
    lib = {"mee-nbs-2023-china-guangdong": [Factor("mee-nbs-2023-china-guangdong", "CO2", 0.4419, "kg/kWh")]}
    entries = [to_entry(r, lib) for r in res.rows]
    assert all(isinstance(e, Entry) for e in entries)
    inv = compute_inventory(entries, "AR6", "BASIC")
    # 441.9 (electricity) + 12.5 × 27 = 337.5 (landfill CH4) + 5,610 (100 TJ × 56,100 kg/TJ) = 6,389.4 t CO2e
    assert inv.totals.basic == pytest.approx(6389.4)
    missing = to_entry(res.rows[0], {})
    assert isinstance(missing, Issue) and missing.code == "unknown_factor" and missing.index == 3


def test_chinese_headers_alone_are_accepted(tmp_path):
    data = _xlsx(tmp_path, [ZH, _row(gpc_ref="II.1.1", activity_value="1,250.5", activity_unit="L", data_quality="中")])
    res = parse_template(data)
    assert res.ok and res.rows[0].activity_value == 1250.5 and res.rows[0].data_quality == "medium"


def test_shifted_columns_and_text_in_numbers_name_the_row_and_field(tmp_path):
    good = _row(gpc_ref="I.1.2", activity_value=10, activity_unit="kWh")
    shifted = [None, *_row(gpc_ref="I.2.2", activity_value=10, activity_unit="kWh", source="bill")]  # shifted right
    text = _row(gpc_ref="I.3.2", activity_value="about ten", activity_unit="kWh")
    res = parse_template(_xlsx(tmp_path, [EN, ZH, good, shifted, text]))
    found = _codes(res)
    assert ("missing_ref", 4, "gpc_ref") in found  # the reference moved into the notation-key column
    assert ("value_outside_columns", 4, "") in found
    assert ("not_a_number", 5, "activity_value") in found
    assert not res.ok
    # a header that is not one of ours (columns renamed or shifted in the header) is refused before any row
    res = parse_template(_xlsx(tmp_path, [["GPC reference number", "Emissions?", *EN[2:]]]))
    assert _codes(res) == [("unknown_column", 1, "")] and res.issues[0].params["column"] == "B"


def test_foreign_notation_key_in_template_is_a_warning(tmp_path):
    res = parse_template(_xlsx(tmp_path, [EN, _row(gpc_ref="I.1.1", notation_key="NA", explanation="n/a")]))
    assert res.ok and _codes(res) == [("foreign_notation_key", 2, "notation_key")]
    assert res.rows[0].notation_key is None and res.rows[0].foreign_notation_key == "NA"


def test_bounded_input(tmp_path, monkeypatch):
    assert _codes(parse_template(b"PK" + b"\0" * 10)) == [("not_xlsx", None, "")]
    assert _codes(parse_template(b"hello")) == [("not_xlsx", None, "")]
    monkeypatch.setattr(importers, "MAX_BYTES", 100)
    assert _codes(parse_template(b"x" * 101)) == [("file_too_large", None, "")]
    monkeypatch.setattr(importers, "MAX_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(importers, "MAX_ROWS", 3)
    rows = [EN] + [_row(gpc_ref="I.1.1", notation_key="NO", explanation="x")] * 4
    res = parse_template(_xlsx(tmp_path, rows))
    assert _codes(res) == [("too_many_rows", None, "")] and res.rows == []
    monkeypatch.setattr(importers, "MAX_CELL", 10)
    res = parse_template(_xlsx(tmp_path, [EN, _row(gpc_ref="I.1.1", notation_key="NO", explanation="x" * 11)]))
    assert ("cell_too_long", 2, "explanation") in _codes(res)


CC_HEADER = [
    "Inventory Reference",
    "GPC Reference Number",
    "Subsector name",
    "Notation Key",
    "Total Emissions",
    "Total Emission Units",
    "Activity type",
    "Activity Value",
    "Activity Units",
    "Emission Factor - CO2",
    "Emission Factor - CH4",
    "Emission Factor - N2O",
    "Emission Factor - Unit",
    "CO2 Emissions",
    "CH4 Emissions",
    "N2O Emissions",
    "Data source ID",
    "Data source name",
]


def _cc(tmp_path, rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL)
    w.writerow(CC_HEADER)
    w.writerows(rows)
    return _save(tmp_path, "inventory.csv", buf.getvalue().encode("utf-8"))


def test_citycatalyst_csv(tmp_path):
    data = _cc(
        tmp_path,
        [
            # per-gas columns are kg CO2e: 5,610,000 + 14,000 + 2,650 = 5,626,650 kg = 5,626.65 t = the total
            [
                "a",
                "I.2.1",
                "Commercial",
                "",
                "5626.65",
                "t CO2e",
                "natural gas",
                "100",
                "TJ",
                "56100",
                "5",
                "0.1",
                "kg/TJ",
                "5610000",
                "14000",
                "2650",
                "ds1",
                "City gas utility",
            ],
            ["a", "I.1.2", "Residential", "CI", "", "t CO2e", "", "", "", "", "", "", "", "", "", "", "", ""],
            ["a", "I.1.3", "Residential", "NE", "", "t CO2e", "", "", "", "", "", "", "", "", "", "", "", ""],
            # per-gas 9,000 + 500 + 400 = 9,900 kg = 9.9 t ≠ 10 t
            [
                "a",
                "I.3.1",
                "Industry",
                "",
                "10",
                "t CO2e",
                "diesel",
                "1",
                "TJ",
                "",
                "",
                "",
                "",
                "9000",
                "500",
                "400",
                "",
                "",
            ],
            ["a", "I.63", "Non-specified", "", "1", "t CO2e", "", "", "", "", "", "", "", "", "", "", "", ""],
        ],
    )
    res = parse_citycatalyst_csv(data)
    assert res.format == "citycatalyst"
    assert _codes(res) == [
        ("foreign_notation_key", 3, "notation_key"),
        ("gas_sum_mismatch", 5, "total_co2e"),
        ("unknown_ref", 6, "gpc_ref"),  # the I.63 typo is reported, never read as I.6.3
    ]
    mismatch = res.issues[1]
    assert mismatch.params == {"sum_t": pytest.approx(9.9), "total_t": 10.0}
    by_ref = {r.ref: r for r in res.rows}
    gas = by_ref["I.2.1"]
    assert gas.emissions_by_gas == {"CO2": Amount(pytest.approx(5610), "t"), "CO2e": Amount(pytest.approx(16.65), "t")}
    assert gas.reported_co2e_by_gas_t == {"CO2": 5610, "CH4": 14, "N2O": 2.65}
    assert by_ref["I.1.2"].foreign_notation_key == "CI" and by_ref["I.1.2"].notation_key is None  # kept, not mapped
    assert by_ref["I.1.3"].notation_key == "NE"
    assert by_ref["I.3.1"].emissions_by_gas == {"CO2e": Amount(10.0, "t")}  # the file's total, with the warning
    assert len(res.rows) == 5  # nothing dropped


def test_citycatalyst_rows_of_one_line_are_merged_with_a_warning(tmp_path):
    data = _cc(
        tmp_path,
        [
            ["a", "II.1.1", "On-road", "", "2", "t CO2e", "gasoline", "", "", "", "", "", "", "2000", "", "", "", "s1"],
            ["a", "II.1.1", "On-road", "", "3", "t CO2e", "diesel", "", "", "", "", "", "", "3000", "", "", "", "s2"],
        ],
    )
    res = parse_citycatalyst_csv(data)
    assert _codes(res) == [("rows_merged", 2, "")] and res.issues[0].params["rows"] == [2, 3]
    assert res.rows[0].emissions_by_gas == {"CO2": Amount(5.0, "t")} and res.rows[0].source == "s1; s2"


def test_citycatalyst_csv_bad_files(tmp_path):
    assert _codes(parse_citycatalyst_csv("GPC Reference Number\n\xff".encode("latin-1"))) == [("not_utf8", None, "")]
    res = parse_citycatalyst_csv(b"a,b,c\n1,2,3\n")
    assert [c for c, _, _ in _codes(res)] == ["missing_column", "missing_column", "missing_column"]
    text = _cc(tmp_path, [["a", "I.1.1", "R", "", "lots", "t CO2e", *[""] * 12]])
    assert ("not_a_number", 2, "total_co2e") in _codes(parse_citycatalyst_csv(text))


ECRF_HEADER = [
    "Inventory year",
    "GPC ref. no.",
    "CRF - Sector",
    "CRF - Sub-sector",
    "Scope",
    "Fuel type or activity",
    "Notation key",
    "Activity data - Amount",
    "Activity data - Unit",
    "Activity data - Description and Methodology",
    "Activity data - Source",
    "Activity data - Data Quality",
    "Emission factor - Unit",
    "Emission factor - CO2",
    "Emission factor - CH4",
    "Emission factor - N2O",
    "Emission factor - Total CO2e",
    "Emission factor - Biogenic CO2",
    "Emission factor - Oxidation factor",
    "Emission factor - Year",
    "Emission factor - Scale",
    "Emission factor - Description",
    "Emission factor - Source",
    "Emission factor - Data Quality",
    "GHGs (metric tonnes CO2e) - CO2",
    "GHGs (metric tonnes CO2e) - CH4",
    "GHGs (metric tonnes CO2e) - N2O",
    "GHGs (metric tonnes CO2e) - Total CO2e",
    "GHGs (metric tonnes CO2e) - Biogenic CO2",
]


def _ecrf_row(ref, key=None, amount=None, unit=None, co2=None, ch4=None, n2o=None, total=None, quality=None):
    row = [None] * len(ECRF_HEADER)
    col = {h: i for i, h in enumerate(ECRF_HEADER)}
    row[col["Inventory year"]] = 2021
    row[col["GPC ref. no."]] = ref
    row[col["Notation key"]] = key
    row[col["Activity data - Amount"]] = amount
    row[col["Activity data - Unit"]] = unit
    row[col["Activity data - Data Quality"]] = quality
    row[col["GHGs (metric tonnes CO2e) - CO2"]] = co2
    row[col["GHGs (metric tonnes CO2e) - CH4"]] = ch4
    row[col["GHGs (metric tonnes CO2e) - N2O"]] = n2o
    row[col["GHGs (metric tonnes CO2e) - Total CO2e"]] = total
    return row


def test_ecrf_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "eCRF_1"
    wb.active.append(["Type", "City-wide inventory"])
    ws = wb.create_sheet("eCRF_3")
    ws.append(ECRF_HEADER)
    # GHG columns are t CO2e: 900 + 60 + 40 = 1,000 = total
    ws.append(_ecrf_row("I.1.1", amount=12, unit="TJ", co2=900, ch4=60, n2o=40, total=1000, quality="H"))
    ws.append(_ecrf_row("I.1.2", key="IE"))
    ws.append(_ecrf_row("I.1.3", key="NA"))
    ws.append(_ecrf_row("II.1.1", co2=500, total=510))
    ws.append(_ecrf_row("III.1.1"))
    ws.append([None] * 5)
    path = tmp_path / "ecrf.xlsx"
    wb.save(path)
    res = parse_any(path.read_bytes(), "ecrf.xlsx")
    assert res.format == "ecrf"
    assert _codes(res) == [
        ("foreign_notation_key", 4, "notation_key"),
        ("gas_sum_mismatch", 5, "total_co2e"),
        ("row_without_data", 6, ""),
    ]
    rows = {r.ref: r for r in res.rows}
    assert rows["I.1.1"].emissions_by_gas == {"CO2": Amount(900.0, "t"), "CO2e": Amount(100.0, "t")}
    assert rows["I.1.1"].data_quality == "high" and rows["I.1.1"].total_co2e_t == 1000
    assert rows["I.1.2"].notation_key == "IE"
    # entries from the file: the IE line has no explanation in the file, which the engine reports by code
    entry = to_entry(rows["I.1.2"])
    assert isinstance(entry, Entry) and entry.notation_key == "IE"


def test_ecrf_without_its_header_falls_back_to_the_template_reader(tmp_path):
    res = parse_any(_xlsx(tmp_path, [["nothing", "here"]]), "x.xlsx")
    assert res.format == "template" and _codes(res) == [("header_not_found", None, "")]
    assert parse_ecrf(_xlsx(tmp_path, [["nothing"]])).issues[0].code == "header_not_found"
    assert parse_any(b"\x00\x01", "x.bin").issues[0].code == "unknown_format"


def test_blank_rows_are_bounded_too_and_a_broken_csv_is_one_issue(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "MAX_SCAN_ROWS", 50)
    monkeypatch.setattr(importers, "MAX_ROWS", 5)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(EN)
    ws.cell(row=200, column=1, value="I.1.1")  # 198 blank rows in between
    path = tmp_path / "blank.xlsx"
    wb.save(path)
    assert _codes(parse_template(path.read_bytes())) == [("too_many_rows", None, "")]
    huge = b'"GPC Reference Number","Notation Key","Total Emissions"\n"' + b"x" * 200_000 + b'",NO,1\n'
    assert _codes(parse_citycatalyst_csv(huge)) == [("unreadable_file", None, "")]
