"""``kotacerdas demo load``: load the labelled demo content."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.utils.translation import gettext as _

from kotacerdas.assessments import demo as index_demo
from kotacerdas.cli import KotaCerdasCommand, add_action, fail
from kotacerdas.events import demo as events_demo
from kotacerdas.practices import demo as library_demo
from kotacerdas.regions.demo import DemoLoadError, load_demo
from kotacerdas.strategy import demo as masterplan_demo


class Command(KotaCerdasCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Work with the demo content. Every demo record is labelled as demo.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = add_action(
            actions,
            "load",
            help=_(
                "Load the demo network, cohorts, heads, contacts, index values, practices, "
                "event and masterplan"
            ),
            description=_(
                "Load the demo network, programme cohorts, heads of region, contacts, "
                "indicator values for every region from 2019 to 2025 (a seeded model), "
                "the illustrative practices of the library, the Kupang 2019 seminar with "
                "demo participants, and a masterplan of Kota Kupang drafted from them. "
                "They are illustrative, labelled as demo, and attached to regions of the "
                "registry, which must be loaded first. Running it again adds nothing."
            ),
        )
        load.add_argument("--quiet", action="store_true", help=_("Show no progress bar."))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "load":
            self.load(quiet=options["quiet"])

    def load(self, *, quiet: bool) -> None:
        load_all(self, quiet=quiet)


def load_all(command: KotaCerdasCommand, *, quiet: bool) -> None:
    """Load every part of the demo in order, printing one summary line per part (also
    run by ``kotacerdas setup``)."""
    try:
        with command.progress(_("Demo"), quiet=quiet) as progress:
            added = load_demo(actor=None, progress=progress)
    except DemoLoadError as exc:
        raise fail(str(exc)) from None
    command.stdout.write(summary(added))
    parts = (
        (_("Index demo"), index_demo.load, index_summary),
        (_("Library demo"), library_demo.load, library_summary),
        (_("Events demo"), events_demo.load, events_summary),
        (_("Masterplan demo"), masterplan_demo.load, masterplan_summary),
    )
    for label, load, say in parts:
        with command.progress(label, quiet=quiet) as progress:
            counts = load(progress=progress)
        command.stdout.write(say(counts))


def masterplan_summary(counts: dict[str, int]) -> str:
    """The one-line summary of the masterplan demo."""
    if not any(counts.values()):
        return _(
            "Masterplan demo: nothing was added (it is already loaded, or Kota Kupang is not "
            "in the registry)."
        )
    return (
        _(
            "Masterplan demo added: %(masterplans)d masterplan(s) with %(versions)d version(s) "
            "and %(reports)d progress report(s)."
        )
        % counts
    )


def events_summary(counts: dict[str, int]) -> str:
    """The one-line summary of the events demo."""
    if not any(counts.values()):
        return _("Events demo is already loaded; nothing was added.")
    return _(
        "Events demo added: %(events)d event(s) with %(registrations)d demo participant(s)."
    ) % {"events": counts.get("events", 0), "registrations": counts.get("registrations", 0)}


def library_summary(counts: dict[str, int]) -> str:
    """The one-line summary of the library demo."""
    if not any(counts.values()):
        return _("Library demo is already loaded; nothing was added.")
    return (
        _(
            "Library demo added: %(practices)d published demo practice(s), %(replications)d "
            "adoption(s), %(questions)d question(s)."
        )
        % counts
    )


def index_summary(counts: dict[str, int]) -> str:
    """The one-line summary of the index demo (values, cycles, computations, readiness)."""
    if not any(counts.values()):
        return _("Index demo is already loaded; nothing was added.")
    return (
        _(
            "Index demo added: %(cycles)d cycle(s) with %(values)d demo value(s), "
            "%(computations)d published computation(s), %(readiness)d readiness "
            "self-assessment(s)."
        )
        % counts
    )


def summary(added: dict[str, int]) -> str:
    """The one-line summary of a demo load, also printed by ``kotacerdas setup``."""
    if not any(added.values()):
        return _("Demo content is already loaded; nothing was added.")
    return (
        _(
            "Demo content added: %(networks)d network(s), %(memberships)d membership(s), "
            "%(cohorts)d cohort(s), %(cohort_members)d cohort member(s), "
            "%(region_heads)d head(s) of region, %(contacts)d contact(s)."
        )
        % added
    )
