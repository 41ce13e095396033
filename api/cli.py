"""flask commands: thin wrappers that call service functions."""

import sys

import click
from flask import Flask

from models import Role
from service import accounts, demo, district
from service.contracts import ensure_default_contract
from service.errors import ServiceError


def _fail(error: ServiceError) -> None:
    details = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in error.errors.items())
    raise click.ClickException(f"{error.message}{'（' + details + '）' if details else ''}")


def register_commands(app: Flask) -> None:
    @app.cli.command("seed-district")
    def seed_district():
        """Load the district's streets and communities and the default contract (idempotent)."""
        result = district.seed_district()
        contract = ensure_default_contract()
        click.echo(f"streets: {result.streets}, communities: {result.communities}, "
                   f"changed: {result.changed}; contract: {contract.key}")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--display-name", default=None)
    @click.option("--password-stdin", is_flag=True,
                  help="Read the password from standard input.")
    def create_user(username, role, display_name, password_stdin):
        """Create an account (the password is read from stdin or prompted for)."""
        if password_stdin or not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            user = accounts.create_user(username=username, password=password, role=role,
                                        display_name=display_name)
        except ServiceError as error:
            _fail(error)
        click.echo(f"created {user.role} {user.username} (id {user.id})")

    @app.cli.command("demo-data")
    @click.option("--seed", default=2022, show_default=True, help="Random seed.")
    def demo_data(seed):
        """Build a realistic year of the 2022 contract (accounts, assignments, work)."""
        ensure_default_contract()
        summary = demo.build_demo_data(seed)
        click.echo(", ".join(f"{key}: {value}" for key, value in summary.items()))
        click.echo(f"demo accounts: admin, official, liaison01..liaison15; "
                   f"password {demo.DEMO_PASSWORD}")
