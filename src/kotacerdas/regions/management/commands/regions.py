"""``kotacerdas regions sync``: load or update the official region registry."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.utils.translation import gettext as _

from kotacerdas.cli import KotaCerdasCommand, add_action
from kotacerdas.regions.services import SyncReport, sync_registry


class Command(KotaCerdasCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Work with the official registry of provinces and kabupaten/kota.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sync = add_action(
            actions,
            "sync",
            help=_("Load or update the registry from the packaged Kemendagri data"),
            description=_(
                "Load or update provinces and kabupaten/kota from the packaged Kemendagri "
                "registry. Codes that disappeared are marked retired, never deleted; "
                "running it again changes nothing."
            ),
        )
        sync.add_argument("--quiet", action="store_true", help=_("Show no progress bar."))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "sync":
            self.sync(quiet=options["quiet"])

    def sync(self, *, quiet: bool) -> None:
        with self.progress(_("Registry"), quiet=quiet) as progress:
            report = sync_registry(actor=None, progress=progress)
        self.stdout.write(summary(report))
        if report.retired:
            self.stdout.write(_("Retired: %(codes)s") % {"codes": ", ".join(report.retired)})
        if report.restored:
            self.stdout.write(_("Restored: %(codes)s") % {"codes": ", ".join(report.restored)})


def summary(report: SyncReport) -> str:
    """The one-line summary of a sync, also printed by ``kotacerdas setup``."""
    return (
        _(
            "Registry synced: added %(added)d, changed %(changed)d, "
            "unchanged %(unchanged)d, retired %(retired)d."
        )
        % report.as_counts()
    )
