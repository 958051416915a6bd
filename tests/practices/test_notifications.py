"""E-mail on each change of state: who gets which message, after the transaction commits
and never when it rolls back; inactive users and users without an address are skipped."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from kotacerdas.accounts.models import Role
from kotacerdas.core.mail import silenced
from kotacerdas.practices import notifications, services
from kotacerdas.practices.content import ContentInvalid

from ..factories import UserFactory
from .fixtures import RECORD, SCORES, make_practice

pytestmark = pytest.mark.integration

TITLE = RECORD["title"]
SLUG = "pajak-restoran-daring-dengan-perekam-transaksi"
URL = f"http://127.0.0.1:8000/practices/{SLUG}/"
FROM = "KotaCerdas <noreply@localhost>"


@pytest.fixture(autouse=True)
def english_mail(settings):
    """Mail is written in the platform's default language; English here, to read it."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def people(kupang, sumba, officer, other_officer, secretariat, admin_user):
    """Besides the fixtures' users: a second Kupang officer, and users who get nothing."""
    return {
        "colleague": UserFactory(username="officer2.kupang", role=Role.OFFICER, region=kupang),
        "gone": UserFactory(
            username="gone.kupang", role=Role.OFFICER, region=kupang, is_active=False
        ),
        "silent": UserFactory(username="silent.kupang", role=Role.OFFICER, region=kupang, email=""),
        "gone_secretariat": UserFactory(
            username="gone.secretariat", role=Role.SECRETARIAT, region=None, is_active=False
        ),
        "silent_secretariat": UserFactory(
            username="silent.secretariat", role=Role.SECRETARIAT, region=None, email=""
        ),
    }


KUPANG_OFFICERS = ["officer.kupang@example.org", "officer2.kupang@example.org"]
SECRETARIAT = ["admin@example.org", "secretariat@example.org"]


def _sent():
    """(recipients, subject, body) of every message sent, in order."""
    return [(m.to, m.subject, m.body, m.from_email) for m in mail.outbox]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a service and deliver what it queued for after the commit."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def test_submit_mails_every_active_secretariat_address(people, officer, draft_practice, commit):
    commit(lambda: services.submit_version(actor=officer, version=draft_practice.versions.get()))
    body = f"Kota Kupang submitted “{TITLE}” (version 1) for review.\n\nReview it here: {URL}\n"
    assert _sent() == [
        ([to], f"Practice submitted for review: {TITLE}", body, FROM) for to in SECRETARIAT
    ]


def test_start_review_mails_the_lead_region_and_the_author(
    people, secretariat, submitted_version, commit
):
    commit(lambda: services.start_review(actor=secretariat, version=submitted_version))
    body = f"The secretariat has started reviewing “{TITLE}” (version 1).\n\n{URL}\n"
    assert _sent() == [([to], f"Review started: {TITLE}", body, FROM) for to in KUPANG_OFFICERS]


def test_return_mails_the_comment(people, secretariat, review_version, commit):
    commit(
        lambda: services.return_version(
            actor=secretariat, version=review_version, comment="Lampirkan laporan realisasi."
        )
    )
    body = (
        f"The secretariat returned “{TITLE}” (version 1) with these comments:\n\n"
        f"Lampirkan laporan realisasi.\n\nRevise it and submit it again here: {URL}\n"
    )
    assert _sent() == [
        ([to], f"Practice returned with comments: {TITLE}", body, FROM) for to in KUPANG_OFFICERS
    ]


def test_publish_mails_the_score(people, secretariat, review_version, commit):
    commit(
        lambda: services.publish_version(
            actor=secretariat,
            version=review_version,
            scores=SCORES,
            verified=True,
            comment="Bukti lengkap.",
        )
    )
    body = (
        f"“{TITLE}” (version 1) is published in the library, with a review score of 27 out "
        f"of 35.\n\nBukti lengkap.\n\n{URL}\n"
    )
    assert _sent() == [([to], f"Practice published: {TITLE}", body, FROM) for to in KUPANG_OFFICERS]


def test_the_author_from_the_secretariat_hears_of_the_review(people, secretariat, kupang, commit):
    # The secretariat entered the practice for Kupang: as its author it hears too.
    practice = make_practice(secretariat, kupang)
    version = services.submit_version(actor=secretariat, version=practice.versions.get())
    commit(lambda: services.start_review(actor=secretariat, version=version))
    assert [m.to for m in mail.outbox] == [
        ["officer.kupang@example.org"],
        ["officer2.kupang@example.org"],
        ["secretariat@example.org"],
    ]


def test_an_inactive_author_does_not_hear(secretariat, kupang, commit):
    author = UserFactory(username="author.kupang", role=Role.OFFICER, region=kupang)
    practice = make_practice(author, kupang)
    version = services.submit_version(actor=author, version=practice.versions.get())
    author.is_active = False
    author.save()
    commit(lambda: services.start_review(actor=secretariat, version=version))
    assert mail.outbox == []


def test_nothing_is_sent_when_the_transaction_rolls_back(
    officer, secretariat, draft_practice, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.submit_version(actor=officer, version=draft_practice.versions.get())
        raise RuntimeError("the request failed after the service")
    assert (callbacks, mail.outbox) == ([], [])
    assert draft_practice.versions.get().status == "draft"


def test_a_refused_submission_sends_nothing(officer, secretariat, kupang, commit):
    practice = make_practice(officer, kupang, outcomes=[])
    with pytest.raises(ContentInvalid):
        commit(lambda: services.submit_version(actor=officer, version=practice.versions.get()))
    assert mail.outbox == []


def test_silenced_sends_nothing_and_ends_with_its_block(
    people, officer, secretariat, kupang, commit
):
    first = make_practice(officer, kupang)
    second = make_practice(officer, kupang)
    with silenced():
        commit(lambda: services.submit_version(actor=officer, version=first.versions.get()))
    assert mail.outbox == []
    commit(lambda: services.submit_version(actor=officer, version=second.versions.get()))
    assert [m.to for m in mail.outbox] == [[to] for to in SECRETARIAT]


def test_silenced_decides_when_the_mail_is_queued(
    officer, secretariat, kupang, django_capture_on_commit_callbacks
):
    # Queued outside the block, delivered inside it: the mail goes out.
    practice = make_practice(officer, kupang)
    with django_capture_on_commit_callbacks() as callbacks:
        services.submit_version(actor=officer, version=practice.versions.get())
    with silenced():
        for callback in callbacks:
            callback()
    assert [m.to for m in mail.outbox] == [["secretariat@example.org"]]


def test_silenced_ends_when_its_block_raises(officer, secretariat, kupang, commit):
    practice = make_practice(officer, kupang)
    with pytest.raises(KeyError), silenced():
        raise KeyError
    commit(lambda: services.submit_version(actor=officer, version=practice.versions.get()))
    assert [m.to for m in mail.outbox] == [["secretariat@example.org"]]


def test_question_mails_the_owners(people, other_officer, published_practice, commit):
    mail.outbox.clear()
    commit(
        lambda: services.ask_question(
            actor=other_officer, practice=published_practice, text="Berapa biayanya?"
        )
    )
    body = (
        f"Kabupaten Sumba Timur asked about “{TITLE}”:\n\nBerapa biayanya?\n\n"
        f"Answer it here: {URL}\n"
    )
    assert _sent() == [([to], f"New question about {TITLE}", body, FROM) for to in KUPANG_OFFICERS]


def test_question_mails_the_maker_from_the_secretariat(secretariat, other_officer, kupang, commit):
    practice = make_practice(secretariat, kupang)
    version = services.submit_version(actor=secretariat, version=practice.versions.get())
    version = services.start_review(actor=secretariat, version=version)
    services.publish_version(actor=secretariat, version=version, scores=SCORES, verified=True)
    practice.refresh_from_db()
    commit(lambda: services.ask_question(actor=other_officer, practice=practice, text="Apa?"))
    assert [m.to for m in mail.outbox] == [["secretariat@example.org"]]


@pytest.fixture
def question(other_officer, published_practice):
    return services.ask_question(
        actor=other_officer, practice=published_practice, text="Berapa biayanya?"
    )


def test_answer_mails_the_asker(officer, question, commit):
    commit(lambda: services.answer_question(actor=officer, question=question, text="Rp 5 juta."))
    body = f"Kota Kupang answered:\n\nRp 5 juta.\n\n{URL}\n"
    assert _sent() == [
        (
            ["officer.sumba@example.org"],
            f"Your question about {TITLE} was answered",
            body,
            FROM,
        )
    ]


def test_answer_by_the_secretariat_names_it(secretariat, question, commit):
    commit(lambda: services.answer_question(actor=secretariat, question=question, text="Lihat."))
    assert mail.outbox[0].body == f"The secretariat answered:\n\nLihat.\n\n{URL}\n"


@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}])
def test_answer_to_an_asker_who_cannot_hear(officer, other_officer, question, commit, change):
    for name, value in change.items():
        setattr(other_officer, name, value)
    other_officer.save()
    question.refresh_from_db()
    commit(lambda: services.answer_question(actor=officer, question=question, text="Rp 5 juta."))
    assert mail.outbox == []


def test_mail_in_the_default_language_names_the_practice(
    settings, officer, secretariat, draft_practice, commit
):
    settings.LANGUAGE_CODE = "id"
    commit(lambda: services.submit_version(actor=officer, version=draft_practice.versions.get()))
    (message,) = mail.outbox
    assert message.to == ["secretariat@example.org"]
    assert TITLE in message.subject
    assert message.body.endswith(f"{URL}\n")


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        ("secretariat_addresses", SECRETARIAT),
        ("kupang", KUPANG_OFFICERS),
    ],
)
def test_address_lists_skip_inactive_users_and_empty_addresses(people, kupang, function, expected):
    if function == "kupang":
        assert notifications.region_addresses(kupang.pk) == expected
    else:
        assert notifications.secretariat_addresses() == expected


def test_send_with_nobody_to_tell_queues_nothing(django_capture_on_commit_callbacks, db):
    with django_capture_on_commit_callbacks() as callbacks:
        notifications.send("submitted", [], {})
    assert callbacks == []
