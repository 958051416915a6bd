"""The readiness self-assessment: answering, permissions, the profile and its pages.

Regions here are test-made (the ``kupang`` and ``sumba`` fixtures), not the registry.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kotacerdas.assessments import demo
from kotacerdas.assessments.models import Questionnaire, ReadinessResponse
from kotacerdas.assessments.selectors import (
    AspectScore,
    DimensionScore,
    readiness_overview,
    readiness_profile,
    readiness_response,
)
from kotacerdas.assessments.services.readiness import current_questionnaire, save_answers
from kotacerdas.core.models import AuditEvent

from ..factories import RegionFactory

pytestmark = pytest.mark.integration

YEAR = 2025
PAGE = f"/index/readiness/53.71/{YEAR}/"
ROLES = ["anonymous", "officer", "other_officer", "secretariat", "admin_user"]

# A partial set of answers whose profile is worked out by hand in the tests below.
HAND_ANSWERS = {
    "STR.PPL.1": {"level": 1, "evidence": "Data BKPSDM 2024"},
    "STR.PPL.2": {"level": 2, "evidence": ""},
    "STR.FIN.1": {"level": 4, "evidence": "RKPD 2025"},
    "STR.FIN.2": {"level": 5, "evidence": ""},
    "STR.GOV.1": {"level": 3, "evidence": ""},
    "STR.GOV.2": {"level": 3, "evidence": ""},
    "STR.GOV.3": {"level": 4, "evidence": ""},
    "INF.PHY.1": {"level": 2, "evidence": ""},
    "INF.PHY.2": {"level": 2, "evidence": ""},
    "INF.DIG.1": {"level": 5, "evidence": ""},
    # Evidence noted but no level chosen yet: not an answer.
    "SUP.REG.1": {"level": None, "evidence": "Perda sedang disusun"},
}


def _user(request, role):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


def _client_as(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _submitted(questionnaire, region, answers=HAND_ANSWERS, year=YEAR, **fields):
    defaults = {"submitted_at": timezone.now(), **fields}
    return ReadinessResponse.objects.create(
        questionnaire=questionnaire, region=region, year=year, answers=answers, **defaults
    )


def _form_data(action, **levels):
    data = {"action": action}
    for code, level in levels.items():
        data[f"level-{code.replace('_', '.')}"] = str(level)
    return data


# --- permissions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_form"),
    [
        ("anonymous", False),
        ("officer", True),
        ("other_officer", False),
        ("secretariat", False),
        ("admin_user", False),
    ],
)
def test_readiness_page_form_only_for_the_regions_officer(
    client, request, questionnaire, kupang, role, sees_form
):
    body = _client_as(client, request, role).get(PAGE)
    assert body.status_code == 200
    html = body.content.decode()
    assert ('data-testid="readiness-form"' in html) is sees_form
    assert ('data-testid="readiness-none"' in html) is not sees_form


@pytest.mark.parametrize("action", ["draft", "submit"])
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
def test_readiness_post_only_by_the_regions_officer(
    client, request, questionnaire, kupang, sumba, role, allowed, action
):
    response = _client_as(client, request, role).post(
        PAGE, _form_data(action, STR_PPL_1=3, STR_PPL_2=4)
    )
    if allowed:
        assert (response.status_code, response["Location"]) == (302, PAGE)
        stored = ReadinessResponse.objects.get()
        assert (stored.region, stored.year, stored.answers) == (
            kupang,
            YEAR,
            {
                "STR.PPL.1": {"level": 3, "evidence": ""},
                "STR.PPL.2": {"level": 4, "evidence": ""},
            },
        )
        assert (stored.submitted_at is not None) is (action == "submit")
    else:
        assert response.status_code == 403
        assert not ReadinessResponse.objects.exists()
        assert not AuditEvent.objects.filter(object_type="assessments.readinessresponse").exists()


@pytest.mark.parametrize("submit", [False, True])
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
def test_save_answers_permission(request, questionnaire, kupang, role, allowed, submit):
    call = {
        "actor": _user(request, role),
        "questionnaire": questionnaire,
        "region": kupang,
        "year": YEAR,
        "answers": {"STR.PPL.1": {"level": 2, "evidence": ""}},
        "submit": submit,
    }
    if allowed:
        assert save_answers(**call).answers == {"STR.PPL.1": {"level": 2, "evidence": ""}}
    else:
        with pytest.raises(PermissionDenied):
            save_answers(**call)
        assert not ReadinessResponse.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 403),
        ("other_officer", 403),
        ("secretariat", 200),
        ("admin_user", 200),
    ],
)
def test_overview_is_for_the_secretariat(client, request, questionnaire, kupang, role, status):
    response = _client_as(client, request, role).get("/index/readiness/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


# --- validation ----------------------------------------------------------------------------


def _errors(officer, questionnaire, kupang, answers, *, submit=False, year=YEAR):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        save_answers(
            actor=officer,
            questionnaire=questionnaire,
            region=kupang,
            year=year,
            answers=answers,
            submit=submit,
        )
    assert not ReadinessResponse.objects.exists()
    return raised.value.message_dict


def test_save_answers_rejects_an_unknown_question(officer, questionnaire, kupang):
    answers = {"STR.PPL.9": {"level": 3, "evidence": ""}, "STR.PPL.1": {"level": 3}}
    assert _errors(officer, questionnaire, kupang, answers) == {
        "STR.PPL.9": ["There is no question STR.PPL.9 in this questionnaire."]
    }


@pytest.mark.parametrize("level", [0, 6, -1, "3", 2.5, True])
def test_save_answers_rejects_a_level_outside_one_to_five(officer, questionnaire, kupang, level):
    answers = {"INF.DIG.2": {"level": level, "evidence": ""}}
    assert _errors(officer, questionnaire, kupang, answers) == {
        "INF.DIG.2": [
            f"Question INF.DIG.2: the level must be a whole number from 1 to 5, not {level}."
        ]
    }


def test_save_answers_rejects_evidence_over_1000_characters(officer, questionnaire, kupang):
    answers = {"SUP.IMP.3": {"level": 2, "evidence": "x" * 1001}}
    assert _errors(officer, questionnaire, kupang, answers) == {
        "SUP.IMP.3": [
            "Question SUP.IMP.3: the evidence may be at most 1000 characters long; it has 1001."
        ]
    }


def test_save_answers_accepts_evidence_of_1000_characters(officer, questionnaire, kupang):
    saved = save_answers(
        actor=officer,
        questionnaire=questionnaire,
        region=kupang,
        year=YEAR,
        answers={"SUP.IMP.3": {"level": 2, "evidence": "x" * 1000 + "  "}},
        submit=True,
    )
    assert saved.answers == {"SUP.IMP.3": {"level": 2, "evidence": "x" * 1000}}


def test_save_answers_reports_every_problem_at_once(officer, questionnaire, kupang):
    answers = {
        "NOPE": {"level": 1},
        "STR.FIN.1": {"level": 9, "evidence": 12},
        "STR.FIN.2": "4",
    }
    assert _errors(officer, questionnaire, kupang, answers) == {
        "NOPE": ["There is no question NOPE in this questionnaire."],
        "STR.FIN.1": [
            "Question STR.FIN.1: the level must be a whole number from 1 to 5, not 9.",
            "Question STR.FIN.1: the evidence must be text.",
        ],
        "STR.FIN.2": ["Question STR.FIN.2: an answer must have a level and evidence."],
    }


def test_submit_needs_at_least_one_level(officer, questionnaire, kupang):
    answers = {"STR.FIN.1": {"level": None, "evidence": "RKPD"}}
    assert _errors(officer, questionnaire, kupang, answers, submit=True) == {
        "__all__": ["Answer at least one question before submitting."]
    }


def test_saving_nothing_is_refused(officer, questionnaire, kupang):
    assert _errors(officer, questionnaire, kupang, {}) == {
        "__all__": ["Answer at least one question or give evidence before saving."]
    }


@pytest.mark.parametrize("year", [1999, timezone.localdate().year + 2])
def test_save_answers_rejects_a_year_out_of_range(officer, questionnaire, kupang, year):
    answers = {"STR.FIN.1": {"level": 2}}
    assert _errors(officer, questionnaire, kupang, answers, year=year) == {
        "year": [f"The year must be between 2000 and {timezone.localdate().year + 1}."]
    }


def test_form_shows_errors_beside_the_question(client, officer, questionnaire, kupang):
    client.force_login(officer)
    data = {**_form_data("submit", STR_PPL_1=7), "evidence-STR.PPL.2": "y" * 1001}
    response = client.post(PAGE, data, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    html = response.content.decode()
    ppl1 = html[html.index('id="q-STR.PPL.1"') : html.index('id="q-STR.PPL.2"')]
    ppl2 = html[html.index('id="q-STR.PPL.2"') : html.index('id="q-STR.PPL.3"')]
    assert "Select a valid choice. 7 is not one of the available choices." in ppl1
    assert "Ensure this value has at most 1000 characters (it has 1001)." in ppl2
    assert not ReadinessResponse.objects.exists()


def test_form_shows_a_service_error(client, officer, questionnaire, kupang):
    client.force_login(officer)
    response = client.post(PAGE, {"action": "submit"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "Answer at least one question before submitting." in response.content.decode()


# --- saving and submitting -----------------------------------------------------------------


def test_submitted_response_can_be_edited_and_resubmitted(officer, questionnaire, kupang):
    call = {"actor": officer, "questionnaire": questionnaire, "region": kupang, "year": YEAR}
    first = save_answers(**call, answers={"STR.PPL.1": {"level": 2}}, submit=True)
    earlier = timezone.now() - dt.timedelta(days=3)
    ReadinessResponse.objects.filter(pk=first.pk).update(submitted_at=earlier)

    again = save_answers(**call, answers={"STR.PPL.1": {"level": 3}}, submit=True)
    assert again.pk == first.pk
    assert again.submitted_at > earlier
    assert again.answers == {"STR.PPL.1": {"level": 3, "evidence": ""}}
    assert readiness_profile(kupang).overall == 3


def test_saving_a_draft_withdraws_the_submission(officer, questionnaire, kupang):
    call = {"actor": officer, "questionnaire": questionnaire, "region": kupang, "year": YEAR}
    save_answers(**call, answers={"STR.PPL.1": {"level": 2}}, submit=True)
    draft = save_answers(**call, answers={"STR.PPL.1": {"level": 5}}, submit=False)
    assert draft.submitted_at is None
    assert readiness_profile(kupang) is None
    assert readiness_response(kupang, YEAR) == draft


def test_saving_over_demo_answers_makes_them_the_regions(officer, questionnaire, kupang):
    demo.load_readiness(questionnaire, [kupang], YEAR)
    saved = save_answers(
        actor=officer,
        questionnaire=questionnaire,
        region=kupang,
        year=YEAR,
        answers={"STR.PPL.1": {"level": 4, "evidence": "SK"}},
        submit=False,
    )
    assert (saved.is_demo, saved.source, saved.updated_by, saved.answers) == (
        False,
        "",
        officer,
        {"STR.PPL.1": {"level": 4, "evidence": "SK"}},
    )
    assert ReadinessResponse.objects.count() == 1


def test_form_is_prefilled_with_the_stored_draft(client, officer, questionnaire, kupang):
    ReadinessResponse.objects.create(
        questionnaire=questionnaire,
        region=kupang,
        year=YEAR,
        answers={"INF.DIG.3": {"level": 4, "evidence": "Laporan SPBE"}},
    )
    client.force_login(officer)
    html = client.get(PAGE).content.decode()
    assert 'name="level-INF.DIG.3" value="4" id="id_level-INF.DIG.3_3" checked' in html
    assert ">\nLaporan SPBE</textarea>" in html
    assert html.count(" checked") == 1


def test_form_is_not_prefilled_with_demo_answers(client, officer, questionnaire, kupang):
    demo.load_readiness(questionnaire, [kupang], YEAR)
    client.force_login(officer)
    html = client.get(PAGE, headers={"Accept-Language": "en"}).content.decode()
    assert " checked" not in html
    assert "The answers shown publicly for this year are demo answers." in html


def test_save_is_audited(client, officer, questionnaire, kupang):
    client.force_login(officer)
    client.post(PAGE, {**_form_data("draft", STR_FIN_1=2), "evidence-STR.FIN.1": "DPA 2025"})
    created = AuditEvent.objects.get(object_type="assessments.readinessresponse")
    response = ReadinessResponse.objects.get()
    assert (
        created.actor,
        created.channel,
        created.action,
        created.object_id,
        created.region_code,
        created.changes["answers"],
    ) == (
        officer,
        AuditEvent.Channel.UI,
        AuditEvent.Action.CREATE,
        str(response.pk),
        "53.71",
        [None, {"STR.FIN.1": {"level": 2, "evidence": "DPA 2025"}}],
    )

    client.post(PAGE, _form_data("submit", STR_FIN_1=3))
    updated = AuditEvent.objects.filter(object_type="assessments.readinessresponse").first()
    assert updated.action == AuditEvent.Action.UPDATE
    assert sorted(updated.changes) == ["answers", "submitted_at", "updated_at"]
    assert updated.changes["answers"] == [
        {"STR.FIN.1": {"level": 2, "evidence": "DPA 2025"}},
        {"STR.FIN.1": {"level": 3, "evidence": ""}},
    ]


def test_current_questionnaire_loads_the_shipped_one_when_none_is_stored(db):
    questionnaire = current_questionnaire()
    assert (questionnaire.code, questionnaire.version) == ("readiness-2025", "2025.1")
    assert current_questionnaire() == questionnaire
    assert Questionnaire.objects.count() == 1


# --- the profile ---------------------------------------------------------------------------


def test_profile_arithmetic(questionnaire, kupang):
    _submitted(questionnaire, kupang)
    with translation.override("en"):
        profile = readiness_profile(kupang)

    ppl = AspectScore("STR.PPL", "People", "STR", 1.5, 2, 3)
    fin = AspectScore("STR.FIN", "Finance", "STR", 4.5, 2, 2)
    gov = AspectScore("STR.GOV", "Governance", "STR", 10 / 3, 3, 3)
    phy = AspectScore("INF.PHY", "Physical Infrastructure", "INF", 2.0, 2, 2)
    dig = AspectScore("INF.DIG", "Digital Infrastructure", "INF", 5.0, 1, 3)
    soc = AspectScore("INF.SOC", "Social Infrastructure", "INF", None, 0, 3)
    reg = AspectScore("SUP.REG", "Regulation", "SUP", None, 0, 2)
    ins = AspectScore("SUP.INS", "Institutions", "SUP", None, 0, 2)
    imp = AspectScore("SUP.IMP", "Implementation", "SUP", None, 0, 3)
    assert profile.dimensions == (
        # A dimension's mean is over its answered questions, not over its aspects' means:
        # (1 + 2 + 4 + 5 + 3 + 3 + 4) / 7, not (1.5 + 4.5 + 3.33) / 3.
        DimensionScore("STR", "Structure", 22 / 7, (ppl, fin, gov), 7, 8),
        DimensionScore("INF", "Infrastructure", 3.0, (phy, dig, soc), 3, 8),
        DimensionScore("SUP", "Superstructure", None, (reg, ins, imp), 0, 7),
    )
    assert (profile.year, profile.is_demo, profile.answered, profile.total) == (YEAR, False, 10, 23)
    assert profile.overall == 31 / 10
    assert (profile.overall_level, profile.overall_level_name) == (3, "Developing")
    assert profile.weakest == (ppl, phy)


def test_profile_names_are_indonesian_by_default(questionnaire, kupang):
    _submitted(questionnaire, kupang)
    profile = readiness_profile(kupang)
    assert [d.name for d in profile.dimensions] == ["Struktur", "Infrastruktur", "Suprastruktur"]
    assert [a.name for a in profile.weakest] == ["Sumber Daya Manusia", "Infrastruktur Fisik"]
    assert profile.overall_level_name == "Berkembang"


@pytest.mark.parametrize(
    ("levels", "mean", "level"),
    [((2, 3), 2.5, 3), ((1, 2, 2), 5 / 3, 2), ((4, 5), 4.5, 5), ((1, 1), 1.0, 1)],
)
def test_overall_level_is_the_nearest_halves_up(questionnaire, kupang, levels, mean, level):
    codes = ["STR.PPL.1", "STR.PPL.2", "STR.PPL.3"]
    answers = {
        code: {"level": lv, "evidence": ""}
        for code, lv in zip(codes[: len(levels)], levels, strict=True)
    }
    _submitted(questionnaire, kupang, answers=answers)
    profile = readiness_profile(kupang)
    assert (profile.overall, profile.overall_level) == (mean, level)


def test_weakest_aspects_ties_keep_questionnaire_order(questionnaire, kupang):
    answers = {
        "SUP.IMP.1": {"level": 2},
        "INF.DIG.1": {"level": 2},
        "STR.FIN.1": {"level": 2},
        "STR.PPL.1": {"level": 4},
    }
    _submitted(questionnaire, kupang, answers=answers)
    assert [a.code for a in readiness_profile(kupang).weakest] == ["STR.FIN", "INF.DIG"]


def test_profile_is_the_latest_submitted_response(questionnaire, kupang, sumba):
    _submitted(questionnaire, kupang, year=2023, answers={"STR.PPL.1": {"level": 1}})
    _submitted(questionnaire, kupang, year=2024, answers={"STR.PPL.1": {"level": 2}})
    ReadinessResponse.objects.create(
        questionnaire=questionnaire, region=kupang, year=2025, answers={"STR.PPL.1": {"level": 5}}
    )
    assert (readiness_profile(kupang).year, readiness_profile(kupang).overall) == (2024, 2.0)
    assert readiness_profile(kupang, 2023).overall == 1.0
    assert readiness_profile(kupang, 2025) is None
    assert readiness_profile(sumba) is None


def test_demo_response_counts_as_submitted_and_is_labelled(questionnaire, kupang):
    demo.load_readiness(questionnaire, [kupang], YEAR)
    profile = readiness_profile(kupang)
    assert (profile.year, profile.is_demo, profile.submitted_at) == (YEAR, True, None)
    assert (profile.answered, profile.total) == (23, 23)
    html = render_to_string("assessments/readiness/_profile.html", {"profile": profile})
    assert 'class="badge demo"' in html


def test_profile_partial(questionnaire, kupang):
    _submitted(questionnaire, kupang)
    with translation.override("en"):
        html = render_to_string(
            "assessments/readiness/_profile.html", {"profile": readiness_profile(kupang)}
        )
    svg = html[html.index("<svg") : html.index("</svg>")]
    for aspect in ("People", "Finance", "Governance", "Regulation", "Implementation"):
        assert aspect in svg
    assert "Level 3 of 5, <strong>Developing</strong> (mean 3.1), self-assessed for 2025." in html
    assert "People (1.5), Physical Infrastructure (2.0)" in html
    assert f'href="{PAGE}"' in html
    assert "badge demo" not in html
    assert "10 of 23 questions answered" in html


def test_profile_partial_without_a_profile(db):
    with translation.override("en"):
        html = render_to_string("assessments/readiness/_profile.html", {"profile": None})
    assert "No readiness self-assessment has been submitted yet." in html
    assert "<svg" not in html


# --- pages ---------------------------------------------------------------------------------


def test_visitor_sees_the_profile_but_not_the_answers(client, questionnaire, kupang):
    _submitted(questionnaire, kupang)
    html = client.get(PAGE, headers={"Accept-Language": "en"}).content.decode()
    assert 'data-testid="readiness-profile"' in html
    assert 'data-testid="readiness-aspects"' in html
    assert 'data-testid="readiness-answers"' not in html
    assert "Data BKPSDM 2024" not in html


def test_secretariat_sees_the_answers_and_evidence(client, secretariat, questionnaire, kupang):
    _submitted(questionnaire, kupang)
    client.force_login(secretariat)
    html = client.get(PAGE, headers={"Accept-Language": "en"}).content.decode()
    answers = html[html.index('data-testid="readiness-answers"') :]
    assert "Data BKPSDM 2024" in answers
    assert "<strong>4 · Established</strong>" in answers


def test_secretariat_sees_that_a_draft_is_in_progress(client, secretariat, questionnaire, kupang):
    ReadinessResponse.objects.create(
        questionnaire=questionnaire, region=kupang, year=YEAR, answers={"STR.PPL.1": {"level": 1}}
    )
    client.force_login(secretariat)
    html = client.get(PAGE).content.decode()
    assert 'data-testid="readiness-draft"' in html
    assert 'data-testid="readiness-profile"' not in html


def test_demo_profile_page_shows_the_badge(client, questionnaire, kupang):
    demo.load_readiness(questionnaire, [kupang], YEAR)
    html = client.get(PAGE).content.decode()
    assert 'data-testid="readiness-profile"' in html
    assert 'class="badge demo"' in html


@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [
        (
            "id",
            [
                "Sumber Daya Manusia",
                "Belum ada aparatur dengan latar belakang atau jabatan fungsional di bidang TIK",
                "Rintisan",
                'value="draft"',
            ],
            ["Physical Infrastructure", "No staff have an ICT background"],
        ),
        (
            "en",
            [
                "People",
                "No staff have an ICT background or an ICT functional position",
                "Initiated",
                "Save draft",
                "Submit",
            ],
            ["Sumber Daya Manusia", "Belum ada aparatur dengan latar belakang"],
        ),
    ],
)
def test_form_renders_in_both_languages(
    client, officer, questionnaire, kupang, language, present, absent
):
    client.force_login(officer)
    html = client.get(PAGE, headers={"Accept-Language": language}).content.decode()
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html


def test_form_has_five_described_levels_and_evidence_per_question(
    client, officer, questionnaire, kupang
):
    client.force_login(officer)
    html = client.get(PAGE, headers={"Accept-Language": "en"}).content.decode()
    assert html.count('type="radio"') == 23 * 5
    assert html.count("<textarea") == 23
    assert html.count('<fieldset class="question"') == 23
    for heading in ("Structure", "Infrastructure", "Superstructure", "Digital Infrastructure"):
        assert f">{heading}</h" in html
    assert (
        "<strong>5 · Optimised</strong> — ICT staffing needs in all agencies are met "
        "according to workload analysis" in html
    )
    assert 'value="draft"' in html
    assert 'value="submit"' in html


def test_profile_page_renders_in_both_languages(client, questionnaire, kupang):
    _submitted(questionnaire, kupang)
    indonesian = client.get(PAGE).content.decode()
    english = client.get(PAGE, headers={"Accept-Language": "en"}).content.decode()
    assert ">Tata Kelola<" in indonesian
    assert ">Governance<" not in indonesian
    assert ">Governance<" in english
    assert ">Tata Kelola<" not in english


def test_page_redirects_to_the_dotted_code(client, questionnaire, kupang):
    response = client.get(f"/index/readiness/5371/{YEAR}/")
    assert (response.status_code, response["Location"]) == (302, PAGE)


@pytest.mark.parametrize("path", ["/index/readiness/99.99/2025/", "/index/readiness/53.71/1990/"])
def test_page_not_found(client, questionnaire, kupang, path):
    assert client.get(path).status_code == 404


# --- the secretariat's overview ------------------------------------------------------------


def test_overview_lists_every_region_with_its_state(client, secretariat, questionnaire, kupang):
    sumba_timur = RegionFactory(code="53.11", name="Kabupaten Sumba Timur")
    alor = RegionFactory(code="53.05", name="Kabupaten Alor")
    _submitted(questionnaire, kupang)
    ReadinessResponse.objects.create(
        questionnaire=questionnaire,
        region=sumba_timur,
        year=YEAR,
        answers={"STR.PPL.1": {"level": 1}},
    )
    overview = readiness_overview(YEAR)
    assert [(r.region.code, r.status, r.answered, r.total) for r in overview.rows] == [
        ("53.05", "missing", 0, 0),
        ("53.11", "draft", 1, 23),
        ("53.71", "submitted", 10, 23),
    ]
    assert overview.counts == {"submitted": 1, "draft": 1, "demo": 0, "missing": 1}
    demo.load_readiness(questionnaire, [alor], YEAR)
    assert [r.status for r in readiness_overview(YEAR, status="demo").rows] == ["demo"]

    client.force_login(secretariat)
    html = client.get("/index/readiness/", headers={"Accept-Language": "en"}).content.decode()
    assert 'data-status="demo"' in html
    assert 'data-status="draft"' in html
    assert 'data-status="submitted"' in html
    assert f'href="/index/readiness/53.71/{YEAR}/"' in html


@pytest.mark.parametrize("regions", [1, 3])
def test_overview_query_count(
    client, secretariat, questionnaire, django_assert_num_queries, regions
):
    for i in range(regions):
        region = RegionFactory(code=f"52.{i + 1:02d}")
        _submitted(questionnaire, region)
    client.force_login(secretariat)
    with django_assert_num_queries(6):
        response = client.get(f"/index/readiness/?year={YEAR}")
    assert response.content.decode().count('data-status="submitted"') == regions
