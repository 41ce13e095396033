"""flask commands: thin wrappers that call service functions."""

import sys
from pathlib import Path

import click
from flask import Flask

from models import Role, db
from service import demo
from service.demo.content_reports import waiting_report_jobs
from service.district import accounts, places
from service.district.contracts import (
    ensure_default_contract,
    ensure_shipped_contracts,
    load_contract,
    read_contract_file,
)
from service.errors import ServiceError
from service.operations import backups
from service.progress import user_counts
from service.reports import calendar, effect, execution, runs
from service.reports import content as content_reports
from service.reports.effect import enqueue


def _queue_demo_reports() -> None:
    """Hand the demo reports' jobs to the queue now that the year is committed."""
    for job in waiting_report_jobs():
        enqueue(job, content_reports.STEP)
        click.echo(f"queued the files of a content report (job {job.id})")


def _fail(error: ServiceError) -> None:
    details = "; ".join(f"{field}: {message}" for field, messages in error.errors.items()
                        for message in messages if message not in error.message)
    raise click.ClickException(f"{error.message}{'（' + details + '）' if details else ''}")


def register_commands(app: Flask) -> None:
    @app.cli.command("seed-district")
    @click.argument("directories", nargs=-1,
                    type=click.Path(exists=True, file_okay=False, path_type=Path))
    def seed_district(directories):
        """Load districts' streets and communities from their directories (default: the shipped
        district; a city: several directories, all or nothing) and the shipped contracts: the
        default one in force, the others beside it as their files say (idempotent)."""
        try:
            result = places.seed_district(*directories)
        except ServiceError as error:
            _fail(error)
        contract, *beside = ensure_shipped_contracts()
        several = f"districts: {result.districts}, " if result.districts > 1 else ""
        click.echo(f"{several}streets: {result.streets}, communities: {result.communities}, "
                   f"changed: {result.changed}; contract: {contract.key}"
                   + "".join(f"; loaded beside it: {other.key}" for other in beside))

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--display-name", default=None)
    @click.option("--community-code", default=None,
                  help="The community of a community account (required with --role community).")
    @click.option("--email", default=None, help="Where the weekly workbook is e-mailed.")
    @click.option("--password-stdin", is_flag=True,
                  help="Read the password from standard input.")
    def create_user(username, role, display_name, community_code, email, password_stdin):
        """Create an account (the password is read from stdin or prompted for)."""
        if password_stdin or not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            user = accounts.create_user(username=username, password=password, role=role,
                                        display_name=display_name,
                                        community_code=community_code, email=email)
        except ServiceError as error:
            _fail(error)
        click.echo(f"created {user.role} {user.username} (id {user.id})")

    @app.cli.command("demo-data")
    @click.option("--seed", default=2022, show_default=True, help="Random seed.")
    def demo_data(seed):
        """Build a realistic year of the 2022 contract (accounts, assignments, work) and, when
        the 2023 content contract is loaded, its year of content, review and publications."""
        ensure_default_contract()
        summary = demo.build_demo_data(seed)
        click.echo(", ".join(f"{key}: {value}" for key, value in summary.items()))
        # The set of the contract's last week waits in the queue for `make run`'s consumer.
        label = demo.last_contract_week()
        try:
            job, _new = runs.request_set(label, actor=None)
            click.echo(f"queued the weekly set of {label} (job {job.id})")
        except ServiceError as error:
            click.echo(f"the weekly set of {label} was not queued: {error.message}", err=True)
        _queue_demo_reports()
        content = ("; 2023 content contract: bianji1..bianji3, zuzhang, zhixing, zhuguan"
                   if summary.get("content_team") else "")
        click.echo(f"demo accounts: admin, official, liaison01..liaison15{content}; "
                   f"password {demo.DEMO_PASSWORD}")

    @app.cli.command("import-user-counts")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="The counts' date, unless the file states it.")
    @click.option("--dry-run", is_flag=True, help="Check the file and store nothing.")
    def import_user_counts(file, day, dry_run):
        """Import the platform's user-count export (.xlsx or .csv), all or nothing."""
        path = Path(file)

        def progress(rows):
            with click.progressbar(rows, label="核对数据行", file=sys.stderr) as bar:
                yield from bar
        try:
            result = user_counts.import_file(
                actor=None, data=path.read_bytes(), filename=path.name, source="cli",
                day=day.date() if day else None, dry_run=dry_run, progress=progress)
        except user_counts.RowsRejectedError as error:
            for row in error.errors["rows"]:
                click.echo(f"第 {row['row']} 行 {row['column'] or ''}：{row['reason']}", err=True)
            raise click.ClickException(error.message) from None
        except ServiceError as error:
            _fail(error)
        verb = "would store" if dry_run else "stored"
        click.echo(f"{verb} {result.communities} communities for {result.date}: "
                   f"registered {result.registered:,}, verified {result.verified:,}; "
                   f"{len(result.differences)} changed")

    @app.cli.command("load-contract")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--activate/--no-activate", default=None,
                  help="Make it the contract in force, or load it beside the one in force "
                       "(default: as the file's `activate` says; in force if it says nothing).")
    def load_contract_command(file, activate):
        """Load a contract, its targets, channels and obligations from a YAML or JSON file,
        and freeze its term's working-day calendar."""
        try:
            contract = load_contract(read_contract_file(Path(file)), activate=activate)
        except ServiceError as error:
            _fail(error)
        click.echo(f"loaded {contract.key}: {contract.name}, {contract.start_date} to "
                   f"{contract.end_date}, {len(contract.targets)} targets, "
                   f"{len(contract.channels)} channels, {len(contract.obligations)} obligations"
                   f"{'' if contract.active else ' (not in force)'}")

    @app.cli.command("weekly-reports")
    @click.option("--week", default=None, help="ISO week, e.g. 2022-W20 (default: last week).")
    @click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
                  help="Folder of the weekly sets (default: REPORTS_DIR, instance/reports, "
                       "which downloads serve).")
    @click.option("--jobs", default=2, show_default=True, help="Processes that render.")
    @click.option("--outside-contract", is_flag=True,
                  help="Make the set of a week outside every contract's period.")
    @click.option("--district", default=None,
                  help="The district's 12-digit code (required when several are held).")
    def weekly_reports(week, out_dir, jobs, outside_contract, district):
        """Make a district's set of a week here (its communities, streets, the district, and a
        zip), as the queue's consumers would, recorded as a job."""
        week = week or calendar.last_complete_week()

        def progress(parts):
            if not sys.stderr.isatty():
                yield from parts
                return
            with click.progressbar(parts, label=f"生成 {week} 周报", file=sys.stderr) as bar:
                yield from bar
        try:
            made = runs.make_set_here(week, district=district, processes=jobs,
                                      progress=progress,
                                      root=Path(out_dir) if out_dir else None,
                                      outside_contract=outside_contract)
        except ServiceError as error:
            _fail(error)
        except OSError as error:
            # A full disk, a missing permission, a folder where a file should go: one line
            # naming the file (for a rename, the destination) rather than a traceback.
            path = error.filename2 or error.filename
            raise click.ClickException(
                f"无法写入周报文件{f' {path}' if path else ''}：{error.strerror or error}；"
                f"未写完的文件已删除") from None
        click.echo(f"{made.files} files in {made.directory} ({made.seconds:.1f} s)")

    @app.cli.command("worker")
    @click.option("--workers", default=2, show_default=True,
                  help="Tasks run at once by this consumer.")
    @click.option("--worker-type", type=click.Choice(["process", "thread"]), default="process",
                  show_default=True, help="Processes use every core (rendering is CPU-bound).")
    @click.option("--no-periodic", is_flag=True,
                  help="Leave the schedule to other consumers.")
    def worker(workers, worker_type, no_periodic):
        """Run a consumer of the job queue (weekly sets, backups, the schedule) until Ctrl-C."""
        queue = app.extensions["jobs"]
        click.echo(f"consumer: {workers} {worker_type} workers on the {queue.storage_kind} "
                   f"queue {queue.huey.name}" + ("" if no_periodic else ", with the schedule"))
        queue.consumer(workers=workers, worker_type=worker_type,
                       periodic=not no_periodic).run()

    @app.cli.command("effect-report")
    @click.option("--month", default=None, help="A calendar month, e.g. 2022-09.")
    @click.option("--from", "start", default=None, type=click.DateTime(["%Y-%m-%d"]),
                  help="Or a date range: its first day …")
    @click.option("--to", "end", default=None, type=click.DateTime(["%Y-%m-%d"]),
                  help="… and its last day.")
    @click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
                  help="Folder the files are written to.")
    def effect_report(month, start, end, out_dir):
        """推广效果数据分析报告: a Word document, its figures as a workbook, and a PDF where
        LibreOffice is installed."""
        try:
            period = effect.period_of(month=month, start=start and start.date(),
                                      end=end and end.date())
            for path in effect.write_effect_report(period, Path(out_dir)):
                click.echo(str(path))
        except ServiceError as error:
            _fail(error)

    @app.cli.command("content-report")
    @click.argument("report_ids", nargs=-1, type=int)
    @click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
                  help="Folder the files are written to, one sub-folder per report.")
    def content_report_command(report_ids, out_dir):
        """Reports of the content contract (monthly, quarterly, mid-term, final): the files of
        these issued reports (of every issued one when none is named), as the one who issued
        each would download them."""
        try:
            for report_id, issuer_id in content_reports.issued_reports(list(report_ids)):
                folder = Path(out_dir) / f"report-{report_id}"
                for path in content_reports.write_report_files(report_id, issuer_id, folder):
                    click.echo(str(path))
        except ServiceError as error:
            _fail(error)

    @app.cli.command("execution-report")
    @click.option("--as-of", "as_of", default=None, type=click.DateTime(["%Y-%m-%d"]),
                  help="Report as of this day (marked 截至); default: the contract's end.")
    @click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
                  help="Folder the files are written to.")
    def execution_report_command(as_of, out_dir):
        """执行（成果）报告: the Word document (and its PDF where LibreOffice is installed),
        the evidence workbook and manifest.json with every file's SHA-256."""
        try:
            for path in execution.write_execution_report(as_of and as_of.date(),
                                                         Path(out_dir)):
                click.echo(str(path))
        except ServiceError as error:
            _fail(error)

    @app.cli.command("backup")
    @click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
                  help="Folder of the backups (default: BACKUPS_DIR, instance/backups).")
    @click.option("--verify", "verify_file", default=None,
                  type=click.Path(exists=True, dir_okay=False),
                  help="Check this backup instead: checksum, then a restore into a scratch "
                       "database whose row counts must equal the manifest's.")
    def backup(out_dir, verify_file):
        """Take a consistent backup of the database (with its manifest), or verify one."""
        url = db.engine.url.render_as_string(hide_password=False)
        try:
            if verify_file:
                result = backups.verify_backup(Path(verify_file), scratch_server_url=url)
                if not result.ok:
                    raise click.ClickException(
                        f"校验失败：完整性 {result.integrity}；清单行数 {result.manifest.tables}，"
                        f"恢复后行数 {result.restored}")
                click.echo(f"verified {verify_file}: {sum(result.restored.values())} rows in "
                           f"{len(result.restored)} tables, integrity {result.integrity}")
                return
            folder = Path(out_dir or app.config["BACKUPS_DIR"])
            manifest = backups.take_backup(url, folder)
        except ServiceError as error:
            _fail(error)
        click.echo(f"{folder / manifest.file}: {sum(manifest.tables.values())} rows in "
                   f"{len(manifest.tables)} tables, sha256 {manifest.sha256[:16]}…")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    def restore(file):
        """Restore a backup (its checksum checked first) into the configured, empty database."""
        url = db.engine.url.render_as_string(hide_password=False)
        db.engine.dispose()  # no connection of ours is left open on the target
        try:
            manifest = backups.restore_backup(Path(file), url)
        except ServiceError as error:
            _fail(error)
        click.echo(f"restored {manifest.file} taken {manifest.taken_at} "
                   f"({sum(manifest.tables.values())} rows)")
