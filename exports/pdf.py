"""PDF copies of documents through LibreOffice, where it is installed (with Writer: Calc alone
cannot load a .docx, shared/docs/measured.md)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

CONVERT_SECONDS = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(document: Path) -> Path | None:
    """Write DOCUMENT.pdf beside the document; None when LibreOffice is not installed or cannot
    convert it. A profile of its own lets conversions run beside an open LibreOffice."""
    program = soffice()
    if program is None:
        return None
    with tempfile.TemporaryDirectory() as profile:
        try:
            subprocess.run([program, f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(document.parent),
                            str(document)],
                           capture_output=True, timeout=CONVERT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            return None  # the document and the workbook stand without it
    pdf = document.with_suffix(".pdf")
    return pdf if pdf.exists() else None
