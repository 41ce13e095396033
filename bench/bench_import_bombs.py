"""The user-count import against the worst files a user (or an attacker) can send: for each,
the answer, its size, the time to answer and the worker's peak memory growth.

    .venv/bin/python bench/bench_import_bombs.py                      # SQLite
    .venv/bin/python bench/bench_import_bombs.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
A --database-url is emptied and rebuilt: give the bench a database of its own.
Each file is sent by a fresh process running the app (so its peak RSS is that one request's),
handed to the WSGI app as a server would; the growth counts the file and the encoded request.
Goal: every bad file refused in < 2 s with < 100 MB peak growth; the answer < 64 KB."""

import argparse
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
CSV_HEADER = "街道,社区,注册用户数,实名认证用户数\n"
UPLOAD_LIMIT = 10 * 1024 * 1024  # the production MAX_UPLOAD_BYTES
MB = 1024 * 1024
KILL_AFTER_S = 120
MEMORY_CAP = 4 * 1024 * MB  # a runaway child fails with MemoryError instead of eating the box


# ---------------------------------------------------------------- building the files

def small_xlsx() -> bytes:
    from openpyxl import Workbook
    workbook = Workbook()
    for row in [["街道", "社区", "注册用户数", "实名认证用户数"],
                ["西长安街街道", "府右街南社区", 1200, 800]]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rebuilt(data: bytes, parts: dict) -> bytes:
    """`data` with some members replaced or added: name -> bytes, or a function writing the
    member (streamed, so that a 1 GB member never sits in memory)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        names = [i.filename for i in source.infolist()]
        for name in names + [n for n in parts if n not in names]:
            part = parts.get(name)
            if part is None:
                archive.writestr(name, source.read(name))
            elif callable(part):
                with archive.open(name, "w", force_zip64=True) as member:
                    part(member)
            else:
                archive.writestr(name, part)
    return out.getvalue()


def sheet_writer(rows, prefix: str = "", suffix: str = ""):
    """Writes a worksheet whose <sheetData> holds the XML strings of `rows`, in chunks."""
    def write(member):
        member.write(f'<worksheet xmlns="{NS}">{prefix}<sheetData>'.encode())
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == 10_000:
                member.write("".join(chunk).encode())
                chunk = []
        member.write(("".join(chunk) + f"</sheetData>{suffix}</worksheet>").encode())
    return write


def inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = "<row>" + "".join(inline(t) for t in
                               ["街道", "社区", "注册用户数", "实名认证用户数"]) + "</row>"
DATA_ROW = "<row>" + inline("西长安街街道") + inline("府右街南") + \
    "<c><v>1200</v></c><c><v>800</v></c></row>"


def with_shared_strings(data: bytes, write) -> bytes:
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>'
                     "</Types>".encode())
    return rebuilt(data, {"[Content_Types].xml": types, "xl/sharedStrings.xml": write})


def dimension_bomb(far_cell: bool) -> bytes:
    """A real small sheet whose <dimension> claims the whole grid, and maybe has a cell in the
    grid's last corner (openpyxl pads the rows between, each to the claimed width)."""
    data = small_xlsx()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', sheet)
    if far_cell:
        sheet = sheet.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v>'
                                              "</c></row></sheetData>")
    return rebuilt(data, {"xl/worksheets/sheet1.xml": sheet})


def repeated(prefix: str, unit: bytes, total: int, suffix: str):
    """Writes well-formed XML: prefix, `unit` repeated to `total` bytes, suffix."""
    def write(member):
        member.write(prefix.encode())
        block = unit * (MB // len(unit))
        for _ in range(total // len(block)):
            member.write(block)
        member.write(suffix.encode())
    return write


def many_members(count: int) -> bytes:
    buffer = io.BytesIO(small_xlsx())
    with zipfile.ZipFile(buffer, "a") as archive:
        for index in range(count):
            archive.writestr(f"x/{index}", b"")
    return buffer.getvalue()


def csv_file(rows: list[str], repeat: int = 1, header: str = CSV_HEADER) -> bytes:
    return (header + "".join(rows) * repeat).encode()


def sst_of(strings: str):
    return lambda member: member.write(f'<sst xmlns="{NS}">{strings}</sst>'.encode())


def worst_files(max_rows: int, names: list[tuple[str, str]]
                ) -> list[tuple[str, str, bytes, dict]]:
    """(label, filename, bytes, form) for every file the import must refuse quickly, and a
    real export of the district's (street, community) `names` for comparison."""
    from openpyxl import Workbook

    from exports.user_count_file import (
        MAX_CELL_CHARS,
        MAX_COLUMNS,
        MAX_COUNT,
        MAX_SHEET_XML_BYTES,
        MAX_XML_BYTES,
    )
    day = {"date": "2022-05-16"}
    real = Workbook()
    real.active.append(["西城家园各社区用户数（2022年5月16日）"])
    real.active.append(["街道", "社区", "注册用户数", "实名认证用户数"])
    for index, (street, community) in enumerate(names):
        real.active.append([street, community, f"{1000 + index:,}", 500])
    buffer = io.BytesIO()
    real.save(buffer)
    wide_cells = (MAX_SHEET_XML_BYTES - 200) // len("<c><v>1</v></c>")
    merges = (MAX_SHEET_XML_BYTES - 400) // len('<mergeCell ref="A1:B2"/>')
    long_row = "<row>" + '<c t="s"><v>0</v></c>' * MAX_COLUMNS + "</row>"
    long_rows = min(max_rows, (MAX_SHEET_XML_BYTES - 1000) // len(long_row))
    parts = zipfile.ZipFile(io.BytesIO(small_xlsx()))
    styles = parts.read("xl/styles.xml").decode()
    room = MAX_XML_BYTES - sum(i.file_size for i in parts.infolist()
                               if not i.filename.startswith("xl/worksheets/"))
    fat_styles = re.sub(r'<cellXfs count="\d+">',
                        lambda m: m.group(0) + '<xf numFmtId="0"/>' * (room // 18), styles)
    return [
        (f"a real export, {len(names)} rows (dry run, accepted)", "export.xlsx",
         buffer.getvalue(), {**day, "dry_run": "true"}),
        ("<dimension ref=A1:XFD1048576> on a 1-row sheet (dry run)", "dimension.xlsx",
         dimension_bomb(far_cell=False), {**day, "dry_run": "true"}),
        ("the same with a cell at XFD1048576", "corner.xlsx", dimension_bomb(far_cell=True),
         day),
        ("1,000,000-row sheet", "million.xlsx",
         rebuilt(small_xlsx(), {"xl/worksheets/sheet1.xml": sheet_writer(
             [HEADER_ROW] + [DATA_ROW] * 1_000_000)}), day),
        (f"{max_rows + 1:,} rows, just over the row limit", "over.xlsx",
         rebuilt(small_xlsx(), {"xl/worksheets/sheet1.xml": sheet_writer(
             [HEADER_ROW] + ["<row><c><v>1</v></c></row>"] * (max_rows + 1))}), day),
        (f"{max_rows:,} bad rows, at the row limit", "bad.xlsx",
         rebuilt(small_xlsx(), {"xl/worksheets/sheet1.xml": sheet_writer(
             [HEADER_ROW] + [DATA_ROW.replace("800", "9000")] * max_rows)}), day),
        ("row 1 then row 10^12 (a gap to pad)", "gap.xlsx",
         rebuilt(small_xlsx(), {"xl/worksheets/sheet1.xml": sheet_writer(
             [HEADER_ROW, '<row r="1000000000000"><c><v>1</v></c></row>'])}), day),
        ("zip bomb: 1 GB sheet XML", "bomb.xlsx",
         rebuilt(small_xlsx(), {"xl/worksheets/sheet1.xml": repeated(
             f'<worksheet xmlns="{NS}"><sheetData>{HEADER_ROW}', b"<row/>", 1024 * MB,
             "</sheetData></worksheet>")}), day),
        ("zip bomb: 1 GB shared strings", "sst.xlsx",
         with_shared_strings(small_xlsx(), repeated(f'<sst xmlns="{NS}">', b"<si><t>x</t></si>",
                                                    1024 * MB, "</sst>")), day),
        (f"one row of {wide_cells:,} cells (sheet at its size limit)", "wide.xlsx",
         rebuilt(small_xlsx(), {"xl/worksheets/sheet1.xml": sheet_writer(
             ["<row>" + "<c><v>1</v></c>" * wide_cells + "</row>"])}), day),
        (f"{merges:,} merged ranges (sheet at its size limit)", "merges.xlsx",
         rebuilt(small_xlsx(), {"xl/worksheets/sheet1.xml": sheet_writer(
             [HEADER_ROW], suffix="<mergeCells>" + '<mergeCell ref="A1:B2"/>' * merges
             + "</mergeCells>")}), day),
        ("100,000 empty zip members", "members.xlsx", many_members(100_000), day),
        ("styles.xml at its size limit", "styles.xlsx",
         rebuilt(small_xlsx(), {"xl/styles.xml": fat_styles}), day),
        (f"a {MAX_CELL_CHARS}-character string in every cell, {long_rows:,} rows", "long.xlsx",
         with_shared_strings(rebuilt(small_xlsx(), {"xl/worksheets/sheet1.xml": sheet_writer(
             [HEADER_ROW] + [long_row] * long_rows)}),
             sst_of(f"<si><t>{'长' * MAX_CELL_CHARS}</t></si>")), day),
        ("480,000-row CSV", "rows.csv",
         csv_file(["不存在,1,1\n"], 480_000, header="社区,注册用户数,实名认证用户数\n"), day),
        (f"{max_rows:,}-row CSV, every row bad", "bad.csv",
         csv_file(["西长安街街道,不存在,x,\n"], max_rows), day),
        ("CSV with a 200 KB field", "field.csv",
         csv_file([f'西长安街街道,"{"x" * 200_000}",1,1\n']), day),
        ("CSV with a 9 MB field", "field9.csv",
         csv_file([f'西长安街街道,"{"x" * (UPLOAD_LIMIT - MB)}",1,1\n']), day),
        ("CSV with one line of 1,000,000 columns", "columns.csv",
         csv_file(["," * 1_000_000 + "\n"]), day),
        ("count of 400 nines", "nines.csv",
         csv_file([f"西长安街街道,府右街南,{'9' * 400},1\n"]), day),
        ("count 99999999999999999999 (dry run)", "big.csv",
         csv_file(["西长安街街道,府右街南,99999999999999999999,1\n"]), {**day, "dry_run": "true"}),
        ("count 99999999999999999999", "big.csv",
         csv_file(["西长安街街道,府右街南,99999999999999999999,1\n"]), day),
        (f"every community at {MAX_COUNT:,} (totals past 2^31)", "totals.csv",
         csv_file([f"{street},{community},{MAX_COUNT},1\n" for street, community in names]),
         day),
    ]


# ---------------------------------------------------------------- one request, in a child

def status_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KB."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith(field + ":"))
    return int(line.split()[1])


def child(database_url: str, path: str, filename: str, form: dict) -> None:
    """Send one file to a fresh app and print what it cost, as JSON."""
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    from api import create_app
    from api.config import for_tests
    from service.district import accounts

    app = create_app({**for_tests(database_url), "TESTING": False,
                      "MAX_CONTENT_LENGTH": UPLOAD_LIMIT})
    with app.app_context():
        admin = accounts.get_user_by_username("bench-admin")
        token = accounts.issue_token(admin, secret=app.config["SECRET_KEY"],
                                     lifetime=3600).access_token

    def environ(data: bytes, name: str, fields: dict) -> dict:
        return EnvironBuilder(
            path="/api/v1/user-counts/import", method="POST",
            headers={"Authorization": f"Bearer {token}"},
            data={"file": (io.BytesIO(data), name), **fields}).get_environ()

    def send(env: dict) -> tuple[str, bytes]:
        body, status, _headers = run_wsgi_app(app, env)
        try:
            return status, b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()

    # Warm up (imports, the first query, openpyxl) so the measure is the request's own; it
    # counts the file and the encoded request too (about twice the upload), to err high.
    send(environ(small_xlsx(), "warm.xlsx", {"date": "2022-05-16", "dry_run": "true"}))
    # The peak RSS is reset to the present one (Linux), so that what the warm-up freed does
    # not hide what the request takes.
    Path("/proc/self/clear_refs").write_text("5")
    before = status_kb("VmRSS")
    env = environ(Path(path).read_bytes(), filename, form)
    began = time.perf_counter()
    status, body = send(env)
    seconds = time.perf_counter() - began
    growth_kb = status_kb("VmHWM") - before
    try:
        message = json.loads(body).get("message", "")
    except ValueError:
        message = body[:80].decode(errors="replace")
    print(json.dumps({"status": status.split()[0], "bytes": len(body), "seconds": seconds,
                      "growth_mb": growth_kb / 1024, "message": message}))


def run_child(database_url: str, path: Path, filename: str, form: dict) -> dict:
    def cap_memory():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    began = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", database_url, str(path), filename,
             json.dumps(form)], capture_output=True, text=True, timeout=KILL_AFTER_S,
            preexec_fn=cap_memory, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"status": "killed", "seconds": time.perf_counter() - began, "bytes": 0,
                "growth_mb": float("nan"), "message": f"no answer in {KILL_AFTER_S} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"status": "crash", "seconds": time.perf_counter() - began, "bytes": 0,
                "growth_mb": float("nan"), "message": tail[:100]}
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.child[2], json.loads(args.child[3]))
        return
    from sqlalchemy import select

    from api import create_app
    from api.config import for_tests
    from exports.user_count_file import MAX_ROWS
    from models import Community, Street, db
    from service.district import accounts, places
    from service.district.contracts import ensure_default_contract

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = create_app(for_tests(url))
        with app.app_context():
            db.drop_all()
            db.create_all()
            places.seed_district()
            ensure_default_contract()
            accounts.create_user(username="bench-admin", password="bench-pass-1", role="admin")
            names = db.session.execute(select(Street.name, Community.name)
                                       .join(Community.street)).all()
            db.session.remove()
            db.engine.dispose()
        print(f"database: {url.split(':')[0]}, {os.cpu_count()} cores, "
              f"Python {sys.version.split()[0]}")
        print(f"{'file':<58}{'upload':>9}{'answer':>8}{'body':>9}{'time':>9}{'peak RSS':>11}")
        missed = []
        for index, (label, filename, data, form) in enumerate(worst_files(MAX_ROWS, names)):
            path = Path(tmp) / f"{index}-{filename}"
            path.write_bytes(data)
            result = run_child(url, path, filename, form)
            print(f"{label:<58}{len(data) / 1024:>7.0f}KB{result['status']:>8}"
                  f"{result['bytes'] / 1024:>7.1f}KB{result['seconds']:>8.2f}s"
                  f"{result['growth_mb']:>+9.0f}MB  {result['message'][:60]}", flush=True)
            path.unlink()
            if not (result["status"] < "5" and result["seconds"] < 2
                    and result["growth_mb"] < 100 and result["bytes"] < 64 * 1024):
                missed.append(label)
        print("goal met: every file answered without a 5xx in < 2 s, < 100 MB, < 64 KB"
              if not missed else f"goal missed by: {'; '.join(missed)}")


if __name__ == "__main__":
    main()
