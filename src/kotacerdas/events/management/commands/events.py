"""``kotacerdas events ...``: participants, certificates and check-in from the shell."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kotacerdas.cli import KotaCerdasCommand, add_action, fail, validation_failure
from kotacerdas.events import selectors, services
from kotacerdas.events.models import Event


class Command(KotaCerdasCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Work with events: participants, check-in and certificates.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add_action(actions, "list", help=_("List the events"))
        export = add_action(actions, "export", help=_("Export an event's participants"))
        export.add_argument("event", help=_("the event's short name"))
        export.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
        export.add_argument("--out", type=Path, required=True)
        certify = add_action(
            actions, "certificates", help=_("Issue certificates to everyone who checked in")
        )
        certify.add_argument("event")
        checkin = add_action(actions, "checkin", help=_("Check a participant in by ticket code"))
        checkin.add_argument("event")
        checkin.add_argument("code", help=_("the ticket code or the scanned QR text"))
        checkin.add_argument("--place", default="")
        verify = add_action(actions, "verify", help=_("Verify a certificate code"))
        verify.add_argument("code")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"do_{action}")(**options)

    def _event(self, slug: str) -> Event:
        event = selectors.event_by_slug(slug)
        if event is None:
            raise fail(_("No event has the short name “%(slug)s”.") % {"slug": slug})
        return event

    def do_list(self, **options: Any) -> None:
        for event in Event.objects.select_related("host_region").order_by("-starts_at"):
            local = event.starts_at.astimezone(event.zone)
            demo = " [DEMO]" if event.is_demo else ""
            self.stdout.write(
                f"{event.slug}\t{local:%Y-%m-%d}\t{event.host_region.name}\t"
                f"{event.get_status_display()}\t{event.name}{demo}"
            )

    def do_export(self, *, event: str, format: str, out: Path, **options: Any) -> None:
        found = self._event(event)
        data = (
            selectors.participants_csv(found)
            if format == "csv"
            else selectors.participants_xlsx(found)
        )
        out.write_bytes(data)
        self.stdout.write(
            _("Exported %(count)d participant(s) to %(file)s.")
            % {"count": selectors.participants(found).count(), "file": out}
        )

    def do_certificates(self, *, event: str, **options: Any) -> None:
        issued = services.issue_certificates(actor=None, event=self._event(event))
        self.stdout.write(_("Issued %(count)d certificate(s).") % {"count": len(issued)})

    def do_checkin(self, *, event: str, code: str, place: str, **options: Any) -> None:
        try:
            result = services.check_in(
                actor=None, event=self._event(event), scanned=code, place=place
            )
        except ValidationError as exc:
            raise validation_failure(exc) from None
        registration, checkin = result.registration, result.checkin
        when = checkin.at.astimezone(registration.delegation.event.zone)
        if result.first:
            self.stdout.write(
                _("Checked in: %(name)s (%(region)s).")
                % {"name": registration.name, "region": registration.delegation.region.name}
            )
        else:
            self.stdout.write(
                _("Already checked in at %(when)s (%(place)s): %(name)s.")
                % {
                    "when": f"{when:%Y-%m-%d %H:%M}",
                    "place": checkin.place or "—",
                    "name": registration.name,
                }
            )

    def do_verify(self, *, code: str, **options: Any) -> None:
        certificate = selectors.certificate_by_code(code)
        if certificate is None:
            raise fail(_("No certificate has the code “%(code)s”.") % {"code": code})
        registration = certificate.registration
        event = registration.delegation.event
        if certificate.revoked_at:
            raise fail(
                _("Certificate %(code)s was revoked: %(reason)s")
                % {"code": certificate.code, "reason": certificate.revoked_reason}
            )
        self.stdout.write(
            _("Valid: %(name)s attended %(event)s.")
            % {"name": registration.name, "event": event.name}
        )
