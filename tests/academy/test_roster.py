import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from citybridge.academy.roster import (
    COLUMNS,
    parse_count,
    parse_date,
    parse_position,
    parse_roster,
    rows_to_csv,
    template_xlsx,
)

TODAY = date(2025, 6, 1)


def xlsx(rows, header=None):
    wb = Workbook()
    ws = wb.active
    ws.append(header or [c.header for c in COLUMNS])
    for r in rows:
        ws.append([r.get(c.key) for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = {
    "family_name_en": "Zhang",
    "given_name_en": "Wei",
    "family_name_zh": "张",
    "given_name_zh": "伟",
    "position": "副市长",
    "organisation": "Zhenjiang Municipal Government",
    "jurisdiction": "Zhenjiang",
    "province": "Jiangsu",
    "population": "321万",
    "population_date": "2023-12-31",
    "service_start": "2019/6/1",
    "email": "zhang.wei@example.cn",
}


def codes(res):
    return [(e.code, e.line, e.column) for e in res.errors]


def test_values():
    assert parse_date("2019年6月1日") == date(2019, 6, 1)
    assert parse_date("2019-06-01 00:00:00") == date(2019, 6, 1)
    assert parse_date("") is None
    with pytest.raises(ValueError):
        parse_date("2019-13-01")
    with pytest.raises(ValueError):
        parse_date("June 2019")
    assert parse_count("3,210,000") == 3_210_000
    assert parse_count("321万") == 3_210_000
    assert parse_count("1.2亿") == 120_000_000
    assert parse_count(3210000.0) == 3_210_000
    for bad in ("lots", "-5", "3.5", True):
        with pytest.raises(ValueError):
            parse_count(bad)
    assert parse_position("Vice Mayor") == "vice_mayor"
    assert parse_position("国有企业高管") == "soe_executive"
    assert parse_position("emperor") is None


def test_good_csv_and_xlsx_give_the_same_rows():
    other = dict(
        GOOD,
        family_name_en="Li",
        given_name_en="Na",
        family_name_zh="李",
        given_name_zh="娜",
        position="SOE executive",
        jurisdiction="",
        population="",
        population_date="",
        company="State Grid",
        company_size="1,500,000",
        email="",
    )
    for data, name in ((rows_to_csv([GOOD, other]), "r.csv"), (xlsx([GOOD, other]), "r.xlsx")):
        res = parse_roster(data, name, today=TODAY)
        assert res.ok, res.errors
        a, b = res.rows
        assert (a.line, a.position, a.population, a.service_start) == (2, "vice_mayor", 3_210_000, date(2019, 6, 1))
        assert a.population_date == date(2023, 12, 31)
        assert (b.line, b.position, b.company_size, b.population) == (3, "soe_executive", 1_500_000, None)


def test_gbk_csv_and_chinese_only_headers():
    text = "姓（中文）,名（中文）,职务,任职起始日期\n王,芳,市长,2018-01-02\n"
    res = parse_roster(text.encode("gb18030"), "r.csv", today=TODAY)
    assert res.ok and res.rows[0].family_name_zh == "王" and res.rows[0].position == "mayor"


def test_row_errors_with_codes_lines_and_columns():
    rows = [
        dict(GOOD, service_start="31/02/2019"),  # line 2: bad date
        dict(GOOD, family_name_en="Wu", family_name_zh="吴", position="emperor"),  # line 3
        dict(GOOD, family_name_en="", given_name_en="", family_name_zh="", given_name_zh=""),  # line 4
        dict(GOOD, family_name_en="Xu", family_name_zh="徐", email="x@y.cn", population="many"),  # line 5
        dict(GOOD, family_name_en="Xu", family_name_zh="徐", email="x@y.cn"),  # line 6: duplicate of 5? 5 failed
        dict(GOOD, family_name_en="He", family_name_zh="何", email="he@y.cn"),  # line 7 ok
        dict(GOOD, family_name_en="He", family_name_zh="何", email="other@y.cn"),  # line 8: same name+org
        dict(GOOD, family_name_en="Ma", family_name_zh="马", email="ma@y.cn", service_start="2030-01-01"),
    ]
    res = parse_roster(xlsx(rows), "r.xlsx", today=TODAY)
    assert not res.ok
    assert codes(res) == [
        ("roster.bad_date", 2, "service_start"),
        ("roster.unknown_position", 3, "position"),
        ("roster.missing_name", 4, "family_name_en"),
        ("roster.bad_number", 5, "population"),
        ("roster.duplicate_in_file", 8, None),
        ("roster.date_in_future", 9, "service_start"),
    ]
    assert res.errors[1].params == {"value": "emperor"}
    assert res.errors[4].params == {"first_line": 7}


def test_duplicate_email_inside_file():
    rows = [GOOD, dict(GOOD, family_name_en="Other", family_name_zh="别")]
    res = parse_roster(rows_to_csv(rows), "r.csv", today=TODAY)
    assert codes(res) == [("roster.duplicate_in_file", 3, None)]


@pytest.mark.parametrize(
    "data,name,code",
    [
        (b"", "r.csv", "roster.empty_file"),
        (b"\n\n  \n", "r.csv", "roster.empty_file"),
        (b"%PDF-1.4\x00\x01\x02 binary", "r.csv", "roster.not_spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png", "roster.not_spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls", "roster.xls_not_supported"),
        (b"not a zip at all", "r.xlsx", "roster.not_spreadsheet"),
        (b"PK\x03\x04garbage", "r.xlsx", "roster.not_spreadsheet"),
        (b"Hello world\nthis is a letter\n", "r.csv", "roster.no_known_columns"),
    ],
)
def test_file_level_errors(data, name, code):
    res = parse_roster(data, name, today=TODAY)
    assert res.errors[0].code == code and res.rows == []


def test_too_large_and_too_many_rows():
    res = parse_roster(b"x" * 101, "r.csv", max_bytes=100)
    assert res.errors[0].code == "roster.too_large" and res.errors[0].params == {"size": 101, "max": 100}
    rows = [dict(GOOD, family_name_en=f"N{i}", email="") for i in range(4)]
    res = parse_roster(rows_to_csv(rows), "r.csv", max_rows=3, today=TODAY)
    assert res.errors[0].code == "roster.too_many_rows"


def test_header_only_missing_and_unknown_columns():
    res = parse_roster(rows_to_csv([]), "r.csv", today=TODAY)
    assert codes(res) == [("roster.no_rows", None, None)]
    res = parse_roster(b"Family name,Colour\nZhang,red\n", "r.csv", today=TODAY)
    assert [e.code for e in res.errors] == ["roster.missing_column", "roster.unknown_columns"]
    assert res.errors[0].column == "position" and res.errors[1].params == {"found": "Colour"}


def test_template_round_trip():
    data = template_xlsx()
    wb = load_workbook(io.BytesIO(data))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[0] == "Family name (English) / 姓（英文）"
    assert "职务" in headers[4]
    # the empty template parses to "no rows"; with one row added it parses cleanly
    assert parse_roster(data, "t.xlsx").errors[0].code == "roster.no_rows"
    ws = wb.worksheets[0]
    ws.append([GOOD.get(c.key) for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    res = parse_roster(buf.getvalue(), "t.xlsx", today=TODAY)
    assert res.ok and res.rows[0].family_name_zh == "张"


def test_a_long_cell_and_control_characters_are_named_not_called_no_spreadsheet():
    """Found by a hostile-input walk: a valid CSV with a 1,000,000-character name, or a cell holding NUL and ESC,
    was reported as "not a spreadsheet"."""
    from django.utils import translation

    from citybridge.academy.messages import roster_message

    header = ",".join(c.header for c in COLUMNS[:5])
    long = parse_roster(f"{header}\n{'Z' * 1_000_000},Wei,张,伟,副市长\n".encode(), "r.csv", today=TODAY)
    assert [e.code for e in long.errors] == ["roster.cell_too_long"]
    with translation.override("zh-hans"):
        assert roster_message(long.errors[0]) == "文件中有单元格超过 131,072 个字符。"
    control = parse_roster(f"{header}\nA\x00B\x1bC,Wei,张,伟,副市长\n".encode(), "r.csv", today=TODAY)
    assert [(e.code, e.line, e.column) for e in control.errors] == [("roster.control_characters", 2, "family_name_en")]
    # a binary file is still no spreadsheet
    assert parse_roster(bytes(range(256)) * 40, "r.csv", today=TODAY).errors[0].code == "roster.not_spreadsheet"
