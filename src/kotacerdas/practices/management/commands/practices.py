"""``kotacerdas practices ...``: import, export, search and the search index, from the shell."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from kotacerdas.cli import KotaCerdasCommand, add_action, fail
from kotacerdas.core.tabular import ImportRejected
from kotacerdas.practices import advice, search
from kotacerdas.practices.services import transfer
from kotacerdas.regions.models import Region

EXPORTERS = {
    "json": transfer.export_json,
    "csv": transfer.export_csv,
    "xlsx": transfer.export_xlsx,
}


class Command(KotaCerdasCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Work with the best-practice library.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add_action(
            actions,
            "reindex",
            help=_("Rebuild the search index from the published practices"),
            description=_(
                "Drop the search index and build it again from every published practice. "
                "Needed after changing the synonym list or the stemmer."
            ),
        )
        importer = add_action(
            actions,
            "import",
            help=_("Import practices from a JSON, XLSX or CSV file as drafts"),
            description=_(
                "Check the file whole and create every practice in it as a draft of its "
                "lead region, or none of them. Problems are listed by row and column."
            ),
        )
        importer.add_argument("file", type=Path)
        importer.add_argument(
            "--dry-run", action="store_true", help=_("Check the file and change nothing.")
        )
        exporter = add_action(
            actions, "export", help=_("Export the published practices (json, csv or xlsx)")
        )
        exporter.add_argument("--format", choices=sorted(EXPORTERS), default="json")
        exporter.add_argument("--out", type=Path, required=True)
        finder = add_action(actions, "search", help=_("Search the published practices"))
        finder.add_argument("query", nargs="?", default="")
        finder.add_argument("--limit", type=int, default=10)
        recommend = add_action(
            actions, "recommend", help=_("Recommend published practices for a region")
        )
        recommend.add_argument("region", help=_("Kemendagri code, e.g. 53.71"))
        recommend.add_argument("--limit", type=int, default=10)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"do_{action}")(**options)

    def do_reindex(self, **options: Any) -> None:
        count = search.rebuild_index()
        self.stdout.write(_("Search index rebuilt: %(count)d practice(s).") % {"count": count})

    def do_import(self, *, file: Path, dry_run: bool, **options: Any) -> None:
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise fail(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc}
            ) from None
        try:
            if dry_run:
                plan = transfer.plan_import(actor=None, content=content, filename=file.name)
                self.stdout.write(
                    _("The file is valid: %(count)d practice(s) would be created.")
                    % {"count": len(plan)}
                )
                return
            created = transfer.import_practices(actor=None, content=content, filename=file.name)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise fail(
                _("Nothing was imported: %(count)d problem(s).") % {"count": len(rejected.problems)}
            ) from None
        self.stdout.write(
            _("Imported %(count)d practice(s) as drafts: %(slugs)s")
            % {"count": len(created), "slugs": ", ".join(p.slug for p in created)}
        )

    def do_export(self, *, format: str, out: Path, **options: Any) -> None:
        practices = transfer.export_queryset()
        out.write_bytes(EXPORTERS[format](practices))
        self.stdout.write(
            _("Exported %(count)d practice(s) to %(file)s.")
            % {"count": len(practices), "file": out}
        )

    def do_search(self, *, query: str, limit: int, **options: Any) -> None:
        result = search.search_practices(query, per_page=max(1, min(limit, 100)))
        self.stdout.write(_("%(count)d practice(s) found.") % {"count": result.total})
        if result.suggestion:
            self.stdout.write(_("Did you mean: %(query)s") % {"query": result.suggestion})
        for hit in result.hits:
            version = hit.practice.published_version
            demo = " [DEMO]" if hit.practice.is_demo else ""
            self.stdout.write(f"{hit.practice.slug}\t{version.title}{demo}")

    def do_recommend(self, *, region: str, limit: int, **options: Any) -> None:
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise fail(_("Unknown region code “%(code)s”.") % {"code": region})
        _facts, items = advice.recommend(found, limit=limit)
        for item in items:
            self.stdout.write(f"{item.practice.slug}\t{item.score}\t{item.reason}")
