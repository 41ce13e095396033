"""执行（成果）报告 as files: the Word document (every target of the contract in the agreement's
words beside what was achieved), the evidence workbook (one sheet per target, one row per
record behind the figure, and the weekly-report delivery ledger) and the manifest of the files
with their SHA-256. Plain data in, bytes out."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from exports.cells import writable_text
from exports.document import (
    Cell,
    add_sheet,
    add_table,
    document_bytes,
    figure,
    files_manifest,
    new_document,
    target_value,
    workbook_bytes,
)

# How a target's achieved figure follows from its evidence rows.
TALLIES = {
    "rows": "每行一条计入的记录，行数即完成值",
    "sum": "完成值为“{column}”一列之和",
    "average": "完成值为记录条数 ÷ 合同已进行的月数",
    "share": "完成值为送达的社区·周数 ÷ 应提供的社区·周数",
}


@dataclass(frozen=True)
class Evidence:
    head: list[str]
    rows: list[list[Cell]]
    tally: str  # a key of TALLIES
    summed: int | None = None  # the column (0-based) whose sum is the figure, for "sum"

    @property
    def how(self) -> str:
        column = self.head[self.summed] if self.summed is not None else ""
        return TALLIES[self.tally].format(column=column)


@dataclass(frozen=True)
class Outcome:
    key: str
    name: str
    clause: str
    commitment: str
    measure: str
    target: float
    actual: float
    met: bool
    account: str  # a few sentences: how the figure was reached
    evidence: Evidence


@dataclass(frozen=True)
class LedgerWeek:
    week: str
    start: date
    end: date
    delivered: int
    opened: int
    not_delivered: int


@dataclass(frozen=True)
class ExecutionReport:
    contract_key: str
    contract: str
    client: str
    contractor: str
    start: date
    end: date
    as_of: date
    generated_at: datetime
    outcomes: list[Outcome]
    ledger: list[LedgerWeek]
    communities: int

    @property
    def final(self) -> bool:
        """At the contract's end: the report the client accepts. Before it, marked 截至."""
        return self.as_of >= self.end

    @property
    def title(self) -> str:
        return "执行（成果）报告" if self.final \
            else f"执行（成果）报告（截至 {self.as_of:%Y-%m-%d}）"


def result_label(outcome: Outcome) -> str:
    return "达成" if outcome.met else "未达成"


SHEET_UNSAFE = re.compile(r"[][:*?/\\]")


def sheet_title(position: int, name: str) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of []:*?/\\), unique by position."""
    return f"{position:02d} {SHEET_UNSAFE.sub('', name)}"[:31]


SUMMARY_HEAD = ["目标", "合同条款", "合同承诺", "目标值", "完成值", "结果"]
LEDGER_HEAD = ["周", "周一", "周日", "已送达社区", "已打开社区", "未送达社区"]


def summary_rows(report: ExecutionReport) -> list[list[Cell]]:
    return [[(o.name, "text"), (o.clause, "text"), (o.commitment, "text"),
             target_value(o.measure, o.target), target_value(o.measure, o.actual),
             (result_label(o), "text")] for o in report.outcomes]


def ledger_rows(report: ExecutionReport) -> list[list[Cell]]:
    return [[(w.week, "text"), (w.start, "date"), (w.end, "date"), (w.delivered, "int"),
             (w.opened, "int"), (w.not_delivered, "int")] for w in report.ledger]


# ---------------------------------------------------------------- the Word document

def render_execution_docx(report: ExecutionReport, evidence_file: str) -> bytes:
    document = new_document(report.title, [
        f"项目：{report.contract}", f"委托方（甲方）：{report.client}",
        f"受托方（乙方）：{report.contractor or '—'}",
        f"合同期：{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}",
        f"统计截至：{report.as_of:%Y-%m-%d}"
        + ("" if report.final else "（合同期尚未结束，以下为截至该日的情况）")],
        report.generated_at, report.contractor)
    met = sum(o.met for o in report.outcomes)

    document.add_heading("一、项目概况", level=1)
    document.add_paragraph(writable_text(
        f"{report.contract}由{report.client}委托实施，合同期 {report.start:%Y-%m-%d} 至 "
        f"{report.end:%Y-%m-%d}。合同约定的 {len(report.outcomes)} 项目标中，截至 "
        f"{report.as_of:%Y-%m-%d} 已达成 {met} 项、未达成 {len(report.outcomes) - met} 项。"
        "各项完成值均由业务系统中的原始记录统计得出，逐条记录见证明材料工作簿"
        f"《{evidence_file}》。"))

    document.add_heading("二、目标完成情况总表", level=1)
    add_table(document, SUMMARY_HEAD, summary_rows(report))

    document.add_heading("三、逐项说明", level=1)
    for position, outcome in enumerate(report.outcomes, start=1):
        document.add_heading(f"{position}. {outcome.name}", level=2)
        lines = [
            f"合同承诺（条款 {outcome.clause}）：{outcome.commitment or '—'}",
            f"目标值：{figure(outcome.measure, outcome.target)}；完成值："
            f"{figure(outcome.measure, outcome.actual)}；结果：{result_label(outcome)}。",
            f"完成情况：{outcome.account}",
            f"证明材料：见《{evidence_file}》“{sheet_title(position, outcome.name)}”工作表，"
            f"共 {len(outcome.evidence.rows):,} 行；{outcome.evidence.how}。",
        ]
        for line in lines:
            document.add_paragraph(writable_text(line))

    document.add_heading("四、每周运营数据报表提供情况", level=1)
    delivered = sum(w.delivered for w in report.ledger)
    opened = sum(w.opened for w in report.ledger)
    document.add_paragraph(
        f"合同期内应提供报表 {len(report.ledger)} 周，每周 {report.communities} 个社区；"
        f"已送达社区账号 {delivered:,} 社区·周，其中社区已打开 {opened:,} 社区·周。"
        "每周每个社区的送达与打开记录见证明材料工作簿。")
    add_table(document, LEDGER_HEAD, ledger_rows(report), empty="尚无应提供报表的周。")

    document.add_heading("五、附件", level=1)
    for line in (f"证明材料工作簿：{evidence_file}",
                 "文件清单：manifest.json（列出本报告各文件及其 SHA-256 校验值，"
                 "用于核对文件未被改动）"):
        document.add_paragraph(writable_text(line), style="List Bullet")
    return document_bytes(document)


# ---------------------------------------------------------------- the evidence workbook

def render_evidence_xlsx(report: ExecutionReport) -> bytes:
    """An index sheet, one sheet per target with every record behind its figure, and the
    weekly-report delivery ledger."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    index = [[(sheet_title(p, o.name), "text"), (o.name, "text"),
              target_value(o.measure, o.actual), (len(o.evidence.rows), "int"),
              (o.evidence.how, "text")] for p, o in enumerate(report.outcomes, start=1)]
    add_sheet(workbook, "说明", f"{report.title} 证明材料", ["工作表", "目标", "完成值",
                                                          "记录行数", "完成值与记录的关系"],
              index, notes=[f"项目：{report.contract}；统计截至 {report.as_of:%Y-%m-%d}"])
    for position, outcome in enumerate(report.outcomes, start=1):
        add_sheet(workbook, sheet_title(position, outcome.name), outcome.name,
                  outcome.evidence.head, outcome.evidence.rows, notes=[
                      f"合同承诺（条款 {outcome.clause}）：{outcome.commitment or '—'}",
                      f"完成值：{figure(outcome.measure, outcome.actual)}（"
                      f"{result_label(outcome)}）；{outcome.evidence.how}"])
    add_sheet(workbook, "周报送达台账", "每周运营数据报表送达台账", LEDGER_HEAD,
              ledger_rows(report))
    return workbook_bytes(workbook)


# ---------------------------------------------------------------- the manifest

def manifest(report: ExecutionReport, files: list[Path]) -> bytes:
    """Every file of the report with its size and SHA-256."""
    return files_manifest({"report": report.title, "contract": report.contract_key,
                           "as_of": report.as_of.isoformat(),
                           "generated_at": report.generated_at.isoformat()}, files)

