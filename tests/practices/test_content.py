"""The practice record: every field checked, every problem named by its path, and the
stored version turned back into the same record."""

from __future__ import annotations

import copy
import datetime as dt
import decimal
from typing import Any

import pytest
from django.utils import translation

from kotacerdas.practices.content import (
    ContactData,
    ContentInvalid,
    FieldProblem,
    OutcomeData,
    PracticeData,
    PrerequisiteData,
    as_plain,
    parse_record,
    record_of,
)

from .fixtures import RECORD, make_practice, make_record

TODAY = dt.date(2025, 6, 1)
PILLAR_CHOICES = "GOV, BRD, ECO, LIV, SOC, ENV"
READINESS_CHOICES = (
    "STR.PPL.1, STR.PPL.2, STR.PPL.3, STR.FIN.1, STR.FIN.2, STR.GOV.1, STR.GOV.2, STR.GOV.3, "
    "INF.PHY.1, INF.PHY.2, INF.DIG.1, INF.DIG.2, INF.DIG.3, INF.SOC.1, INF.SOC.2, INF.SOC.3, "
    "SUP.REG.1, SUP.REG.2, SUP.INS.1, SUP.INS.2, SUP.IMP.1, SUP.IMP.2, SUP.IMP.3"
)

EXPECTED = PracticeData(
    language="id",
    title="Pajak Restoran Daring dengan Perekam Transaksi",
    summary=RECORD["summary"],
    pillars=["ECO", "GOV"],
    sub_elements=["ECO.TRX", "GOV.POL"],
    sdgs=[8, 16],
    stage="applied",
    form="public_service",
    digital=True,
    initiator="agency",
    started_on=dt.date(2019, 3, 1),
    applied_on=dt.date(2020, 1, 15),
    budget_idr=850_000_000,
    funding_sources=["apbd", "partnership"],
    partner_regions=[],
    partner_organisations=["bank pembangunan daerah"],
    narrative=dict(RECORD["narrative"]),
    outcomes=[
        OutcomeData(
            name="Realisasi pajak restoran",
            unit="IDR",
            baseline=decimal.Decimal("4200000000"),
            baseline_year=2019,
            value=decimal.Decimal("6100000000"),
            year=2021,
            source="Laporan realisasi pendapatan Bapenda",
            pad=True,
        )
    ],
    prerequisites=[
        PrerequisiteData(
            kind="budget",
            description="Anggaran awal perangkat perekam",
            min_budget_idr=500_000_000,
            readiness="STR.FIN.1",
            min_level=3,
        ),
        PrerequisiteData(
            kind="regulation",
            description="Peraturan kepala daerah tentang pajak daerah elektronik",
            min_budget_idr=None,
            readiness="SUP.REG.2",
            min_level=2,
        ),
    ],
    contacts=[
        ContactData(
            name="Kepala Bidang Pendataan",
            position="Kepala Bidang",
            agency="Badan Pendapatan Daerah",
            email="bapenda@example.invalid",
            phone="",
        )
    ],
    change_note="",
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _problems(record: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ContentInvalid) as raised:
        parse_record(record, today=TODAY)
    return [(p.field, p.message) for p in raised.value.problems]


def _outcome(**overrides: Any) -> dict[str, Any]:
    return {**RECORD["outcomes"][0], **overrides}


def _need(**overrides: Any) -> dict[str, Any]:
    return {**RECORD["prerequisites"][1], **overrides}


def _contact(**overrides: Any) -> dict[str, Any]:
    return {**RECORD["contacts"][0], **overrides}


# --- a good record ---------------------------------------------------------------------


@pytest.mark.unit
def test_parse_record_accepts_the_fixture_record():
    assert parse_record(RECORD, today=TODAY) == EXPECTED


@pytest.mark.unit
def test_parse_record_does_not_change_the_record_it_reads():
    record = make_record()
    parse_record(record, today=TODAY)
    assert record == RECORD


@pytest.mark.unit
def test_parse_record_fills_defaults_for_a_minimal_record():
    record = {
        "title": "  Layanan Satu Pintu  ",
        "summary": "Ringkas.",
        "pillars": ["GOV"],
        "stage": "trial",
        "form": "governance",
        "initiator": "civil_servant",
    }
    assert parse_record(record, today=TODAY) == PracticeData(
        language="id",
        title="Layanan Satu Pintu",
        summary="Ringkas.",
        pillars=["GOV"],
        sub_elements=[],
        sdgs=[],
        stage="trial",
        form="governance",
        digital=True,
        initiator="civil_servant",
        started_on=None,
        applied_on=None,
        budget_idr=None,
        funding_sources=[],
        partner_regions=[],
        partner_organisations=[],
        narrative=dict.fromkeys(RECORD["narrative"], ""),
    )


@pytest.mark.unit
def test_parse_record_reads_lists_and_numbers_written_as_text():
    # What a spreadsheet cell holds: lists separated by ";" or ",", numbers as text.
    data = parse_record(
        make_record(
            pillars="ECO; GOV",
            sub_elements="ECO.TRX,GOV.POL",
            sdgs="8; 16; 8",
            funding_sources="apbd",
            budget_idr="850000000",
            started_on=dt.datetime(2019, 3, 1, 9, 30),
            applied_on=dt.date(2020, 1, 15),
            outcomes=[_outcome(baseline="4200000000", value="6100000000.5", year="2021")],
        ),
        today=TODAY,
    )
    assert (data.pillars, data.sub_elements, data.sdgs, data.funding_sources) == (
        ["ECO", "GOV"],
        ["ECO.TRX", "GOV.POL"],
        [8, 16],
        ["apbd"],
    )
    assert (data.budget_idr, data.started_on, data.applied_on) == (
        850_000_000,
        dt.date(2019, 3, 1),
        dt.date(2020, 1, 15),
    )
    outcome = data.outcomes[0]
    assert (outcome.baseline, outcome.value, outcome.year) == (
        decimal.Decimal("4200000000"),
        decimal.Decimal("6100000000.5"),
        2021,
    )


@pytest.mark.unit
def test_parse_record_drops_repeated_codes_keeping_their_order():
    data = parse_record(
        make_record(pillars=["GOV", "ECO", "GOV"], funding_sources=["csr", "apbd", "csr"]),
        today=TODAY,
    )
    assert (data.pillars, data.funding_sources) == (["GOV", "ECO"], ["csr", "apbd"])


@pytest.mark.unit
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("ya", True),
        ("tidak", False),
        ("Ya", True),
        ("TIDAK", False),
        ("yes", True),
        ("no", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        (True, True),
        (False, False),
        ("", True),  # empty: the default
        (None, True),
    ],
)
def test_parse_record_reads_booleans_in_indonesian_and_english(given, expected):
    assert parse_record(make_record(digital=given), today=TODAY).digital is expected


@pytest.mark.unit
@pytest.mark.parametrize(("given", "expected"), [("ya", True), ("tidak", False), ("", False)])
def test_parse_record_reads_the_pad_flag_of_an_outcome(given, expected):
    record = make_record(outcomes=[_outcome(pad=given, unit="IDR")])
    assert parse_record(record, today=TODAY).outcomes[0].pad is expected


@pytest.mark.unit
def test_parse_record_accepts_a_date_of_today_and_a_summary_of_250_words():
    data = parse_record(
        make_record(summary=" ".join(["kata"] * 250), started_on="2019-03-01", applied_on=TODAY),
        today=TODAY,
    )
    assert (len(data.summary.split()), data.applied_on) == (250, TODAY)


# --- one problem at a time -----------------------------------------------------------------

BAD_RECORDS = [
    # Text fields
    ("title-missing", {"title": None}, [("title", "This field is required.")]),
    ("title-blank", {"title": "   "}, [("title", "This field is required.")]),
    ("title-list", {"title": ["Pajak"]}, [("title", "Expected text.")]),
    ("title-bool", {"title": True}, [("title", "Expected text.")]),
    (
        "title-long",
        {"title": "x" * 201},
        [("title", "At most 200 characters (this has 201).")],
    ),
    ("title-nul", {"title": "Pajak\0Daring"}, [("title", "The text contains a NUL character.")]),
    ("summary-missing", {"summary": ""}, [("summary", "This field is required.")]),
    ("summary-mapping", {"summary": {"id": "Ringkas"}}, [("summary", "Expected text.")]),
    (
        "summary-251-words",
        {"summary": " ".join(["kata"] * 251)},
        [("summary", "The summary has 251 words; at most 250.")],
    ),
    (
        "narrative-list",
        {"narrative": ["Sebelumnya"]},
        [("narrative", "Expected a group of fields.")],
    ),
    (
        "narrative-nul",
        {"narrative": {**RECORD["narrative"], "situation": "a\0b"}},
        [("narrative.situation", "The text contains a NUL character.")],
    ),
    (
        "narrative-list-section",
        {"narrative": {**RECORD["narrative"], "process": ["a", "b"]}},
        [("narrative.process", "Expected text.")],
    ),
    (
        "change-note-long",
        {"change_note": "x" * 301},
        [("change_note", "At most 300 characters (this has 301).")],
    ),
    # Choices
    (
        "language",
        {"language": "fr"},
        [("language", "“fr” is not one of: id, en.")],
    ),
    (
        "stage",
        {"stage": "pilot"},
        [("stage", "“pilot” is not one of: initiative, trial, applied.")],
    ),
    ("stage-missing", {"stage": None}, [("stage", "This field is required.")]),
    (
        "form",
        {"form": "service"},
        [("form", "“service” is not one of: governance, public_service, other.")],
    ),
    (
        "initiator",
        {"initiator": "mayor"},
        [
            (
                "initiator",
                "“mayor” is not one of: head_of_region, dprd_member, agency, civil_servant, "
                "community.",
            )
        ],
    ),
    (
        "funding",
        {"funding_sources": ["apbd", "bank"]},
        [
            (
                "funding_sources",
                "“bank” is not one of: apbd, apbn, village_fund, csr, partnership, other.",
            )
        ],
    ),
    # Pillars, sub-elements, SDGs
    (
        "unknown-pillar",
        {"pillars": ["ECO", "GOV", "SMART"]},
        [("pillars", f"“SMART” is not one of: {PILLAR_CHOICES}.")],
    ),
    (
        "no-pillar",
        {"pillars": [], "sub_elements": []},
        [("pillars", "Name at least one pillar.")],
    ),
    (
        "pillars-number",
        {"pillars": 3, "sub_elements": []},
        [("pillars", "Expected a list."), ("pillars", "Name at least one pillar.")],
    ),
    (
        "sub-element-of-unlisted-pillar",
        {"pillars": ["ECO"]},
        [("sub_elements", "Sub-element GOV.POL belongs to pillar GOV, which is not listed.")],
    ),
    (
        "unknown-sub-element",
        {"sub_elements": ["ECO.TRX", "ECO.XYZ"]},
        [
            (
                "sub_elements",
                "“ECO.XYZ” is not one of: GOV.SVC, GOV.BUR, GOV.POL, BRD.TOU, BRD.BUS, "
                "BRD.APP, ECO.IND, ECO.WEL, ECO.TRX, LIV.HAR, LIV.HEA, LIV.MOB, SOC.COM, "
                "SOC.LRN, SOC.SEC, ENV.PRO, ENV.WST, ENV.ENE.",
            )
        ],
    ),
    ("sdg-18", {"sdgs": [8, 18]}, [("sdgs[2]", "Must be at most 17.")]),
    ("sdg-0", {"sdgs": [0]}, [("sdgs[1]", "Must be at least 1.")]),
    ("sdg-text", {"sdgs": ["delapan"]}, [("sdgs[1]", "“delapan” is not a whole number.")]),
    ("sdg-fraction", {"sdgs": [8.5]}, [("sdgs[1]", "“8.5” is not a whole number.")]),
    # Dates
    (
        "bad-date",
        {"started_on": "2019-13-01"},
        [("started_on", "“2019-13-01” is not a date (YYYY-MM-DD).")],
    ),
    (
        "date-in-words",
        {"applied_on": "15 Januari 2020"},
        [("applied_on", "“15 Januari 2020” is not a date (YYYY-MM-DD).")],
    ),
    (
        "applied-before-started",
        {"started_on": "2020-02-01", "applied_on": "2020-01-31"},
        [("applied_on", "The practice cannot be applied before it started.")],
    ),
    (
        "started-in-the-future",
        {"started_on": "2025-06-02", "applied_on": None},
        [("started_on", "The date is in the future.")],
    ),
    (
        "applied-in-the-future",
        {"applied_on": "2026-01-01"},
        [("applied_on", "The date is in the future.")],
    ),
    # Numbers
    ("budget-negative", {"budget_idr": -1}, [("budget_idr", "Must be at least 0.")]),
    (
        "budget-text",
        {"budget_idr": "delapan ratus juta"},
        [("budget_idr", "“delapan ratus juta” is not a whole number.")],
    ),
    (
        "budget-fraction",
        {"budget_idr": 1.5},
        [("budget_idr", "“1.5” is not a whole number.")],
    ),
    ("budget-bool", {"budget_idr": True}, [("budget_idr", "“True” is not a whole number.")]),
    (
        "budget-beyond-any-budget",
        {"budget_idr": 10**19},
        [("budget_idr", "Must be at most 1000000000000000.")],
    ),
    # Outcomes
    (
        "pad-outcome-not-in-rupiah",
        {"outcomes": [_outcome(unit="juta rupiah")]},
        [
            (
                "outcomes[1].unit",
                "An effect on own-source revenue (PAD) is given in rupiah: the unit must be “IDR”.",
            )
        ],
    ),
    (
        "baseline-without-year",
        {"outcomes": [_outcome(baseline_year=None)]},
        [("outcomes[1].baseline_year", "Give the baseline and its year together.")],
    ),
    (
        "baseline-year-without-baseline",
        {"outcomes": [_outcome(baseline=None)]},
        [("outcomes[1].baseline_year", "Give the baseline and its year together.")],
    ),
    (
        "baseline-after-outcome",
        {"outcomes": [_outcome(baseline_year=2022)]},
        [("outcomes[1].baseline_year", "The baseline year is after the outcome year.")],
    ),
    (
        "outcome-year-in-the-future",
        {"outcomes": [_outcome(year=2026)]},
        [("outcomes[1].year", "Must be at most 2025.")],
    ),
    (
        "outcome-year-too-early",
        {"outcomes": [_outcome(year=1989, baseline=None, baseline_year=None)]},
        [("outcomes[1].year", "Must be at least 1990.")],
    ),
    (
        "outcome-value-text",
        {"outcomes": [_outcome(value="banyak")]},
        [("outcomes[1].value", "“banyak” is not a number.")],
    ),
    (
        "outcome-value-nan",
        {"outcomes": [_outcome(value="NaN")]},
        [("outcomes[1].value", "“NaN” is not a usable number.")],
    ),
    (
        "outcome-value-huge",
        {"outcomes": [_outcome(value=10**15)]},
        [("outcomes[1].value", "“1000000000000000” is not a usable number.")],
    ),
    (
        "outcome-value-rounds-past-the-limit",
        {"outcomes": [_outcome(value="999999999999999.99999")]},
        [("outcomes[1].value", "“999999999999999.99999” is not a usable number.")],
    ),
    (
        "outcome-value-bool",
        {"outcomes": [_outcome(value=True)]},
        [("outcomes[1].value", "“True” is not a number.")],
    ),
    (
        "outcome-empty",
        {"outcomes": [{}]},
        [
            ("outcomes[1].name", "This field is required."),
            ("outcomes[1].unit", "This field is required."),
            ("outcomes[1].value", "This field is required."),
            ("outcomes[1].year", "This field is required."),
            ("outcomes[1].source", "This field is required."),
        ],
    ),
    (
        "outcome-not-a-mapping",
        {"outcomes": ["naik 40 persen"]},
        [("outcomes[1]", "Expected a group of fields.")],
    ),
    ("outcomes-mapping", {"outcomes": {"name": "x"}}, [("outcomes", "Expected a list.")]),
    (
        "outcome-name-list",
        {"outcomes": [_outcome(name=["Realisasi"])]},
        [("outcomes[1].name", "Expected text.")],
    ),
    (
        "pad-maybe",
        {"outcomes": [_outcome(pad="mungkin")]},
        [("outcomes[1].pad", "“mungkin” is not yes or no.")],
    ),
    (
        "too-many-outcomes",
        {"outcomes": [_outcome()] * 13},
        [("outcomes", "At most 12 outcomes.")],
    ),
    # Prerequisites
    (
        "unknown-readiness",
        {"prerequisites": [_need(readiness="SUP.REG.9")]},
        [("prerequisites[1].readiness", f"“SUP.REG.9” is not one of: {READINESS_CHOICES}.")],
    ),
    (
        "min-level-without-readiness",
        {"prerequisites": [_need(readiness=None)]},
        [
            (
                "prerequisites[1].min_level",
                "Give the readiness question and its minimum level together.",
            )
        ],
    ),
    (
        "readiness-without-min-level",
        {"prerequisites": [_need(min_level=None)]},
        [
            (
                "prerequisites[1].min_level",
                "Give the readiness question and its minimum level together.",
            )
        ],
    ),
    (
        "min-level-6",
        {"prerequisites": [_need(min_level=6)]},
        [("prerequisites[1].min_level", "Must be at most 5.")],
    ),
    (
        "min-budget-on-regulation",
        {"prerequisites": [_need(min_budget_idr=1_000_000)]},
        [("prerequisites[1].min_budget_idr", "Only a budget prerequisite has an amount.")],
    ),
    (
        "min-budget-beyond-any-budget",
        {"prerequisites": [_need(kind="budget", min_budget_idr=2**63)]},
        [("prerequisites[1].min_budget_idr", "Must be at most 1000000000000000.")],
    ),
    (
        "unknown-kind",
        {"prerequisites": [_need(kind="money")]},
        [
            (
                "prerequisites[1].kind",
                "“money” is not one of: budget, infrastructure, regulation, skills.",
            )
        ],
    ),
    (
        "too-many-prerequisites",
        {"prerequisites": [_need()] * 13},
        [("prerequisites", "At most 12 prerequisites.")],
    ),
    # Contacts
    (
        "bad-email",
        {"contacts": [_contact(email="bapenda at kupang")]},
        [("contacts[1].email", "“bapenda at kupang” is not an e-mail address.")],
    ),
    (
        "contact-without-name",
        {"contacts": [_contact(name="")]},
        [("contacts[1].name", "This field is required.")],
    ),
    (
        "too-many-contacts",
        {"contacts": [_contact()] * 7},
        [("contacts", "At most 6 contacts.")],
    ),
    # Partners
    (
        "partner-organisation-nul",
        {"partner_organisations": ["bank\0daerah"]},
        [("partner_organisations[1]", "The text contains a NUL character.")],
    ),
    (
        "partner-organisation-mapping",
        {"partner_organisations": [{"name": "bank"}]},
        [("partner_organisations[1]", "Expected text.")],
    ),
    (
        "partner-organisation-long",
        {"partner_organisations": ["x" * 201]},
        [("partner_organisations[1]", "At most 200 characters (this has 201).")],
    ),
    (
        "partner-region-nul",
        {"partner_regions": ["53.\x0011"]},
        [("partner_regions[1]", "The text contains a NUL character.")],
    ),
]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("overrides", "expected"),
    [pytest.param(o, e, id=name) for name, o, e in BAD_RECORDS],
)
def test_parse_record_names_the_problem(overrides, expected):
    assert _problems(make_record(**overrides)) == expected


@pytest.mark.unit
def test_parse_record_reads_only_the_first_twelve_outcomes_of_too_many():
    # The thirteenth is not even read: one problem about the count, not one per outcome.
    record = make_record(outcomes=[_outcome()] * 12 + [{"name": ""}])
    assert _problems(record) == [("outcomes", "At most 12 outcomes.")]


@pytest.mark.unit
def test_parse_record_reports_every_problem_at_once():
    record = make_record(
        title="",
        summary=" ".join(["kata"] * 300),
        pillars=["ECO", "XYZ"],
        sdgs=[18],
        started_on="kemarin",
        outcomes=[_outcome(unit="persen"), _outcome(baseline_year=None)],
        prerequisites=[_need(readiness=None)],
        contacts=[_contact(email="bukan-email")],
        digital="mungkin",
    )
    assert _problems(record) == [
        ("summary", "The summary has 300 words; at most 250."),
        ("title", "This field is required."),
        ("pillars", f"“XYZ” is not one of: {PILLAR_CHOICES}."),
        ("digital", "“mungkin” is not yes or no."),
        ("started_on", "“kemarin” is not a date (YYYY-MM-DD)."),
        ("sdgs[1]", "Must be at most 17."),
        ("sub_elements", "Sub-element GOV.POL belongs to pillar GOV, which is not listed."),
        (
            "outcomes[1].unit",
            "An effect on own-source revenue (PAD) is given in rupiah: the unit must be “IDR”.",
        ),
        ("outcomes[2].baseline_year", "Give the baseline and its year together."),
        (
            "prerequisites[1].min_level",
            "Give the readiness question and its minimum level together.",
        ),
        ("contacts[1].email", "“bukan-email” is not an e-mail address."),
    ]


@pytest.mark.unit
def test_content_invalid_reads_as_its_problems():
    error = ContentInvalid(
        [FieldProblem("title", "This field is required."), FieldProblem("", "Whole record.")]
    )
    assert str(error) == "title: This field is required.; Whole record."
    assert [str(p) for p in error.problems] == ["title: This field is required.", "Whole record."]


@pytest.mark.unit
def test_parse_record_uses_today_when_no_date_is_given():
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(ContentInvalid) as raised:
        parse_record(make_record(started_on=tomorrow.isoformat(), applied_on=None))
    assert raised.value.problems == [FieldProblem("started_on", "The date is in the future.")]


@pytest.mark.unit
def test_as_plain_is_json_safe():
    plain = as_plain(parse_record(RECORD, today=TODAY))
    assert (plain["started_on"], plain["applied_on"]) == ("2019-03-01", "2020-01-15")
    assert plain["outcomes"] == [
        {
            "name": "Realisasi pajak restoran",
            "unit": "IDR",
            "baseline": 4_200_000_000,
            "baseline_year": 2019,
            "value": 6_100_000_000,
            "year": 2021,
            "source": "Laporan realisasi pendapatan Bapenda",
            "pad": True,
        }
    ]


# --- the stored version as a record ------------------------------------------------------------


@pytest.mark.integration
def test_record_of_returns_the_record_the_version_was_made_from(draft_practice):
    version = draft_practice.versions.get()
    assert record_of(version) == RECORD


@pytest.mark.integration
def test_record_of_round_trips_partners_fractions_and_optional_fields(officer, kupang, sumba):
    record = make_record(
        partner_regions=[sumba.code],
        outcomes=[
            _outcome(),
            {
                "name": "Kepatuhan wajib pajak",
                "unit": "persen",
                "baseline": None,
                "baseline_year": None,
                "value": 87.25,
                "year": 2022,
                "source": "Survei Bapenda",
                "pad": False,
            },
        ],
        prerequisites=[
            {"kind": "skills", "description": "Operator perangkat terlatih"},
            {"kind": "budget", "description": "Anggaran perangkat", "min_budget_idr": 1},
        ],
        contacts=[],
        started_on=None,
        applied_on=None,
        budget_idr=None,
    )
    practice = make_practice(officer, kupang, **record)
    version = practice.versions.get()
    assert record_of(version) == record
    assert parse_record(record_of(version), today=TODAY) == parse_record(record, today=TODAY)


@pytest.mark.unit
def test_parse_record_rounds_outcome_figures_to_four_decimal_places():
    record = make_record(outcomes=[_outcome(pad=False, unit="persen", value="12.345678")])
    assert parse_record(record, today=TODAY).outcomes[0].value == decimal.Decimal("12.3457")


@pytest.mark.integration
def test_record_of_keeps_four_decimal_places(officer, kupang):
    practice = make_practice(
        officer, kupang, outcomes=[_outcome(pad=False, unit="persen", value="12.3456")]
    )
    assert record_of(practice.versions.get())["outcomes"][0]["value"] == 12.3456


@pytest.mark.integration
def test_largest_amounts_accepted_are_stored(officer, kupang):
    practice = make_practice(
        officer,
        kupang,
        budget_idr=10**15,
        outcomes=[_outcome(baseline=-(10**15 - 1), value=10**15 - 1)],
    )
    record = record_of(practice.versions.get())
    assert record["budget_idr"] == 10**15
    assert (record["outcomes"][0]["baseline"], record["outcomes"][0]["value"]) == (
        -(10**15 - 1),
        10**15 - 1,
    )


@pytest.mark.unit
def test_parse_record_skips_empty_partner_names():
    record = make_record(partner_organisations="bank daerah; ; koperasi", partner_regions=" ")
    data = parse_record(record, today=TODAY)
    assert (data.partner_organisations, data.partner_regions) == (["bank daerah", "koperasi"], [])


@pytest.mark.unit
def test_the_fixture_record_is_not_shared_between_tests():
    record = make_record()
    record["outcomes"][0]["unit"] = "changed"
    assert RECORD["outcomes"][0]["unit"] == "IDR"
    assert copy.deepcopy(RECORD) == make_record()
