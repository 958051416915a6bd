"""``kotacerdas users create``: create a user with one role."""

from __future__ import annotations

import secrets
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kotacerdas.accounts.models import Role
from kotacerdas.accounts.services import create_user
from kotacerdas.cli import KotaCerdasCommand, add_action, fail, validation_failure
from kotacerdas.regions.codes import normalise_region_code
from kotacerdas.regions.models import Region


def find_region(raw: str) -> Region:
    """The current kabupaten/kota with code ``raw`` (``53.71`` or ``5371``), or a CLI error."""
    try:
        code = normalise_region_code(raw)
    except ValidationError as exc:
        raise validation_failure(exc) from None
    region = Region.objects.filter(code=code, retired_at__isnull=True).first()
    if region is None:
        raise fail(
            _(
                "No current kabupaten/kota has the code %(code)s. "
                "Is the registry loaded (kotacerdas regions sync)?"
            )
            % {"code": code}
        )
    return region


class Command(KotaCerdasCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Manage user accounts.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = add_action(
            actions,
            "create",
            help=_("Create a user with a role"),
            description=_(
                "Create a user. A region officer belongs to exactly one region; the "
                "secretariat and administrators to none. Without --password-stdin a random "
                "password is generated and printed once."
            ),
        )
        create.add_argument("username")
        create.add_argument(
            "--role",
            required=True,
            metavar="ROLE",
            help=_("One of: %(roles)s.") % {"roles": ", ".join(Role.values)},
        )
        create.add_argument(
            "--region",
            metavar="CODE",
            help=_("Kemendagri code of the officer's region, 53.71 or 5371."),
        )
        create.add_argument("--email", default="", help=_("E-mail address."))
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help=_("Read the password from standard input instead of generating one."),
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            self.create(**options)

    def create(
        self,
        *,
        username: str,
        role: str,
        region: str | None,
        email: str,
        password_stdin: bool,
        **options: Any,
    ) -> None:
        if role not in Role.values:
            raise fail(
                _("“%(role)s” is not a role; use one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            )
        if role == Role.OFFICER and not region:
            raise fail(_("A region officer needs --region, for example --region 53.71."))
        if role != Role.OFFICER and region:
            raise fail(_("Only a region officer is bound to a region; leave out --region."))
        found = find_region(region) if region else None

        generated = not password_stdin
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise fail(_("No password was given on standard input."))
        else:
            password = secrets.token_urlsafe(12)
        try:
            user = create_user(
                actor=None,
                username=username,
                email=email,
                password=password,
                role=role,
                region=found,
            )
        except ValidationError as exc:
            raise validation_failure(exc) from None

        if found is not None:
            self.stdout.write(
                _("Created %(role)s %(username)s for %(region)s (%(code)s).")
                % {
                    "role": user.get_role_display(),
                    "username": user.username,
                    "region": found.name,
                    "code": found.code,
                }
            )
        else:
            self.stdout.write(
                _("Created %(role)s %(username)s.")
                % {"role": user.get_role_display(), "username": user.username}
            )
        if generated:
            self.stdout.write(
                _("Password (shown once, store it now): %(password)s") % {"password": password}
            )
