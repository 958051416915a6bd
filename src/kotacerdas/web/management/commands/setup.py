"""``kotacerdas setup``: make a database ready to use, quickly when it already is."""

from __future__ import annotations

import secrets
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.utils.translation import gettext as _

from kotacerdas.accounts.models import Role, User
from kotacerdas.accounts.services import create_user
from kotacerdas.assessments.services.frameworks import load_shipped
from kotacerdas.cli import KotaCerdasCommand
from kotacerdas.regions.management.commands.regions import summary as sync_summary
from kotacerdas.regions.models import Region
from kotacerdas.regions.services import sync_registry

from .demo import load_all

DEMO_REGION_CODE = "53.71"
# (username, role, region code): the demo logins, sharing one generated password.
DEMO_ACCOUNTS = (
    ("admin", Role.ADMIN, None),
    ("officer.kupang", Role.OFFICER, DEMO_REGION_CODE),
)


def login_box(usernames: list[str], password: str) -> str:
    """The once-only notice of the demo logins, framed so that it is not missed."""
    lines = [_("Demo login — shown once, store it now:")]
    lines += [
        _("  username %(username)s / password %(password)s")
        % {"username": name, "password": password}
        for name in usernames
    ]
    if len(usernames) > 1:
        lines.append(_("  (the same password for every account above)"))
    width = max(len(line) for line in lines)
    rule = "+" + "-" * (width + 2) + "+"
    return "\n".join([rule, *(f"| {line.ljust(width)} |" for line in lines), rule])


class Command(KotaCerdasCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Prepare the database: apply migrations, load the region registry if it is "
            "empty, load the demo content and create the demo logins. Safe to run again."
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--sync",
            action="store_true",
            help=_("Sync the region registry even when it is already loaded."),
        )
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help=_("Load no demo content and create no demo logins."),
        )
        parser.add_argument("--quiet", action="store_true", help=_("Show no progress bars."))

    def handle(self, *args: Any, sync: bool, no_demo: bool, quiet: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("Database migrated."))

        loaded = Region.objects.count()
        if sync or not loaded:
            with self.progress(_("Registry"), quiet=quiet) as progress:
                report = sync_registry(actor=None, progress=progress)
            self.stdout.write(sync_summary(report))
        else:
            self.stdout.write(
                _("Region registry already loaded (%(count)d regions); --sync updates it.")
                % {"count": loaded}
            )

        load_shipped(actor=None)

        if no_demo:
            self.stdout.write(
                _(
                    "No demo content. Create an administrator with: "
                    "kotacerdas users create NAME --role admin"
                )
            )
            return
        load_all(self, quiet=quiet)
        self.create_demo_accounts()

    def create_demo_accounts(self) -> None:
        existing = set(
            User.objects.filter(username__in=[name for name, _r, _c in DEMO_ACCOUNTS]).values_list(
                "username", flat=True
            )
        )
        missing = [account for account in DEMO_ACCOUNTS if account[0] not in existing]
        if existing:
            self.stdout.write(
                _(
                    "Demo account(s) %(usernames)s already exist; their password is not shown "
                    "again (kotacerdas changepassword USERNAME sets a new one)."
                )
                % {"usernames": ", ".join(sorted(existing))}
            )
        if not missing:
            return
        password = secrets.token_urlsafe(12)
        for username, role, code in missing:
            create_user(
                actor=None,
                username=username,
                email=f"{username}@example.invalid",
                password=password,
                role=role,
                region=Region.objects.get(code=code) if code else None,
            )
        self.stdout.write(login_box([name for name, _r, _c in missing], password))
