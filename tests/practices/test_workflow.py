"""The review workflow through the services: draft → submitted → in review → published or
returned, new versions of a published practice, deletion and attachments — each step
checked for the rows it writes, the audit event it leaves and the steps it refuses."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from kotacerdas.accounts.models import Role
from kotacerdas.core.models import AuditEvent
from kotacerdas.practices import selectors, services
from kotacerdas.practices.content import ContentInvalid, FieldProblem, parse_record, record_of
from kotacerdas.practices.models import (
    Attachment,
    Outcome,
    Practice,
    PracticeContact,
    PracticeVersion,
    Prerequisite,
    Replication,
    Review,
)
from kotacerdas.practices.services.library import check_attachment

from ..factories import UserFactory
from .fixtures import RECORD, SCORES, make_practice, make_record, publish

pytestmark = pytest.mark.integration

SLUG = "pajak-restoran-daring-dengan-perekam-transaksi"
TITLE = RECORD["title"]
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 16


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _events() -> list[tuple[Any, ...]]:
    """The audit trail, oldest first: (actor, action, object type, object id, region, changes)."""
    return [
        (e.actor_label, e.action, e.object_type, e.object_id, e.region_code, e.changes)
        for e in AuditEvent.objects.order_by("pk")
    ]


def _state(version: PracticeVersion) -> tuple[Any, ...]:
    """What a refused step must leave as it was."""
    version.refresh_from_db()
    practice = Practice.objects.get(pk=version.practice_id)
    return (
        version.status,
        version.submitted_at,
        version.published_at,
        practice.published_version_id,
        practice.first_published_at,
        Review.objects.count(),
        AuditEvent.objects.count(),
        PracticeVersion.objects.count(),
    )


def _problems(raised: pytest.ExceptionInfo) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in raised.value.problems]


def _in_review(officer, kupang, secretariat, **overrides):
    practice = make_practice(officer, kupang, **overrides)
    version = services.submit_version(actor=officer, version=practice.versions.get())
    return services.start_review(actor=secretariat, version=version)


# --- creating ----------------------------------------------------------------------------


def test_create_practice_makes_a_draft_first_version_with_all_its_rows(officer, kupang, sumba):
    record = make_record(partner_regions=[sumba.code])
    practice = services.create_practice(actor=officer, region=kupang, data=parse_record(record))

    practice.refresh_from_db()
    assert (
        practice.slug,
        practice.lead_region,
        practice.created_by,
        practice.is_demo,
        practice.published_version,
        practice.first_published_at,
    ) == (SLUG, kupang, officer, False, None, None)
    version = practice.versions.get()
    assert (
        version.number,
        version.status,
        version.author,
        version.submitted_at,
        version.published_at,
        version.change_note,
    ) == (1, "draft", officer, None, None, "")
    assert (
        version.title,
        version.pillars,
        version.sub_elements,
        version.sdgs,
        version.budget_idr,
        version.started_on,
        version.situation,
        version.transferability,
    ) == (
        TITLE,
        ["ECO", "GOV"],
        ["ECO.TRX", "GOV.POL"],
        [8, 16],
        850_000_000,
        dt.date(2019, 3, 1),
        RECORD["narrative"]["situation"],
        RECORD["narrative"]["transferability"],
    )
    assert list(version.partner_regions.all()) == [sumba]
    assert list(
        Outcome.objects.filter(version=version).values(
            "position",
            "name",
            "unit",
            "baseline",
            "baseline_year",
            "value",
            "year",
            "source",
            "affects_pad",
        )
    ) == [
        {
            "position": 0,
            "name": "Realisasi pajak restoran",
            "unit": "IDR",
            "baseline": decimal.Decimal("4200000000"),
            "baseline_year": 2019,
            "value": decimal.Decimal("6100000000"),
            "year": 2021,
            "source": "Laporan realisasi pendapatan Bapenda",
            "affects_pad": True,
        }
    ]
    assert list(
        Prerequisite.objects.filter(version=version).values_list(
            "position", "kind", "description", "min_budget_idr", "readiness_code", "min_level"
        )
    ) == [
        (0, "budget", "Anggaran awal perangkat perekam", 500_000_000, "STR.FIN.1", 3),
        (
            1,
            "regulation",
            "Peraturan kepala daerah tentang pajak daerah elektronik",
            None,
            "SUP.REG.2",
            2,
        ),
    ]
    assert list(
        PracticeContact.objects.filter(version=version).values_list(
            "position", "name", "title", "agency", "email", "phone"
        )
    ) == [
        (
            0,
            "Kepala Bidang Pendataan",
            "Kepala Bidang",
            "Badan Pendapatan Daerah",
            "bapenda@example.invalid",
            "",
        )
    ]
    assert record_of(version) == record
    assert _events() == [
        (
            "officer.kupang",
            "create",
            "practices.practice",
            str(practice.pk),
            "53.71",
            {"slug": [None, SLUG], "title": [None, TITLE]},
        )
    ]


def test_create_practice_by_the_secretariat_for_any_region(secretariat, sumba):
    practice = services.create_practice(
        actor=secretariat, region=sumba, data=parse_record(RECORD), slug="pajak-sumba"
    )
    assert (practice.slug, practice.lead_region, practice.created_by) == (
        "pajak-sumba",
        sumba,
        secretariat,
    )
    assert practice.versions.get().author == secretariat
    assert _events()[0][:5] == (
        "secretariat",
        "create",
        "practices.practice",
        str(practice.pk),
        "53.11",
    )


def test_create_practice_by_the_system_has_no_author(kupang):
    practice = services.create_practice(
        actor=None, region=kupang, data=parse_record(RECORD), is_demo=True
    )
    assert (practice.created_by, practice.versions.get().author, practice.is_demo) == (
        None,
        None,
        True,
    )
    assert _events()[0][:2] == ("", "create")


@pytest.mark.parametrize("role", ["anonymous", "other_officer", "inactive_officer"])
def test_create_practice_refused_outside_ones_region(request, db, kupang, role):
    actor = {
        "anonymous": lambda: AnonymousUser(),
        "other_officer": lambda: request.getfixturevalue("other_officer"),
        "inactive_officer": lambda: UserFactory(
            username="gone", role=Role.OFFICER, region=kupang, is_active=False
        ),
    }[role]()
    with pytest.raises(PermissionDenied):
        services.create_practice(actor=actor, region=kupang, data=parse_record(RECORD))
    assert (Practice.objects.count(), PracticeVersion.objects.count(), _events()) == (0, 0, [])


def test_create_practice_numbers_a_repeated_title(officer, kupang):
    first = make_practice(officer, kupang)
    second = make_practice(officer, kupang)
    third = make_practice(officer, kupang)
    assert [first.slug, second.slug, third.slug] == [SLUG, f"{SLUG}-2", f"{SLUG}-3"]


def test_create_practice_slug_of_a_title_without_letters(officer, kupang):
    assert make_practice(officer, kupang, title="???").slug == "praktik"


def test_create_practice_refuses_a_short_name_in_use(officer, kupang):
    make_practice(officer, kupang)
    with pytest.raises(ContentInvalid) as raised:
        services.create_practice(actor=officer, region=kupang, data=parse_record(RECORD), slug=SLUG)
    assert raised.value.problems == [
        FieldProblem("slug", f"A practice with the short name “{SLUG}” exists.")
    ]
    assert (Practice.objects.count(), len(_events())) == (1, 1)


@pytest.mark.parametrize(
    ("partners", "expected"),
    [
        (["99.99"], [("partner_regions", "Unknown region code “99.99”.")]),
        (["53.71"], [("partner_regions", "The lead region cannot also be a partner.")]),
        (
            ["53.71", "00.00"],
            [
                ("partner_regions", "Unknown region code “00.00”."),
                ("partner_regions", "The lead region cannot also be a partner."),
            ],
        ),
    ],
)
def test_create_practice_refuses_bad_partner_regions_and_creates_nothing(
    officer, kupang, partners, expected
):
    data = parse_record(make_record(partner_regions=partners))
    with pytest.raises(ContentInvalid) as raised:
        services.create_practice(actor=officer, region=kupang, data=data)
    assert _problems(raised) == expected
    assert (Practice.objects.count(), PracticeVersion.objects.count(), _events()) == (0, 0, [])


# --- editing -----------------------------------------------------------------------------


def test_update_version_replaces_the_content_of_a_draft(officer, draft_practice, sumba):
    version = draft_practice.versions.get()
    record = make_record(
        title="Pajak Hotel Daring",
        partner_regions=[sumba.code],
        outcomes=[{**RECORD["outcomes"][0], "name": "Realisasi pajak hotel"}],
        prerequisites=[],
        contacts=[],
    )
    updated = services.update_version(actor=officer, version=version, data=parse_record(record))

    assert (updated.pk, updated.number, updated.status) == (version.pk, 1, "draft")
    assert record_of(PracticeVersion.objects.get(pk=version.pk)) == record
    assert (Outcome.objects.count(), Prerequisite.objects.count()) == (1, 0)
    assert PracticeContact.objects.count() == 0
    event = AuditEvent.objects.order_by("pk").last()
    assert (
        event.actor,
        event.action,
        event.object_type,
        event.object_id,
        event.region_code,
    ) == (officer, "update", "practices.practiceversion", str(version.pk), "53.71")
    assert sorted(event.changes) == ["title", "updated_at"]
    assert event.changes["title"] == [TITLE, "Pajak Hotel Daring"]


def test_update_version_of_a_returned_version(officer, secretariat, kupang):
    version = _in_review(officer, kupang, secretariat)
    services.return_version(actor=secretariat, version=version, comment="Tambahkan bukti.")
    updated = services.update_version(
        actor=officer, version=version, data=parse_record(make_record(title="Judul Baru"))
    )
    assert (updated.status, updated.title) == ("returned", "Judul Baru")


def test_update_version_by_the_secretariat(secretariat, draft_practice):
    version = draft_practice.versions.get()
    updated = services.update_version(
        actor=secretariat, version=version, data=parse_record(make_record(title="Dikoreksi"))
    )
    assert updated.title == "Dikoreksi"


@pytest.mark.parametrize("status", ["submitted", "in_review", "published"])
def test_update_version_refused_once_it_left_the_region(officer, secretariat, kupang, status):
    practice = make_practice(officer, kupang)
    version = practice.versions.get()
    if status in ("submitted", "in_review", "published"):
        version = services.submit_version(actor=officer, version=version)
    if status in ("in_review", "published"):
        version = services.start_review(actor=secretariat, version=version)
    if status == "published":
        services.publish_version(actor=secretariat, version=version, scores=SCORES, verified=True)
    before = _state(version)
    for actor in (officer, secretariat):
        with pytest.raises(PermissionDenied):
            services.update_version(
                actor=actor, version=version, data=parse_record(make_record(title="Diubah"))
            )
    assert _state(version) == before
    assert PracticeVersion.objects.get(pk=version.pk).title == TITLE


def test_update_version_refused_to_another_regions_officer(other_officer, draft_practice):
    version = draft_practice.versions.get()
    with pytest.raises(PermissionDenied):
        services.update_version(
            actor=other_officer, version=version, data=parse_record(make_record(title="Diubah"))
        )
    assert PracticeVersion.objects.get(pk=version.pk).title == TITLE
    assert len(_events()) == 1


def test_update_version_with_an_unknown_partner_changes_nothing(officer, draft_practice):
    version = draft_practice.versions.get()
    data = parse_record(make_record(title="Diubah", partner_regions=["99.99"], outcomes=[]))
    with pytest.raises(ContentInvalid):
        services.update_version(actor=officer, version=version, data=data)
    version.refresh_from_db()
    assert (version.title, version.outcomes.count(), len(_events())) == (TITLE, 1, 1)


# --- submitting --------------------------------------------------------------------------


def test_submit_version_sends_a_draft_to_the_secretariat(officer, draft_practice):
    version = draft_practice.versions.get()
    submitted = services.submit_version(actor=officer, version=version)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert submitted.submitted_at is not None
    assert timezone.now() - submitted.submitted_at < dt.timedelta(minutes=1)
    assert _events()[-1] == (
        "officer.kupang",
        "update",
        "practices.practiceversion",
        str(version.pk),
        "53.71",
        {"status": ["draft", "submitted"]},
    )


def test_submit_version_requires_the_narrative_and_an_outcome(officer, kupang):
    empty = dict.fromkeys(RECORD["narrative"], "")
    practice = make_practice(officer, kupang, narrative=empty, outcomes=[])
    version = practice.versions.get()
    before = _state(version)
    with pytest.raises(ContentInvalid) as raised:
        services.submit_version(actor=officer, version=version)
    assert _problems(raised) == [
        ("narrative.situation", "This section is empty."),
        ("narrative.objectives", "This section is empty."),
        ("narrative.process", "This section is empty."),
        ("narrative.results", "This section is empty."),
        ("outcomes", "Give at least one outcome with its source."),
    ]
    # The status change was rolled back with the problem.
    assert _state(version) == before
    assert (version.status, version.submitted_at) == ("draft", None)


def test_submit_version_names_only_the_missing_section(officer, kupang):
    practice = make_practice(
        officer, kupang, narrative={**RECORD["narrative"], "results": "  ", "lessons": ""}
    )
    with pytest.raises(ContentInvalid) as raised:
        services.submit_version(actor=officer, version=practice.versions.get())
    assert _problems(raised) == [("narrative.results", "This section is empty.")]


def test_submit_version_again_after_it_was_returned(officer, secretariat, kupang):
    version = _in_review(officer, kupang, secretariat)
    services.return_version(actor=secretariat, version=version, comment="Perbaiki.")
    again = services.submit_version(actor=officer, version=version)
    assert again.status == "submitted"
    assert _events()[-1][5] == {"status": ["returned", "submitted"]}


def test_submit_version_refused_to_another_regions_officer(other_officer, draft_practice):
    version = draft_practice.versions.get()
    before = _state(version)
    with pytest.raises(PermissionDenied):
        services.submit_version(actor=other_officer, version=version)
    assert _state(version) == before


# --- reviewing ---------------------------------------------------------------------------


def test_start_review_of_a_submitted_version(secretariat, submitted_version):
    version = services.start_review(actor=secretariat, version=submitted_version)
    assert PracticeVersion.objects.get(pk=version.pk).status == "in_review"
    assert _events()[-1] == (
        "secretariat",
        "update",
        "practices.practiceversion",
        str(version.pk),
        "53.71",
        {"status": ["submitted", "in_review"]},
    )


def test_start_review_refused_to_an_officer(officer, submitted_version):
    before = _state(submitted_version)
    with pytest.raises(PermissionDenied):
        services.start_review(actor=officer, version=submitted_version)
    assert _state(submitted_version) == before


def test_return_version_with_comments_and_partial_scores(secretariat, review_version):
    review = services.return_version(
        actor=secretariat,
        version=review_version,
        comment="  Lampirkan laporan realisasi.  ",
        scores={"impact": 2, "evidence": "3", "leadership": ""},
    )
    review.refresh_from_db()
    assert (
        review.version_id,
        review.reviewer,
        review.decision,
        review.scores,
        review.verified,
        review.comment,
    ) == (
        review_version.pk,
        secretariat,
        "returned",
        {"impact": 2, "evidence": 3},
        False,
        "Lampirkan laporan realisasi.",
    )
    assert PracticeVersion.objects.get(pk=review_version.pk).status == "returned"
    assert _events()[-1] == (
        "secretariat",
        "update",
        "practices.practiceversion",
        str(review_version.pk),
        "53.71",
        {"status": ["in_review", "returned"]},
    )


@pytest.mark.parametrize("comment", ["", "   ", None])
def test_return_version_requires_a_comment(secretariat, review_version, comment):
    before = _state(review_version)
    with pytest.raises(ContentInvalid) as raised:
        services.return_version(actor=secretariat, version=review_version, comment=comment)
    assert _problems(raised) == [("comment", "Say what needs to change.")]
    assert _state(review_version) == before


def test_return_version_refuses_a_bad_partial_score(secretariat, review_version):
    before = _state(review_version)
    with pytest.raises(ContentInvalid) as raised:
        services.return_version(
            actor=secretariat, version=review_version, comment="x", scores={"impact": 9}
        )
    assert _problems(raised) == [("scores.impact", "A score is a whole number from 1 to 5.")]
    assert _state(review_version) == before


def test_review_comment_with_a_nul_character_is_refused(secretariat, review_version):
    before = _state(review_version)
    with pytest.raises(ContentInvalid) as raised:
        services.return_version(actor=secretariat, version=review_version, comment="a\0b")
    assert _problems(raised) == [("comment", "The text contains a NUL character.")]
    with pytest.raises(ContentInvalid) as raised:
        services.publish_version(
            actor=secretariat, version=review_version, scores=SCORES, verified=True, comment="\0"
        )
    assert _problems(raised) == [("comment", "The text contains a NUL character.")]
    assert _state(review_version) == before


# --- publishing --------------------------------------------------------------------------


def test_publish_version_publishes_with_the_review(secretariat, review_version):
    review = services.publish_version(
        actor=secretariat,
        version=review_version,
        scores={**SCORES, "impact": "5"},
        verified=True,
        comment=" Bukti diperiksa. ",
    )
    version = PracticeVersion.objects.get(pk=review_version.pk)
    practice = Practice.objects.get(pk=version.practice_id)
    assert version.status == "published"
    assert version.published_at is not None
    assert (practice.published_version, practice.first_published_at) == (
        version,
        version.published_at,
    )
    review.refresh_from_db()
    assert (
        review.version,
        review.reviewer,
        review.decision,
        review.scores,
        review.verified,
        review.comment,
        review.total,
    ) == (
        version,
        secretariat,
        "published",
        {**SCORES, "impact": 5},
        True,
        "Bukti diperiksa.",
        28,
    )
    assert _events()[-1] == (
        "secretariat",
        "update",
        "practices.practiceversion",
        str(version.pk),
        "53.71",
        {"status": ["in_review", "published"]},
    )
    assert selectors.final_review(version) == review


def test_publish_version_at_a_given_time(secretariat, review_version):
    when = dt.datetime(2024, 5, 2, 3, 4, 5, tzinfo=dt.UTC)
    services.publish_version(
        actor=secretariat, version=review_version, scores=SCORES, verified=False, published_at=when
    )
    practice = Practice.objects.get(pk=review_version.practice_id)
    assert (practice.published_version.published_at, practice.first_published_at) == (
        when,
        when,
    )


def test_publish_version_requires_every_score(secretariat, review_version):
    before = _state(review_version)
    with pytest.raises(ContentInvalid) as raised:
        services.publish_version(
            actor=secretariat,
            version=review_version,
            scores={"impact": 4, "evidence": None, "leadership": ""},
            verified=True,
        )
    assert _problems(raised) == [
        ("scores.partnership", "Score every criterion from 1 to 5."),
        ("scores.sustainability", "Score every criterion from 1 to 5."),
        ("scores.leadership", "Score every criterion from 1 to 5."),
        ("scores.innovation", "Score every criterion from 1 to 5."),
        ("scores.transferability", "Score every criterion from 1 to 5."),
        ("scores.evidence", "Score every criterion from 1 to 5."),
    ]
    assert _state(review_version) == before


@pytest.mark.parametrize(
    "value", [True, False, 0, 6, -1, "x", "4.0", 4.5, [4], {"v": 4}, 10**100, float("nan")]
)
def test_publish_version_refuses_a_score_outside_one_to_five(secretariat, review_version, value):
    before = _state(review_version)
    with pytest.raises(ContentInvalid) as raised:
        services.publish_version(
            actor=secretariat,
            version=review_version,
            scores={**SCORES, "innovation": value},
            verified=True,
        )
    assert _problems(raised) == [("scores.innovation", "A score is a whole number from 1 to 5.")]
    assert _state(review_version) == before


@pytest.mark.parametrize("value", [1, 5, "3", " 2 ", 4.0])
def test_publish_version_accepts_scores_one_to_five(secretariat, review_version, value):
    review = services.publish_version(
        actor=secretariat,
        version=review_version,
        scores={**SCORES, "innovation": value},
        verified=True,
    )
    assert review.scores["innovation"] == int(value)


def test_publish_version_refuses_an_unknown_criterion(secretariat, review_version):
    with pytest.raises(ContentInvalid) as raised:
        services.publish_version(
            actor=secretariat,
            version=review_version,
            scores={**SCORES, "beauty": 5, "aaa": 1},
            verified=True,
        )
    assert _problems(raised) == [
        ("scores.aaa", "Unknown criterion."),
        ("scores.beauty", "Unknown criterion."),
    ]
    assert PracticeVersion.objects.get(pk=review_version.pk).status == "in_review"


def test_publish_version_refused_to_an_officer(officer, review_version):
    before = _state(review_version)
    with pytest.raises(PermissionDenied):
        services.publish_version(
            actor=officer, version=review_version, scores=SCORES, verified=True
        )
    assert _state(review_version) == before


# --- new versions --------------------------------------------------------------------------


def _attach(actor, version, name="laporan.pdf", content=PDF, title=""):
    return services.add_attachment(
        actor=actor,
        version=version,
        upload=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        title=title,
    )


def test_start_new_version_copies_the_published_content(
    officer, secretariat, kupang, sumba, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    practice = make_practice(officer, kupang, partner_regions=[sumba.code])
    first = practice.versions.get()
    attachment = _attach(officer, first, title="Laporan 2021")
    publish(practice, secretariat)
    published_at = Practice.objects.get(pk=practice.pk).first_published_at
    events = len(_events())

    draft = services.start_new_version(actor=officer, practice=practice, change_note="Data 2023")

    assert (draft.number, draft.status, draft.author, draft.change_note) == (
        2,
        "draft",
        officer,
        "Data 2023",
    )
    assert record_of(draft) == record_of(PracticeVersion.objects.get(pk=first.pk))
    assert list(draft.partner_regions.all()) == [sumba]
    assert list(
        draft.attachments.values_list("file", "title", "content_type", "size", "uploaded_by")
    ) == [(attachment.file.name, "Laporan 2021", "application/pdf", len(PDF), officer.pk)]
    assert Attachment.objects.count() == 2
    # The public keeps seeing the published version until the new one passes review.
    practice.refresh_from_db()
    assert (practice.published_version_id, practice.first_published_at) == (
        first.pk,
        published_at,
    )
    assert PracticeVersion.objects.get(pk=first.pk).status == "published"
    assert selectors.visible_version(practice, AnonymousUser()).pk == first.pk
    assert _events()[events:] == [
        (
            "officer.kupang",
            "create",
            "practices.practiceversion",
            str(draft.pk),
            "53.71",
            {"number": [None, 2]},
        )
    ]


def test_start_new_version_twice_returns_the_unfinished_draft(officer, published_practice):
    draft = services.start_new_version(actor=officer, practice=published_practice)
    events = len(_events())
    again = services.start_new_version(actor=officer, practice=published_practice, change_note="x")
    assert (again.pk, again.number, again.change_note) == (draft.pk, 2, "")
    assert (published_practice.versions.count(), len(_events())) == (2, events)


def test_start_new_version_returns_a_version_under_review(officer, secretariat, published_practice):
    draft = services.start_new_version(actor=officer, practice=published_practice)
    services.submit_version(actor=officer, version=draft)
    assert services.start_new_version(actor=secretariat, practice=published_practice).pk == (
        draft.pk
    )


def test_start_new_version_refuses_a_long_change_note(officer, published_practice):
    with pytest.raises(ContentInvalid) as raised:
        services.start_new_version(
            actor=officer, practice=published_practice, change_note="x" * 301
        )
    assert _problems(raised) == [("change_note", "At most 300 characters (this has 301).")]
    assert published_practice.versions.count() == 1


def test_publishing_the_new_version_supersedes_the_old_one(
    officer, secretariat, published_practice
):
    first = published_practice.published_version
    first_published_at = published_practice.first_published_at
    draft = services.start_new_version(actor=officer, practice=published_practice)
    services.update_version(
        actor=officer, version=draft, data=parse_record(make_record(title="Pajak Daring v2"))
    )
    publish(published_practice, secretariat, verified=False)

    practice = Practice.objects.get(pk=published_practice.pk)
    assert list(practice.versions.order_by("number").values_list("number", "status", "title")) == [
        (1, "superseded", TITLE),
        (2, "published", "Pajak Daring v2"),
    ]
    assert practice.published_version_id == draft.pk
    assert practice.first_published_at == first_published_at
    assert practice.published_version.published_at > first.published_at
    assert str(practice) == "Pajak Daring v2"
    # The superseded version is history: its region still reads it, the public does not.
    superseded = PracticeVersion.objects.get(pk=first.pk)
    assert not AnonymousUser().has_perm("practices.view_version", superseded)
    assert officer.has_perm("practices.view_version", superseded)
    assert selectors.published_reviews([practice.pk])[practice.pk].version_id == draft.pk


def test_a_third_version_starts_from_the_latest_published(officer, secretariat, published_practice):
    draft = services.start_new_version(actor=officer, practice=published_practice)
    services.update_version(
        actor=officer, version=draft, data=parse_record(make_record(title="Versi Dua"))
    )
    publish(published_practice, secretariat)
    third = services.start_new_version(actor=officer, practice=published_practice)
    assert (third.number, third.title) == (3, "Versi Dua")


@pytest.mark.parametrize("role", ["other_officer", "anonymous"])
def test_start_new_version_refused_outside_the_region(request, published_practice, role):
    actor = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.start_new_version(actor=actor, practice=published_practice)
    assert published_practice.versions.count() == 1


def test_start_new_version_of_an_unpublished_practice_is_refused(officer, draft_practice):
    with pytest.raises(PermissionDenied):
        services.start_new_version(actor=officer, practice=draft_practice)
    assert draft_practice.versions.count() == 1


# --- steps that are not there to take --------------------------------------------------------


def _step(name, officer, secretariat, version):
    return {
        "submit": lambda: services.submit_version(actor=officer, version=version),
        "start_review": lambda: services.start_review(actor=secretariat, version=version),
        "return": lambda: services.return_version(
            actor=secretariat, version=version, comment="Perbaiki."
        ),
        "publish": lambda: services.publish_version(
            actor=secretariat, version=version, scores=SCORES, verified=True
        ),
        "update": lambda: services.update_version(
            actor=officer, version=version, data=parse_record(RECORD)
        ),
    }[name]()


ALLOWED = {
    "draft": {"submit", "update"},
    "submitted": {"start_review"},
    "in_review": {"return", "publish"},
    "returned": {"submit", "update"},
    "published": set(),
}
REFUSED = [
    (status, step)
    for status, allowed in ALLOWED.items()
    for step in ("submit", "start_review", "return", "publish", "update")
    if step not in allowed
]


def _version_in(status, officer, secretariat, kupang):
    practice = make_practice(officer, kupang)
    version = practice.versions.get()
    if status == "draft":
        return version
    version = services.submit_version(actor=officer, version=version)
    if status == "submitted":
        return version
    version = services.start_review(actor=secretariat, version=version)
    if status == "returned":
        services.return_version(actor=secretariat, version=version, comment="Perbaiki.")
    elif status == "published":
        services.publish_version(actor=secretariat, version=version, scores=SCORES, verified=True)
    version.refresh_from_db()
    assert version.status == status
    return version


@pytest.mark.parametrize(("status", "step"), REFUSED)
def test_a_step_from_the_wrong_status_is_refused_and_changes_nothing(
    officer, secretariat, kupang, status, step
):
    version = _version_in(status, officer, secretariat, kupang)
    before = _state(version)
    with pytest.raises(PermissionDenied):
        _step(step, officer, secretariat, version)
    assert _state(version) == before


@pytest.mark.parametrize(("status", "step"), REFUSED)
def test_an_administrator_cannot_skip_a_step_either(
    officer, secretariat, admin_user, kupang, status, step
):
    # Django's has_perm lets a superuser pass; the services ask the workflow's rules.
    version = _version_in(status, officer, secretariat, kupang)
    before = _state(version)
    with pytest.raises(PermissionDenied):
        _step(step, admin_user, admin_user, version)
    assert _state(version) == before


def test_an_administrator_takes_every_step(admin_user, kupang):
    practice = make_practice(admin_user, kupang)
    version = practice.versions.get()
    version = services.submit_version(actor=admin_user, version=version)
    version = services.start_review(actor=admin_user, version=version)
    services.publish_version(actor=admin_user, version=version, scores=SCORES, verified=True)
    draft = services.start_new_version(actor=admin_user, practice=practice)
    assert (draft.number, PracticeVersion.objects.get(pk=version.pk).status) == (2, "published")


def test_an_administrator_cannot_start_a_new_version_of_an_unpublished_practice(
    admin_user, draft_practice
):
    with pytest.raises(PermissionDenied):
        services.start_new_version(actor=admin_user, practice=draft_practice)
    assert draft_practice.versions.count() == 1


def test_publishing_twice_is_refused(secretariat, review_version):
    services.publish_version(
        actor=secretariat, version=review_version, scores=SCORES, verified=True
    )
    before = _state(review_version)
    with pytest.raises(PermissionDenied):
        services.publish_version(
            actor=secretariat, version=review_version, scores=SCORES, verified=False
        )
    assert _state(review_version) == before
    assert Review.objects.get().verified is True


def test_a_stale_copy_of_the_version_cannot_move_it_twice(officer, draft_practice):
    # Two browser tabs hold the same draft: the second submit sees the stored status.
    stale = draft_practice.versions.get()
    services.submit_version(actor=officer, version=stale)
    assert stale.status == "draft"
    with pytest.raises(PermissionDenied):
        services.submit_version(actor=officer, version=stale)
    assert len(_events()) == 2


# --- deleting ----------------------------------------------------------------------------


def test_delete_practice_removes_it_with_its_versions(secretariat, published_practice, sumba):
    services.record_adoption(
        actor=secretariat, practice=published_practice, region=sumba, status="planned"
    )
    pk = published_practice.pk
    services.delete_practice(actor=secretariat, practice=published_practice)
    assert (
        Practice.objects.filter(pk=pk).exists(),
        PracticeVersion.objects.count(),
        Outcome.objects.count(),
        Review.objects.count(),
        Replication.objects.count(),
    ) == (False, 0, 0, 0, 0)
    assert _events()[-1] == (
        "secretariat",
        "delete",
        "practices.practice",
        str(pk),
        "53.71",
        {},
    )


def test_delete_practice_by_an_admin(admin_user, draft_practice):
    services.delete_practice(actor=admin_user, practice=draft_practice)
    assert not Practice.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "officer", "other_officer"])
def test_delete_practice_refused(request, published_practice, role):
    actor = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    events = len(_events())
    with pytest.raises(PermissionDenied):
        services.delete_practice(actor=actor, practice=published_practice)
    assert Practice.objects.get().published_version_id is not None
    assert len(_events()) == events


# --- attachments -----------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("laporan.pdf", PDF, "application/pdf"),
        ("LAPORAN.PDF", PDF, "application/pdf"),
        ("foto.png", PNG, "image/png"),
        ("foto.jpg", JPEG, "image/jpeg"),
        ("foto.jpeg", JPEG, "image/jpeg"),
        ("foto.webp", WEBP, "image/webp"),
        ("laporan.akhir.pdf", PDF, "application/pdf"),
    ],
)
def test_check_attachment_accepts_pdf_and_images(name, head, expected):
    with translation.override("en"):
        assert check_attachment(name, len(head), head[:16]) == expected


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "size", "head", "message"),
    [
        (
            "laporan.docx",
            100,
            b"PK\x03\x04",
            "Attach a PDF or an image (PNG, JPEG, WebP); “laporan.docx” is neither.",
        ),
        (
            "laporan",
            100,
            PDF,
            "Attach a PDF or an image (PNG, JPEG, WebP); “laporan” is neither.",
        ),
        (
            "foto.gif",
            100,
            b"GIF89a",
            "Attach a PDF or an image (PNG, JPEG, WebP); “foto.gif” is neither.",
        ),
        ("foto.png", 100, PDF[:16], "“foto.png” does not look like a PNG file."),
        ("laporan.pdf", 100, PNG[:16], "“laporan.pdf” does not look like a PDF file."),
        ("foto.jpg", 100, b"<html><body>", "“foto.jpg” does not look like a JPG file."),
        (
            "suara.webp",
            100,
            b"RIFF\x24\x00\x00\x00WAVEfmt ",
            "“suara.webp” does not look like a WEBP file.",
        ),
        ("kosong.pdf", 0, b"", "“kosong.pdf” is empty."),
        ("besar.pdf", 15 * 2**20, PDF[:16], "“besar.pdf” is 15.0 MB; at most 10.0 MB."),
        ("besar.pdf", 10 * 2**20 + 1, PDF[:16], "“besar.pdf” is 10.1 MB; at most 10.0 MB."),
    ],
)
def test_check_attachment_rejects_with_a_reason(name, size, head, message):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        check_attachment(name, size, head)
    assert raised.value.messages == [message]


@pytest.mark.unit
def test_check_attachment_accepts_a_file_of_exactly_the_limit(settings):
    settings.KOTACERDAS_ATTACHMENT_MAX_BYTES = 1000
    assert check_attachment("laporan.pdf", 1000, PDF[:16]) == "application/pdf"
    with pytest.raises(ValidationError):
        check_attachment("laporan.pdf", 1001, PDF[:16])


def test_add_attachment_stores_the_file(officer, draft_practice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    version = draft_practice.versions.get()
    attachment = _attach(officer, version, title="Laporan realisasi 2021")

    attachment.refresh_from_db()
    path = f"practices/{draft_practice.pk}/laporan.pdf"
    assert (
        attachment.version,
        attachment.file.name,
        attachment.title,
        attachment.content_type,
        attachment.size,
        attachment.uploaded_by,
    ) == (version, path, "Laporan realisasi 2021", "application/pdf", len(PDF), officer)
    assert (tmp_path / path).read_bytes() == PDF
    assert _events()[-1] == (
        "officer.kupang",
        "update",
        "practices.practiceversion",
        str(version.pk),
        "53.71",
        {"attachment": [None, "Laporan realisasi 2021"]},
    )


def test_add_attachment_titles_it_by_its_name(officer, draft_practice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = _attach(officer, draft_practice.versions.get(), name="foto.png", content=PNG)
    assert (attachment.title, attachment.content_type) == ("foto.png", "image/png")


def test_add_attachment_judges_the_bytes_not_the_claimed_type(
    officer, draft_practice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("foto.png", b"MZ\x90\x00" + b"\x00" * 60, content_type="image/png")
    with pytest.raises(ValidationError) as raised:
        services.add_attachment(actor=officer, version=draft_practice.versions.get(), upload=upload)
    assert raised.value.messages == ["“foto.png” does not look like a PNG file."]
    assert (Attachment.objects.count(), list(tmp_path.iterdir()), len(_events())) == (0, [], 1)


def test_add_attachment_refused_once_submitted(officer, submitted_version, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(PermissionDenied):
        _attach(officer, submitted_version)
    assert (Attachment.objects.count(), list(tmp_path.iterdir())) == (0, [])


def test_add_attachment_refused_on_a_stale_copy_of_a_submitted_draft(
    officer, draft_practice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    stale = draft_practice.versions.get()
    services.submit_version(actor=officer, version=stale)
    with pytest.raises(PermissionDenied):
        _attach(officer, stale)
    assert (Attachment.objects.count(), list(tmp_path.iterdir())) == (0, [])


def test_add_attachment_refuses_a_title_with_a_nul_character(
    officer, draft_practice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as raised:
        _attach(officer, draft_practice.versions.get(), title="Lapor\0an")
    assert raised.value.messages == ["The title contains a NUL character."]
    assert (Attachment.objects.count(), list(tmp_path.iterdir())) == (0, [])


def test_add_attachment_refused_to_another_region(
    other_officer, draft_practice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(PermissionDenied):
        _attach(other_officer, draft_practice.versions.get())
    assert (Attachment.objects.count(), list(tmp_path.iterdir())) == (0, [])


def test_remove_attachment_from_a_new_version_keeps_the_published_file(
    officer, secretariat, kupang, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    practice = make_practice(officer, kupang)
    first = _attach(officer, practice.versions.get(), title="Laporan")
    publish(practice, secretariat)
    draft = services.start_new_version(actor=officer, practice=practice)
    copy = draft.attachments.get()

    services.remove_attachment(actor=officer, attachment=copy)

    assert list(Attachment.objects.values_list("pk", flat=True)) == [first.pk]
    assert (tmp_path / first.file.name).read_bytes() == PDF
    assert _events()[-1] == (
        "officer.kupang",
        "update",
        "practices.practiceversion",
        str(draft.pk),
        "53.71",
        {"attachment": ["Laporan", None]},
    )


def test_remove_attachment_of_a_published_version_is_refused(
    officer, secretariat, kupang, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    practice = make_practice(officer, kupang)
    attachment = _attach(officer, practice.versions.get())
    publish(practice, secretariat)
    with pytest.raises(PermissionDenied):
        services.remove_attachment(actor=officer, attachment=attachment)
    assert Attachment.objects.count() == 1


def test_removing_an_attachment_deletes_its_file_unless_another_version_uses_it(
    officer, secretariat, draft_practice, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    first = draft_practice.versions.get()
    kept = _attach(officer, first, name="laporan.pdf")
    publish(draft_practice, secretariat)
    second = services.start_new_version(actor=officer, practice=draft_practice)
    shared = second.attachments.get()
    extra = _attach(officer, second, name="foto.png", content=PNG)

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(actor=officer, attachment=shared)
        services.remove_attachment(actor=officer, attachment=extra)

    # The published version still shows the report; the picture nobody uses is gone.
    assert (tmp_path / kept.file.name).read_bytes() == PDF
    assert not (tmp_path / extra.file.name).exists()


def test_deleting_a_practice_deletes_its_files(
    officer, secretariat, draft_practice, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    attachment = _attach(officer, draft_practice.versions.get(), name="laporan.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_practice(actor=secretariat, practice=draft_practice)

    assert not (tmp_path / attachment.file.name).exists()
