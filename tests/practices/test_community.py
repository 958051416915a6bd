"""What regions do with each other's practices: record adoptions, ask and answer
questions, state their priorities — who may, what is checked, what is stored and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from kotacerdas.accounts.models import Role
from kotacerdas.core.models import AuditEvent
from kotacerdas.practices import services
from kotacerdas.practices.content import ContentInvalid
from kotacerdas.practices.models import Answer, Question, Replication, StatedPriorities

from ..factories import RegionFactory, UserFactory

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def alor(db):
    return RegionFactory(code="53.05", name="Kabupaten Alor")


def _problems(raised) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in raised.value.problems]


def _last_event() -> tuple:
    e = AuditEvent.objects.order_by("pk").last()
    return (e.actor_label, e.action, e.object_type, e.object_id, e.region_code)


def _row(replication: Replication) -> tuple:
    replication.refresh_from_db()
    return (
        replication.practice_id,
        replication.region.code,
        replication.status,
        replication.started_on,
        replication.ended_on,
        replication.notes,
        replication.is_demo,
    )


# --- adoptions ---------------------------------------------------------------------------


def test_record_adoption_by_the_adopting_regions_officer(other_officer, published_practice, sumba):
    replication = services.record_adoption(
        actor=other_officer,
        practice=published_practice,
        region=sumba,
        status="in_progress",
        started_on=dt.date(2024, 2, 1),
        notes="  Studi banding ke Kupang.  ",
    )
    assert _row(replication) == (
        published_practice.pk,
        "53.11",
        "in_progress",
        dt.date(2024, 2, 1),
        None,
        "Studi banding ke Kupang.",
        False,
    )
    event = AuditEvent.objects.order_by("pk").last()
    assert _last_event() == (
        "officer.sumba",
        "create",
        "practices.replication",
        str(replication.pk),
        "53.11",
    )
    assert {k: v for k, v in event.changes.items() if k != "updated_at"} == {
        "id": [None, replication.pk],
        "practice_id": [None, published_practice.pk],
        "region_id": [None, sumba.pk],
        "status": [None, "in_progress"],
        "started_on": [None, "2024-02-01"],
        "notes": [None, "Studi banding ke Kupang."],
        "is_demo": [None, False],
        "source": [None, ""],
    }


def test_record_adoption_again_updates_the_same_record(other_officer, published_practice, sumba):
    first = services.record_adoption(
        actor=other_officer, practice=published_practice, region=sumba, status="planned"
    )
    second = services.record_adoption(
        actor=other_officer,
        practice=published_practice,
        region=sumba,
        status="adopted",
        started_on=dt.date(2024, 1, 1),
        ended_on=dt.date(2024, 12, 31),
    )
    assert second.pk == first.pk
    assert Replication.objects.count() == 1
    assert _row(second)[2:5] == ("adopted", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    event = AuditEvent.objects.order_by("pk").last()
    assert _last_event()[:2] == ("officer.sumba", "update")
    assert {k: v for k, v in event.changes.items() if k != "updated_at"} == {
        "status": ["planned", "adopted"],
        "started_on": [None, "2024-01-01"],
        "ended_on": [None, "2024-12-31"],
    }


def test_record_adoption_by_the_secretariat_for_any_region(secretariat, published_practice, alor):
    replication = services.record_adoption(
        actor=secretariat, practice=published_practice, region=alor, status="planned"
    )
    assert _row(replication)[1:3] == ("53.05", "planned")
    assert _last_event()[0::4] == ("secretariat", "53.05")


def test_record_adoption_marks_demo_content(secretariat, published_practice, alor):
    replication = services.record_adoption(
        actor=None, practice=published_practice, region=alor, status="adopted", is_demo=True
    )
    assert replication.is_demo is True
    # The region's own record over the demo one is no longer demo.
    services.record_adoption(
        actor=secretariat, practice=published_practice, region=alor, status="stopped"
    )
    assert _row(replication)[2::4] == ("stopped", False)


def test_record_adoption_for_another_region_is_refused_to_an_officer(
    other_officer, published_practice, alor
):
    with pytest.raises(ContentInvalid) as raised:
        services.record_adoption(
            actor=other_officer, practice=published_practice, region=alor, status="planned"
        )
    assert _problems(raised) == [
        ("region", "An officer records adoptions for their own region only.")
    ]
    assert not Replication.objects.exists()


def test_a_region_cannot_adopt_its_own_practice(secretariat, published_practice, kupang):
    with pytest.raises(ContentInvalid) as raised:
        services.record_adoption(
            actor=secretariat, practice=published_practice, region=kupang, status="planned"
        )
    assert _problems(raised) == [("region", "A region cannot adopt its own practice.")]
    assert not Replication.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "officer", "inactive"])
def test_record_adoption_refused(request, published_practice, sumba, kupang, role):
    actor = {
        "anonymous": AnonymousUser,
        "officer": lambda: request.getfixturevalue("officer"),
        "inactive": lambda: UserFactory(
            username="gone", role=Role.OFFICER, region=sumba, is_active=False
        ),
    }[role]()
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.record_adoption(
            actor=actor, practice=published_practice, region=sumba, status="planned"
        )
    assert (Replication.objects.count(), AuditEvent.objects.count()) == (0, events)


@pytest.mark.parametrize("role", ["other_officer", "secretariat", "admin_user"])
def test_an_unpublished_practice_cannot_be_adopted(request, draft_practice, sumba, role):
    with pytest.raises(PermissionDenied):
        services.record_adoption(
            actor=request.getfixturevalue(role),
            practice=draft_practice,
            region=sumba,
            status="planned",
        )
    assert not Replication.objects.exists()


FAR = dt.timedelta(days=366 * 5 + 1)


@pytest.mark.parametrize(
    ("status", "started", "ended", "expected"),
    [
        (
            "adopted",
            dt.date(2024, 5, 1),
            dt.date(2024, 4, 30),
            [("ended_on", "The end is before the start.")],
        ),
        (
            "planned",
            None,
            dt.date(2024, 4, 30),
            [("ended_on", "Only an adoption that is done or stopped has an end date.")],
        ),
        (
            "in_progress",
            dt.date(2024, 1, 1),
            dt.date(2024, 4, 30),
            [("ended_on", "Only an adoption that is done or stopped has an end date.")],
        ),
        ("copied", None, None, [("status", "Unknown status.")]),
        ("planned", "far", None, [("started_on", "The date is too far in the future.")]),
        (
            "in_progress",
            dt.date(2024, 5, 1),
            dt.date(2024, 4, 30),
            [
                ("ended_on", "The end is before the start."),
                ("ended_on", "Only an adoption that is done or stopped has an end date."),
            ],
        ),
    ],
)
def test_record_adoption_checks_its_dates(
    other_officer, published_practice, sumba, status, started, ended, expected
):
    started = timezone.localdate() + FAR if started == "far" else started
    with pytest.raises(ContentInvalid) as raised:
        services.record_adoption(
            actor=other_officer,
            practice=published_practice,
            region=sumba,
            status=status,
            started_on=started,
            ended_on=ended,
        )
    assert _problems(raised) == expected
    assert not Replication.objects.exists()


@pytest.mark.parametrize("status", ["adopted", "stopped"])
def test_a_finished_adoption_has_an_end_date(other_officer, published_practice, sumba, status):
    replication = services.record_adoption(
        actor=other_officer,
        practice=published_practice,
        region=sumba,
        status=status,
        started_on=dt.date(2023, 1, 1),
        ended_on=dt.date(2023, 1, 1),
    )
    assert _row(replication)[2:5] == (status, dt.date(2023, 1, 1), dt.date(2023, 1, 1))


def test_a_planned_adoption_may_start_within_five_years(other_officer, published_practice, sumba):
    start = timezone.localdate() + dt.timedelta(days=366 * 5)
    replication = services.record_adoption(
        actor=other_officer,
        practice=published_practice,
        region=sumba,
        status="planned",
        started_on=start,
    )
    assert replication.started_on == start


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ("a\0b", [("notes", "The text contains a NUL character.")]),
        ("x" * 4001, [("notes", "At most 4000 characters.")]),
    ],
)
def test_record_adoption_checks_its_notes(
    other_officer, published_practice, sumba, notes, expected
):
    with pytest.raises(ContentInvalid) as raised:
        services.record_adoption(
            actor=other_officer,
            practice=published_practice,
            region=sumba,
            status="planned",
            notes=notes,
        )
    assert _problems(raised) == expected
    assert not Replication.objects.exists()


@pytest.fixture
def replication(other_officer, published_practice, sumba):
    return services.record_adoption(
        actor=None, practice=published_practice, region=sumba, status="planned", is_demo=True
    )


@pytest.mark.parametrize("role", ["other_officer", "secretariat", "admin_user"])
def test_update_adoption_by_the_adopting_region_or_the_secretariat(request, replication, role):
    actor = request.getfixturevalue(role)
    updated = services.update_adoption(
        actor=actor,
        replication=replication,
        status="stopped",
        started_on=dt.date(2024, 1, 1),
        ended_on=dt.date(2024, 6, 1),
        notes="Anggaran tidak tersedia.",
    )
    assert _row(updated)[2:] == (
        "stopped",
        dt.date(2024, 1, 1),
        dt.date(2024, 6, 1),
        "Anggaran tidak tersedia.",
        False,
    )
    event = AuditEvent.objects.order_by("pk").last()
    assert _last_event() == (
        actor.username,
        "update",
        "practices.replication",
        str(replication.pk),
        "53.11",
    )
    assert {k: v for k, v in event.changes.items() if k != "updated_at"} == {
        "status": ["planned", "stopped"],
        "started_on": [None, "2024-01-01"],
        "ended_on": [None, "2024-06-01"],
        "notes": ["", "Anggaran tidak tersedia."],
        "is_demo": [True, False],
    }


@pytest.mark.parametrize("role", ["anonymous", "officer", "third_officer"])
def test_update_adoption_refused(request, replication, alor, role):
    actor = {
        "anonymous": AnonymousUser,
        "officer": lambda: request.getfixturevalue("officer"),
        "third_officer": lambda: UserFactory(username="alor", role=Role.OFFICER, region=alor),
    }[role]()
    with pytest.raises(PermissionDenied):
        services.update_adoption(
            actor=actor,
            replication=replication,
            status="adopted",
            started_on=None,
            ended_on=None,
            notes="",
        )
    assert _row(replication)[2] == "planned"


def test_update_adoption_checks_its_dates(other_officer, replication):
    with pytest.raises(ContentInvalid) as raised:
        services.update_adoption(
            actor=other_officer,
            replication=replication,
            status="planned",
            started_on=None,
            ended_on=dt.date(2024, 1, 1),
            notes="",
        )
    assert _problems(raised) == [
        ("ended_on", "Only an adoption that is done or stopped has an end date.")
    ]
    assert _row(replication)[2:5] == ("planned", None, None)


# --- questions and answers --------------------------------------------------------------------


def test_ask_question_by_another_regions_officer(
    other_officer, published_practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = services.ask_question(
            actor=other_officer,
            practice=published_practice,
            text="  Berapa biaya perangkat per restoran?  ",
        )
    question.refresh_from_db()
    assert (
        question.practice,
        question.region.code,
        question.author,
        question.text,
        question.is_demo,
    ) == (
        published_practice,
        "53.11",
        other_officer,
        "Berapa biaya perangkat per restoran?",
        False,
    )
    assert _last_event() == (
        "officer.sumba",
        "create",
        "practices.question",
        str(question.pk),
        "53.11",
    )
    # The lead region's officer, who also made the practice, hears once.
    assert [m.to for m in mail.outbox] == [["officer.kupang@example.org"]]


@pytest.mark.parametrize("role", ["anonymous", "officer", "secretariat", "admin_user"])
def test_ask_question_refused(request, published_practice, role):
    actor = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.ask_question(actor=actor, practice=published_practice, text="Bagaimana?")
    assert not Question.objects.exists()


def test_ask_question_about_an_unpublished_practice_is_refused(other_officer, draft_practice):
    with pytest.raises(PermissionDenied):
        services.ask_question(actor=other_officer, practice=draft_practice, text="Bagaimana?")
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [("text", "This field is required.")]),
        ("   \n ", [("text", "This field is required.")]),
        (None, [("text", "This field is required.")]),
        ("x" * 4001, [("text", "At most 4000 characters.")]),
        ("Berapa\0biaya?", [("text", "The text contains a NUL character.")]),
    ],
)
def test_ask_question_checks_the_text(other_officer, published_practice, text, expected):
    with pytest.raises(ContentInvalid) as raised:
        services.ask_question(actor=other_officer, practice=published_practice, text=text)
    assert _problems(raised) == expected
    assert not Question.objects.exists()


@pytest.fixture
def question(other_officer, published_practice):
    return services.ask_question(
        actor=other_officer, practice=published_practice, text="Berapa biayanya?"
    )


def test_answer_question_by_the_lead_region(officer, question):
    answer = services.answer_question(actor=officer, question=question, text=" Rp 5 juta. ")
    answer.refresh_from_db()
    assert (answer.question, answer.region.code, answer.author, answer.text) == (
        question,
        "53.71",
        officer,
        "Rp 5 juta.",
    )
    assert _last_event() == (
        "officer.kupang",
        "create",
        "practices.answer",
        str(answer.pk),
        "53.71",
    )


@pytest.mark.parametrize("role", ["secretariat", "admin_user"])
def test_answer_question_by_the_secretariat_has_no_region(request, question, role):
    actor = request.getfixturevalue(role)
    answer = services.answer_question(actor=actor, question=question, text="Lihat lampiran.")
    assert (answer.region, answer.author) == (None, actor)
    assert _last_event()[0::4] == (actor.username, "53.71")


@pytest.mark.parametrize("role", ["anonymous", "other_officer"])
def test_answer_question_refused(request, question, role):
    actor = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.answer_question(actor=actor, question=question, text="Jawaban.")
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  ", [("text", "This field is required.")]),
        ("a\0", [("text", "The text contains a NUL character.")]),
    ],
)
def test_answer_question_checks_the_text(officer, question, text, expected):
    with pytest.raises(ContentInvalid) as raised:
        services.answer_question(actor=officer, question=question, text=text)
    assert _problems(raised) == expected
    assert not Answer.objects.exists()


# --- stated priorities -----------------------------------------------------------------------


def test_set_priorities_keeps_the_order_given(officer, kupang):
    stated = services.set_priorities(actor=officer, region=kupang, pillars=["ECO", "GOV", "ECO"])
    assert StatedPriorities.objects.get(region=kupang).pillars == ["ECO", "GOV"]
    assert stated.pillars == ["ECO", "GOV"]
    event = AuditEvent.objects.order_by("pk").last()
    assert _last_event() == (
        "officer.kupang",
        "create",
        "practices.statedpriorities",
        str(stated.pk),
        "53.71",
    )
    assert event.changes == {"pillars": [[], ["ECO", "GOV"]]}


def test_set_priorities_again_updates_them(officer, kupang):
    services.set_priorities(actor=officer, region=kupang, pillars=["ECO", "GOV"])
    services.set_priorities(actor=officer, region=kupang, pillars=["ENV", "ECO"])
    assert list(StatedPriorities.objects.values_list("pillars", flat=True)) == [["ENV", "ECO"]]
    event = AuditEvent.objects.order_by("pk").last()
    assert (event.action, event.changes) == (
        "update",
        {"pillars": [["ECO", "GOV"], ["ENV", "ECO"]]},
    )


def test_set_priorities_unchanged_records_no_change(officer, kupang):
    services.set_priorities(actor=officer, region=kupang, pillars=["ECO"])
    services.set_priorities(actor=officer, region=kupang, pillars=["ECO"])
    event = AuditEvent.objects.order_by("pk").last()
    assert (event.action, event.changes) == ("update", {})


def test_set_priorities_refuses_unknown_pillars(officer, kupang):
    with pytest.raises(ContentInvalid) as raised:
        services.set_priorities(actor=officer, region=kupang, pillars=["ECO", "SMART", "eco"])
    assert _problems(raised) == [
        ("pillars", "Unknown pillar “SMART”."),
        ("pillars", "Unknown pillar “eco”."),
    ]
    assert (StatedPriorities.objects.count(), AuditEvent.objects.count()) == (0, 0)


@pytest.mark.parametrize("role", ["secretariat", "admin_user"])
def test_set_priorities_by_the_secretariat(request, sumba, role):
    services.set_priorities(actor=request.getfixturevalue(role), region=sumba, pillars=["LIV"])
    assert StatedPriorities.objects.get(region=sumba).pillars == ["LIV"]


@pytest.mark.parametrize("role", ["anonymous", "other_officer"])
def test_set_priorities_refused(request, kupang, role):
    actor = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.set_priorities(actor=actor, region=kupang, pillars=["ECO"])
    assert not StatedPriorities.objects.exists()
