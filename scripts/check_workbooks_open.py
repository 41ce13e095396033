"""Do the weekly workbooks, the effect report and the execution report open for real? Builds
a demo week on a scratch database, converts one community workbook and the district workbook
to PDF with headless LibreOffice (as an old PC's office suite would open them) and checks that
the PDFs have pages; then makes a month's effect report and the execution report, whose PDFs
LibreOffice (Writer) writes beside their .docx; and the content contract's reports the demo
issued, with the final summary's workbook and the appendix of its editing log."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WEEK = "2022-W30"


def flask(env: dict, *args: str) -> str:
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True).stdout


def pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def main() -> int:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        print("LibreOffice is missing: apt-get install -y libreoffice-calc-nogui "
              "libreoffice-writer-nogui")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/check.db", "SECRET_KEY": "x",
               "HOME": tmp, "JOBS_SQLITE_PATH": f"{tmp}/jobs.db", "REPORTS_DIR": f"{tmp}/reports"}
        flask(env, "db", "upgrade")
        flask(env, "seed-district")
        flask(env, "demo-data")
        # The set goes to its own folder, out/<week>/run-<job id>/, which the command names.
        made = flask(env, "weekly-reports", "--week", WEEK, "--out", f"{tmp}/out")
        folder = Path(re.search(r"^\d+ files in (.+) \(", made, re.MULTILINE).group(1))
        workbooks = [next((folder / "communities").glob("*.xlsx")), folder / "district.xlsx"]
        for workbook in workbooks:
            load_workbook(workbook)  # also opens with openpyxl
        subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", tmp,
                        *map(str, workbooks)], check=True, capture_output=True, timeout=300)
        failed = 0
        for workbook in workbooks:
            pdf = Path(tmp) / (workbook.stem + ".pdf")
            count = pages(pdf) if pdf.exists() else 0
            print(f"{workbook.name}: {count} PDF pages")
            failed += count == 0
        report = flask(env, "effect-report", "--month", "2022-09", "--out", f"{tmp}/effect")
        pdf = next((Path(line) for line in report.split() if line.endswith(".pdf")), None)
        count = pages(pdf) if pdf else 0
        print(f"effect report 2022-09: {count} PDF pages")
        # A title page with the contents, then six sections with tables and two charts.
        failed += count < 3
        report = flask(env, "execution-report", "--out", f"{tmp}/execution")
        pdf = next((Path(line) for line in report.split() if line.endswith(".pdf")), None)
        count = pages(pdf) if pdf else 0
        print(f"execution report: {count} PDF pages")
        # A title page, the summary table, a section per target and the weekly ledger.
        failed += count < 4
        # The content contract's reports that demo-data issued: the monthly and quarterly ones
        # (a title page, the users' and the content's tables, the obligations, the sections),
        # the mid-term report and the final summary (with a year of publications per channel).
        made = flask(env, "content-report", "--out", f"{tmp}/content")
        paths = [Path(line) for line in made.split()]
        documents = [p for p in paths if p.suffix == ".pdf"]
        final = "新媒体运营项目总结报告"
        for pdf in documents:
            count = pages(pdf)
            print(f"{pdf.name}: {count} PDF pages")
            failed += count < (10 if pdf.name.startswith(final) else 2)
        failed += len(documents) < 4
        # The final summary's workbooks: its figures and publications, the editing log.
        books = [p for p in paths if p.suffix == ".xlsx" and p.name.startswith(final)]
        subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", f"{tmp}/books",
                        *map(str, books)], check=True, capture_output=True, timeout=600)
        for book in books:
            load_workbook(book)
            converted = Path(tmp) / "books" / (book.stem + ".pdf")
            count = pages(converted) if converted.exists() else 0
            print(f"{book.name}: {count} PDF pages")
            failed += count == 0
        failed += len(books) < 2
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
