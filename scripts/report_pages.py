"""One page of a report's PDF as a PNG, for docs/screenshots and the README.

    .venv/bin/python scripts/report_pages.py REPORT.pdf PAGE OUT.png

PAGE counts from 1. pypdfium2 (a dev requirement, a PyPI wheel) renders the page the way a
PDF reader shows it; 1.6× the PDF's size keeps Chinese text legible in the README."""

import sys

import pypdfium2

SCALE = 1.6


def main(pdf: str, page: str, out: str) -> None:
    document = pypdfium2.PdfDocument(pdf)
    number = int(page)
    if not 1 <= number <= len(document):
        raise SystemExit(f"{pdf} has {len(document)} pages, not {number}")
    document[number - 1].render(scale=SCALE).to_pil().save(out, optimize=True)
    print(f"{out}: page {number} of {len(document)}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
