"""Drafting a masterplan: the programmes built on the library's practices (cost scaled to
the population, duration, agency, target, quick wins, schedule, sources), the index and
readiness sections with their numbers in both languages, the gaps, and the sentences the
generator writes (every template gets exactly the parameters it names)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone, translation

from kotacerdas.accounts.models import Role
from kotacerdas.assessments.models import Computation, Cycle, Node, Result
from kotacerdas.assessments.services.readiness import current_questionnaire, save_answers
from kotacerdas.practices import taxonomy
from kotacerdas.practices.models import Replication, StatedPriorities
from kotacerdas.strategy import content, drafting, reading, texts
from kotacerdas.strategy.texts import render

from ..factories import MembershipFactory, RegionFactory, UserFactory
from ..practices.fixtures import make_practice, publish
from .fixtures import english, practices

pytestmark = pytest.mark.integration

START, END = 2026, 2035


def rendered(text: dict[str, Any] | None, language: str = "en") -> str:
    return render(text, language)


# --- building what the generator reads ------------------------------------------------------


def publish_index(
    framework, year: int, rows: dict[Any, dict[str, tuple]], *, demo: bool = False
) -> Computation:
    """A published computation of ``year`` holding only ``rows``: for each region, its
    ``(score, rank, rank_low, rank_high)`` on INDEX and on pillars."""
    cycle = Cycle.objects.create(
        framework=framework, year=year, status=Cycle.Status.CLOSED, is_demo=demo
    )
    computation = Computation.objects.create(
        cycle=cycle,
        status=Computation.Status.DONE,
        published_at=timezone.now(),
        units=len(rows),
        is_demo=demo,
    )
    nodes = {n.code: n for n in Node.objects.filter(framework=framework, level__gte=3)}
    Result.objects.bulk_create(
        Result(
            computation=computation,
            region=region,
            node=nodes[code],
            score=score,
            rank=rank,
            rank_low=low,
            rank_high=high,
        )
        for region, cells in rows.items()
        for code, (score, rank, low, high) in cells.items()
    )
    return computation


def answer_readiness(region, levels: dict[str, int], year: int = 2025):
    officer = UserFactory(username=f"answers.{region.code}", role=Role.OFFICER, region=region)
    return save_answers(
        actor=officer,
        questionnaire=current_questionnaire(),
        region=region,
        year=year,
        answers={code: {"level": level, "evidence": ""} for code, level in levels.items()},
        submit=True,
    )


@pytest.fixture
def contoh(kupang):
    """A kota of Kupang's size class (100,000–500,000): Kupang's peer."""
    return RegionFactory(
        code="53.72", name="Kota Contoh", province=kupang.province, population=400_000
    )


NO_PAD = {
    "name": "Warga terlayani",
    "unit": "orang",
    "baseline": 2000,
    "baseline_year": 2019,
    "value": 5000,
    "year": 2021,
    "source": "Laporan dinas",
    "pad": False,
}


@pytest.fixture
def library(practices, contoh, sumba, secretariat):
    """The three fixture practices of Sumba Timur and four more: a quick win of a similar
    kota (cost as budgeted), a practice with no budget nor dates, one adopted elsewhere and
    one that ran seven years."""
    author = UserFactory(username="officer.contoh.lib", role=Role.OFFICER, region=contoh)
    sumba_author = practices[0].versions.get().author
    similar = publish(
        make_practice(
            author,
            contoh,
            title="Ojek Daring Kelurahan",
            pillars=["LIV"],
            sub_elements=["LIV.MOB"],
            budget_idr=300_000_000,
            funding_sources=[],
            outcomes=[{**NO_PAD, "baseline": None, "baseline_year": None, "value": 1200}],
            prerequisites=[
                {
                    "kind": "regulation",
                    "description": "Peraturan wali kota",
                    "readiness": "SUP.REG.2",
                    "min_level": 2,
                }
            ],
        ),
        secretariat,
    )
    unbudgeted = publish(
        make_practice(
            sumba_author,
            sumba,
            title="Sensor Banjir",
            pillars=["ENV"],
            sub_elements=["ENV.ENE"],
            budget_idr=None,
            started_on=None,
            applied_on=None,
            funding_sources=["apbn"],
            outcomes=[NO_PAD],
            prerequisites=[],
        ),
        secretariat,
    )
    adopted = publish(
        make_practice(
            sumba_author,
            sumba,
            title="Pasar Daring",
            pillars=["ECO"],
            sub_elements=[],
            budget_idr=400_000_000,
            outcomes=[NO_PAD],
            prerequisites=[],
        ),
        secretariat,
    )
    Replication.objects.create(
        practice=adopted,
        region=RegionFactory(code="53.03", name="Kabupaten Adopsi"),
        status=Replication.Status.ADOPTED,
    )
    long = publish(
        make_practice(
            sumba_author,
            sumba,
            title="Mal Pelayanan Publik",
            pillars=["GOV"],
            sub_elements=["GOV.SVC"],
            budget_idr=1_200_000_000,
            started_on="2015-01-01",
            applied_on="2022-01-01",
            outcomes=[NO_PAD],
            prerequisites=[],
        ),
        secretariat,
    )
    return {
        "pad": practices[0],
        "waste": practices[1],
        "queues": practices[2],
        "similar": similar,
        "unbudgeted": unbudgeted,
        "adopted": adopted,
        "long": long,
    }


def pillar_cells(scores: dict[str, float], ranks: dict[str, int] | None = None):
    ranks = ranks or {}
    return {code: (score, ranks.get(code), None, None) for code, score in scores.items()}


KUPANG_2025 = {"GOV": 50.0, "BRD": 40.0, "ECO": 30.5, "LIV": 60.0, "SOC": 55.0, "ENV": 45.0}
CONTOH_2025 = {"GOV": 60.0, "BRD": 41.0, "ECO": 50.5, "LIV": 58.0, "SOC": 55.0, "ENV": 50.0}
SUMBA_2025 = dict.fromkeys(KUPANG_2025, 30.0)


@pytest.fixture
def index(framework, kupang, contoh, sumba):
    """Published results of 2024 (Kupang only, three pillars) and 2025 (Kupang with a rank
    interval, its peer Kota Contoh without one, and Sumba Timur, which is no peer: a
    kabupaten)."""
    publish_index(
        framework,
        2024,
        {
            kupang: {
                "INDEX": (44.0, 1, None, None),
                **pillar_cells({"GOV": 45.0, "BRD": 40.0, "ECO": 35.5}),
            }
        },
    )
    return publish_index(
        framework,
        2025,
        {
            kupang: {
                "INDEX": (47.4, 2, 1.0, 3.0),
                **{code: (score, 2, 1.0, 2.6) for code, score in KUPANG_2025.items()},
            },
            contoh: {"INDEX": (61.2, 1, None, None), **pillar_cells(CONTOH_2025)},
            sumba: {"INDEX": (30.0, 3, 2.0, 3.0), **pillar_cells(SUMBA_2025)},
        },
    )


READINESS = {"STR.PPL.1": 2, "STR.FIN.1": 1, "INF.DIG.1": 4, "SUP.REG.2": 3}


@pytest.fixture
def ready(kupang, framework):
    """Kupang's submitted 2025 readiness answers: STR.FIN.1 (a budget prerequisite of the
    revenue and waste practices) at level 1, SUP.REG.2 (a regulation) at level 3."""
    return answer_readiness(kupang, READINESS)


def published_year(practice) -> int:
    return practice.published_version.published_at.year


def practice_source(practice) -> dict[str, Any]:
    version = practice.published_version
    return content.source(
        "practice",
        f"{version.title} — {practice.lead_region.name}",
        year=published_year(practice),
        ref=practice.slug,
    )


def practice_ref(practice) -> dict[str, Any]:
    return {
        "slug": practice.slug,
        "title": practice.published_version.title,
        "region": practice.lead_region.name,
        "region_code": practice.lead_region.code,
        "demo": False,
    }


def texts_of(programme: dict[str, Any], language: str = "en") -> list[str]:
    return [render(t, language) for t in programme["texts"]]


# --- the fixture practices in Kota Kupang's draft ---------------------------------------------

TAX_TARGET = {
    "key": "target_change",
    "params": {
        "metric": "Realisasi pajak restoran",
        "direction": {"id": "naik", "en": "up"},
        "change": 45.2,
        "years": "2",
        "lead": "Kabupaten Sumba Timur",
        "baseline": 4_200_000_000,
        "value": 6_100_000_000,
        "unit": "IDR",
        "source": "Laporan realisasi pendapatan Bapenda",
    },
}
TAX_PAD = {
    "amount": 1_900_000_000.0,
    "years": 2,
    "metric": "Realisasi pajak restoran",
    "verified": True,
}
TAX_PAD_TEXT = {
    "key": "pad_effect",
    "params": {
        "lead": "Kabupaten Sumba Timur",
        "amount": {"idr": 1_900_000_000.0},
        "years": "2",
        "verified": {"key": "verified", "params": {}},
    },
}


def scaled(budget: int) -> dict[str, Any]:
    return {
        "key": "cost_scaled",
        "params": {
            "budget": {"idr": budget},
            "lead": "Kabupaten Sumba Timur",
            "lead_population": 100_000,
            "factor": 2.0,
        },
    }


def programme_text(title: str, fit: dict[str, Any], years: str = "2019–2020") -> dict[str, Any]:
    return {
        "key": "programme",
        "params": {"practice": title, "lead": "Kabupaten Sumba Timur", "years": years, "fit": fit},
    }


UNKNOWN_FIT = {"key": "fit_partly", "params": {"met": 0, "total": 2, "unknown": 2}}


def test_draft_of_kupang_builds_a_programme_on_each_fixture_practice(kupang, practices):
    """Without index results or stated priorities the pillars keep the framework's order
    (GOV, BRD, ECO, ...): the revenue practice (ECO and GOV) serves GOV, the first pillar
    it fits. Sumba Timur has 100,000 inhabitants and Kupang 404,120: every budget is scaled
    by the largest factor, 2."""
    tax, waste, queues = practices

    document = drafting.draft(kupang, start=START, end=END)

    assert document["programmes"] == [
        {
            "id": "P1",
            "pillar": "GOV",
            "title": "Pajak Restoran Daring dengan Perekam Transaksi",
            "practice": practice_ref(tax),
            "cost_idr": 1_700_000_000,
            "start_year": 2026,
            "duration_years": 1,
            "agency": "Badan Pendapatan Daerah",
            "metric": "Realisasi pajak restoran",
            "unit": "IDR",
            "baseline": None,
            "target": None,
            "target_change_pct": 45.2,
            "funding": ["apbd", "partnership"],
            "quick_win": False,
            "pad_effect": TAX_PAD,
            "fit": {"score": None, "unknown": 2, "needs_first": []},
            "texts": [
                programme_text("Pajak Restoran Daring dengan Perekam Transaksi", UNKNOWN_FIT),
                scaled(850_000_000),
                TAX_TARGET,
                TAX_PAD_TEXT,
            ],
            "sources": [practice_source(tax)],
        },
        {
            "id": "P2",
            "pillar": "LIV",
            "title": "Antrean Puskesmas Daring",
            "practice": practice_ref(queues),
            "cost_idr": 180_000_000,
            "start_year": 2026,
            "duration_years": 1,
            # Its outcome raised regional revenue: the revenue agency leads it.
            "agency": "Badan Pendapatan Daerah",
            "metric": "Realisasi pajak restoran",
            "unit": "IDR",
            "baseline": None,
            "target": None,
            "target_change_pct": 45.2,
            "funding": ["apbd", "partnership"],
            "quick_win": False,
            "pad_effect": TAX_PAD,
            "fit": {"score": None, "unknown": 0, "needs_first": []},
            "texts": [
                programme_text("Antrean Puskesmas Daring", {"key": "fit_none", "params": {}}),
                scaled(90_000_000),
                TAX_TARGET,
                TAX_PAD_TEXT,
            ],
            "sources": [practice_source(queues)],
        },
        {
            "id": "P3",
            "pillar": "ENV",
            "title": "Bank Sampah Kelurahan",
            "practice": practice_ref(waste),
            "cost_idr": 240_000_000,
            "start_year": 2026,
            "duration_years": 1,
            "agency": "Dinas Lingkungan Hidup",
            "metric": "Sampah terpilah",
            "unit": "ton",
            "baseline": None,
            "target": None,
            "target_change_pct": 200.0,
            "funding": ["apbd", "partnership"],
            "quick_win": False,
            "pad_effect": None,
            "fit": {"score": None, "unknown": 2, "needs_first": []},
            "texts": [
                programme_text("Bank Sampah Kelurahan", UNKNOWN_FIT),
                scaled(120_000_000),
                {
                    "key": "target_change",
                    "params": {
                        "metric": "Sampah terpilah",
                        "direction": {"id": "naik", "en": "up"},
                        "change": 200.0,
                        "years": "2",
                        "lead": "Kabupaten Sumba Timur",
                        "baseline": 40,
                        "value": 120,
                        "unit": "ton",
                        "source": "Catatan DLH",
                    },
                },
            ],
            "sources": [practice_source(waste)],
        },
    ]
    assert [(s["pillar"], s["programmes"], s["text"]["key"]) for s in document["strategies"]] == [
        ("GOV", ["P1"], "strategy_build"),
        ("BRD", [], "strategy_empty"),
        ("ECO", [], "strategy_empty"),
        ("LIV", ["P2"], "strategy_build"),
        ("SOC", [], "strategy_empty"),
        ("ENV", ["P3"], "strategy_build"),
    ]
    assert document["mission"] == [
        {"key": "mission_GOV", "params": {}},
        {"key": "mission_BRD", "params": {}},
        {"key": "mission_ECO", "params": {}},
    ]
    assert (document["index"], document["demo"], document["notes"]) == (None, False, {})
    assert document["readiness"] == {
        "texts": [{"key": "readiness_none", "params": {}}],
        "sources": [],
        "dimensions": [],
    }


def test_a_programme_keeps_the_funding_sources_of_its_practice(kupang, sumba, secretariat):
    """The library's funding codes are the plan's: village funds stay village funds in the
    programme, the budget table and the check of an edited document."""
    author = UserFactory(username="officer.sumba.desa", role=Role.OFFICER, region=sumba)
    publish(
        make_practice(
            author, sumba, budget_idr=200_000_000, funding_sources=["village_fund", "csr"]
        ),
        secretariat,
    )

    document = drafting.draft(kupang, start=START, end=END)

    assert [p["funding"] for p in document["programmes"]] == [["village_fund", "csr"]]
    assert content.budget(document).sources == ["village_fund", "csr"]
    assert content.check(document, set(taxonomy.pillar_codes())) is document


def test_programme_texts_read_in_english_with_their_numbers(english, kupang, practices):
    document = drafting.draft(kupang, start=START, end=END)

    assert texts_of(document["programmes"][0]) == [
        "Builds on “Pajak Restoran Daring dengan Perekam Transaksi” of Kabupaten Sumba Timur "
        "(2019–2020). Transferability: 0 of 2 prerequisites met, 2 unknown.",
        "Cost estimated from the practice's budget (Rp 850,000,000 in Kabupaten Sumba Timur, "
        "population 100,000) scaled to this region's population by a factor 2.0.",
        "Target: Realisasi pajak restoran up by 45.2 % within 2 years, as in Kabupaten Sumba "
        "Timur (from 4,200,000,000 to 6,100,000,000 IDR, Laporan realisasi pendapatan Bapenda).",
        "In Kabupaten Sumba Timur it raised regional revenue by Rp 1,900,000,000 in 2 years "
        "(evidence verified by the secretariat).",
    ]
    assert render(document["strategies"][0]["text"], "en") == (
        "Strengthen Smart Governance with programmes built on practices that worked elsewhere."
    )
    assert render(document["vision"], "en") == (
        "Kota Kupang 2035: a smart kota that serves its people with data and digital services, "
        "raises its own revenue and learns from the network."
    )


def test_programme_amounts_in_indonesian_number_format(kupang, practices):
    document = drafting.draft(kupang, start=START, end=END)
    cost, target = texts_of(document["programmes"][0], "id")[1:3]

    assert "Rp 850.000.000" in cost and "100.000" in cost and "2,0" in cost
    assert "45,2" in target and "4.200.000.000" in target and "6.100.000.000" in target


# --- cost, duration, agency, target ----------------------------------------------------------


def _practice(budget, lead_population, *, started=None, applied=None):
    version = SimpleNamespace(budget_idr=budget, started_on=started, applied_on=applied)
    lead = SimpleNamespace(name="Kota Asal", population=lead_population)
    return SimpleNamespace(published_version=version, lead_region=lead)


@pytest.mark.parametrize(
    ("budget", "lead_population", "population", "cost", "factor"),
    [
        # 404,120 / 100,000 = 4.04: clipped to 2.
        (850_000_000, 100_000, 404_120, 1_700_000_000, 2.0),
        # 100,000 / 1,000,000 = 0.1: clipped to 0.5; 61,728,394.5 to three figures.
        (123_456_789, 1_000_000, 100_000, 61_700_000, 0.5),
        # 404,120 / 300,000 = 1.347, shown and used as 1.3: 1,604,937.1.
        (1_234_567, 300_000, 404_120, 1_600_000, 1.3),
        # 404,120 / 400,000 = 1.01, which is 1.0: the budget as it is, to three figures.
        (1_234_567, 400_000, 404_120, 1_230_000, None),
        # A population unknown on either side: no scaling.
        (1_234_567, None, 404_120, 1_230_000, None),
        (1_234_567, 100_000, None, 1_230_000, None),
        (999, 100_000, 100_000, 999, None),
    ],
)
def test_cost_is_the_budget_scaled_by_population_clipped_and_rounded(
    budget, lead_population, population, cost, factor
):
    amount, text = drafting._cost(
        _practice(budget, lead_population), SimpleNamespace(population=population)
    )

    assert amount == cost
    if factor is None:
        assert text == {
            "key": "cost_same",
            "params": {"budget": {"idr": budget}, "lead": "Kota Asal"},
        }
    else:
        assert text == {
            "key": "cost_scaled",
            "params": {
                "budget": {"idr": budget},
                "lead": "Kota Asal",
                "lead_population": lead_population,
                "factor": factor,
            },
        }


@pytest.mark.parametrize("budget", [None, 0])
def test_cost_of_a_practice_without_budget_is_unknown(budget):
    assert drafting._cost(_practice(budget, 100_000), SimpleNamespace(population=404_120)) == (
        None,
        {"key": "cost_unknown", "params": {}},
    )


def test_scaling_limits_come_from_the_planning_data():
    settings = drafting.planning()["programmes"]

    assert (settings["scale_min"], settings["scale_max"]) == (0.5, 2.0)


@pytest.mark.parametrize(
    ("started", "applied", "years"),
    [
        (dt.date(2019, 3, 1), dt.date(2020, 1, 15), 1),
        (dt.date(2018, 1, 1), dt.date(2021, 6, 1), 4),
        # Seven years: at most five.
        (dt.date(2015, 1, 1), dt.date(2022, 1, 1), 5),
        # Without both dates, or applied on the day it started: the default, two years.
        (None, None, 2),
        (dt.date(2019, 1, 1), None, 2),
        (dt.date(2019, 1, 1), dt.date(2019, 1, 1), 2),
    ],
)
def test_duration_from_the_practices_start_and_application(started, applied, years):
    assert drafting._duration(_practice(1, 1, started=started, applied=applied)) == years


def test_programmes_of_the_library_in_kupangs_draft(index, library, ready, kupang):
    """Ranked by the gaps (ECO, GOV, ENV trail most): per programme, its pillar, agency,
    cost, duration, target, quick win and first year."""
    document = drafting.draft(kupang, start=START, end=END)

    rows = [
        (
            p["id"],
            p["title"],
            p["pillar"],
            p["agency"],
            p["cost_idr"],
            p["duration_years"],
            p["target_change_pct"],
            p["target"],
            p["quick_win"],
            p["start_year"],
            p["fit"]["score"],
            len(p["fit"]["needs_first"]),
        )
        for p in document["programmes"]
    ]
    assert rows == [
        # Its budget prerequisite (STR.FIN.1, level 1 of 3) comes first: it starts in 2028.
        (
            "P1",
            "Pajak Restoran Daring dengan Perekam Transaksi",
            "ECO",
            "Badan Pendapatan Daerah",
            1_700_000_000,
            1,
            45.2,
            None,
            False,
            2028,
            50,
            1,
        ),
        # Adopted by another region, Rp 800,000,000, one year: a quick win.
        (
            "P2",
            "Pasar Daring",
            "ECO",
            "Dinas Koperasi, Usaha Kecil dan Menengah, dan Perdagangan",
            800_000_000,
            1,
            150.0,
            None,
            True,
            2026,
            None,
            0,
        ),
        (
            "P3",
            "Mal Pelayanan Publik",
            "GOV",
            "Dinas Komunikasi dan Informatika",
            2_400_000_000,
            5,
            150.0,
            None,
            False,
            2026,
            None,
            0,
        ),
        (
            "P4",
            "Bank Sampah Kelurahan",
            "ENV",
            "Dinas Lingkungan Hidup",
            240_000_000,
            1,
            200.0,
            None,
            False,
            2028,
            50,
            1,
        ),
        # No budget, no dates: cost unknown, two years; ENV.ENE's agency.
        (
            "P5",
            "Sensor Banjir",
            "ENV",
            "Dinas Pekerjaan Umum dan Penataan Ruang",
            None,
            2,
            150.0,
            None,
            False,
            2026,
            None,
            0,
        ),
        # From a kota of Kupang's size, at the budget (factor 1.0), all prerequisites met.
        (
            "P6",
            "Ojek Daring Kelurahan",
            "LIV",
            "Dinas Perhubungan",
            300_000_000,
            1,
            None,
            1200.0,
            True,
            2026,
            100,
            0,
        ),
        # Cheap and short, but neither adopted elsewhere nor from a similar region.
        (
            "P7",
            "Antrean Puskesmas Daring",
            "LIV",
            "Badan Pendapatan Daerah",
            180_000_000,
            1,
            45.2,
            None,
            False,
            2026,
            None,
            0,
        ),
    ]
    by_id = {p["id"]: p for p in document["programmes"]}
    assert by_id["P5"]["funding"] == ["apbn"]
    assert by_id["P6"]["funding"] == ["apbd"]
    assert [p["id"] for p in content.quick_wins(document)] == ["P2", "P6"]
    assert [p["id"] for p in content.revenue(document)] == ["P1", "P7"]
    for programme, practice in zip(
        document["programmes"],
        [
            library[k]
            for k in ("pad", "adopted", "long", "waste", "unbudgeted", "similar", "queues")
        ],
        strict=True,
    ):
        assert programme["practice"] == practice_ref(practice)
        assert programme["sources"] == [practice_source(practice)]


def test_quick_win_and_target_texts(english, index, library, ready, kupang):
    document = drafting.draft(kupang, start=START, end=END)
    by_id = {p["id"]: p for p in document["programmes"]}

    assert texts_of(by_id["P2"])[-1] == (
        "Quick win: costs at most Rp 1,000,000,000, takes a year, and 1 other regions have "
        "adopted it."
    )
    assert texts_of(by_id["P6"]) == [
        "Builds on “Ojek Daring Kelurahan” of Kota Contoh (2019–2020). Transferability: every "
        "prerequisite is met.",
        "Cost taken from the practice's budget (Rp 300,000,000 in Kota Contoh).",
        "Target: Warga terlayani of 1,200 orang, as reached in Kota Contoh.",
        "Quick win: costs at most Rp 1,000,000,000, takes a year, and it worked in a region "
        "like this one.",
    ]
    assert texts_of(by_id["P5"])[:2] == [
        "Builds on “Sensor Banjir” of Kabupaten Sumba Timur "
        f"({published_year(library['unbudgeted'])}). Transferability: the practice names no "
        "prerequisite.",
        "The practice reports no budget: the cost is still to be estimated.",
    ]
    assert texts_of(by_id["P1"])[0].endswith(
        "Transferability: 1 of 2 prerequisites met, 0 unknown."
    )


def test_agency_by_sub_element_then_pillar_and_revenue_first():
    agencies = drafting.planning()["agencies"]
    pad = SimpleNamespace()

    def practice(*subs):
        return SimpleNamespace(published_version=SimpleNamespace(sub_elements=list(subs)))

    assert drafting._agency(practice("ENV.ENE"), "ENV", None) == agencies["sub_elements"]["ENV.ENE"]
    assert drafting._agency(practice("ENV.ENE"), "ENV", None) == (
        "Dinas Pekerjaan Umum dan Penataan Ruang"
    )
    # The sub-element of the programme's pillar, not of another pillar of the practice.
    assert drafting._agency(practice("GOV.BUR", "LIV.MOB"), "LIV", None) == "Dinas Perhubungan"
    assert drafting._agency(practice("GOV.BUR"), "LIV", None) == agencies["pillars"]["LIV"]
    assert drafting._agency(practice(), "SOC", None) == "Dinas Sosial"
    assert drafting._agency(practice("LIV.MOB"), "LIV", pad) == agencies["revenue"]
    assert agencies["revenue"] == "Badan Pendapatan Daerah"


def test_quick_win_limit_is_the_larger_of_the_amount_and_the_share_of_pad():
    rules = drafting.planning()["quick_wins"]

    assert (rules["max_cost_idr"], rules["max_share_of_pad"], rules["max_duration"]) == (
        1_000_000_000,
        0.001,
        1,
    )
    assert drafting._quick_win_limit(SimpleNamespace(yearly_pad=None)) == 1_000_000_000
    assert drafting._quick_win_limit(SimpleNamespace(yearly_pad=500_000_000_000)) == 1_000_000_000
    assert drafting._quick_win_limit(SimpleNamespace(yearly_pad=2_500_000_000_000)) == (
        2_500_000_000
    )


# --- the schedule ------------------------------------------------------------------------------


def _planned(pid: str, *, quick_win=False, needs_first=False, duration=1) -> dict[str, Any]:
    return {
        "id": pid,
        "quick_win": quick_win,
        "fit": {"needs_first": ["Raise STR.FIN.1"] if needs_first else []},
        "start_year": START,
        "duration_years": duration,
    }


def test_schedule_quick_wins_first_then_at_most_four_starts_a_year():
    assert drafting.planning()["programmes"]["starts_per_year"] == 4
    programmes = [
        _planned("P1"),
        _planned("P2", needs_first=True),
        _planned("P3"),
        _planned("P4", quick_win=True, needs_first=True),
        _planned("P5"),
        _planned("P6"),
        _planned("P7", duration=3),
        _planned("P8", needs_first=True, duration=5),
        _planned("P9", quick_win=True),
        _planned("P10"),
    ]

    drafting._schedule(programmes, (START, END))

    assert [(p["id"], p["start_year"], p["duration_years"]) for p in programmes] == [
        ("P1", 2026, 1),
        # Prerequisites to meet first: two years later.
        ("P2", 2028, 1),
        ("P3", 2026, 1),
        # A quick win starts at once, prerequisites or not, and takes no place.
        ("P4", 2026, 1),
        ("P5", 2026, 1),
        ("P6", 2026, 1),
        # 2026 is full (P1, P3, P5, P6).
        ("P7", 2027, 3),
        ("P8", 2028, 5),
        ("P9", 2026, 1),
        ("P10", 2027, 1),
    ]


def test_schedule_keeps_programmes_inside_a_short_horizon():
    programmes = [_planned(f"P{i}", duration=2) for i in range(1, 11)]

    drafting._schedule(programmes, (2026, 2027))

    # Four start in 2026; the rest in the last year, cut to one year.
    assert [(p["start_year"], p["duration_years"]) for p in programmes] == [
        (2026, 2),
        (2026, 2),
        (2026, 2),
        (2026, 2),
        *[(2027, 1)] * 6,
    ]


# --- profile, readiness and index ------------------------------------------------------------


def test_profile_with_population_and_networks(english, kupang):
    MembershipFactory(region=kupang)

    document = drafting.draft(kupang, start=START, end=END)

    profile = document["profile"]
    assert [render(t, "en") for t in profile["texts"]] == [
        "Kota Kupang is a city (kota) in Nusa Tenggara Timur with 404,120 inhabitants (—).",
        "It is a member of CityNet Indonesia.",
    ]
    assert profile["memberships"] == [
        {"network": "CityNet Indonesia", "role": "member", "since": "2019-01-01"}
    ]
    assert profile["sources"] == [
        content.source("registry", "Kemendagri", ref="53.71"),
        content.source("network", "CityNet Indonesia"),
    ]
    assert "404.120" in render(profile["texts"][0], "id")
    # Drafted on an English page, it still reads in Indonesian: the kind is stored in both.
    assert render(profile["texts"][0], "id").startswith("Kota Kupang adalah kota di ")
    # The network's role is named in the reader's language in the table.
    table = reading.read("Plan", document, "id").sections[0].tables[0]
    assert table.rows == [["CityNet Indonesia", "anggota", "2019"]]


def test_readiness_in_both_languages(index, ready, kupang):
    document = drafting.draft(kupang, start=START, end=END)

    readiness = document["readiness"]
    assert (readiness["year"], readiness["overall"], readiness["demo"]) == (2025, 2.5, False)
    assert readiness["dimensions"] == [
        {"code": "STR", "name": {"id": "Struktur", "en": "Structure"}, "mean": 1.5},
        {"code": "INF", "name": {"id": "Infrastruktur", "en": "Infrastructure"}, "mean": 4.0},
        {"code": "SUP", "name": {"id": "Suprastruktur", "en": "Superstructure"}, "mean": 3.0},
    ]
    assert [render(t, "en") for t in readiness["texts"]] == [
        "In its 2025 readiness self-assessment the region reached a mean level of 2.5 of 5: "
        "Structure 1.5, Infrastructure 4.0 and Superstructure 3.0.",
        "The weakest aspects are Finance and People; the plan strengthens them first.",
    ]
    indonesian = render(readiness["texts"][0], "id")
    assert "2,5" in indonesian
    assert "Struktur 1,5; Infrastruktur 4,0" in indonesian
    assert "Suprastruktur 3,0" in indonesian
    (label,) = [s["label"] for s in readiness["sources"]]
    assert readiness["sources"] == [content.source("readiness", label, year=2025, ref="53.71")]


def test_index_section_with_peers_trend_and_rank_interval(index, kupang):
    document = drafting.draft(kupang, start=START, end=END)

    section = document["index"]
    assert {k: v for k, v in section.items() if k not in {"pillars", "texts"}} == {
        "year": 2025,
        "demo": False,
        "score": 47.4,
        "rank": 2,
        "rank_low": 1.0,
        "rank_high": 3.0,
        "of": 3,
        # Kupang and Kota Contoh (kota, 100,000–500,000); not Sumba Timur (a kabupaten).
        "peer_mean": 54.3,
        "peer_label": {
            "id": section["peer_label"]["id"],
            "en": "city (kota), 100,000–500,000 inhabitants",
        },
        "sources": [content.source("index", "KotaCerdas Smart City Index", year=2025)],
    }
    assert [(p["code"], p["score"], p["peer_mean"], p["trend"]) for p in section["pillars"]] == [
        (
            "GOV",
            50.0,
            55.0,
            [(2024, 45.0), (2025, 50.0)],
        ),
        ("BRD", 40.0, 40.5, [(2024, 40.0), (2025, 40.0)]),
        ("ECO", 30.5, 40.5, [(2024, 35.5), (2025, 30.5)]),
        ("LIV", 60.0, 59.0, [(2025, 60.0)]),
        ("SOC", 55.0, 55.0, [(2025, 55.0)]),
        ("ENV", 45.0, 47.5, [(2025, 45.0)]),
    ]
    assert [render(t, "en") for t in section["texts"]] == [
        "In the 2025 smart-city index the region scored 47.4 and ranked 2 of 3; across the "
        "uncertainty analysis its rank lies between 1 and 3.",
        "Similar regions (city (kota), 100,000–500,000 inhabitants, 2 regions) scored 54.3 "
        "on average.",
        "Smart Governance: 50.0, up 5.0 points since 2024; similar regions 55.0.",
        "Smart Branding: 40.0, unchanged since 2024; similar regions 40.5.",
        "Smart Economy: 30.5, down 5.0 points since 2024; similar regions 40.5.",
        "Smart Living: 60.0, first measured in 2025; similar regions 59.0.",
        "Smart Society: 55.0, first measured in 2025; similar regions 55.0.",
        "Smart Environment: 45.0, first measured in 2025; similar regions 47.5.",
    ]
    indonesian = [render(t, "id") for t in section["texts"]]
    assert "47,4" in indonesian[0] and "2025" in indonesian[0]
    assert section["peer_label"]["id"] in indonesian[1] and "54,3" in indonesian[1]
    assert indonesian[2].startswith("Tata Kelola Cerdas (Smart Governance): 50,0")
    assert "5,0" in indonesian[2] and "55,0" in indonesian[2]
    assert indonesian[4].startswith("Ekonomi Cerdas (Smart Economy): 30,5")


def test_index_without_a_rank_interval(english, index, kupang, contoh):
    document = drafting.draft(contoh, start=START, end=END)

    assert render(document["index"]["texts"][0], "en") == (
        "In the 2025 smart-city index the region scored 61.2 and ranked 1 of 3."
    )


def test_reading_shows_the_rank_interval_of_each_pillar(english, index, kupang):
    document = drafting.draft(kupang, start=START, end=END)

    section = next(s for s in reading.read("Plan", document, "en").sections if s.key == "index")
    assert section.tables[0].rows[0] == ["Smart Governance", "50.0", "2", "1–3", "55.0"]
    assert section.paragraphs[0].sources == ["KotaCerdas Smart City Index, 2025"]


def test_gaps_ranked_by_the_distance_to_similar_regions(english, index, kupang):
    document = drafting.draft(kupang, start=START, end=END)

    gaps = document["gaps"]
    assert [(g["code"], g["score"], g["peer_mean"], g["gap"]) for g in gaps] == [
        ("ECO", 30.5, 40.5, 10.0),
        ("GOV", 50.0, 55.0, 5.0),
        ("ENV", 45.0, 47.5, 2.5),
        ("BRD", 40.0, 40.5, 0.5),
        ("SOC", 55.0, 55.0, 0.0),
        ("LIV", 60.0, 59.0, -1.0),
    ]
    assert [render(g["text"], "en") for g in gaps] == [
        "Smart Economy scores 30.5, 10.0 points below similar regions (40.5).",
        "Smart Governance scores 50.0, 5.0 points below similar regions (55.0).",
        "Smart Environment scores 45.0, 2.5 points below similar regions (47.5).",
        "Smart Branding scores 40.0, 0.5 points below similar regions (40.5).",
        "Smart Society scores 55.0, at or above similar regions (55.0).",
        "Smart Living scores 60.0, at or above similar regions (59.0).",
    ]
    assert all(
        g["sources"] == [content.source("index", "KotaCerdas Smart City Index", year=2025)]
        for g in gaps
    )
    assert render(gaps[0]["text"], "id").startswith("Ekonomi Cerdas (Smart Economy)")
    assert "30,5" in render(gaps[0]["text"], "id")
    assert [m["key"] for m in document["mission"]] == ["mission_ECO", "mission_GOV", "mission_ENV"]
    assert [(s["pillar"], s["text"]["key"]) for s in document["strategies"]] == [
        ("ECO", "strategy_empty"),
        ("GOV", "strategy_empty"),
        ("ENV", "strategy_empty"),
        ("BRD", "strategy_empty"),
        ("SOC", "strategy_empty"),
        ("LIV", "strategy_empty"),
    ]


def test_strategy_texts_follow_the_gap(english, index, library, kupang):
    document = drafting.draft(kupang, start=START, end=END)

    assert [render(s["text"], "en") for s in document["strategies"]] == [
        "Close the gap in Smart Economy (30.5 against 40.5 for similar regions) with "
        "programmes built on practices that worked elsewhere.",
        "Close the gap in Smart Governance (50.0 against 55.0 for similar regions) with "
        "programmes built on practices that worked elsewhere.",
        "Close the gap in Smart Environment (45.0 against 47.5 for similar regions) with "
        "programmes built on practices that worked elsewhere.",
        "The library has no published practice for Smart Branding that fits yet; add "
        "programmes of the region's own.",
        "The library has no published practice for Smart Society that fits yet; add "
        "programmes of the region's own.",
        "Keep Smart Living at its level (60.0) and build on it with proven practices.",
    ]


def test_demo_results_make_a_demo_draft(framework, kupang):
    publish_index(
        framework,
        2025,
        {kupang: {"INDEX": (47.4, 1, None, None), **pillar_cells(KUPANG_2025)}},
        demo=True,
    )

    document = drafting.draft(kupang, start=START, end=END)

    assert (document["demo"], document["index"]["demo"]) == (True, True)
    assert document["index"]["sources"] == [
        content.source("index", "KotaCerdas Smart City Index", year=2025, demo=True)
    ]


def test_stated_priorities_without_index_results(english, practices, sumba):
    """A region without index results (and without population) follows the pillars it
    stated first, then the framework's order."""
    region = RegionFactory(code="53.04", name="Kabupaten Tanpa Data", population=None)
    StatedPriorities.objects.create(region=region, pillars=["LIV", "ENV"])

    document = drafting.draft(region, start=START, end=END)

    assert [g["code"] for g in document["gaps"]] == ["LIV", "ENV", "GOV", "BRD", "ECO", "SOC"]
    assert [render(g.get("text"), "en") for g in document["gaps"]] == [
        "Smart Living is one of the priorities the region stated.",
        "Smart Environment is one of the priorities the region stated.",
        "",
        "",
        "",
        "",
    ]
    assert [(s["pillar"], s["programmes"], s["text"]["key"]) for s in document["strategies"]] == [
        ("LIV", ["P1"], "strategy_stated"),
        ("ENV", ["P2"], "strategy_stated"),
        ("GOV", ["P3"], "strategy_build"),
        ("BRD", [], "strategy_empty"),
        ("ECO", [], "strategy_empty"),
        ("SOC", [], "strategy_empty"),
    ]
    assert render(document["profile"]["texts"][0], "en") == (
        "Kabupaten Tanpa Data is a regency (kabupaten) in Nusa Tenggara Timur."
    )
    # No population to scale with: the practices' budgets as they are.
    assert [p["cost_idr"] for p in document["programmes"]] == [
        90_000_000,
        120_000_000,
        850_000_000,
    ]


# --- every sentence the generator writes -----------------------------------------------------

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Keys that the reading or the text helpers use, not the generator.
NOT_GENERATED = {"and", "index_none"}
# Keys that content.settle writes when an edit makes a drafted sentence untrue (their
# parameters are tested in test_content).
SETTLED = {"cost_set", "cost_set_plain", "cost_open", "target_set", "target_open", "quick_win_set"}


def placeholders(template: Any) -> set[str]:
    return set(PLACEHOLDER.findall(str(template)))


@pytest.fixture
def recorded(monkeypatch):
    """Every ``generated(key, **params)`` call the generator makes."""
    calls: list[tuple[str, dict[str, Any]]] = []
    real = drafting.generated

    def record(key: str, **params: Any) -> dict[str, Any]:
        calls.append((key, params))
        return real(key, **params)

    monkeypatch.setattr(drafting, "generated", record)
    return calls


def test_every_template_gets_exactly_the_parameters_it_names(
    recorded, index, library, ready, kupang, contoh
):
    """Drafts that between them use every template: Kupang (index with a rank interval,
    readiness, networks, quick wins of both kinds, a practice without budget, one at the
    budget), Kota Contoh (no interval), a region with stated priorities and no population,
    and one with neither index nor priorities."""
    MembershipFactory(region=kupang)
    stated = RegionFactory(code="53.04", name="Kabupaten Tanpa Data", population=None)
    StatedPriorities.objects.create(region=stated, pillars=["SOC", "LIV"])
    plain = RegionFactory(code="53.05", name="Kabupaten Biasa", population=50_000)

    documents = [
        drafting.draft(region, start=START, end=END) for region in (kupang, contoh, stated, plain)
    ]

    disagreeing = {
        key: (sorted(params), sorted(placeholders(texts.TEMPLATES[key])))
        for key, params in recorded
        if set(params) != placeholders(texts.TEMPLATES[key])
    }
    assert disagreeing == {}
    assert {key for key, _params in recorded} | NOT_GENERATED | SETTLED == set(texts.TEMPLATES)
    # And every stored text renders in both languages.
    for document in documents:
        for language in ("id", "en"):
            read = reading.read("Plan", document, language)
            assert all(p.text for s in read.sections for p in s.paragraphs)


@pytest.mark.parametrize("key", sorted(texts.TEMPLATES))
def test_every_template_renders_in_both_languages_with_its_parameters(key):
    params = {name: f"<{name}>" for name in placeholders(texts.TEMPLATES[key])}

    for language in ("id", "en"):
        text = render({"key": key, "params": params}, language)
        assert text
        assert all(f"<{name}>" in text for name in params)


@pytest.mark.parametrize("key", sorted(texts.TEMPLATES))
def test_translations_keep_the_templates_placeholders(key):
    with translation.override("en"):
        english_names = placeholders(texts.TEMPLATES[key])
    with translation.override("id"):
        assert placeholders(texts.TEMPLATES[key]) == english_names


def test_a_stored_text_missing_a_parameter_still_renders(english):
    assert render({"key": "gap_stated", "params": {}}, "en") == (
        "— is one of the priorities the region stated."
    )
    assert render({"key": "quick_win", "params": {"limit": {"idr": "many"}}}, "en").startswith(
        "Quick win: costs at most Rp —,"
    )
    assert render({"key": "unknown-key", "params": {}}, "en") == ""
    assert render({"key": ["x"]}, "en") == ""
    assert render({"key": "vision", "params": ["x"]}, "en").startswith("— —:")
    assert render(None, "en") == ""
    assert render({"text": "Ditulis petugas"}, "en") == "Ditulis petugas"


def test_a_source_without_a_name_of_its_own_is_named_by_its_kind_in_the_readers_language():
    stated = content.source("priorities", "")
    with translation.override("id"):
        assert reading.source_label(stated) == "prioritas yang ditetapkan"
    with translation.override("en"):
        assert reading.source_label(stated) == "stated priorities"
