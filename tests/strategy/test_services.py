"""The services that write masterplans: drafting a new one (the horizon checked, one plan
per horizon, audited under the region's code), saving an edited version (the next number,
nothing saved when the document has problems or the editor started from an old version)
and the secretariat's comments; and who may do what (truth tables over the five roles)."""

from __future__ import annotations

import copy

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from kotacerdas.core.models import AuditEvent
from kotacerdas.strategy import services
from kotacerdas.strategy.content import ContentInvalid, written
from kotacerdas.strategy.models import Masterplan, PlanComment, PlanVersion

from .fixtures import english, plan, practices

pytestmark = pytest.mark.integration

ACTORS = ["anonymous", "officer", "other_officer", "secretariat", "admin_user"]
USERNAMES = {
    "officer": "officer.kupang",
    "other_officer": "officer.sumba",
    "secretariat": "secretariat",
    "admin_user": "admin",
}


@pytest.fixture
def actor_for(request, db):
    def get(name: str):
        if name == "anonymous":
            return AnonymousUser()
        return request.getfixturevalue(name)

    return get


def audit_rows(after: int = 0) -> list[tuple[str, str, str, str]]:
    """The audit trail of masterplans (the fixtures' practices have their own), from the
    event after ``after``."""
    return list(
        AuditEvent.objects.filter(object_type__startswith="strategy.", id__gt=after)
        .order_by("id")
        .values_list("actor_label", "action", "object_type", "region_code")
    )


def last_event() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def stored() -> dict[str, list]:
    """Everything the masterplan services write."""
    return {
        "plans": list(Masterplan.objects.order_by("pk").values_list("region__code", "start_year")),
        "versions": list(
            PlanVersion.objects.order_by("pk").values_list("masterplan_id", "number", "note")
        ),
        "comments": list(PlanComment.objects.order_by("pk").values_list("section", "text")),
        "audit": audit_rows(),
    }


# --- rules ------------------------------------------------------------------------------------

ALLOWED = {
    "strategy.create_masterplan": {"officer", "secretariat", "admin_user"},
    "strategy.view_masterplan": {"officer", "secretariat", "admin_user"},
    "strategy.edit_masterplan": {"officer"},
    "strategy.comment_masterplan": {"secretariat", "admin_user"},
    "strategy.report_progress": {"officer"},
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("perm", list(ALLOWED))
def test_rules_truth_table_on_kupangs_plan(actor_for, plan, perm, actor):
    user = actor_for(actor)
    obj = plan.region if perm == "strategy.create_masterplan" else plan

    assert rules.has_perm(perm, user, obj) is (actor in ALLOWED[perm])
    # A version and a report are judged by their plan's region.
    if perm != "strategy.create_masterplan":
        version = plan.versions.get()
        assert rules.has_perm(perm, user, version) is (actor in ALLOWED[perm])


@pytest.mark.parametrize("actor", ACTORS)
def test_rules_the_officer_of_another_region_may_draft_their_own(actor_for, sumba, actor):
    expected = actor in {"other_officer", "secretariat", "admin_user"}

    assert rules.has_perm("strategy.create_masterplan", actor_for(actor), sumba) is expected


# --- create_masterplan -----------------------------------------------------------------------


def test_create_masterplan_drafts_version_one_and_audits_both(english, officer, kupang, practices):
    plan = services.create_masterplan(actor=officer, region=kupang, start_year=2026, end_year=2035)

    assert (plan.region, plan.start_year, plan.end_year, plan.created_by, plan.is_demo) == (
        kupang,
        2026,
        2035,
        officer,
        False,
    )
    assert plan.title == "Smart city masterplan of Kota Kupang 2026–2035"
    version = plan.versions.get()
    assert (version.number, version.generated, version.note, version.created_by) == (
        1,
        True,
        "Drafted by KotaCerdas",
        officer,
    )
    assert version.content["horizon"] == {"from": 2026, "to": 2035}
    assert version.content["region"]["code"] == "53.71"
    assert audit_rows() == [
        ("officer.kupang", "create", "strategy.masterplan", "53.71"),
        ("officer.kupang", "create", "strategy.planversion", "53.71"),
    ]


def test_create_masterplan_keeps_a_given_title_trimmed(english, secretariat, kupang):
    plan = services.create_masterplan(
        actor=secretariat,
        region=kupang,
        start_year=2026,
        end_year=2030,
        title="  Masterplan Kupang Cerdas " + "x" * 300,
    )

    assert plan.title == ("Masterplan Kupang Cerdas " + "x" * 300)[:200]
    assert (plan.created_by, audit_rows()[0][0]) == (secretariat, "secretariat")


def test_create_masterplan_by_the_system_has_no_author(kupang):
    plan = services.create_masterplan(actor=None, region=kupang, start_year=2026, end_year=2035)

    assert (plan.created_by, plan.versions.get().created_by) == (None, None)
    assert audit_rows() == [
        ("", "create", "strategy.masterplan", "53.71"),
        ("", "create", "strategy.planversion", "53.71"),
    ]


YEARS = "A year from 2000 to 2100."


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        (1999, 2010, {"start_year": [YEARS]}),
        (2026, 2101, {"end_year": [YEARS]}),
        ("2026", 2035, {"start_year": [YEARS]}),
        (2026, None, {"end_year": [YEARS]}),
        (True, 2035, {"start_year": [YEARS]}),
        (2026.0, 2035, {"start_year": [YEARS]}),
        (1990, 3000, {"start_year": [YEARS], "end_year": [YEARS]}),
        (2026, 2026, {"end_year": ["The last year comes after the first."]}),
        (2035, 2026, {"end_year": ["The last year comes after the first."]}),
        (2026, 2046, {"end_year": ["A masterplan covers at most 20 years."]}),
    ],
)
def test_create_masterplan_refuses_a_bad_horizon(english, officer, kupang, start, end, errors):
    with pytest.raises(ValidationError) as caught:
        services.create_masterplan(actor=officer, region=kupang, start_year=start, end_year=end)

    assert caught.value.message_dict == errors
    assert stored() == {"plans": [], "versions": [], "comments": [], "audit": []}


def test_create_masterplan_takes_twenty_years_at_most(english, officer, kupang):
    plan = services.create_masterplan(actor=officer, region=kupang, start_year=2026, end_year=2045)

    assert list(plan.years) == list(range(2026, 2046))


def test_create_masterplan_refuses_a_second_plan_for_the_same_horizon(
    english, officer, secretariat, kupang
):
    services.create_masterplan(actor=officer, region=kupang, start_year=2026, end_year=2035)
    before = stored()

    with pytest.raises(ValidationError) as caught:
        services.create_masterplan(actor=secretariat, region=kupang, start_year=2026, end_year=2035)

    assert caught.value.messages == ["Kota Kupang already has a masterplan for 2026–2035."]
    assert stored() == before
    # Another horizon is another plan.
    services.create_masterplan(actor=officer, region=kupang, start_year=2026, end_year=2030)
    assert Masterplan.objects.filter(region=kupang).count() == 2


@pytest.mark.parametrize("actor", ACTORS)
def test_create_masterplan_permissions(actor_for, kupang, actor):
    user = actor_for(actor)

    if actor in ALLOWED["strategy.create_masterplan"]:
        plan = services.create_masterplan(actor=user, region=kupang, start_year=2026, end_year=2035)
        assert audit_rows() == [
            (USERNAMES[actor], "create", "strategy.masterplan", "53.71"),
            (USERNAMES[actor], "create", "strategy.planversion", "53.71"),
        ]
        assert plan.versions.count() == 1
        return
    with pytest.raises(PermissionDenied):
        services.create_masterplan(actor=user, region=kupang, start_year=2026, end_year=2035)
    assert stored() == {"plans": [], "versions": [], "comments": [], "audit": []}


# --- save_version ------------------------------------------------------------------------------


def edited(plan, **changes):
    document = copy.deepcopy(plan.versions.get(number=1).content)
    document.update(changes)
    return document


def test_save_version_saves_the_next_number_and_audits_it(plan, officer):
    mark = last_event()
    document = edited(plan, vision=written("Kupang 2035: kota yang melayani."))

    version = services.save_version(
        actor=officer, masterplan=plan, content=document, note="  Visi kami  ", based_on=1
    )

    version.refresh_from_db()
    assert (version.number, version.note, version.generated, version.created_by) == (
        2,
        "Visi kami",
        False,
        officer,
    )
    assert version.content == document
    assert audit_rows(mark) == [("officer.kupang", "create", "strategy.planversion", "53.71")]
    assert AuditEvent.objects.get(id__gt=mark).changes == {"number": [1, 2]}
    third = services.save_version(actor=officer, masterplan=plan, content=document)
    assert third.number == 3
    assert list(plan.versions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]


def test_save_version_settles_the_sentences_an_edit_made_untrue(plan, officer):
    """The API sends whole documents: a client that changes a target but sends the drafted
    sentences back unchanged still gets a version whose sentences hold."""
    document = edited(plan)
    first = document["programmes"][0]
    drafted_texts = copy.deepcopy(first["texts"])
    first["target"] = 5_000_000_000

    version = services.save_version(actor=officer, masterplan=plan, content=document)

    saved = PlanVersion.objects.get(pk=version.pk).content["programmes"][0]
    assert [t["key"] for t in drafted_texts] == [
        "programme",
        "cost_scaled",
        "target_change",
        "pad_effect",
    ]
    assert saved["texts"] == [
        drafted_texts[0],
        drafted_texts[1],
        {"key": "target_set", "params": {}},
        drafted_texts[3],
    ]
    assert (saved["target"], saved["target_change_pct"]) == (5_000_000_000, None)


@pytest.mark.parametrize("actor", ACTORS)
def test_save_version_permissions(actor_for, plan, actor):
    mark = last_event()
    user = actor_for(actor)
    document = edited(plan, vision=written("Visi baru"))

    if actor in ALLOWED["strategy.edit_masterplan"]:
        assert services.save_version(actor=user, masterplan=plan, content=document).number == 2
        assert audit_rows(mark) == [(USERNAMES[actor], "create", "strategy.planversion", "53.71")]
        return
    before = stored()
    with pytest.raises(PermissionDenied):
        services.save_version(actor=user, masterplan=plan, content=document)
    assert stored() == before


def test_save_version_with_problems_saves_nothing(english, plan, officer):
    before = stored()
    document = edited(plan, vision=written(""), mission=[])
    document["programmes"][0]["start_year"] = 2040

    with pytest.raises(ContentInvalid) as caught:
        services.save_version(actor=officer, masterplan=plan, content=document, based_on=1)

    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("vision", "This field is required."),
        ("mission", "Give at least one mission."),
        ("programmes[0].start_year", "A year from 2026 to 2035."),
    ]
    assert stored() == before


def test_save_version_refuses_an_edit_of_an_old_version(english, plan, officer):
    services.save_version(
        actor=officer, masterplan=plan, content=edited(plan, vision=written("A")), based_on=1
    )
    before = stored()

    with pytest.raises(ValidationError) as caught:
        services.save_version(
            actor=officer, masterplan=plan, content=edited(plan, vision=written("B")), based_on=1
        )

    assert caught.value.messages == [
        "Version 2 was saved while you were editing version 1; open the latest version and "
        "make your change again."
    ]
    assert stored() == before
    # Started from the latest: saved.
    assert (
        services.save_version(
            actor=officer, masterplan=plan, content=edited(plan, vision=written("B")), based_on=2
        ).number
        == 3
    )


@pytest.mark.parametrize(
    ("part", "value"),
    [
        ("horizon", {"from": 2026, "to": 2099}),
        (
            "region",
            {"code": "53.71", "name": "Kota Kupang Baru", "kind": "kota", "province": "NTT"},
        ),
        ("index", {"year": 2025}),
        ("profile", {"texts": [], "sources": []}),
        ("demo", True),
        ("gaps", []),
    ],
)
def test_save_version_refuses_a_change_to_what_was_drafted_from_data(
    english, plan, officer, part, value
):
    before = stored()

    with pytest.raises(ContentInvalid) as caught:
        services.save_version(actor=officer, masterplan=plan, content=edited(plan, **{part: value}))

    assert [(p.path, p.message) for p in caught.value.problems] == [
        (
            part,
            "This part was drafted from the platform's data and cannot be edited; add a note "
            "to its section instead.",
        )
    ]
    assert stored() == before


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("n" * 301, "At most 300 characters."),
        ("nul\x00", "Remove the NUL characters and unpaired surrogates."),
    ],
)
def test_save_version_refuses_a_bad_note(english, plan, officer, note, message):
    before = stored()

    with pytest.raises(ValidationError) as caught:
        services.save_version(actor=officer, masterplan=plan, content=edited(plan), note=note)

    assert caught.value.message_dict == {"note": [message]}
    assert stored() == before


# --- add_comment -------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_add_comment_permissions(actor_for, plan, actor):
    mark = last_event()
    user = actor_for(actor)
    version = plan.versions.get()

    if actor in ALLOWED["strategy.comment_masterplan"]:
        comment = services.add_comment(
            actor=user, version=version, section="budget", text="  Rinci per tahun.  "
        )
        comment.refresh_from_db()
        assert (comment.version, comment.section, comment.text, comment.author) == (
            version,
            "budget",
            "Rinci per tahun.",
            user,
        )
        assert audit_rows(mark) == [(USERNAMES[actor], "create", "strategy.plancomment", "53.71")]
        return
    with pytest.raises(PermissionDenied):
        services.add_comment(actor=user, version=version, section="budget", text="Komentar")
    assert stored()["comments"] == [] and audit_rows(mark) == []


@pytest.mark.parametrize(
    ("section", "text", "errors"),
    [
        ("annex", "Komentar", {"section": ["No section has this name."]}),
        ("budget", "   ", {"text": ["This field is required."]}),
        ("budget", "k" * 3001, {"text": ["At most 3000 characters, without NUL characters."]}),
        ("budget", "nul\x00", {"text": ["At most 3000 characters, without NUL characters."]}),
        (
            "",
            "",
            {"section": ["No section has this name."], "text": ["This field is required."]},
        ),
    ],
)
def test_add_comment_checks_section_and_text(english, plan, secretariat, section, text, errors):
    before = stored()

    with pytest.raises(ValidationError) as caught:
        services.add_comment(
            actor=secretariat, version=plan.versions.get(), section=section, text=text
        )

    assert caught.value.message_dict == errors
    assert stored() == before


@pytest.mark.parametrize("section", ["vision", "profile", "strategies", "revenue"])
def test_add_comment_on_every_section(plan, secretariat, section):
    comment = services.add_comment(
        actor=secretariat, version=plan.versions.get(), section=section, text="Baik."
    )

    assert comment.section == section
