"""Saving a year's progress report: who may, what is checked, the scorecard it earns from
the region's published index results, drafts updated, a submitted report final, audited."""

from __future__ import annotations

import copy

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kotacerdas.assessments.models import Computation, Cycle, Framework, Node, Result
from kotacerdas.core.models import AuditEvent
from kotacerdas.strategy import services
from kotacerdas.strategy.models import ProgressReport

from .fixtures import english, plan, practices

pytestmark = pytest.mark.integration

ALL = {"policy": True, "institution": True, "budget": True}
PILLARS = ("GOV", "BRD", "ECO", "LIV", "SOC", "ENV")
# Version 2 of the fixtures' plan: P1 a quick win with a target value, P2 and P3 targets
# in per cent (the report gives their baselines).
ENTRIES = {
    "P1": {"status": "done", "outputs": ALL, "outcome": 80},
    "P2": {
        "status": "in_progress",
        "outputs": {"policy": True, "institution": True, "budget": False},
        "outcome": 130,
        "baseline": 100,
    },
    "P3": {
        "status": "in_progress",
        "outputs": {"policy": True, "budget": True},
        "outcome": 30,
        "baseline": 10,
    },
}
STORED = {
    "P1": {"status": "done", "outputs": ALL, "outcome": 80.0, "baseline": None},
    "P2": {
        "status": "in_progress",
        "outputs": {"policy": True, "institution": True, "budget": False},
        "outcome": 130.0,
        "baseline": 100.0,
    },
    "P3": {
        "status": "in_progress",
        "outputs": {"policy": True, "institution": False, "budget": True},
        "outcome": 30.0,
        "baseline": 10.0,
    },
}


def edited(plan_, officer):
    """Version 2 with targets that give round numbers."""
    content = copy.deepcopy(plan_.versions.get(number=1).content)
    first, second, third = content["programmes"]
    first.update(quick_win=True, target=100.0, target_change_pct=None)
    second.update(target_change_pct=50.0)
    third.update(target_change_pct=200.0)
    return services.save_version(actor=officer, masterplan=plan_, content=content, note="targets")


@pytest.fixture
def version2(plan, officer):
    return edited(plan, officer)


@pytest.fixture
def index_framework(db):
    framework = Framework.objects.create(code="uji", version="1", name_id="Kerangka uji")
    root = Node.objects.create(framework=framework, code="IDX", level=4, name_id="Indeks")
    for position, code in enumerate(PILLARS):
        Node.objects.create(
            framework=framework, code=code, level=3, parent=root, position=position, name_id=code
        )
    return framework


def publish_index(framework, region, year, index, pillars, *, is_demo=False):
    """A published computation of ``year`` holding the region's index and pillar scores."""
    cycle = Cycle.objects.create(
        framework=framework, year=year, status=Cycle.Status.CLOSED, is_demo=is_demo
    )
    computation = Computation.objects.create(
        cycle=cycle,
        status=Computation.Status.DONE,
        published_at=timezone.now(),
        is_demo=is_demo,
    )
    nodes = {n.code: n for n in Node.objects.filter(framework=framework)}
    scores = {"IDX": index, **pillars}
    Result.objects.bulk_create(
        Result(computation=computation, region=region, node=nodes[code], score=score)
        for code, score in scores.items()
    )
    return computation


def test_a_draft_is_scored_and_stored(plan, version2, officer, english):
    report = services.save_report(
        actor=officer, masterplan=plan, year=2027, entries=ENTRIES, note="  First year.  "
    )
    report.refresh_from_db()
    assert (report.year, report.version_id, report.note, report.submitted_at) == (
        2027,
        version2.pk,
        "First year.",
        None,
    )
    assert report.entries == STORED
    assert report.evaluation == "kemenkominfo-2025"
    # No published index: baseline and impact are left out. Output 7 of 9 → 77.8; outcome
    # mean(80, 60, 100) = 80; the quick win P1 is done → 100.
    # (20 × 77.8 + 30 × 80 + 10 × 100) / 60 = 82.6
    assert report.score == 82.6
    assert [
        (c["code"], c["weight"], c["score"], c["share"]) for c in report.breakdown["components"]
    ] == [
        ("baseline", 10.0, None, None),
        ("output", 20.0, 77.8, 33.3),
        ("outcome", 30.0, 80.0, 50.0),
        ("impact", 30.0, None, None),
        ("quick_wins", 10.0, 100.0, 16.7),
    ]
    assert report.breakdown["left_out"] == ["baseline", "impact"]
    assert report.updated_by == officer and report.is_demo is False
    event = AuditEvent.objects.get(object_type="strategy.progressreport")
    assert (event.action, event.actor, event.region_code, event.object_id) == (
        AuditEvent.Action.CREATE,
        officer,
        "53.71",
        str(report.pk),
    )
    assert event.changes["score"] == [None, 82.6]


def test_the_index_components_read_the_published_results(
    plan, version2, officer, kupang, index_framework
):
    # The baseline is the latest published result before 2026, not the 2024 one.
    publish_index(index_framework, kupang, 2024, 30.0, {"GOV": 10.0})
    publish_index(
        index_framework, kupang, 2025, 50.0, {"GOV": 40.0, "LIV": 60.0, "ENV": 50.0}, is_demo=True
    )
    publish_index(index_framework, kupang, 2027, 55.0, {"GOV": 48.0, "LIV": 58.0, "ENV": 53.0})
    # An unpublished computation of 2026 is never read.
    cycle = Cycle.objects.create(framework=index_framework, year=2026)
    Computation.objects.create(cycle=cycle, status=Computation.Status.DONE)
    report = services.save_report(actor=officer, masterplan=plan, year=2027, entries=ENTRIES)
    scores = {c["code"]: c["score"] for c in report.breakdown["components"]}
    # +5 index points → 50; GOV +8 → 80, LIV −2 → 0, ENV +3 → 30: mean 36.7.
    assert scores == {
        "baseline": 50.0,
        "output": 77.8,
        "outcome": 80.0,
        "impact": 36.7,
        "quick_wins": 100.0,
    }
    # (10 × 50 + 20 × 77.8 + 30 × 80 + 30 × 36.7 + 10 × 100) / 100 = 65.57
    assert report.score == 65.6
    assert report.breakdown["left_out"] == []
    # The baseline came from a demo computation: the report is labelled.
    assert report.is_demo is True
    # A year without a published result leaves both index components out.
    report_2026 = services.save_report(actor=officer, masterplan=plan, year=2026, entries=ENTRIES)
    assert report_2026.breakdown["left_out"] == ["baseline", "impact"]


def test_a_draft_is_updated_and_audited(plan, version2, officer):
    first = services.save_report(actor=officer, masterplan=plan, year=2027, entries=ENTRIES)
    entries = {**ENTRIES, "P2": {**ENTRIES["P2"], "outcome": 145}}
    second = services.save_report(
        actor=officer, masterplan=plan, year=2027, entries=entries, note="Updated."
    )
    assert second.pk == first.pk
    assert ProgressReport.objects.count() == 1
    # outcome mean(80, 90, 100) = 90; (20 × 77.8 + 30 × 90 + 10 × 100) / 60 = 87.6
    assert second.score == 87.6
    events = list(AuditEvent.objects.filter(object_type="strategy.progressreport").order_by("pk"))
    assert [e.action for e in events] == [AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE]
    assert sorted(events[1].changes) == ["entries", "note", "score"]
    assert events[1].changes["score"] == [82.6, 87.6]
    assert events[1].changes["note"] == ["", "Updated."]


def test_a_submitted_report_is_final(plan, version2, officer, english):
    report = services.save_report(
        actor=officer, masterplan=plan, year=2027, entries=ENTRIES, submit=True
    )
    assert report.submitted_at is not None
    event = AuditEvent.objects.get(object_type="strategy.progressreport")
    assert event.changes["submitted_at"][0] is None
    with pytest.raises(ValidationError) as caught:
        services.save_report(
            actor=officer, masterplan=plan, year=2027, entries={}, note="Changed my mind."
        )
    (message,) = caught.value.messages
    assert message.startswith("The report for 2027 was submitted on ")
    assert message.endswith(" and is final; it can no longer be changed.")
    report.refresh_from_db()
    assert (report.entries, report.note, report.score) == (STORED, "", 82.6)
    assert AuditEvent.objects.filter(object_type="strategy.progressreport").count() == 1


def test_unreported_programmes_are_not_started(plan, officer):
    report = services.save_report(actor=officer, masterplan=plan, year=2026, entries={})
    nothing = {"policy": False, "institution": False, "budget": False}
    assert report.entries == {
        pid: {"status": "not_started", "outputs": nothing, "outcome": None, "baseline": None}
        for pid in ("P1", "P2", "P3")
    }
    assert report.score is None
    assert report.version == plan.versions.get(number=1)


@pytest.mark.parametrize(
    ("year", "entries", "note", "errors"),
    [
        (2036, {}, "", {"year": ["A year of the masterplan, from 2026 to 2035."]}),
        ("2027", {}, "", {"year": ["A year of the masterplan, from 2026 to 2035."]}),
        (
            2027,
            {"P99": {"status": "done"}, "P1": {"status": "done"}},
            "",
            {"entries": ["No programme of the masterplan has the id P99."]},
        ),
        (
            2027,
            {"P1": {"status": "finished"}},
            "",
            {
                "entries.P1": [
                    "Programme P1: the status is one of not started, in progress, done, dropped."
                ]
            },
        ),
        (
            2027,
            {"P2": {"status": "done", "outcome": "lots"}, "P3": {"baseline": float("nan")}},
            "",
            {
                "entries.P2": ["Programme P2: the outcome value is a number."],
                "entries.P3": ["Programme P3: the baseline value is a number."],
            },
        ),
        (
            2027,
            {"P1": {"outputs": {"policy": "yes"}}, "P2": {"outputs": {"people": True}}},
            "",
            {
                "entries.P1": [
                    "Programme P1: outputs are policy, institution and budget, each yes or no."
                ],
                "entries.P2": [
                    "Programme P2: outputs are policy, institution and budget, each yes or no."
                ],
            },
        ),
        (
            2027,
            {"P1": {"status": "done", "progress": 90}},
            "",
            {"entries.P1": ["Programme P1: unknown field progress."]},
        ),
        (2027, ["P1"], "", {"entries": ["Give the programmes' progress as a mapping."]}),
        (
            2027,
            {},
            "x" * 3001,
            {"note": ["At most 3000 characters, without NUL characters."]},
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(
    plan, officer, english, year, entries, note, errors
):
    with pytest.raises(ValidationError) as caught:
        services.save_report(actor=officer, masterplan=plan, year=year, entries=entries, note=note)
    assert caught.value.message_dict == errors
    assert ProgressReport.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="strategy.progressreport").exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("officer", True),
        ("other_officer", False),
        ("secretariat", False),
        ("admin_user", False),
    ],
)
def test_only_the_regions_officers_report(request, db, plan, role, allowed):
    actor = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    if allowed:
        report = services.save_report(actor=actor, masterplan=plan, year=2026, entries={})
        assert ProgressReport.objects.get() == report
    else:
        with pytest.raises(PermissionDenied):
            services.save_report(actor=actor, masterplan=plan, year=2026, entries={})
        assert ProgressReport.objects.count() == 0
