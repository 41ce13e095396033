"""The reports the contract is paid on, made from the demo year as their commands make them:
the effect report of one month (`flask effect-report`) and the execution report of the whole
year (`flask execution-report`: 12 evidence sheets, ~13,700 rows). Seconds and peak memory
(the command's own process, VmHWM), with and without the PDF.

    .venv/bin/python bench/bench_effect.py            # 2022-09, three runs each
    .venv/bin/python bench/bench_effect.py --month 2022-12 --runs 5

Each run is a fresh process (matplotlib's first import and font load included, as a job's
first report pays them). The load average before each run is printed beside it: other people's
work on a shared machine skews the seconds.
Goal (issue #16): under 10 s on this machine."""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = Path(sys.executable).parent / "flask"


def flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(FLASK), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)


def high_water_mib(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) / 1024


def timed_report(env: dict, command: list[str], out: str) -> tuple[float, float, list[str]]:
    """Seconds and peak MiB of one report command's process (its VmHWM, read until it exits;
    LibreOffice, a process of its own, is not counted), and the files it wrote."""
    began = time.perf_counter()
    process = subprocess.Popen([str(FLASK), "--app", "wsgi", *command, "--out", out], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, high_water_mib(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - began
    stdout, stderr = process.communicate()
    if process.returncode:
        raise SystemExit(stderr)
    return seconds, peak, stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", default="2022-09")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "x",
               "JOBS_SQLITE_PATH": f"{tmp}/jobs.db", "REPORTS_DIR": f"{tmp}/reports"}
        for step in (["db", "upgrade"], ["seed-district"], ["demo-data"]):
            flask(env, *step)
        no_office = {"PATH": "/nonexistent"}  # soffice is looked up on the PATH
        reports = (("effect report " + args.month, ["effect-report", "--month", args.month]),
                   ("execution report", ["execution-report"]))
        for name, command in reports:
            for label, extra in (("with PDF (LibreOffice)", {}), ("without PDF", no_office)):
                rows = []
                for run in range(args.runs):
                    load = os.getloadavg()[0]
                    seconds, peak, files = timed_report(
                        {**env, **extra}, command, f"{tmp}/out-{command[0]}-{label[:4]}-{run}")
                    rows.append(seconds)
                    kinds = ",".join(sorted(Path(f).suffix[1:] for f in files))
                    print(f"{name}, {label}: run {run + 1}: {seconds:.2f} s, peak {peak:.0f} "
                          f"MiB, files {kinds}, load before {load:.2f}")
                print(f"{name}, {label}: median {statistics.median(rows):.2f} s (goal < 10 s)")


if __name__ == "__main__":
    main()
