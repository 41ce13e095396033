"""What the contract's documents share: a figure as a (value, kind) cell printed the same way
in Word and kept a number in the workbook, an A4 Chinese Word document with page numbers and a
table of contents, its tables, and a workbook sheet of a table. User text goes into a document
as text runs and into a workbook through write_cell, never as a field or a formula."""

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl.styles import Font

from exports.cells import writable_text, write_cell
from exports.pdf import to_pdf

SHANGHAI = ZoneInfo("Asia/Shanghai")
CJK_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
CJK_FONT = "WenQuanYi Micro Hei"

# ---------------------------------------------------------------- figures
# Each table cell is (value, kind): the document prints it as people read it, the workbook
# keeps the number with a number format of the same kind.

Cell = tuple[object, str]
KIND_FORMATS = {"date": "yyyy-mm-dd", "int": "#,##0", "signed": "+#,##0;-#,##0;0", "pct": "0.0%",
                "decimal": "#,##0.00", "mean": "+#,##0.0;-#,##0.0;0.0", "days": "0.0"}
MEASURE_KINDS = {"share_of_weeks": "pct", "monthly_average": "decimal"}


def as_text(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "int":
        return f"{round(value):,}"
    if kind == "signed":
        return f"{round(value):+,}"
    if kind == "pct":
        return f"{value:.1%}"
    if kind == "decimal":
        return f"{value:,.2f}"
    if kind == "mean":
        return f"{value:+,.1f}"
    if kind == "days":
        return f"{value:.1f}"
    return str(value)


def figure(measure: str, value: float) -> str:
    """A target's figure in its own measure, as people read it."""
    return as_text(value, MEASURE_KINDS.get(measure, "int"))


def target_value(measure: str, value: float) -> Cell:
    kind = MEASURE_KINDS.get(measure, "int")
    return (round(value) if kind == "int" else value), kind


# ---------------------------------------------------------------- the Word document

def _east_asian(style, size: float) -> None:
    style.font.name = CJK_FONT
    style.font.size = Pt(size)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC): Word and LibreOffice fill it in when the file is opened."""
    run = paragraph.add_run()
    begin, text, separate, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"),
                                  OxmlElement("w:fldChar"), OxmlElement("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(separate)
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(end)


@dataclass(frozen=True)
class WrittenSection:
    """A section of a report that its team writes (lessons learned, the next period's plan)."""

    title: str
    text: str


def report_heading(contract: str, client: str, contractor: str, start, end) -> list[str]:
    """The lines under a content contract report's title: the project, its parties, the
    days it covers."""
    return [f"项目：{contract}", f"委托方：{client}", f"服务方：{contractor}",
            f"统计期间：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"]


def add_written_sections(document, numbered: list[tuple[str, WrittenSection]], written_by: str,
                         written_at: datetime | None) -> None:
    """The team's sections under their numbered headings, a paragraph per line of their
    text as plain text runs, then who wrote them when."""
    for number, section in numbered:
        document.add_heading(f"{number}、{section.title}", level=1)
        for line in section.text.splitlines():
            if line.strip():
                document.add_paragraph(writable_text(line))
    if written_at is not None:
        parts = "、".join(number for number, _ in numbered)
        document.add_paragraph(f"（第{parts}部分由 {writable_text(written_by)} 撰写，"
                               f"{written_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）")


def new_document(title: str, lines: list[str], generated_at: datetime, author: str = ""):
    """An A4 portrait document in Chinese: the title, the lines under it (project, parties,
    period), when it was made, a table of contents, then a new page for the body."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    for name, size in (("Normal", 10.5), ("Title", 20), ("Heading 1", 15), ("Heading 2", 12.5)):
        _east_asian(document.styles[name], size)
    document.core_properties.title = writable_text(title)
    # The author is the report's contractor (data); without one, python-docx's default stays.
    if author:
        document.core_properties.author = writable_text(author)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE", "1")
    footer.add_run(" 页")
    document.add_paragraph(writable_text(title), style="Title")
    for line in lines:
        document.add_paragraph(writable_text(line))
    document.add_paragraph(f"生成时间：{generated_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
    document.add_paragraph("目录", style="Heading 1")
    _field(document.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', "（打开文档后更新目录）")
    document.add_page_break()
    return document


def add_table(document, head: list[str], rows: list[list[Cell]],
              empty: str = "本期无记录。") -> None:
    if not rows:
        document.add_paragraph(empty)
        return
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, (value, kind) in zip(cells, values, strict=True):
            cell.text = writable_text(as_text(value, kind))
    document.add_paragraph()


def document_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- workbooks

def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def add_sheet(workbook, title: str, caption: str, head: list[str], rows: list[list[Cell]],
              notes: list[str] = ()) -> None:
    """A sheet of one table: its caption in row 1, any notes under it, the head, then the rows;
    numbers stay numbers, formatted as the document prints them."""
    sheet = workbook.create_sheet(title)
    write_cell(sheet, 1, 1, caption)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=12)
    for offset, note in enumerate(notes, start=2):
        write_cell(sheet, offset, 1, note)
    head_row = 2 + len(notes)
    for column, name in enumerate(head, start=1):
        write_cell(sheet, head_row, column, name)
        sheet.cell(row=head_row, column=column).font = Font(bold=True)
    for row, values in enumerate(rows, start=head_row + 1):
        for column, (value, kind) in enumerate(values, start=1):
            write_cell(sheet, row, column, value)
            if kind in KIND_FORMATS:
                sheet.cell(row=row, column=column).number_format = KIND_FORMATS[kind]
    for column in range(1, len(head) + 1):
        sheet.column_dimensions[sheet.cell(row=head_row, column=column).column_letter].width = 18
    sheet.freeze_panes = sheet.cell(row=head_row + 1, column=1)


# ---------------------------------------------------------------- charts

def pyplot():
    """matplotlib's pyplot drawing off-screen, with the Chinese font where installed."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt
    known = {f.name for f in font_manager.fontManager.ttflist}
    if CJK_FONT_FILE.exists() and CJK_FONT not in known:
        font_manager.fontManager.addfont(str(CJK_FONT_FILE))
    plt.rcParams["font.sans-serif"] = [CJK_FONT, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def chart_png(figure) -> bytes:
    """A figure as PNG bytes for a document."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    figure.clf()
    return buffer.getvalue()


# ---------------------------------------------------------------- the files' manifest

@dataclass(frozen=True)
class RenderedReport:
    """A report's files as bytes, before they are written: each file is `stem` + its ending
    (".docx" first: the document, which LibreOffice may also convert to PDF), and what the
    report is, for its manifest."""

    stem: str
    parts: dict[str, bytes]
    heading: dict


def write_report(rendered: RenderedReport, out_dir: Path) -> list[Path]:
    """The report's files in out_dir, the PDF of its document where LibreOffice is installed,
    and the manifest of them all (last)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for ending, data in rendered.parts.items():
        path = out_dir / f"{rendered.stem}{ending}"
        path.write_bytes(data)
        files.append(path)
    pdf = to_pdf(files[0])
    files += [pdf] if pdf else []
    listing = out_dir / "manifest.json"
    listing.write_bytes(files_manifest(rendered.heading, files))
    return files + [listing]


def files_manifest(heading: dict, files: list[Path]) -> bytes:
    """Every file of a report with its size and SHA-256, under what the report is (`heading`),
    so the client can check later that what they accepted is what they hold."""
    return json.dumps({
        **heading,
        "files": [{"name": f.name, "bytes": f.stat().st_size,
                   "sha256": hashlib.sha256(f.read_bytes()).hexdigest()} for f in files],
    }, ensure_ascii=False, indent=2).encode("utf-8")
