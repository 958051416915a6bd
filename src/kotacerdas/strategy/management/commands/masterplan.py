"""``kotacerdas masterplan draft``: a region's masterplan drafted from the shell, written as
DOCX, PDF or JSON, and saved as a new masterplan with ``--save``."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from kotacerdas.cli import KotaCerdasCommand, add_action, fail, validation_failure
from kotacerdas.regions import selectors as regions
from kotacerdas.regions.models import Region
from kotacerdas.strategy import documents, drafting, reading, services
from kotacerdas.strategy.services.plans import check_horizon

FORMATS = {".docx": "DOCX", ".pdf": "PDF", ".json": "JSON"}
# The command's options for the fields the services name.
OPTIONS = {"start_year": "--from", "end_year": "--to"}


class Command(KotaCerdasCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Work with masterplans: draft one for a region and write it as a file.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        draft = add_action(
            actions,
            "draft",
            help=_("Draft a region's masterplan and write it as DOCX, PDF or JSON"),
            description=_(
                "Draft the masterplan of a region for the years --from to --to from what the "
                "platform knows (registry, readiness, index results, published practices) "
                "and write it to --out: a .docx, .pdf or .json file. Nothing is saved "
                "unless --save is given, which creates the masterplan with the draft as "
                "its version 1."
            ),
        )
        draft.add_argument(
            "--region", required=True, help=_("Kemendagri code of the region, e.g. 53.71")
        )
        draft.add_argument(
            "--from", dest="start", type=int, required=True, help=_("the plan's first year")
        )
        draft.add_argument(
            "--to", dest="end", type=int, required=True, help=_("the plan's last year")
        )
        draft.add_argument(
            "--out", type=Path, required=True, help=_("the file to write: .docx, .pdf or .json")
        )
        draft.add_argument(
            "--language",
            choices=["id", "en"],
            default="id",
            help=_("the language of the file (default: Indonesian)"),
        )
        draft.add_argument(
            "--save", action="store_true", help=_("save the draft as a new masterplan")
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "draft":
            self.draft(**options)

    def _region(self, code: str) -> Region:
        try:
            region = regions.get_region(code)
        except ValidationError as exc:
            raise fail(exc.messages[0]) from None
        except Region.DoesNotExist:
            raise fail(_("No kabupaten/kota has the code %(code)s.") % {"code": code}) from None
        if region.is_retired:
            raise fail(
                _("No current kabupaten/kota has the code %(code)s.") % {"code": region.code}
            )
        return region

    def draft(
        self,
        *,
        region: str,
        start: int,
        end: int,
        out: Path,
        language: str,
        save: bool,
        **options: Any,
    ) -> None:
        kind = FORMATS.get(out.suffix.lower())
        if kind is None:
            raise fail(_("The file %(file)s must end in .docx, .pdf or .json.") % {"file": out})
        found = self._region(region)
        try:
            start, end = check_horizon(start, end)
            if save:
                plan = services.create_masterplan(
                    actor=None, region=found, start_year=start, end_year=end
                )
                title, document = plan.title, plan.versions.get().content
            else:
                document = drafting.draft(found, start=start, end=end)
                with translation.override(language):
                    title = _("Smart city masterplan of %(region)s %(first)d–%(last)d") % {
                        "region": found.name,
                        "first": start,
                        "last": end,
                    }
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError(
                    {OPTIONS.get(field, field): errors for field, errors in exc.error_dict.items()}
                )
            raise validation_failure(exc) from None
        read = reading.read(title, document, language)
        if kind == "JSON":
            data = json.dumps(
                {
                    "title": title,
                    "language": language,
                    "content": document,
                    "reading": reading.as_data(read),
                },
                ensure_ascii=False,
                indent=2,
            ).encode()
        else:
            data = documents.plan_docx(read) if kind == "DOCX" else documents.plan_pdf(read)
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise fail(
                _("Cannot write %(file)s: %(error)s") % {"file": out, "error": exc.strerror or exc}
            ) from None
        if save:
            self.stdout.write(
                _("Saved masterplan %(id)d of %(region)s (%(first)d–%(last)d) as version 1.")
                % {"id": plan.pk, "region": found.name, "first": start, "last": end}
            )
        self.stdout.write(
            _(
                "Drafted the masterplan of %(region)s for %(first)d–%(last)d with %(count)d "
                "programme(s); wrote %(file)s (%(format)s)."
            )
            % {
                "region": found.name,
                "first": start,
                "last": end,
                "count": len(document["programmes"]),
                "file": out,
                "format": kind,
            }
        )
        if document.get("demo"):
            self.stdout.write(_("The draft builds on demo content; the file is marked DEMO."))
