"""Editing a masterplan into its next version, and comparing two versions.

The tests fill the editor as a browser would: the form the page shows, serialised, with
some fields changed. What is saved is compared with version 1 as a whole document, so
anything the edit should have left alone (the generated texts, the sources) is checked
too."""

from __future__ import annotations

import copy
from typing import Any

import lxml.html
import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kotacerdas.strategy import services
from kotacerdas.strategy.models import PlanVersion

from .fixtures import english, plan, practices

pytestmark = pytest.mark.integration


def client_for_user(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def html(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content.decode())


def text_of(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def form_data(response, testid: str = "plan-form") -> dict[str, list[str]]:
    """What the browser would send for the form as the page shows it."""
    form = html(response).xpath(f"//form[@data-testid='{testid}']")[0]
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        if value.startswith("\n"):  # a browser drops a textarea's first line break
            value = value[1:]
        data.setdefault(name, []).append(value)
    return data


def edit(data: dict[str, list[str]], **changes: Any) -> dict[str, list[str]]:
    """``data`` with fields set (a list for a checkbox group, None to untick or clear)."""
    data = copy.deepcopy(data)
    for name, value in changes.items():
        name = name.replace("__", "-")
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return data


def row_errors(page: lxml.html.HtmlElement, index: int) -> dict[str, list[str]]:
    row = page.xpath(f"//fieldset[@id='row-programmes-{index}']")[0]
    errors = {}
    for field in row.xpath(".//div[contains(@class,'form-row')][.//ul[@class='errorlist']]"):
        name = field.get("data-testid").removeprefix("field-")
        errors[name] = [text_of(li) for li in field.xpath(".//ul[@class='errorlist']/li")]
    for li in row.xpath("./div[@class='problems']//li"):
        errors.setdefault("", []).append(text_of(li))
    return errors


@pytest.fixture
def v1(plan):
    return plan.versions.get().content


# --- who may edit ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 200),
        ("other_officer", 403),
        ("secretariat", 403),
        ("admin_user", 403),
    ],
)
def test_only_the_regions_officers_edit(request, db, plan, officer, role, status):
    data = form_data(client_for_user(officer).get(f"/masterplans/{plan.pk}/edit/"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(f"/masterplans/{plan.pk}/edit/")
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    response = client.post(f"/masterplans/{plan.pk}/edit/", edit(data, vision="Mine."))
    assert response.status_code == (302 if status in (200, 302) else 403)
    assert plan.versions.count() == (2 if role == "officer" else 1)


# --- the form as it opens -------------------------------------------------------------------


def test_the_editor_opens_on_the_latest_version_in_the_page_language(plan, officer, v1):
    data = form_data(client_for_user(officer).get(f"/masterplans/{plan.pk}/edit/"))
    assert data["based_on"] == ["1"] and data["language"] == ["en"]
    assert data["vision"] == [
        "Kota Kupang 2035: a smart kota that serves its people with data and digital services, "
        "raises its own revenue and learns from the network."
    ]
    assert len(data["mission"][0].splitlines()) == len(v1["mission"])
    assert data["programmes-INITIAL_FORMS"] == [str(len(v1["programmes"]))]
    first = v1["programmes"][0]
    assert {
        key: data[f"programmes-0-{key}"]
        for key in ("id", "title", "pillar", "start_year", "duration_years", "cost_idr", "ORDER")
    } == {
        "id": [first["id"]],
        "title": [first["title"]],
        "pillar": [first["pillar"]],
        "start_year": [str(first["start_year"])],
        "duration_years": [str(first["duration_years"])],
        "cost_idr": [f"{first['cost_idr']:,}"],
        "ORDER": ["1"],
    }
    assert data["programmes-0-funding"] == first["funding"]
    # Indonesian numbers on an Indonesian page.
    data = form_data(client_for_user(officer, "id").get(f"/masterplans/{plan.pk}/edit/"))
    assert data["language"] == ["id"]
    assert data["programmes-0-cost_idr"] == [f"{first['cost_idr']:,}".replace(",", ".")]
    assert data["vision"][0].startswith("Kota Kupang 2035: kota cerdas")


@pytest.mark.parametrize("language", ["en", "id"])
def test_saving_an_untouched_form_changes_nothing_in_the_document(plan, officer, v1, language):
    client = client_for_user(officer, language)
    data = form_data(client.get(f"/masterplans/{plan.pk}/edit/"))
    response = client.post(f"/masterplans/{plan.pk}/edit/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/masterplans/{plan.pk}/v2/"
    v2 = plan.versions.get(number=2)
    assert v2.content == v1
    assert (v2.generated, v2.created_by, v2.note) == (False, officer, "")


# --- a full edit ----------------------------------------------------------------------------


def test_an_edit_of_every_kind_saves_exactly_the_next_version(plan, officer, v1, english):
    client = client_for_user(officer)
    data = form_data(client.get(f"/masterplans/{plan.pk}/edit/"))
    first, second, third = v1["programmes"]
    mission = data["mission"][0].splitlines()
    data = edit(
        data,
        vision="Kupang 2035: a city that serves everyone with data.",
        mission="\n".join(
            [mission[0], "Make Kupang known for its bay and its music.", "Open the city's data."]
        ),
        note_strategies="The council agreed these programmes on 3 March.",
        note_vision="Agreed at the 2025 musrenbang.",
        change_note="Our own vision; data first.",
        # the first programme: later, dearer, another agency, a target of our own
        programmes__0__start_year="2027",
        programmes__0__cost_idr="2,000,000,000",
        programmes__0__agency="Bapenda Kota Kupang",
        programmes__0__target="7,000,000,000",
        programmes__0__funding=["apbd"],
        programmes__0__ORDER="3",
        # the second one goes, the third becomes a quick win and comes first
        programmes__1__DELETE="on",
        programmes__2__quick_win="on",
        programmes__2__ORDER="1",
        # the blank row becomes a programme of the region's own, second
        programmes__3__title="Satu Data Kupang",
        programmes__3__pillar="GOV",
        programmes__3__agency="Dinas Kominfo",
        programmes__3__start_year="2026",
        programmes__3__duration_years="2",
        programmes__3__cost_idr="500,000,000",
        programmes__3__metric="Datasets published",
        programmes__3__unit="datasets",
        programmes__3__target="50",
        programmes__3__funding=["apbd", "csr"],
        programmes__3__ORDER="2",
    )
    response = client.post(f"/masterplans/{plan.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == f"/masterplans/{plan.pk}/v2/"
    v2 = plan.versions.get(number=2)
    assert (v2.note, v2.created_by, v2.generated) == ("Our own vision; data first.", officer, False)

    expected = copy.deepcopy(v1)
    expected["vision"] = {"text": "Kupang 2035: a city that serves everyone with data."}
    expected["mission"] = [
        v1["mission"][0],  # untouched: still the generator's, in both languages
        {"text": "Make Kupang known for its bay and its music."},
        {"text": "Open the city's data."},
    ]
    expected["notes"] = {
        "strategies": {"text": "The council agreed these programmes on 3 March."},
        "vision": {"text": "Agreed at the 2025 musrenbang."},
    }
    changed_first = copy.deepcopy(first) | {
        "start_year": 2027,
        "cost_idr": 2_000_000_000,
        "agency": "Bapenda Kota Kupang",
        "target": 7_000_000_000,
        "target_change_pct": None,
        "funding": ["apbd"],
    }
    # What the draft said of the first programme's cost and target no longer holds.
    assert [t["key"] for t in first["texts"]] == [
        "programme",
        "cost_scaled",
        "target_change",
        "pad_effect",
    ]
    changed_first["texts"] = [
        first["texts"][0],
        {"key": "cost_set", "params": {"estimate": {"idr": first["cost_idr"]}}},
        {"key": "target_set", "params": {}},
        first["texts"][3],
    ]
    new = {
        "id": "P4",
        "title": "Satu Data Kupang",
        "pillar": "GOV",
        "agency": "Dinas Kominfo",
        "start_year": 2026,
        "duration_years": 2,
        "cost_idr": 500_000_000,
        "metric": "Datasets published",
        "unit": "datasets",
        "target": 50,
        "funding": ["apbd", "csr"],
        "quick_win": False,
        "practice": None,
        "baseline": None,
        "target_change_pct": None,
        "pad_effect": None,
        "fit": {"score": None, "unknown": 0, "needs_first": []},
        "texts": [],
        "sources": [],
    }
    quick_third = third | {
        "quick_win": True,
        "texts": [*third["texts"], {"key": "quick_win_set", "params": {}}],
    }
    expected["programmes"] = [quick_third, new, changed_first]
    order = {"P3": 0, "P4": 1, "P1": 2}
    for strategy in expected["strategies"]:
        ids = [i for i in strategy["programmes"] if i != second["id"]]
        if strategy["pillar"] == "GOV":
            ids.append("P4")
        strategy["programmes"] = sorted(ids, key=order.__getitem__)
    assert v2.content == expected

    # The new version reads as edited.
    page = html(client.get(response["Location"]))
    assert text_of(page.xpath("//*[@data-testid='vision']")[0]) == expected["vision"]["text"]
    assert [text_of(li) for li in page.xpath("//*[@data-testid='mission']/li")] == [
        mission[0],
        "Make Kupang known for its bay and its music.",
        "Open the city's data.",
    ]
    note = page.xpath("//*[@data-testid='note-strategies']")[0]
    assert text_of(note.xpath("./strong")[0]) == "Officers' note"
    assert text_of(note.xpath("./p")[0]) == "The council agreed these programmes on 3 March."
    vision_note = page.xpath("//*[@data-testid='note-vision']/p")
    assert [text_of(p) for p in vision_note] == ["Agreed at the 2025 musrenbang."]
    # The comparison names the move of the first programme to the end.
    page = html(client.get(f"/masterplans/{plan.pk}/diff/1/2/"))
    changes = page.xpath(f"//*[@data-testid='programme-changes']//tr[@data-id='{first['id']}']//li")
    assert [text_of(li) for li in changes] == [
        f"Lead agency: {first['agency']} → Bapenda Kota Kupang",
        "First year: 2026 → 2027",
        f"Cost (rupiah): Rp {first['cost_idr']:,} → Rp 2,000,000,000",
        "Target: — → 7,000,000,000",
        "Funding sources: APBD, Public-private partnership (KPBU) → APBD",
        f"Target change (%): {first['target_change_pct']} → —",
        "Position: 1 → 3",
    ]


def test_a_generated_text_changed_by_the_officer_becomes_written(plan, officer, v1):
    """The vision shown in Indonesian and changed stays the officer's text in every language."""
    client = client_for_user(officer, "id")
    data = form_data(client.get(f"/masterplans/{plan.pk}/edit/"))
    data = edit(data, vision=data["vision"][0] + " Kupang Hebat!")
    assert client.post(f"/masterplans/{plan.pk}/edit/", data).status_code == 302
    vision = plan.versions.get(number=2).content["vision"]
    assert vision == {"text": data["vision"][0]}
    assert vision["text"].endswith("Kupang Hebat!")


def test_add_a_programme_gives_one_more_row_and_saves_nothing(plan, officer, v1, english):
    client = client_for_user(officer)
    data = form_data(client.get(f"/masterplans/{plan.pk}/edit/"))
    response = client.post(f"/masterplans/{plan.pk}/edit/", edit(data, add="programmes"))
    assert response.status_code == 200
    page = html(response)
    assert (
        len(page.xpath("//fieldset[contains(@class,'programme-row')]")) == len(v1["programmes"]) + 2
    )
    assert plan.versions.count() == 1
    # The officer's typing survives the extra row.
    data = edit(data, vision="Typed before adding a row.", add="programmes")
    again = form_data(client.post(f"/masterplans/{plan.pk}/edit/", data))
    assert again["vision"] == ["Typed before adding a row."]


# --- problems -------------------------------------------------------------------------------


def test_a_year_outside_the_plan_is_shown_on_its_row_and_nothing_is_saved(
    plan, officer, v1, english
):
    client = client_for_user(officer)
    data = form_data(client.get(f"/masterplans/{plan.pk}/edit/"))
    # The first row is removed, so the third row is the second programme saved: the
    # problem must still land on the third row.
    data = edit(data, programmes__0__DELETE="on", programmes__2__start_year="2040")
    response = client.post(f"/masterplans/{plan.pk}/edit/", data)
    assert response.status_code == 400
    page = html(response)
    assert row_errors(page, 2) == {"start_year": ["A year from 2026 to 2035."]}
    assert row_errors(page, 0) == {} and row_errors(page, 1) == {}
    third = v1["programmes"][2]
    problems = [text_of(li) for li in page.xpath("//*[@data-testid='problems']//li")]
    assert problems == [
        f"Programme {third['id']} · {third['title']} · First year: A year from 2026 to 2035."
    ]
    assert page.xpath("//*[@data-testid='problems']//li/a/@href") == ["#row-programmes-2"]
    # What was typed is shown again.
    assert form_data(response)["programmes-2-start_year"] == ["2040"]
    assert plan.versions.count() == 1


def test_problems_of_a_new_programme_and_the_texts_are_named(plan, officer, v1, english):
    client = client_for_user(officer)
    data = form_data(client.get(f"/masterplans/{plan.pk}/edit/"))
    n = len(v1["programmes"])
    data = edit(
        data,
        vision="",
        mission="",
        **{
            f"programmes-{n}-cost_idr": "a lot",
            f"programmes-{n}-start_year": "2026",
            f"programmes-{n}-duration_years": "0",
        },
    )
    response = client.post(f"/masterplans/{plan.pk}/edit/", data)
    assert response.status_code == 400
    page = html(response)
    assert row_errors(page, n) == {
        "title": ["This field is required."],
        "pillar": ["Choose one of the pillars."],
        "duration_years": ["A whole number of years within the plan."],
        "cost_idr": ["An amount in rupiah, not negative."],
    }
    vision = page.xpath("//div[@id='field-vision']//ul[@class='errorlist']/li")
    mission = page.xpath("//div[@id='field-mission']//ul[@class='errorlist']/li")
    assert [text_of(li) for li in vision] == ["This field is required."]
    assert [text_of(li) for li in mission] == ["Give at least one mission."]
    assert plan.versions.count() == 1


def test_a_change_note_too_long_is_shown_on_its_field(plan, officer, v1, english):
    client = client_for_user(officer)
    data = edit(form_data(client.get(f"/masterplans/{plan.pk}/edit/")), change_note="x" * 301)
    response = client.post(f"/masterplans/{plan.pk}/edit/", data)
    assert response.status_code == 400
    errors = html(response).xpath("//div[@id='field-change_note']//ul[@class='errorlist']/li")
    # The service's own words, next to the field.
    with pytest.raises(ValidationError) as refused:
        services.save_version(
            actor=officer, masterplan=plan, content=v1, note="x" * 301, based_on=1
        )
    assert [text_of(li) for li in errors] == refused.value.message_dict["note"]
    assert plan.versions.count() == 1


def test_an_edit_of_a_version_that_is_no_longer_the_latest_is_refused(plan, officer, v1, english):
    client = client_for_user(officer)
    data = form_data(client.get(f"/masterplans/{plan.pk}/edit/"))
    # Meanwhile a colleague saves version 2.
    services.save_version(actor=officer, masterplan=plan, content=v1, note="Colleague", based_on=1)
    response = client.post(f"/masterplans/{plan.pk}/edit/", edit(data, vision="Mine."))
    assert response.status_code == 409
    page = html(response)
    assert [text_of(li) for li in page.xpath("//*[@data-testid='problems']//li")] == [
        "Version 2 was saved while you were editing version 1; open the latest version and "
        "make your change again."
    ]
    assert page.xpath("//*[@data-testid='stale']//a/@href") == [f"/masterplans/{plan.pk}/"]
    saved = PlanVersion.objects.filter(masterplan=plan).order_by("number")
    assert [(v.number, v.note) for v in saved][1:] == [(2, "Colleague")]
    assert saved.count() == 2


# --- comparing two versions -----------------------------------------------------------------


def test_the_diff_shows_what_the_edit_changed(plan, officer, v1, english):
    client = client_for_user(officer)
    data = form_data(client.get(f"/masterplans/{plan.pk}/edit/"))
    first, second, third = v1["programmes"]
    data = edit(
        data,
        vision="Kupang 2035: a smart city that serves its people.",
        note_budget="APBD only until 2028.",
        programmes__0__start_year="2027",
        programmes__0__cost_idr="2,000,000,000",
        programmes__0__funding=["apbd"],
        programmes__1__DELETE="on",
        programmes__2__quick_win="on",
        programmes__3__title="Satu Data Kupang",
        programmes__3__pillar="GOV",
        programmes__3__start_year="2026",
        programmes__3__duration_years="1",
    )
    assert client.post(f"/masterplans/{plan.pk}/edit/", data).status_code == 302

    # The plan page's version selectors lead to the comparison.
    response = client.get(f"/masterplans/{plan.pk}/diff/", {"a": "1", "b": "2"})
    assert response["Location"] == f"/masterplans/{plan.pk}/diff/1/2/"
    response = client.get(response["Location"])
    assert response.status_code == 200
    page = html(response)

    sections = {
        tr.get("data-section"): tr
        for tr in page.xpath("//*[@data-testid='section-changes']//tr[@data-section]")
    }
    changed = sorted(key for key, tr in sections.items() if tr.get("data-changed") == "yes")
    assert changed == ["budget", "quick_wins", "roadmap", "strategies", "vision"]
    vision = sections["vision"]
    assert [text_of(d) for d in vision.xpath(".//del")] == [
        "Kota",
        "kota",
        "people with data and digital services, raises its own revenue and learns from the "
        "network.",
    ]
    assert [text_of(i) for i in vision.xpath(".//ins")] == ["city", "people."]
    assert "Officers' note: APBD only until 2028." in [
        text_of(i) for i in sections["budget"].xpath(".//ins")
    ]

    rows = {
        tr.get("data-id"): tr
        for tr in page.xpath("//*[@data-testid='programme-changes']//tr[@data-id]")
    }
    assert {pid: tr.get("data-kind") for pid, tr in rows.items()} == {
        "P4": "added",
        first["id"]: "changed",
        third["id"]: "changed",
        second["id"]: "removed",
    }
    assert [text_of(li) for li in rows[first["id"]].xpath(".//li")] == [
        "First year: 2026 → 2027",
        f"Cost (rupiah): Rp {first['cost_idr']:,} → Rp 2,000,000,000",
        "Funding sources: APBD, Public-private partnership (KPBU) → APBD",
    ]
    # Removing the second programme moves the third up, but that is no change of its own.
    assert [text_of(li) for li in rows[third["id"]].xpath(".//li")] == ["Quick win: no → yes"]

    totals = {
        text_of(tr.xpath("./th")[0]): [text_of(td) for td in tr.xpath("./td")]
        for tr in page.xpath("//*[@data-testid='totals']/tbody/tr")
    }
    old_total = sum(p["cost_idr"] for p in v1["programmes"])
    new_total = 2_000_000_000 + third["cost_idr"]
    assert totals == {
        "Estimated total cost": [f"Rp {old_total:,}", f"Rp {new_total:,}"],
        "Programmes": ["3", "3"],
        "Quick wins": ["0", "1"],
        "Programmes without a cost estimate": ["—", "P4"],
    }


@pytest.mark.parametrize(
    "query", [{"a": "1"}, {"a": "-1", "b": "1"}, {"a": "1", "b": "²"}, {"a": "0", "b": "1"}]
)
def test_comparing_needs_two_versions(plan, officer, english, query):
    client = client_for_user(officer)
    response = client.get(f"/masterplans/{plan.pk}/diff/", query, follow=True)
    assert response.redirect_chain == [(f"/masterplans/{plan.pk}/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["Choose two versions to compare."]
