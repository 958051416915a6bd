"""Advice for a region, from the data the platform stores: its weakest pillars (published
index results, else its stated priorities), its readiness answers and fiscal facts; the
ranked recommendations with their one-line reasons, the transferability check item by
item, similar practices, and rupiah amounts in both languages."""

from __future__ import annotations

import decimal
from types import SimpleNamespace

import pytest
from django.utils import translation
from django.utils.translation import gettext

from kotacerdas.assessments.models import Cycle, IndicatorValue, ReadinessResponse, Result
from kotacerdas.assessments.services.readiness import current_questionnaire, save_answers
from kotacerdas.practices import advice, services, taxonomy
from kotacerdas.practices.content import parse_record
from kotacerdas.practices.models import Replication
from kotacerdas.regions.models import Region

from .fixtures import make_practice, make_record, publish

pytestmark = pytest.mark.integration

YEAR = 2025
NON_PAD = {
    "name": "Balita terpantau",
    "unit": "persen",
    "baseline": 60,
    "baseline_year": 2020,
    "value": 85,
    "year": 2022,
    "source": "Laporan Dinas Kesehatan",
    "pad": False,
}
VILLAGE_PAD = {
    "name": "Retribusi desa wisata",
    "unit": "IDR",
    "baseline": 100_000_000,
    "baseline_year": 2020,
    "value": 350_000_000,
    "year": 2023,
    "source": "Laporan BUMDes",
    "pad": True,
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def _publish(secretariat, code: str, *, verified=True, **overrides):
    """A published practice of the region ``code`` (made by the system, reviewed by the
    secretariat with the fixtures' scores: 27 of 35)."""
    data = parse_record(make_record(**overrides))
    practice = services.create_practice(actor=None, region=_region(code), data=data)
    return publish(practice, secretariat, verified=verified)


def _answer(region_code: str, levels: dict[str, int], *, submit=True, year=YEAR):
    region = _region(region_code)
    from kotacerdas.accounts.models import Role

    from ..factories import UserFactory

    officer = UserFactory(username=f"answers.{region_code}", role=Role.OFFICER, region=region)
    return save_answers(
        actor=officer,
        questionnaire=current_questionnaire(),
        region=region,
        year=year,
        answers={code: {"level": level, "evidence": ""} for code, level in levels.items()},
        submit=submit,
    )


def _score(facts, code: str) -> str:
    return f"{facts.pillar_scores[code]:.1f}"


# --- the facts ------------------------------------------------------------------------------


def test_region_facts_from_the_published_index(published):
    jakarta = _region("31.71")
    facts = advice.region_facts(jakarta)
    stored = {
        r.node.code: r.score
        for r in Result.objects.filter(
            computation=published, region=jakarta, node__code__in=taxonomy.pillar_codes()
        ).select_related("node")
    }
    assert facts.pillar_scores == stored
    assert set(stored) == {"GOV", "BRD", "ECO", "LIV", "SOC", "ENV"}
    assert facts.weak_pillars == sorted(stored, key=lambda c: (stored[c], c))[:3]
    assert facts.weak_pillars == ["ECO", "LIV", "ENV"]
    assert (facts.weak_source, facts.results_year, facts.results_demo) == ("index", YEAR, True)
    assert (facts.population_class, facts.region) == ("metro", jakarta)


def test_region_facts_results_of_demo_values_are_demo_in_a_real_cycle(published):
    # The cycle is not demo; the values it was computed from are.
    assert (published.cycle.is_demo, published.is_demo) == (False, True)
    assert advice.region_facts(_region("53.71")).results_demo is True


def test_region_facts_fiscal_values_of_the_published_cycle(published):
    sumba = _region("53.11")
    values = {
        v.indicator.code: v
        for v in IndicatorValue.objects.filter(
            region=sumba, indicator__code__in=[advice.PAD_SHARE, advice.PAD_PER_CAPITA]
        ).select_related("indicator")
    }
    facts = advice.region_facts(sumba)
    assert (facts.pad_share, facts.pad_per_capita, facts.fiscal_year, facts.fiscal_demo) == (
        values[advice.PAD_SHARE].value,
        values[advice.PAD_PER_CAPITA].value,
        YEAR - 1,
        True,
    )
    assert facts.yearly_pad == values[advice.PAD_PER_CAPITA].value * sumba.population
    assert facts.fiscal_class == advice.fiscal_class(values[advice.PAD_SHARE].value)


def test_region_facts_ignore_values_of_a_cycle_not_yet_published(published):
    sumba = _region("53.11")
    before = advice.region_facts(sumba)
    newer = Cycle.objects.create(framework=published.cycle.framework, year=YEAR + 1)
    IndicatorValue.objects.create(
        cycle=newer,
        region=sumba,
        indicator=published.cycle.framework.nodes.get(code=advice.PAD_SHARE),
        value=55.0,
        year=YEAR,
        source="belum diperiksa",
    )
    facts = advice.region_facts(sumba)
    assert (facts.pad_share, facts.fiscal_year) == (before.pad_share, YEAR - 1)


def test_region_facts_readiness_from_submitted_answers(published):
    _answer("53.11", {"STR.FIN.1": 2, "SUP.REG.2": 4})
    facts = advice.region_facts(_region("53.11"))
    assert (facts.readiness, facts.readiness_year, facts.readiness_demo) == (
        {"STR.FIN.1": 2, "SUP.REG.2": 4},
        YEAR,
        False,
    )


def test_region_facts_ignore_draft_readiness_answers(published):
    _answer("53.11", {"STR.FIN.1": 2}, submit=False)
    facts = advice.region_facts(_region("53.11"))
    assert (facts.readiness, facts.readiness_year) == ({}, None)
    # Demo answers are shown (as demo), like on the region's profile.
    ReadinessResponse.objects.update(is_demo=True)
    facts = advice.region_facts(_region("53.11"))
    assert (facts.readiness, facts.readiness_demo) == ({"STR.FIN.1": 2}, True)


def test_region_facts_latest_year_of_readiness(published):
    _answer("53.11", {"STR.FIN.1": 1}, year=YEAR - 1)
    _answer("53.11", {"STR.FIN.1": 3}, year=YEAR)
    assert advice.region_facts(_region("53.11")).readiness == {"STR.FIN.1": 3}


def test_region_facts_stated_priorities_without_index_results(published):
    region = _region("53.02")  # not among the regions the index was computed for
    services.set_priorities(actor=None, region=region, pillars=["ENV", "ECO", "GOV", "LIV"])
    facts = advice.region_facts(region)
    assert (facts.pillar_scores, facts.weak_pillars, facts.weak_source) == (
        {},
        ["ENV", "ECO", "GOV"],
        "stated",
    )
    assert (facts.pad_share, facts.yearly_pad, facts.fiscal_class) == (None, None, "unknown")


def test_region_facts_index_results_win_over_stated_priorities(published):
    jakarta = _region("31.71")
    services.set_priorities(actor=None, region=jakarta, pillars=["SOC"])
    facts = advice.region_facts(jakarta)
    assert (facts.weak_pillars, facts.weak_source) == (["ECO", "LIV", "ENV"], "index")


def test_region_facts_with_nothing_known(kupang):
    facts = advice.region_facts(kupang)
    assert (
        facts.weak_pillars,
        facts.weak_source,
        facts.readiness,
        facts.pad_share,
        facts.results_year,
        facts.population_class,
    ) == ([], "none", {}, None, None, "medium")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("share", "expected"),
    [
        (None, "unknown"),
        (0.0, "low"),
        (9.99, "low"),
        (10.0, "medium"),
        (19.99, "medium"),
        (20.0, "high"),
        (80.0, "high"),
    ],
)
def test_fiscal_class(share, expected):
    assert advice.fiscal_class(share) == expected


# --- recommendations ------------------------------------------------------------------------


@pytest.fixture
def library(published, secretariat):
    """Four published practices of four regions, one adopted by two regions."""
    restaurant = _publish(secretariat, "53.71")  # ECO+GOV, PAD +1.9 billion in 2 years
    posyandu = _publish(
        secretariat,
        "53.11",
        title="Posyandu Digital",
        pillars=["LIV", "SOC"],
        sub_elements=["LIV.HEA"],
        outcomes=[NON_PAD],
        verified=False,
    )
    village = _publish(
        secretariat,
        "53.01",
        title="Desa Wisata Adat",
        pillars=["BRD", "ECO"],
        sub_elements=["BRD.TOU"],
        outcomes=[NON_PAD, VILLAGE_PAD],
        verified=False,
    )
    waste = _publish(
        secretariat,
        "51.71",
        title="Bank Sampah Digital",
        pillars=["ENV"],
        sub_elements=["ENV.WST"],
        outcomes=[NON_PAD],
    )
    for code, status in (("53.71", "adopted"), ("53.11", "in_progress"), ("53.10", "stopped")):
        services.record_adoption(actor=None, practice=waste, region=_region(code), status=status)
    return SimpleNamespace(restaurant=restaurant, posyandu=posyandu, village=village, waste=waste)


def _rows(recommendations):
    return [
        (r.practice.published_version.title, r.score, r.pillars, r.verified, r.adopters)
        for r in recommendations
    ]


def test_recommend_ranks_by_weak_pillars_similarity_and_evidence(library):
    facts, recommendations = advice.recommend(_region("31.71"))
    assert facts.weak_pillars == ["ECO", "LIV", "ENV"]
    eco, liv, env = (_score(facts, c) for c in ("ECO", "LIV", "ENV"))
    assert _rows(recommendations) == [
        ("Pajak Restoran Daring dengan Perekam Transaksi", 9.771, ["ECO"], True, 0),
        ("Desa Wisata Adat", 8.771, ["ECO"], False, 0),
        ("Bank Sampah Digital", 6.171, ["ENV"], True, 2),
        ("Posyandu Digital", 4.771, ["LIV"], False, 0),
    ]
    assert [r.reason for r in recommendations] == [
        f"Addresses Smart Economy, one of your weakest pillars (score {eco} in 2025, "
        "demo data); from Kota Kupang, a kota like yours; raised PAD by Rp 1.9 billion "
        "in 2 years (verified)",
        f"Addresses Smart Economy, one of your weakest pillars (score {eco} in 2025, "
        "demo data); from Kabupaten Kupang, with similar fiscal capacity; raised PAD by "
        "Rp 250.0 million in 3 years (not verified)",
        f"Addresses Smart Environment, one of your weakest pillars (score {env} in 2025, "
        "demo data); from Kota Denpasar, a kota like yours, with similar fiscal capacity; "
        "adopted by 2 regions",
        f"Addresses Smart Living, one of your weakest pillars (score {liv} in 2025, "
        "demo data); from Kabupaten Sumba Timur",
    ]
    pad = recommendations[0].pad
    assert (pad.change, pad.years, pad.name) == (
        decimal.Decimal("1900000000"),
        2,
        "Realisasi pajak restoran",
    )
    assert recommendations[3].pad is None


def test_recommend_reason_in_indonesian_uses_its_number_format(library):
    with translation.override("id"):
        facts, recommendations = advice.recommend(_region("31.71"), limit=1)
        eco = f"{facts.pillar_scores['ECO']:.1f}".replace(".", ",")
        expected = gettext(
            "addresses %(pillar)s, one of your weakest pillars "
            "(score %(score)s in %(year)s%(demo)s)"
        ) % {
            "pillar": taxonomy.node_name("ECO"),
            "score": eco,
            "year": 2025,
            "demo": gettext(", demo data"),
        }
        assert recommendations[0].reason.lower().startswith(expected.lower())
        assert advice.rupiah(1_900_000_000) in recommendations[0].reason


def test_recommend_leaves_out_own_and_adopted_practices(library, officer):
    # Kota Kupang: its own practice and the waste bank it adopted are left out.
    _facts, recommendations = advice.recommend(_region("53.71"))
    assert [r.practice for r in recommendations] == [library.village, library.posyandu]
    # A stopped adoption does not count: Manggarai sees the waste bank again.
    _facts, recommendations = advice.recommend(_region("53.10"))
    assert library.waste in [r.practice for r in recommendations]


def test_recommend_a_planned_adoption_is_left_out(library, secretariat):
    jakarta = _region("31.71")
    services.record_adoption(
        actor=secretariat, practice=library.restaurant, region=jakarta, status="planned"
    )
    _facts, recommendations = advice.recommend(jakarta)
    assert library.restaurant not in [r.practice for r in recommendations]
    Replication.objects.filter(region=jakarta).update(status="stopped")
    _facts, recommendations = advice.recommend(jakarta)
    assert recommendations[0].practice == library.restaurant


def test_recommend_limit(library):
    _facts, recommendations = advice.recommend(_region("31.71"), limit=2)
    assert [r.practice for r in recommendations] == [library.restaurant, library.village]


def test_recommend_from_stated_priorities(library):
    region = _region("53.02")  # kabupaten, 490,642 inhabitants, no index results
    services.set_priorities(actor=None, region=region, pillars=["ENV", "LIV"])
    facts, recommendations = advice.recommend(region)
    assert facts.weak_source == "stated"
    assert [(r.practice.published_version.title, r.reason) for r in recommendations] == [
        (
            "Bank Sampah Digital",
            "Addresses Smart Environment, a priority you stated; from Kota Denpasar; "
            "adopted by 2 regions",
        ),
        (
            "Posyandu Digital",
            "Addresses Smart Living, a priority you stated; from Kabupaten Sumba Timur, "
            "a kabupaten like yours, of similar population",
        ),
        (
            "Desa Wisata Adat",
            "From Kabupaten Kupang, a kabupaten like yours, of similar population; raised "
            "PAD by Rp 250.0 million in 3 years (not verified)",
        ),
        (
            "Pajak Restoran Daring dengan Perekam Transaksi",
            "From Kota Kupang, of similar population; raised PAD by Rp 1.9 billion in 2 "
            "years (verified)",
        ),
    ]
    assert [r.score for r in recommendations] == [8.171, 6.771, 3.771, 3.771]


def test_recommend_with_no_weak_pillars_ranks_by_the_rest(library):
    facts, recommendations = advice.recommend(_region("53.02"))
    assert (facts.weak_source, [r.pillars for r in recommendations]) == ("none", [[], [], [], []])
    assert [r.practice for r in recommendations][:2] == [library.village, library.restaurant]


def test_recommend_with_nothing_published(published):
    facts, recommendations = advice.recommend(_region("31.71"))
    assert (facts.weak_source, recommendations) == ("index", [])


# --- transferability ----------------------------------------------------------------------------


def _question(code: str) -> str:
    return taxonomy.readiness_question(code)


def _fit_rows(report):
    return [(i.prerequisite.description, i.status, i.reason, i.need) for i in report.items]


SUMBA_PAD = "Rp 112.8 billion (PAD per capita × population, 2024, demo values)"


def test_check_fit_of_the_fixture_practice_in_sumba(library):
    _answer("53.11", {"STR.FIN.1": 2})
    report = advice.check_fit(library.restaurant, _region("53.11"))
    assert _fit_rows(report) == [
        (
            "Anggaran awal perangkat perekam",
            "partly",
            "Readiness STR.FIN.1 is at level 2 in 2025; level 3 is needed. Rp 500.0 million "
            f"is 0.44% of your yearly PAD of about {SUMBA_PAD}.",
            f"Raise STR.FIN.1 (“{_question('STR.FIN.1')}”) from level 2 to 3.",
        ),
        (
            "Peraturan kepala daerah tentang pajak daerah elektronik",
            "unknown",
            "Your region has not answered readiness question SUP.REG.2 "
            f"(“{_question('SUP.REG.2')}”).",
            "Answer readiness question SUP.REG.2.",
        ),
    ]
    assert (report.score, report.unknown, report.needs_first) == (
        25,
        1,
        [f"Raise STR.FIN.1 (“{_question('STR.FIN.1')}”) from level 2 to 3."],
    )
    # Kota Kupang and Sumba Timur: both medium-sized, both of medium fiscal capacity.
    assert report.similarities == ["of similar population", "with similar fiscal capacity"]
    assert report.facts.region.code == "53.11"


def test_check_fit_readiness_statuses(library, secretariat):
    practice = _publish(
        secretariat,
        "53.71",
        title="Layanan Perizinan Daring",
        prerequisites=[
            {
                "kind": "infrastructure",
                "description": "Jaringan",
                "readiness": "INF.DIG.1",
                "min_level": 3,
            },
            {"kind": "skills", "description": "Operator", "readiness": "STR.PPL.1", "min_level": 3},
            {
                "kind": "regulation",
                "description": "Perda",
                "readiness": "SUP.REG.1",
                "min_level": 4,
            },
            {
                "kind": "regulation",
                "description": "Perkada",
                "readiness": "SUP.REG.2",
                "min_level": 2,
            },
            {"kind": "skills", "description": "Tim pendamping desa"},
        ],
    )
    _answer("53.11", {"INF.DIG.1": 4, "STR.PPL.1": 2, "SUP.REG.1": 1})
    report = advice.check_fit(practice, _region("53.11"))
    raise_ppl = f"Raise STR.PPL.1 (“{_question('STR.PPL.1')}”) from level 2 to 3."
    raise_reg = f"Raise SUP.REG.1 (“{_question('SUP.REG.1')}”) from level 1 to 4."
    assert _fit_rows(report) == [
        ("Jaringan", "met", "Readiness INF.DIG.1 is at level 4 in 2025; level 3 is needed.", ""),
        (
            "Operator",
            "partly",
            "Readiness STR.PPL.1 is at level 2 in 2025; level 3 is needed.",
            raise_ppl,
        ),
        (
            "Perda",
            "unmet",
            "Readiness SUP.REG.1 is at level 1 in 2025; level 4 is needed.",
            raise_reg,
        ),
        (
            "Perkada",
            "unknown",
            f"Your region has not answered readiness question SUP.REG.2 "
            f"(“{_question('SUP.REG.2')}”).",
            "Answer readiness question SUP.REG.2.",
        ),
        (
            "Tim pendamping desa",
            "unknown",
            "No platform data shows this; check it yourself.",
            "Tim pendamping desa",
        ),
    ]
    # (1 + 0.5 + 0) of 5 items: unknown items count as not met.
    assert (report.score, report.unknown, report.needs_first) == (30, 2, [raise_ppl, raise_reg])


def test_check_fit_budget_as_a_share_of_yearly_pad(library, secretariat):
    practice = _publish(
        secretariat,
        "53.71",
        title="Pasar Daring",
        prerequisites=[
            {"kind": "budget", "description": "Kecil", "min_budget_idr": 1_000_000_000},
            {"kind": "budget", "description": "Sedang", "min_budget_idr": 3_000_000_000},
            {"kind": "budget", "description": "Besar", "min_budget_idr": 10_000_000_000},
        ],
    )
    sumba = _region("53.11")
    facts = advice.region_facts(sumba)
    assert round(facts.yearly_pad) == round(facts.pad_per_capita * 277_290)
    report = advice.check_fit(practice, sumba, facts)
    assert _fit_rows(report) == [
        (
            "Kecil",
            "met",
            f"Rp 1.0 billion is 0.89% of your yearly PAD of about {SUMBA_PAD}.",
            "",
        ),
        (
            "Sedang",
            "partly",
            f"Rp 3.0 billion is 2.66% of your yearly PAD of about {SUMBA_PAD}.",
            "Plan Rp 3.0 billion in the APBD.",
        ),
        (
            "Besar",
            "unmet",
            f"Rp 10.0 billion is 8.86% of your yearly PAD of about {SUMBA_PAD}.",
            "Find Rp 10.0 billion, for example through partners or CSR.",
        ),
    ]
    assert (report.score, report.unknown) == (50, 0)
    assert report.needs_first == [
        "Plan Rp 3.0 billion in the APBD.",
        "Find Rp 10.0 billion, for example through partners or CSR.",
    ]


def test_check_fit_a_budget_that_does_not_fit_outweighs_readiness(library, secretariat):
    practice = _publish(
        secretariat,
        "53.71",
        title="Perangkat Mahal",
        prerequisites=[
            {
                "kind": "budget",
                "description": "Perangkat",
                "min_budget_idr": 10_000_000_000,
                "readiness": "STR.FIN.1",
                "min_level": 2,
            },
        ],
    )
    _answer("53.11", {"STR.FIN.1": 4})
    (item,) = advice.check_fit(practice, _region("53.11")).items
    assert (item.status, item.reason, item.need) == (
        "unmet",
        f"Rp 10.0 billion is 8.86% of your yearly PAD of about {SUMBA_PAD}.",
        "Find Rp 10.0 billion, for example through partners or CSR.",
    )


def test_check_fit_without_any_facts(library):
    region = _region("53.02")
    report = advice.check_fit(library.restaurant, region)
    assert [(i.status, i.need) for i in report.items] == [
        ("unknown", "Answer readiness question STR.FIN.1."),
        ("unknown", "Answer readiness question SUP.REG.2."),
    ]
    assert (report.score, report.unknown, report.needs_first) == (None, 2, [])
    assert report.similarities == ["of similar population"]


def test_check_fit_budget_of_a_region_without_fiscal_facts(library, secretariat):
    practice = _publish(
        secretariat,
        "53.71",
        title="Pasar Daring",
        prerequisites=[{"kind": "budget", "description": "Modal", "min_budget_idr": 500_000_000}],
    )
    (item,) = advice.check_fit(practice, _region("53.02")).items
    assert (item.status, item.reason, item.need) == (
        "unknown",
        "The budget of Rp 500.0 million cannot be compared: your region's PAD per capita or "
        "population is not known.",
        "Check that Rp 500.0 million can be budgeted.",
    )


def test_check_fit_labels_demo_answers(library):
    _answer("53.11", {"SUP.REG.2": 2}, submit=False)
    ReadinessResponse.objects.update(is_demo=True)
    report = advice.check_fit(library.restaurant, _region("53.11"))
    assert report.items[1].reason == (
        "Readiness SUP.REG.2 is at level 2 in 2025 (demo answer); level 2 is needed."
    )


def test_check_fit_of_a_practice_without_prerequisites(library, secretariat):
    practice = _publish(secretariat, "53.71", title="Tanpa Syarat", prerequisites=[])
    report = advice.check_fit(practice, _region("53.11"))
    assert (report.items, report.score, report.unknown, report.needs_first) == ([], None, 0, [])


# --- similar practices ----------------------------------------------------------------------


@pytest.fixture
def neighbours(kupang, sumba, secretariat, officer):
    def make(code, title, pillars, subs, stage="applied"):
        return _publish(
            secretariat,
            code,
            title=title,
            pillars=pillars,
            sub_elements=subs,
            stage=stage,
        )

    base = make("53.71", "Pajak Restoran", ["ECO", "GOV"], ["ECO.TRX", "GOV.POL"])
    found = {
        # shared pillars × 2 + shared sub-elements × 3, + same stage + same region kind
        "alpha": make("53.11", "Alpha", ["ECO", "GOV"], ["ECO.TRX", "GOV.POL"]),  # 11
        "beta": make("53.71", "Beta", ["ECO"], ["ECO.TRX"], stage="trial"),  # 6
        "gamma": make("53.11", "Gamma", ["GOV"], ["GOV.SVC"]),  # 3
        "epsilon": make("53.11", "Epsilon", ["ECO"], ["ECO.IND"]),  # 3
        "delta": make("53.11", "Delta", ["ENV"], ["ENV.WST"]),  # nothing shared
    }
    make_practice(officer, kupang, title="Draf Serupa")  # not published
    return base, found


def test_similar_practices_by_what_they_share(neighbours):
    base, found = neighbours
    assert advice.similar_practices(base) == [
        found["alpha"],
        found["beta"],
        found["epsilon"],
        found["gamma"],
    ]
    assert advice.similar_practices(base, limit=2) == [found["alpha"], found["beta"]]


def test_similar_practices_weigh_only_the_latest_candidates_on_shared_pillars(
    neighbours, monkeypatch
):
    """In a large library only the most recently published practices on the same pillars
    are weighed. Delta (published last) shares no pillar; of the others epsilon and gamma
    were published last, so with room for two candidates alpha and beta, though closer,
    are not weighed."""
    base, found = neighbours
    monkeypatch.setattr(advice, "CANDIDATES", 2)
    assert advice.similar_practices(base) == [found["epsilon"], found["gamma"]]


def test_similar_practices_of_an_unpublished_practice(officer, kupang):
    assert advice.similar_practices(make_practice(officer, kupang)) == []


# --- PAD effects and rupiah ------------------------------------------------------------------


def _version(*outcomes):
    rows = [
        SimpleNamespace(
            affects_pad=o.get("pad", True),
            baseline=None if o.get("baseline") is None else decimal.Decimal(o["baseline"]),
            baseline_year=o.get("baseline_year"),
            value=decimal.Decimal(o["value"]),
            year=o["year"],
            name=o["name"],
        )
        for o in outcomes
    ]
    return SimpleNamespace(outcomes=SimpleNamespace(all=lambda: rows))


@pytest.mark.unit
def test_pad_effect_is_the_largest_increase():
    version = _version(
        {"name": "kecil", "baseline": 100, "baseline_year": 2020, "value": 200, "year": 2021},
        {"name": "besar", "baseline": 100, "baseline_year": 2019, "value": 900, "year": 2022},
        {"name": "turun", "baseline": 900, "baseline_year": 2019, "value": 100, "year": 2022},
        {
            "name": "bukan pad",
            "pad": False,
            "baseline": 0,
            "baseline_year": 2019,
            "value": 10**12,
            "year": 2022,
        },
        {"name": "tanpa dasar", "value": 10**12, "year": 2022},
    )
    effect = advice.pad_effect(version)
    assert (effect.change, effect.years, effect.name) == (decimal.Decimal(800), 3, "besar")


@pytest.mark.unit
def test_pad_effect_none_without_an_increase():
    version = _version(
        {"name": "turun", "baseline": 900, "baseline_year": 2019, "value": 100, "year": 2022},
        {"name": "tetap", "baseline": 900, "baseline_year": 2019, "value": 900, "year": 2022},
    )
    assert advice.pad_effect(version) is None


@pytest.mark.unit
def test_pad_effect_describes_itself():
    with translation.override("en"):
        assert advice.PadEffect(decimal.Decimal(1_900_000_000), 2, "x").describe() == (
            "raised PAD by Rp 1.9 billion in 2 years"
        )
        assert advice.PadEffect(decimal.Decimal(5_000_000), 1, "x").describe() == (
            "raised PAD by Rp 5.0 million in 1 year"
        )
        assert advice.PadEffect(decimal.Decimal(750_000), 0, "x").describe() == (
            "raised PAD by Rp 750,000"
        )


@pytest.mark.unit
@pytest.mark.parametrize(
    ("amount", "english", "indonesian_number"),
    [
        (1_900_000_000, "Rp 1.9 billion", ("1,9", "billion")),
        (decimal.Decimal("1900000000.0000"), "Rp 1.9 billion", ("1,9", "billion")),
        (2_500_000_000_000, "Rp 2.5 trillion", ("2,5", "trillion")),
        (250_000_000, "Rp 250.0 million", ("250,0", "million")),
        (1_000_000, "Rp 1.0 million", ("1,0", "million")),
        (999_960_000, "Rp 1.0 billion", ("1,0", "billion")),
        (999_999_999_999_999, "Rp 1,000.0 trillion", ("1.000,0", "trillion")),
        (850_000, "Rp 850,000", ("850.000", None)),
        (999_999, "Rp 999,999", ("999.999", None)),
        (0, "Rp 0", ("0", None)),
        (-1_900_000_000, "−Rp 1.9 billion", ("1,9", "billion")),
    ],
)
def test_rupiah_in_english_and_indonesian(amount, english, indonesian_number):
    with translation.override("en"):
        assert advice.rupiah(amount) == english
    number, unit = indonesian_number
    with translation.override("id"):
        sign = "−" if amount < 0 else ""
        expected = f"{sign}Rp {number}" + (f" {gettext(unit)}" if unit else "")
        assert advice.rupiah(amount) == expected


@pytest.mark.integration
def test_recommend_spreads_the_list_over_the_weak_pillars(officer, kupang, secretariat, sumba):
    """Three practices for the weakest pillar and one for the second: the second pillar's
    practice comes third, not last, though each of the others scores higher."""
    services.set_priorities(actor=None, region=sumba, pillars=["LIV", "SOC"])
    for title, pillar, sub in (
        ("A Puskesmas Keliling", "LIV", "LIV.HEA"),
        ("B Posyandu Daring", "LIV", "LIV.HEA"),
        ("C Ambulans Desa", "LIV", "LIV.HEA"),
        ("D Karang Taruna Digital", "SOC", "SOC.COM"),
    ):
        publish(
            make_practice(officer, kupang, title=title, pillars=[pillar], sub_elements=[sub]),
            secretariat,
        )

    _facts, items = advice.recommend(sumba)

    assert [(r.practice.published_version.title, r.pillars, r.score) for r in items] == [
        ("A Puskesmas Keliling", ["LIV"], 8.771),
        ("B Posyandu Daring", ["LIV"], 8.771),
        ("D Karang Taruna Digital", ["SOC"], 6.771),
        ("C Ambulans Desa", ["LIV"], 8.771),
    ]
