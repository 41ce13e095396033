"""The platform export parser on messy files made by the tests (no database)."""

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from exports.user_count_file import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_COUNT,
    MAX_ROWS,
    MAX_SHEET_XML_BYTES,
    MAX_ZIP_MEMBERS,
    FileLimitError,
    UnreadableFileError,
    normalize_community_name,
    normalize_street_name,
    parse_user_count_file,
)

HEADER = ["街道", "社区", "注册用户数", "实名认证用户数"]


def xlsx(rows, merge=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_clean_xlsx_reads_row_by_row():
    parsed = parse_user_count_file(xlsx([HEADER, ["西长安街街道", "府右街南社区", 1200, 800]]),
                                   "a.xlsx")
    assert parsed.errors == []
    row = parsed.rows[0]
    assert (row.row, row.street, row.community, row.registered, row.verified) == (
        2, "西长安街街道", "府右街南社区", 1200, 800)


def test_title_rows_and_a_merged_title_cell_with_the_date():
    data = xlsx([["西城家园用户统计（2022年5月16日）"], ["单位：人"], HEADER,
                 ["西长安街街道", "府右街南", 10, 5]], merge="A1:D1")
    parsed = parse_user_count_file(data, "export.xlsx")
    assert parsed.stated_date == date(2022, 5, 16)
    assert parsed.rows[0].row == 4 and parsed.rows[0].community == "府右街南"


def test_numbers_as_text_with_separators_full_width_digits_and_spaces():
    data = xlsx([HEADER, [" 西长安街街道 ", "\u3000府右街南社区 ", "1,234", "１２３"],
                 ["西长安街街道", "西交民巷社区", "12，345", " 100 "],
                 ["西长安街街道", "六部口社区", 500.0, 20]])
    parsed = parse_user_count_file(data, "a.xlsx")
    assert parsed.errors == []
    assert [(r.community, r.registered, r.verified) for r in parsed.rows] == [
        ("府右街南社区", 1234, 123), ("西交民巷社区", 12345, 100), ("六部口社区", 500, 20)]


def test_blank_rows_between_and_after_are_skipped():
    data = xlsx([HEADER, ["西长安街街道", "府右街南", 10, 5], [None, None, None, None],
                 ["西长安街街道", "西交民巷", 20, 5], [], ["", " ", None, ""]])
    parsed = parse_user_count_file(data, "a.xlsx")
    assert [r.row for r in parsed.rows] == [2, 4] and parsed.errors == []


def test_a_code_column_instead_of_names():
    data = xlsx([["社区编码", "注册数", "实名用户数"], ["110102001004", 10, 5]])
    parsed = parse_user_count_file(data, "a.xlsx")
    assert parsed.rows[0].community_code == "110102001004"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_the_usual_encodings_with_a_date_column(encoding):
    text = ("日期,街道,社区,注册用户数,实名认证用户数\n"
            "2022-05-16,西长安街街道,府右街南社区,\"1,200\",800\n")
    parsed = parse_user_count_file(text.encode(encoding), "export.csv")
    assert parsed.stated_date == date(2022, 5, 16)
    assert parsed.rows[0].registered == 1200 and parsed.rows[0].community == "府右街南社区"


def test_tab_separated_csv():
    text = "街道\t社区\t注册用户数\t实名认证用户数\n西长安街街道\t府右街南\t3\t2\n"
    assert parse_user_count_file(text.encode(), "a.csv").rows[0].verified == 2


@pytest.mark.parametrize("cells,column,fragment", [
    (["x", "府右街南", "abc", 5], "注册用户数", "不是有效的数字"),
    (["x", "府右街南", 10, None], "实名认证用户数", "缺少数值"),
    (["x", "府右街南", -10, 0], "注册用户数", "不能为负数"),
    (["x", "府右街南", 10.5, 1], "注册用户数", "整数"),
    (["x", "府右街南", 10, 20], "实名认证用户数", "大于注册用户数"),
    (["x", None, 10, 2], "社区", "缺少社区"),
])
def test_each_kind_of_bad_cell_names_its_row_and_column(cells, column, fragment):
    parsed = parse_user_count_file(xlsx([["标题"], HEADER, cells]), "a.xlsx")
    assert len(parsed.errors) == 1
    error = parsed.errors[0]
    assert (error.row, error.column) == (3, column) and fragment in error.reason


@pytest.mark.parametrize("data,name,fragment", [
    (b"", "a.csv", "为空"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xls", ".xls"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "a.png", "表格"),
    (b"PK\x03\x04 broken zip", "a.xlsx", "Excel"),
    (b"random text without a header\n1,2,3\n", "a.csv", "表头"),
    (b"not really", "a.xlsx", "不是 Excel"),
])
def test_files_that_are_not_readable_spreadsheets_raise_a_clear_error(data, name, fragment):
    with pytest.raises(UnreadableFileError) as raised:
        parse_user_count_file(data, name)
    assert fragment in str(raised.value)


def test_a_zip_that_is_not_a_workbook_is_unreadable():
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableFileError):
        parse_user_count_file(buffer.getvalue(), "a.xlsx")


def test_names_normalise_without_their_suffixes():
    assert normalize_community_name(" 府右街南社区居委会") == "府右街南"
    assert normalize_community_name("六铺炕南小街居委会") == "六铺炕南小街"
    assert normalize_community_name("府右街南社区") == "府右街南"
    assert normalize_street_name("西长安街街道办事处") == "西长安街"
    assert normalize_street_name("西长安街街道") == "西长安街"


@pytest.mark.parametrize("count,fragment", [
    ("9" * 400, "超出范围"),
    ("99999999999999999999", "超出范围"),
    (MAX_COUNT + 1, "超出范围"),
    (1e308, "超出范围"),
    ("-" + "9" * 400, "负数"),
    ("1e5", "数字"),
])
def test_counts_outside_zero_to_ten_million_are_row_errors(count, fragment):
    parsed = parse_user_count_file(xlsx([HEADER, ["x", "府右街南", count, 1]]), "a.xlsx")
    [error] = parsed.errors
    assert (error.row, error.column) == (2, "注册用户数") and fragment in error.reason
    assert len(error.reason) < 60  # the value is shown cut short


def test_the_largest_count_and_one_with_separators_are_taken():
    parsed = parse_user_count_file(
        xlsx([HEADER, ["x", "府右街南", MAX_COUNT, "10,000,000"]]), "a.xlsx")
    assert parsed.errors == [] and parsed.rows[0].verified == MAX_COUNT


def test_cells_beyond_the_column_limit_are_not_read():
    far = [None] * MAX_COLUMNS + ["ignored"]
    parsed = parse_user_count_file(xlsx([HEADER + far[len(HEADER):], ["x", "府右街南", 3, 2]
                                         + far[len(HEADER):]]), "a.xlsx")
    assert parsed.errors == [] and parsed.rows[0].verified == 2


def test_a_file_past_the_row_limit_is_refused_blank_rows_included():
    lines = ["社区,注册用户数,实名认证用户数", "府右街南,3,2"] + [""] * (MAX_ROWS - 1)
    assert len(parse_user_count_file("\n".join(lines).encode(), "a.csv").rows) == 1
    with pytest.raises(FileLimitError) as raised:
        parse_user_count_file("\n".join(lines + ["西交民巷,1,1"]).encode(), "a.csv")
    assert str(MAX_ROWS) in str(raised.value)


@pytest.mark.parametrize("field", [MAX_CELL_CHARS + 1, 200_000])
def test_an_overlong_csv_field_is_refused_naming_its_row(field):
    text = f'社区,注册用户数,实名认证用户数\n府右街南,3,2\n"{"x" * field}",1,1\n'
    with pytest.raises(FileLimitError) as raised:
        parse_user_count_file(text.encode(), "a.csv")
    assert "第 3 行" in str(raised.value)


def test_csv_lines_may_end_in_a_lone_carriage_return():
    text = "社区,注册用户数,实名认证用户数\r府右街南,3,2\r西交民巷,\"1,000\",5\r"
    parsed = parse_user_count_file(text.encode(), "mac.csv")
    assert [(r.community, r.registered) for r in parsed.rows] == [("府右街南", 3),
                                                                  ("西交民巷", 1000)]


def rezipped(data: bytes, name: str, content: bytes,
             compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, content if info.filename == name
                             else source.read(info.filename),
                             compression if info.filename == name else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_an_infinite_number_in_a_sheet_is_a_row_error():
    data = xlsx([HEADER, ["x", "府右街南", 777, 1]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    infinite = rezipped(data, "xl/worksheets/sheet1.xml",
                        sheet.replace(b"<v>777</v>", b"<v>1E999</v>"))
    [error] = parse_user_count_file(infinite, "a.xlsx").errors
    assert error.row == 2 and "数字" in error.reason


def test_a_sheet_that_inflates_past_the_limit_is_refused_before_it_is_read():
    data = rezipped(xlsx([HEADER]), "xl/worksheets/sheet1.xml",
                    b" " * (MAX_SHEET_XML_BYTES + 1))
    assert len(data) < 20_000
    with pytest.raises(FileLimitError):
        parse_user_count_file(data, "a.xlsx")


def test_a_member_compressed_other_than_by_deflate_is_unreadable():
    data = xlsx([HEADER, ["x", "府右街南", 3, 2]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    with pytest.raises(UnreadableFileError):
        parse_user_count_file(rezipped(data, "xl/worksheets/sheet1.xml", sheet,
                                       zipfile.ZIP_BZIP2), "a.xlsx")


def test_a_zip_of_too_many_members_is_refused():
    buffer = io.BytesIO(xlsx([HEADER, ["x", "府右街南", 3, 2]]))
    with zipfile.ZipFile(buffer, "a") as archive:
        for index in range(MAX_ZIP_MEMBERS):
            archive.writestr(f"extra/{index}", b"")
    with pytest.raises(FileLimitError):
        parse_user_count_file(buffer.getvalue(), "a.xlsx")
