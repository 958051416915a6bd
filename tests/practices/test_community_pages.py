"""What regions do with each other's practices through the pages: recommendations and
stated priorities, the transferability check, adoptions, questions and answers — each
write as a truth table over the roles, with what it changed (or did not)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kotacerdas.assessments.models import Result
from kotacerdas.assessments.services.readiness import save_answers
from kotacerdas.core.models import AuditEvent
from kotacerdas.practices import services, taxonomy
from kotacerdas.practices.models import Answer, Question, Replication, StatedPriorities

from ..factories import RegionFactory
from .fixtures import RECORD, make_practice, publish

pytestmark = pytest.mark.integration

SLUG = "pajak-restoran-daring-dengan-perekam-transaksi"
ROLES = ["anonymous", "officer", "other_officer", "secretariat", "admin_user"]
WASTE = {
    "title": "Bank Sampah Desa Berbasis Aplikasi",
    "summary": "Warga menabung sampah terpilah di bank sampah desa dan menerima saldo di aplikasi.",
    "pillars": ["ENV"],
    "sub_elements": ["ENV.WST"],
    "outcomes": [
        {
            "name": "Sampah terpilah",
            "unit": "ton per tahun",
            "baseline": 12,
            "baseline_year": 2021,
            "value": 30.5,
            "year": 2023,
            "source": "Laporan bank sampah desa",
        }
    ],
    "prerequisites": [],
}


def _client(request, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _text(fragment: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).strip())


def _errors(html: str, field: str) -> list[str]:
    block = re.search(rf'data-testid="errors-{field}">(.*?)</div>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


# --- recommendations -------------------------------------------------------------------------


@pytest.fixture
def flores(db, kupang):
    return RegionFactory(code="53.09", name="Kabupaten Flores Contoh", population=90_000)


@pytest.fixture
def offers(officer, secretariat, kupang, flores):
    """Kupang's verified tax practice (PAD effect) and an unverified waste bank of a
    kabupaten as small as Sumba Timur."""
    tax = publish(make_practice(officer, kupang), secretariat)
    waste = publish(make_practice(None, flores, **WASTE), secretariat, verified=False)
    return tax, waste


def _recommendations(html: str) -> list[tuple[str, str]]:
    block = re.search(r'data-testid="recommendations">(.*?)</ol>', html, re.S).group(1)
    return [
        (slug, _text(reason))
        for slug, reason in re.findall(
            r'<li data-slug="([^"]+)".*?data-testid="reason">(.*?)</p>', block, re.S
        )
    ]


@pytest.mark.django_db
def test_recommendations_follow_stated_priorities(offers, other_officer, sumba):
    services.set_priorities(actor=other_officer, region=sumba, pillars=["ENV", "ECO"])
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/for/53.11/"))
    assert _recommendations(html) == [
        (
            "bank-sampah-desa-berbasis-aplikasi",
            "Addresses Smart Environment, a priority you stated; from Kabupaten Flores Contoh, "
            "a kabupaten like yours, of similar population.",
        ),
        (
            SLUG,
            "Addresses Smart Economy, a priority you stated; from Kota Kupang; raised PAD by "
            "Rp 1.9 billion in 2 years (verified).",
        ),
    ]
    facts = re.search(r'data-testid="facts" data-source="stated">(.*?)</div>', html, re.S)
    assert re.findall(r'data-pillar="([A-Z]+)">([^<]+)</li>', facts.group(1)) == [
        ("ENV", "Smart Environment"),
        ("ECO", "Smart Economy"),
    ]
    assert f'href="/practices/{SLUG}/fit/53.11/"' in html


@pytest.mark.django_db
def test_recommendations_without_facts_say_what_they_rest_on(offers, sumba):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/for/5311/")
    assert (response.status_code, response["Location"]) == (301, "/practices/for/53.11/")
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/for/53.11/"))
    assert 'data-testid="no-facts"' in html
    # Both score the same (similar region / verified PAD effect): the title breaks the tie.
    assert [slug for slug, _reason in _recommendations(html)] == [
        "bank-sampah-desa-berbasis-aplikasi",
        SLUG,
    ]


@pytest.mark.django_db
def test_recommendations_leave_out_the_regions_own_and_adopted_practices(offers, sumba, kupang):
    _tax, waste = offers
    services.record_adoption(actor=None, practice=waste, region=kupang, status="adopted")
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/for/53.71/"))
    assert 'data-testid="no-recommendations"' in html


@pytest.mark.django_db
def test_recommendations_flag_demo_practices(officer, secretariat, kupang, sumba):
    practice = make_practice(officer, kupang)
    practice.is_demo = True
    practice.save()
    publish(practice, secretariat)
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/for/53.11/"))
    assert 'data-testid="demo-notice"' in html
    item = re.search(r'<li data-slug="[^"]+".*?</li>', html, re.S).group(0)
    assert 'class="badge demo"' in item


@pytest.mark.django_db
def test_recommendations_for_an_unknown_region_are_404():
    assert Client().get("/practices/for/99.99/").status_code == 404
    assert Client().get("/practices/for/kupang/").status_code == 404


@pytest.mark.django_db
def test_recommendations_use_weakest_pillars_of_the_published_index(
    request, published, published_practice
):
    rows = Result.objects.filter(
        computation=published, region__code="53.11", node__code__in=taxonomy.pillar_codes()
    ).select_related("node")
    weakest = sorted((r.score, r.node.code) for r in rows if r.score is not None)[:3]
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get("/practices/for/53.11/"))
    facts = re.search(r'data-testid="facts" data-source="index">(.*?)</div>', html, re.S).group(1)
    assert "Weakest pillars in the published index of 2025:" in facts
    assert 'class="badge demo"' in facts
    assert "These index results were computed from demo values" in facts
    assert [
        (code, _text(text))
        for code, text in re.findall(r'data-pillar="([A-Z]+)">(.*?)</li>', facts, re.S)
    ] == [
        (code, f"{taxonomy.node_name(code)} — score {score:.1f} of 100") for score, code in weakest
    ]
    # With index results, the priorities form is tucked away, not in front.
    html = _html(_client(request, "officer").get("/practices/for/53.71/"))
    assert '<details class="priorities" data-testid="priorities">' in html
    assert "prominent" not in html


@pytest.mark.parametrize(
    ("role", "form"),
    [
        ("anonymous", False),
        ("officer", True),
        ("other_officer", False),
        ("secretariat", True),
        ("admin_user", True),
    ],
)
def test_priorities_form_only_for_the_region_and_the_secretariat(request, db, kupang, role, form):
    html = _html(_client(request, role).get("/practices/for/53.71/"))
    assert ('data-testid="priorities-form"' in html) is form
    # Without index results the form comes first, prominently.
    assert ('class="card priorities prominent"' in html) is form


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 302),
        ("other_officer", 403),
        ("secretariat", 302),
        ("admin_user", 302),
    ],
)
def test_priorities_post_truth_table(request, db, kupang, sumba, role, status):
    response = _client(request, role).post(
        "/practices/for/53.71/priorities/", {"first": "ENV", "second": "ECO", "third": ""}
    )
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"] == "/accounts/login/?next=/practices/for/53.71/priorities/"
    if status == 302 and role != "anonymous":
        assert response["Location"] == "/practices/for/53.71/"
        assert list(StatedPriorities.objects.values_list("region__code", "pillars")) == [
            ("53.71", ["ENV", "ECO"])
        ]
    else:
        assert not StatedPriorities.objects.exists()
        assert not AuditEvent.objects.filter(object_type="practices.statedpriorities").exists()


@pytest.mark.django_db
def test_priorities_are_shown_again_for_editing(request, kupang, officer):
    services.set_priorities(actor=officer, region=kupang, pillars=["SOC", "LIV"])
    html = _html(_client(request, "officer").get("/practices/for/53.71/"))
    assert re.search(r'name="first"[^>]*>.*?<option value="SOC" selected>', html, re.S)
    assert re.search(r'name="second"[^>]*>.*?<option value="LIV" selected>', html, re.S)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"first": "ENV", "second": "ENV"}, "second", "This pillar is already chosen above."),
        (
            {"first": "XYZ"},
            "first",
            "Select a valid choice. XYZ is not one of the available choices.",
        ),
        ({"first": ""}, "first", "This field is required."),
    ],
)
def test_priorities_invalid_are_shown_and_nothing_changes(
    request, db, kupang, data, field, message
):
    response = _client(request, "officer").post("/practices/for/53.71/priorities/", data)
    assert response.status_code == 422
    assert _errors(response.content.decode(), field) == [message]
    assert not StatedPriorities.objects.exists()


# --- transferability -------------------------------------------------------------------------

SKILLS = {"kind": "skills", "description": "Petugas pajak yang menguasai aplikasi"}


@pytest.fixture
def fitting(officer, secretariat, kupang):
    return publish(
        make_practice(officer, kupang, prerequisites=[*RECORD["prerequisites"], SKILLS]),
        secretariat,
    )


def _fit_rows(html: str) -> list[tuple[str, str, str, str]]:
    block = re.search(r'data-testid="fit-items">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [
        (status, _text(label), _text(reason), _text(need))
        for status, label, reason, need in re.findall(
            r'data-status="([a-z]+)".*?<td>(.*?)</td>.*?data-testid="fit-reason">(.*?)</td>\s*<td>(.*?)</td>',
            block,
            re.S,
        )
    ]


@pytest.mark.django_db
def test_fit_compares_each_prerequisite_with_the_readiness_answers(
    fitting, questionnaire, other_officer, sumba
):
    year = timezone.localdate().year
    save_answers(
        actor=other_officer,
        questionnaire=questionnaire,
        region=sumba,
        year=year,
        answers={
            "STR.FIN.1": {"level": 2, "evidence": "APBD"},
            "SUP.REG.2": {"level": 4, "evidence": "Perbup"},
        },
        submit=True,
    )
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/practices/{SLUG}/fit/53.11/"))
    budget_question = taxonomy.readiness_question("STR.FIN.1")
    assert _fit_rows(html) == [
        (
            "partly",
            "◐ partly met",
            f"Readiness STR.FIN.1 is at level 2 in {year}; level 3 is needed. The budget of "
            "Rp 500.0 million cannot be compared: your region's PAD per capita or population "
            "is not known.",
            f"Raise STR.FIN.1 (“{budget_question}”) from level 2 to 3.",
        ),
        ("met", "✓ met", f"Readiness SUP.REG.2 is at level 4 in {year}; level 2 is needed.", "—"),
        (
            "unknown",
            "? unknown",
            "No platform data shows this; check it yourself.",
            "Petugas pajak yang menguasai aplikasi",
        ),
    ]
    assert 'data-testid="fit-score" data-score="50"' in html
    assert "1 item could not be checked and counts as not met" in html
    needs = re.search(r'data-testid="needs-first">(.*?)</ol>', html, re.S).group(1)
    assert [_text(n) for n in re.findall(r"<li>(.*?)</li>", needs, re.S)] == [
        f"Raise STR.FIN.1 (“{budget_question}”) from level 2 to 3."
    ]
    assert "No similarity in kind, population or fiscal capacity was found." in html
    assert f"Readiness self-assessment of {year} (2 answers)." in html


@pytest.mark.django_db
def test_fit_without_readiness_answers_is_unknown(fitting, sumba):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/practices/{SLUG}/fit/53.11/"))
    assert [row[0] for row in _fit_rows(html)] == ["unknown", "unknown", "unknown"]
    assert 'data-testid="fit-score" data-score=""' in html
    assert "no prerequisite could be checked with the region's data" in html


@pytest.mark.django_db
def test_fit_names_the_similarities(fitting, kupang):
    twin = RegionFactory(code="53.72", name="Kota Kembar", population=400_000)
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/practices/{SLUG}/fit/{twin.code}/"))
    similar = re.search(r'data-testid="similarities">(.*?)</div>\s*</div>', html, re.S).group(1)
    assert _text(similar) == (
        "How the lead region compares Kota Kupang is a kota like yours, of similar population."
    )


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/practices/{SLUG}/fit/99.99/", 404),
        ("/practices/no-such/fit/53.11/", 404),
    ],
)
def test_fit_unknown_region_or_practice_is_404(db, fitting, url, status):
    assert Client().get(url).status_code == status


@pytest.mark.django_db
def test_fit_of_an_unpublished_practice_is_404(request, draft_practice, sumba):
    assert _client(request, "officer").get(f"/practices/{SLUG}/fit/53.11/").status_code == 404


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("region=53.11", f"/practices/{SLUG}/fit/53.11/"),
        ("region=5311", f"/practices/{SLUG}/fit/53.11/"),
        ("region=Sumba+Timur", f"/practices/{SLUG}/fit/53.11/"),
        ("region=kabupaten+sumba+timur", f"/practices/{SLUG}/fit/53.11/"),
    ],
)
def test_fit_chooser_goes_to_the_region(db, fitting, sumba, query, location):
    response = Client().get(f"/practices/{SLUG}/fit/?{query}")
    assert (response.status_code, response["Location"]) == (302, location)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("region=99.99", "No current kabupaten/kota has the code 99.99."),
        ("region=Atlantis", "No current kabupaten/kota is called “Atlantis”."),
        ("region=", "This field is required."),
    ],
)
def test_fit_chooser_explains_what_it_cannot_find(db, fitting, sumba, query, message):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/practices/{SLUG}/fit/?{query}"))
    assert _errors(html, "region") == [message]


@pytest.mark.django_db
def test_fit_chooser_lists_several_matches(fitting, sumba, kupang):
    html = _html(Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/practices/{SLUG}/fit/?region=u"))
    assert _errors(html, "region") == ["Several regions match “u”; choose one below."]
    matches = re.search(r'data-testid="region-matches">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'href="([^"]+)">([^<]+)</a>', matches) == [
        (f"/practices/{SLUG}/fit/53.11/", "Kabupaten Sumba Timur"),
        (f"/practices/{SLUG}/fit/53.71/", "Kota Kupang"),
    ]


@pytest.mark.parametrize(
    ("role", "own_link"),
    [
        ("anonymous", None),
        ("officer", None),
        ("other_officer", f"/practices/{SLUG}/fit/53.11/"),
        ("secretariat", None),
    ],
)
def test_detail_offers_the_fit_check(request, db, fitting, role, own_link):
    html = _html(_client(request, role).get(f"/practices/{SLUG}/"))
    form = re.search(r'<form method="get" action="([^"]+)"[^>]*data-testid="fit-form">', html)
    assert form.group(1) == f"/practices/{SLUG}/fit/"
    links = re.findall(rf'href="(/practices/{SLUG}/fit/[\d.]+/)"', html)
    assert (links[0] if links else None) == own_link


# --- adopting --------------------------------------------------------------------------------

ADOPT = {"status": "in_progress", "started_on": "2025-01-10", "ended_on": "", "notes": "Mulai"}


def _replications() -> list[tuple]:
    return list(
        Replication.objects.values_list(
            "practice__slug", "region__code", "status", "started_on", "ended_on", "notes"
        )
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 403),
        ("other_officer", 200),
        ("secretariat", 200),
        ("admin_user", 200),
    ],
)
def test_adopt_form_truth_table(request, db, published_practice, role, status):
    response = _client(request, role).get(f"/practices/{SLUG}/adopt/")
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"] == f"/accounts/login/?next=/practices/{SLUG}/adopt/"
    if status == 200:
        html = response.content.decode()
        assert ('name="region"' in html) is (role != "other_officer")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 403),
        ("other_officer", 302),
        ("secretariat", 302),
        ("admin_user", 302),
    ],
)
def test_adopt_post_truth_table(request, db, published_practice, sumba, role, status):
    data = {**ADOPT, "region": "53.11"} if role in ("secretariat", "admin_user") else ADOPT
    response = _client(request, role).post(f"/practices/{SLUG}/adopt/", data)
    assert response.status_code == status
    if status == 302 and role != "anonymous":
        assert response["Location"] == f"/practices/{SLUG}/#replications"
        assert _replications() == [
            (SLUG, "53.11", "in_progress", dt.date(2025, 1, 10), None, "Mulai")
        ]
    else:
        assert _replications() == []
        assert not AuditEvent.objects.filter(object_type="practices.replication").exists()


@pytest.mark.django_db
def test_adopt_an_officer_cannot_name_another_region(request, published_practice, sumba, kupang):
    other = RegionFactory(code="53.05", name="Kabupaten Lain")
    response = _client(request, "other_officer").post(
        f"/practices/{SLUG}/adopt/", {**ADOPT, "region": other.code}
    )
    assert response.status_code == 302
    assert [row[1] for row in _replications()] == ["53.11"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"region": "53.71"}, "region", "A region cannot adopt its own practice."),
        ({"region": "99.99"}, "region", "No current kabupaten/kota has the code 99.99."),
        ({"region": ""}, "region", "This field is required."),
        (
            {"status": "done"},
            "status",
            "Select a valid choice. done is not one of the available choices.",
        ),
        (
            {"ended_on": "2025-02-01"},
            "ended_on",
            "Only an adoption that is done or stopped has an end date.",
        ),
        (
            {"status": "adopted", "ended_on": "2024-12-01"},
            "ended_on",
            "The end is before the start.",
        ),
        ({"started_on": "10/01/2025x"}, "started_on", "Enter a valid date."),
    ],
)
def test_adopt_invalid_is_shown_and_nothing_changes(
    request, db, published_practice, sumba, data, field, message
):
    response = _client(request, "secretariat").post(
        f"/practices/{SLUG}/adopt/", {**ADOPT, "region": "53.11", **data}
    )
    assert response.status_code == 422
    assert _errors(response.content.decode(), field) == [message]
    assert _replications() == []


@pytest.mark.django_db
def test_adopt_a_draft_practice_is_404(request, draft_practice):
    assert _client(request, "other_officer").get(f"/practices/{SLUG}/adopt/").status_code == 404


@pytest.mark.django_db
def test_adopt_again_updates_the_regions_adoption(request, published_practice, sumba):
    client = _client(request, "other_officer")
    client.post(f"/practices/{SLUG}/adopt/", ADOPT)
    html = _html(client.get(f"/practices/{SLUG}/adopt/"))
    assert "Your region already recorded this adoption (in progress); saving updates it." in html
    assert 'value="2025-01-10"' in html
    client.post(
        f"/practices/{SLUG}/adopt/", {**ADOPT, "status": "adopted", "ended_on": "2025-06-30"}
    )
    assert _replications() == [
        (SLUG, "53.11", "adopted", dt.date(2025, 1, 10), dt.date(2025, 6, 30), "Mulai")
    ]


@pytest.fixture
def replication(published_practice, other_officer, sumba):
    return services.record_adoption(
        actor=other_officer,
        practice=published_practice,
        region=sumba,
        status="planned",
        notes="Rencana 2025",
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 403),
        ("other_officer", 302),
        ("secretariat", 302),
        ("admin_user", 302),
    ],
)
def test_replication_edit_truth_table(request, db, replication, role, status):
    url = f"/practices/adoptions/{replication.pk}/edit/"
    client = _client(request, role)
    get = client.get(url)
    assert get.status_code == (200 if status == 302 and role != "anonymous" else status)
    response = client.post(url, {**ADOPT, "status": "adopted", "notes": "Sudah jalan"})
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"] == f"/accounts/login/?next={url}"
    if status == 302 and role != "anonymous":
        assert response["Location"] == f"/practices/{SLUG}/#replications"
        assert _replications() == [
            (SLUG, "53.11", "adopted", dt.date(2025, 1, 10), None, "Sudah jalan")
        ]
    else:
        assert _replications() == [(SLUG, "53.11", "planned", None, None, "Rencana 2025")]


@pytest.mark.django_db
def test_replication_edit_shows_the_stored_values(request, replication):
    html = _html(
        _client(request, "other_officer").get(f"/practices/adoptions/{replication.pk}/edit/")
    )
    assert '<option value="planned" selected>planned</option>' in html
    assert "Rencana 2025</textarea>" in html
    assert 'name="region"' not in html


@pytest.mark.django_db
def test_replication_edit_unknown_is_404(request, db):
    assert _client(request, "secretariat").get("/practices/adoptions/999/edit/").status_code == 404


@pytest.mark.parametrize(
    ("role", "link"),
    [
        ("anonymous", False),
        ("officer", False),
        ("other_officer", True),
        ("secretariat", True),
    ],
)
def test_detail_links_the_adoption_to_who_may_change_it(request, db, replication, role, link):
    html = _html(_client(request, role).get(f"/practices/{SLUG}/"))
    assert ('data-testid="edit-replication"' in html) is link


# --- questions and answers -------------------------------------------------------------------


def _questions() -> list[tuple]:
    return list(Question.objects.values_list("practice__slug", "region__code", "text"))


def _answers() -> list[tuple]:
    return list(Answer.objects.values_list("question__text", "region__code", "text"))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 403),
        ("other_officer", 302),
        ("secretariat", 403),
        ("admin_user", 403),
    ],
)
def test_ask_truth_table(
    request, db, published_practice, role, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(request, role).post(
            f"/practices/{SLUG}/questions/", {"text": "Berapa biaya per perangkat?"}
        )
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"] == (f"/accounts/login/?next=/practices/{SLUG}/%23questions")
    if status == 302 and role != "anonymous":
        question = Question.objects.get()
        assert response["Location"] == f"/practices/{SLUG}/#question-{question.pk}"
        assert _questions() == [(SLUG, "53.11", "Berapa biaya per perangkat?")]
        assert [m.to for m in mail.outbox] == [["officer.kupang@example.org"]]
        html = _html(_client(request, "anonymous").get(f"/practices/{SLUG}/"))
        assert "Berapa biaya per perangkat?" in html
    else:
        assert _questions() == []
        assert mail.outbox == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "This field is required."),
        ("x" * 4001, "Ensure this value has at most 4000 characters (it has 4001)."),
    ],
)
def test_ask_invalid_is_shown_on_the_page(request, db, published_practice, text, message):
    response = _client(request, "other_officer").post(
        f"/practices/{SLUG}/questions/", {"text": text}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="ask-form"' in html
    assert _errors(html, "text") == [message]
    assert _questions() == []


@pytest.mark.django_db
def test_ask_invalid_speaks_the_visitors_language(other_officer, published_practice):
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(other_officer)
    response = client.post(f"/practices/{SLUG}/questions/", {"text": ""})
    assert response.status_code == 422
    assert _errors(response.content.decode(), "text") == ["Isian ini wajib diisi."]


@pytest.mark.django_db
def test_ask_about_a_draft_is_404(request, draft_practice):
    response = _client(request, "other_officer").post(
        f"/practices/{SLUG}/questions/", {"text": "?"}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_ask_needs_post(request, published_practice):
    assert _client(request, "other_officer").get(f"/practices/{SLUG}/questions/").status_code == 405


@pytest.fixture
def question(published_practice, other_officer):
    return services.ask_question(
        actor=other_officer, practice=published_practice, text="Berapa biaya per perangkat?"
    )


@pytest.mark.parametrize(
    ("role", "status", "region"),
    [
        ("anonymous", 302, None),
        ("officer", 302, "53.71"),
        ("other_officer", 403, None),
        ("secretariat", 302, None),
        ("admin_user", 302, None),
    ],
)
def test_answer_truth_table(
    request, db, question, role, status, region, django_capture_on_commit_callbacks
):
    url = f"/practices/{SLUG}/questions/{question.pk}/answer/"
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(request, role).post(url, {"text": "Sekitar Rp 5 juta."})
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"] == f"/accounts/login/?next=/practices/{SLUG}/%23questions"
        assert _answers() == []
    elif status == 302:
        assert response["Location"] == f"/practices/{SLUG}/#question-{question.pk}"
        assert _answers() == [("Berapa biaya per perangkat?", region, "Sekitar Rp 5 juta.")]
        assert [m.to for m in mail.outbox] == [["officer.sumba@example.org"]]
    else:
        assert _answers() == []
        assert mail.outbox == []


@pytest.mark.django_db
def test_answer_invalid_is_shown_under_its_question(request, question):
    response = _client(request, "officer").post(
        f"/practices/{SLUG}/questions/{question.pk}/answer/", {"text": "  "}
    )
    assert response.status_code == 422
    html = response.content.decode()
    block = re.search(rf'id="question-{question.pk}"(.*?)</form>', html, re.S).group(1)
    assert _errors(block, "text") == ["This field is required."]
    assert _answers() == []


@pytest.mark.django_db
def test_answer_to_a_question_of_another_practice_is_404(
    request, question, officer, kupang, secretariat
):
    other = publish(make_practice(officer, kupang, title="Praktik Lain"), secretariat)
    response = _client(request, "officer").post(
        f"/practices/{other.slug}/questions/{question.pk}/answer/", {"text": "Jawab"}
    )
    assert response.status_code == 404
    assert _answers() == []
