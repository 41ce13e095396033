"""The delivery ledger as a workbook: per community, whether a week's workbook was delivered,
when, when it was first opened and by whom. Plain data in, xlsx bytes out."""

import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from exports.cells import write_cell

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATUS_LABELS = {"opened": "已送达，已打开", "delivered": "已送达，未打开",
                 "undeliverable": "无法送达（社区没有账号）", "not_made": "本周周报尚未生成"}
HEADERS = ["街道", "社区编码", "社区", "社区账号数", "送达情况", "送达时间", "首次打开时间",
           "首次打开人", "首次打开账号"]
WIDTHS = [16, 15, 24, 10, 22, 18, 18, 14, 16]


@dataclass
class LedgerRow:
    community_code: str
    community_name: str
    street_code: str
    street_name: str
    accounts: int
    status: str  # opened, delivered, undeliverable, not_made
    made_available_at: datetime | None
    first_opened_at: datetime | None
    first_opened_by: str | None  # username
    first_opened_by_name: str | None


def _shown(moment: datetime | None) -> str | None:
    """A time as people in Beijing read it, to the minute."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else None


def render_delivery_ledger(week: str, period: str, rows: list[LedgerRow],
                           summary: dict[str, int]) -> bytes:
    """One sheet: a title, the week's totals, then one line per community."""
    book = Workbook()
    sheet = book.active
    sheet.title = "送达记录"
    write_cell(sheet, 1, 1, f"{week} 运营数据周报送达记录（{period}）")
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    write_cell(sheet, 2, 1, f"社区 {summary['communities']} 个；已送达 {summary['delivered']} 个，"
                            f"其中已打开 {summary['opened']} 个；无法送达 "
                            f"{summary['undeliverable']} 个。时间为北京时间。")
    for column, header in enumerate(HEADERS, start=1):
        write_cell(sheet, 4, column, header)
        sheet.cell(row=4, column=column).font = Font(bold=True)
    for number, row in enumerate(rows, start=5):
        values = [row.street_name, row.community_code, row.community_name, row.accounts,
                  STATUS_LABELS.get(row.status, row.status), _shown(row.made_available_at),
                  _shown(row.first_opened_at), row.first_opened_by_name, row.first_opened_by]
        for column, value in enumerate(values, start=1):
            write_cell(sheet, number, column, value)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A5"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
