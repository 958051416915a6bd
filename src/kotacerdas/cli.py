"""The ``kotacerdas`` command: KotaCerdas's own commands plus every Django management command.

``kotacerdas setup`` prepares a database, ``kotacerdas serve`` runs the web server, and
``kotacerdas regions|users|tokens|demo ...`` are thin wrappers over the services. Any other
name is handed to Django unchanged (``kotacerdas migrate``, ``kotacerdas shell``).

This module also holds what the KotaCerdas management commands share: a base class that
attributes every write to the command line in the audit trail, the conversion of a
validation error into a one-line message with exit status 2, and the progress bar.
"""

from __future__ import annotations

import contextlib
import os
import sys
from argparse import SUPPRESS, ArgumentParser
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

SETTINGS_MODULE = "kotacerdas.web.settings"
# argparse uses 2 for usage errors; bad input to a command is the same kind of mistake.
ERROR_STATUS = 2
# The web server sets the audit channel per request; everything else run here is the CLI.
SERVER_COMMANDS = frozenset({"serve", "runserver", "testserver"})

ProgressCallback = Callable[[int, int], None]


def fail(message: str) -> CommandError:
    """A :class:`CommandError` that Django prints as one line and exits with status 2."""
    return CommandError(" ".join(str(message).split()), returncode=ERROR_STATUS)


def validation_failure(exc: ValidationError) -> CommandError:
    """Turn a model or password validation error into one readable line."""
    if hasattr(exc, "error_dict"):
        parts = [
            " ".join(messages) if field == "__all__" else f"{field}: {' '.join(messages)}"
            for field, messages in exc.message_dict.items()
        ]
    else:
        parts = exc.messages
    return fail(" ".join(parts))


def add_action(actions: Any, name: str, **kwargs: Any) -> ArgumentParser:
    """Add the subcommand ``name`` (``regions sync``) to ``parser.add_subparsers()``.

    Django's own options are defined on the command's parser, so argparse would refuse
    them after the subcommand (``kotacerdas regions sync --traceback``). They are repeated
    here, hidden and without a default, so that they work in either place without the
    subcommand resetting what was given before it.
    """
    parser: ArgumentParser = actions.add_parser(name, **kwargs)
    parser.add_argument("--traceback", action="store_true", default=SUPPRESS, help=SUPPRESS)
    parser.add_argument("--skip-checks", action="store_true", default=SUPPRESS, help=SUPPRESS)
    parser.add_argument("--no-color", action="store_true", default=SUPPRESS, help=SUPPRESS)
    parser.add_argument(
        "-v", "--verbosity", type=int, choices=[0, 1, 2, 3], default=SUPPRESS, help=SUPPRESS
    )
    return parser


class KotaCerdasCommand(BaseCommand):
    """Base of the KotaCerdas commands: every write inside is audited as coming from the CLI."""

    def execute(self, *args: Any, **options: Any) -> Any:
        from kotacerdas.core import audit
        from kotacerdas.core.models import AuditEvent

        with audit.channel(AuditEvent.Channel.CLI):
            return super().execute(*args, **options)

    @contextlib.contextmanager
    def progress(self, description: str, *, quiet: bool = False) -> Iterator[ProgressCallback]:
        """Yield a ``progress(done, total)`` callback drawing a bar on a terminal's stderr.

        The bar is off with ``--quiet`` and whenever stderr is not a terminal (a pipe, a log
        file, a test), so captured output holds only the summary lines.
        """
        if quiet or not self.stderr.isatty():
            yield lambda done, total: None
            return
        from tqdm import tqdm

        # tqdm redraws with carriage returns, so it writes to the raw stream rather than
        # through Django's OutputWrapper, which would end every update with a newline.
        with tqdm(desc=description, file=sys.stderr, leave=False, unit=" " + _("records")) as bar:

            def update(done: int, total: int) -> None:
                if bar.total != total:
                    bar.total = total
                    bar.refresh()
                # update() redraws at most every mininterval, unlike refresh().
                bar.update(done - bar.n)

            yield update


def _commands() -> list[tuple[str, str]]:
    return [
        ("setup", _("Prepare the database: migrate, load the registry and demo, demo logins")),
        ("serve", _("Run the web server (--host, --port or KOTACERDAS_PORT)")),
        ("regions sync", _("Load or update the official registry of provinces and regions")),
        ("users create", _("Create a user with a role: officer, secretariat or admin")),
        ("tokens create", _("Create an API token for a user; the token is shown once")),
        ("tokens list", _("List a user's API tokens")),
        ("tokens revoke", _("Revoke an API token by its prefix")),
        (
            "demo load",
            _("Load the labelled demo network, cohorts, heads, contacts, index, library"),
        ),
        ("index compute", _("Compute a composite index from iMeta/iData files (COINr-exact)")),
        ("index uncertainty", _("Monte-Carlo uncertainty and sensitivity analysis from files")),
        ("practices import", _("Import practices (JSON, XLSX, CSV) as drafts, all or nothing")),
        ("practices export", _("Export the published practices as JSON, CSV or XLSX")),
        ("practices search", _("Search the published practices")),
        ("practices recommend", _("Recommend practices for a region, with reasons")),
        ("practices reindex", _("Rebuild the practice search index")),
        ("events list", _("List the events")),
        ("events export", _("Export an event's participants as CSV or XLSX")),
        ("events checkin", _("Check a participant in by ticket code")),
        ("events certificates", _("Issue certificates to everyone who checked in")),
        ("events verify", _("Verify a certificate code")),
        ("masterplan draft", _("Draft a region's masterplan as DOCX, PDF or JSON")),
    ]


def help_text(prog: str = "kotacerdas") -> str:
    width = max(len(name) for name, _text in _commands()) + 2
    lines = [
        _("usage: %(prog)s COMMAND [options]") % {"prog": prog},
        "",
        _("KotaCerdas: the working platform of a network of Indonesian smart-city regions."),
        "",
        _("Commands:"),
        *(f"  {name.ljust(width)}{text}" for name, text in _commands()),
        "",
        _(
            "Every other Django management command works as well, for example "
            "“%(prog)s migrate”. “%(prog)s help” lists them all and "
            "“%(prog)s COMMAND --help” explains one."
        )
        % {"prog": prog},
    ]
    return "\n".join(lines) + "\n"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kotacerdas")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def _activate_language() -> None:
    """Speak the interface's default language (Indonesian) unless KOTACERDAS_LANGUAGE says."""
    from django.conf import settings
    from django.utils import translation

    wanted = os.environ.get("KOTACERDAS_LANGUAGE", "").strip().lower()
    known = {code for code, _name in settings.LANGUAGES}
    translation.activate(wanted if wanted in known else settings.LANGUAGE_CODE)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kotacerdas`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)

    import django

    django.setup()
    _activate_language()

    if not argv or argv[0] in {"-h", "--help"}:
        sys.stdout.write(help_text())
        return 0
    if argv[0] == "--version":
        sys.stdout.write(f"kotacerdas {_version()}\n")
        return 0

    from django.conf import settings
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    from kotacerdas.core import audit
    from kotacerdas.core.models import AuditEvent

    asks_for_help = {"-h", "--help"} & set(argv)
    if not asks_for_help:
        # The embedded SQLite database lives there; SQLite will not create the folder.
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)

    in_channel = (
        contextlib.nullcontext()
        if argv[0] in SERVER_COMMANDS
        else audit.channel(AuditEvent.Channel.CLI)
    )
    try:
        with in_channel:
            execute_from_command_line(["kotacerdas", *argv])
    except DatabaseError as exc:
        if "--traceback" in argv:
            raise
        # Most often a database that was never migrated; say so instead of a traceback.
        message = _("Database error: %(error)s. Has “kotacerdas setup” been run?") % {
            "error": " ".join(str(exc).split())
        }
        sys.stderr.write(message + "\n")
        return ERROR_STATUS
    except KeyboardInterrupt:
        # The KotaCerdas services write in transactions, so an interrupted step is rolled back.
        sys.stderr.write("\n" + _("Interrupted.") + "\n")
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover - python -m kotacerdas.cli
    sys.exit(main())
