"""The masterplan pages: the list, drafting a plan, reading a version, the secretariat's
comments and the masterplan section of the region page, in English, with who may see what."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kotacerdas.core.models import AuditEvent
from kotacerdas.strategy import services
from kotacerdas.strategy.models import Masterplan, PlanComment, PlanVersion

from .fixtures import english, plan, practices

pytestmark = pytest.mark.integration

ROLES = ("anonymous", "officer", "other_officer", "secretariat", "admin_user")


def client_for(request, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def html(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content.decode())


def by_testid(page: lxml.html.HtmlElement, testid: str) -> list[lxml.html.HtmlElement]:
    return page.xpath(f"//*[@data-testid='{testid}']")


def text_of(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- drafting a plan ------------------------------------------------------------------------


def test_create_form_offers_the_next_ten_years(officer, kupang, english):
    client = client_for_user(officer)
    response = client.get("/masterplans/new/53.71/")
    page = html(response)
    year = timezone.localdate().year + 1
    assert response.status_code == 200
    assert page.xpath("//input[@name='start_year']/@value") == [str(year)]
    assert page.xpath("//input[@name='end_year']/@value") == [str(year + 9)]
    assert page.xpath("//input[@name='title']/@value") == []


def client_for_user(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_officer_drafts_a_plan_and_reads_version_1_with_the_practices_programmes(
    officer, kupang, practices, english
):
    client = client_for_user(officer)
    response = client.post(
        "/masterplans/new/53.71/", {"start_year": "2026", "end_year": "2035", "title": ""}
    )
    plan = Masterplan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/masterplans/{plan.pk}/"
    assert (plan.region, plan.start_year, plan.end_year, plan.created_by, plan.is_demo) == (
        kupang,
        2026,
        2035,
        officer,
        False,
    )
    assert plan.title == "Smart city masterplan of Kota Kupang 2026–2035"
    version = plan.versions.get()
    assert (version.number, version.generated, version.created_by) == (1, True, officer)

    response = client.get(response["Location"])
    page = html(response)
    assert response.status_code == 200
    assert text_of(page.xpath("//h1")[0]) == plan.title
    line = text_of(by_testid(page, "version-line")[0])
    assert line.startswith("Version 1 of 1 · saved ")
    assert line.endswith("WITA by officer.kupang · drafted by KotaCerdas")
    assert text_of(by_testid(page, "vision")[0]) == (
        "Kota Kupang 2035: a smart kota that serves its people with data and digital "
        "services, raises its own revenue and learns from the network."
    )
    # Each practice of the library became a programme, listed under its pillar's strategy
    # with the practice named as its source.
    programmes = version.content["programmes"]
    strategies = by_testid(page, "section-strategies")[0]
    rows = [
        [text_of(td) for td in tr.xpath("./td")[:2]]
        for tr in strategies.xpath(".//table[@data-testid]//tbody/tr")
    ]
    assert sorted(rows) == sorted([p["id"], p["title"]] for p in programmes)
    assert sorted(p["practice"]["slug"] for p in programmes) == sorted(p.slug for p in practices)
    sources = [text_of(s) for s in strategies.xpath(".//small[contains(@class,'sources')]")]
    for practice in practices:
        title = practice.published_version.title
        assert (
            f"Source: {title} — Kabupaten Sumba Timur, {practice.published_version.published_at.year}"
            in sources
        )
    # The budget's total row adds up the programmes' costs.
    budget = by_testid(page, "section-budget")[0]
    total = text_of(budget.xpath(".//tfoot/tr/th")[-1])
    cost = sum(p["cost_idr"] for p in programmes)
    assert total == f"Rp {cost:,}"
    assert [e.action for e in AuditEvent.objects.order_by("pk")][-2:] == ["create", "create"]


def test_create_shows_the_services_problems_next_to_the_fields(officer, kupang, english):
    client = client_for_user(officer)
    response = client.post("/masterplans/new/53.71/", {"start_year": "2030", "end_year": "2029"})
    page = html(response)
    assert response.status_code == 400
    assert text_of(page.xpath("//div[@id='field-end_year']//ul[@class='errorlist']")[0]) == (
        "The last year comes after the first."
    )
    response = client.post("/masterplans/new/53.71/", {"start_year": "soon", "end_year": "2035"})
    page = html(response)
    assert response.status_code == 400
    assert text_of(page.xpath("//div[@id='field-start_year']//ul[@class='errorlist']")[0]) == (
        "Enter a whole number."
    )
    assert not Masterplan.objects.exists()


def test_create_refuses_a_second_plan_for_the_same_years(plan, officer, english):
    client = client_for_user(officer)
    response = client.post("/masterplans/new/53.71/", {"start_year": "2026", "end_year": "2035"})
    assert response.status_code == 400
    assert text_of(by_testid(html(response), "form-errors")[0]) == (
        "Kota Kupang already has a masterplan for 2026–2035."
    )
    assert Masterplan.objects.count() == 1


def test_create_for_an_unknown_region_is_not_found(officer):
    assert client_for_user(officer).get("/masterplans/new/99.99/").status_code == 404


@pytest.mark.parametrize(
    ("role", "get_status", "may_create"),
    [
        ("anonymous", 302, False),
        ("officer", 200, True),
        ("other_officer", 403, False),
        ("secretariat", 200, True),
        ("admin_user", 200, True),
    ],
)
def test_who_may_draft_a_plan_for_kota_kupang(request, db, kupang, role, get_status, may_create):
    client = client_for(request, role)
    response = client.get("/masterplans/new/53.71/")
    assert response.status_code == get_status
    if role == "anonymous":
        assert is_login_redirect(response)
    response = client.post("/masterplans/new/53.71/", {"start_year": "2026", "end_year": "2035"})
    assert Masterplan.objects.exists() == may_create
    assert response.status_code == (302 if may_create or role == "anonymous" else 403)


# --- the list -------------------------------------------------------------------------------


@pytest.fixture
def sumba_plan(other_officer, sumba, practices):
    return services.create_masterplan(
        actor=other_officer, region=sumba, start_year=2026, end_year=2030
    )


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("anonymous", None),
        ("officer", ["Kota Kupang"]),
        ("other_officer", ["Kabupaten Sumba Timur"]),
        ("secretariat", ["Kabupaten Sumba Timur", "Kota Kupang"]),
        ("admin_user", ["Kabupaten Sumba Timur", "Kota Kupang"]),
    ],
)
def test_the_list_shows_the_plans_each_user_may_read(request, db, plan, sumba_plan, role, shown):
    response = client_for(request, role).get("/masterplans/")
    if shown is None:
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    page = html(response)
    regions = [
        text_of(tr.xpath("./td/a")[0])
        for tr in page.xpath("//table[@data-testid='plans']/tbody/tr")
    ]
    assert regions == shown
    create = by_testid(page, "create")
    if role in ("officer", "other_officer"):
        assert create[0].get("href") == reverse(
            "strategy:create", kwargs={"code": "53.71" if role == "officer" else "53.11"}
        )
    else:
        assert create == []


@pytest.mark.parametrize("n", [1, 3])
def test_list_query_count_does_not_grow(secretariat, kupang, django_assert_num_queries, n):
    for i in range(n):
        plan = Masterplan.objects.create(
            region=kupang, start_year=2026 + i, end_year=2030 + i, title=f"Plan {i}"
        )
        PlanVersion.objects.create(masterplan=plan, number=1, content={})
    client = client_for_user(secretariat)
    with django_assert_num_queries(3):  # session, user, plans with their counts
        response = client.get("/masterplans/")
    assert len(html(response).xpath("//table[@data-testid='plans']/tbody/tr")) == n


# --- reading a version ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 200),
        ("other_officer", 403),
        ("secretariat", 200),
        ("admin_user", 200),
    ],
)
@pytest.mark.parametrize("page", ["detail", "version", "diff"])
def test_who_may_read_a_plan(request, db, plan, role, status, page):
    services.save_version(
        actor=request.getfixturevalue("officer"),
        masterplan=plan,
        content=plan.versions.get().content,
        based_on=1,
    )
    url = {
        "detail": f"/masterplans/{plan.pk}/",
        "version": f"/masterplans/{plan.pk}/v1/",
        "diff": f"/masterplans/{plan.pk}/diff/1/2/",
    }[page]
    response = client_for(request, role).get(url)
    assert response.status_code == status
    if role == "anonymous":
        assert is_login_redirect(response)


def test_unknown_plans_and_versions_are_not_found(plan, officer):
    client = client_for_user(officer)
    assert client.get(f"/masterplans/{plan.pk + 1}/").status_code == 404
    assert client.get(f"/masterplans/{plan.pk}/v2/").status_code == 404
    assert client.get(f"/masterplans/{plan.pk}/diff/1/2/").status_code == 404


def test_an_earlier_version_says_so_and_links_to_the_latest(plan, officer, english):
    content = plan.versions.get().content
    content["vision"] = {"text": "Kupang 2035: a city that answers."}
    services.save_version(
        actor=officer, masterplan=plan, content=content, note="Our vision", based_on=1
    )
    client = client_for_user(officer)
    old = html(client.get(f"/masterplans/{plan.pk}/v1/"))
    assert text_of(by_testid(old, "not-latest")[0]) == (
        "This is version 1, not the latest. Read the latest version (2)"
    )
    assert "Kota Kupang 2035: a smart kota" in text_of(by_testid(old, "vision")[0])
    new = html(client.get(f"/masterplans/{plan.pk}/"))
    assert by_testid(new, "not-latest") == []
    assert text_of(by_testid(new, "vision")[0]) == "Kupang 2035: a city that answers."
    line = text_of(by_testid(new, "version-line")[0])
    assert line.startswith("Version 2 of 2") and line.endswith("by officer.kupang · Our vision")
    versions = [
        [text_of(td) for td in tr.xpath("./td")[:1] + tr.xpath("./td")[2:4]]
        for tr in by_testid(new, "versions")[0].xpath("./tbody/tr")
    ]
    assert versions == [
        ["2", "officer.kupang", "Our vision"],
        ["1", "officer.kupang", "drafted by KotaCerdas"],
    ]
    assert by_testid(new, "diff-previous")[0].get("href") == f"/masterplans/{plan.pk}/diff/1/2/"


def test_the_officers_note_on_the_vision_closes_the_vision_and_mission(plan, officer, english):
    content = plan.versions.get().content
    content["notes"] = {"vision": {"text": "Agreed at the 2025 musrenbang."}}
    services.save_version(actor=officer, masterplan=plan, content=content)
    page = html(client_for_user(officer).get(f"/masterplans/{plan.pk}/"))
    section = by_testid(page, "section-vision")[0]
    notes = section.xpath(".//*[@data-testid='note-vision']")
    assert [(text_of(n.xpath("./strong")[0]), text_of(n.xpath("./p")[0])) for n in notes] == [
        ("Officers' note", "Agreed at the 2025 musrenbang.")
    ]
    assert notes[0].getprevious().get("data-testid") == "mission"


def test_the_page_reads_in_indonesian_by_default(plan, officer):
    client = Client()
    client.force_login(officer)
    page = html(client.get(f"/masterplans/{plan.pk}/"))
    assert text_of(by_testid(page, "vision")[0]).startswith("Kota Kupang 2035: kota cerdas")
    assert page.xpath("//article/@lang") == ["id"]


def test_a_demo_plan_carries_the_demo_badge(plan, officer, english):
    client = client_for_user(officer)
    assert (
        html(client.get(f"/masterplans/{plan.pk}/")).xpath("//h1//span[contains(@class,'demo')]")
        == []
    )
    Masterplan.objects.filter(pk=plan.pk).update(is_demo=True)
    badge = html(client.get(f"/masterplans/{plan.pk}/")).xpath(
        "//h1//span[contains(@class,'demo')]"
    )
    assert [text_of(b) for b in badge] == ["DEMO"]


@pytest.mark.parametrize("n", [1, 3])
def test_plan_page_query_count_does_not_grow(
    plan, officer, secretariat, django_assert_num_queries, n
):
    content = plan.versions.get().content
    for number in range(2, n + 1):
        services.save_version(actor=officer, masterplan=plan, content=content, based_on=number - 1)
    latest = plan.versions.get(number=n)
    for section in ("vision", "budget", "budget")[:n]:
        services.add_comment(actor=secretariat, version=latest, section=section, text="Why?")
    client = client_for_user(secretariat)
    # session, user, plan, versions, the version shown, its comments
    with django_assert_num_queries(6):
        response = client.get(f"/masterplans/{plan.pk}/")
    page = html(response)
    assert len(by_testid(page, "versions")[0].xpath("./tbody/tr")) == n
    assert len(page.xpath("//div[@class='plan-comment']")) == n


# --- comments -------------------------------------------------------------------------------


def test_the_secretariats_comment_shows_beside_its_section_of_that_version(
    plan, officer, secretariat, english
):
    client = client_for_user(secretariat)
    page = html(client.get(f"/masterplans/{plan.pk}/"))
    choices = page.xpath(
        "//form[@data-testid='comment-form']//select[@name='section']/option/@value"
    )
    assert choices[:3] == ["vision", "profile", "readiness"]
    response = client.post(
        f"/masterplans/{plan.pk}/v1/comment/",
        {"section": "budget", "text": "Name the APBD line for each year."},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/masterplans/{plan.pk}/v1/#section-budget"
    comment = PlanComment.objects.get()
    assert (comment.version.number, comment.section, comment.text, comment.author) == (
        1,
        "budget",
        "Name the APBD line for each year.",
        secretariat,
    )
    # The region's officer reads it on version 1, in the budget section.
    page = html(client_for_user(officer).get(f"/masterplans/{plan.pk}/v1/"))
    comments = by_testid(page, "comments-budget")
    assert len(comments) == 1
    assert text_of(comments[0].xpath("./h3")[0]) == "1 comment of the secretariat"
    shown = comments[0].xpath(".//div[@class='plan-comment']/p")
    assert text_of(shown[0]) == "Name the APBD line for each year."
    assert text_of(shown[1]).startswith("secretariat · ") and text_of(shown[1]).endswith(" WITA")
    assert by_testid(page, "comments-vision") == []
    assert page.xpath("//form[@data-testid='comment-form']") == []  # officers do not comment
    # A later version starts without comments.
    services.save_version(
        actor=officer, masterplan=plan, content=plan.versions.get().content, based_on=1
    )
    assert by_testid(html(client.get(f"/masterplans/{plan.pk}/v2/")), "comments-budget") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"section": "budget", "text": "  "},
            "Your comment was not saved: This field is required.",
        ),
        (
            {"section": "nowhere", "text": "Hm."},
            "Your comment was not saved: Select a valid choice. nowhere is not one of the "
            "available choices.",
        ),
    ],
)
def test_a_comment_with_problems_is_not_saved(plan, secretariat, english, data, message):
    client = client_for_user(secretariat)
    response = client.post(f"/masterplans/{plan.pk}/v1/comment/", data, follow=True)
    assert response.redirect_chain == [(f"/masterplans/{plan.pk}/v1/#comment-form", 302)]
    assert [str(m) for m in response.context["messages"]] == [message]
    assert not PlanComment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 403),
        ("other_officer", 403),
        ("secretariat", 302),
        ("admin_user", 302),
    ],
)
def test_only_the_secretariat_comments(request, db, plan, role, status):
    client = client_for(request, role)
    response = client.post(
        f"/masterplans/{plan.pk}/v1/comment/", {"section": "vision", "text": "Ok."}
    )
    assert response.status_code == status
    assert PlanComment.objects.exists() == (role in ("secretariat", "admin_user"))
    if role == "anonymous":
        assert is_login_redirect(response)
    assert client.get(f"/masterplans/{plan.pk}/v1/comment/").status_code == (
        302 if role == "anonymous" else 405
    )


# --- the region page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "section", "draft"),
    [
        ("anonymous", False, False),
        ("officer", True, True),
        ("other_officer", False, False),
        ("secretariat", True, True),
        ("admin_user", True, True),
    ],
)
def test_the_region_page_links_the_masterplans_for_those_allowed(
    request, db, plan, role, section, draft
):
    page = html(client_for(request, role).get("/regions/53.71/"))
    sections = by_testid(page, "masterplans-section")
    assert len(sections) == int(section)
    if section:
        links = sections[0].xpath(".//ul[@data-testid='region-plans']/li/a")
        assert [(a.get("href"), text_of(a)) for a in links] == [
            (f"/masterplans/{plan.pk}/", plan.title)
        ]
        assert text_of(sections[0].xpath(".//li/span")[0]) == "2026–2035 · 1 version"
    buttons = by_testid(page, "draft-masterplan")
    assert [b.get("href") for b in buttons] == (["/masterplans/new/53.71/"] if draft else [])


def test_the_region_page_offers_a_draft_when_there_is_no_plan_yet(officer, kupang, english):
    page = html(client_for_user(officer).get("/regions/53.71/"))
    section = by_testid(page, "masterplans-section")[0]
    assert "The region has no smart-city masterplan on KotaCerdas yet." in text_of(section)
    assert by_testid(page, "draft-masterplan")[0].get("href") == "/masterplans/new/53.71/"


def test_the_version_page_links_its_files_in_both_languages(plan, officer, english):
    page = html(client_for_user(officer).get(f"/masterplans/{plan.pk}/v1/"))
    links = {
        a.get("data-testid"): a.get("href") for a in page.xpath("//*[@data-testid='downloads']//a")
    }
    base = f"/masterplans/{plan.pk}/v1"
    assert links == {
        "download-docx-id": f"{base}/plan.docx?lang=id",
        "download-pdf-id": f"{base}/plan.pdf?lang=id",
        "download-summary-id": f"{base}/summary.pdf?lang=id",
        "download-docx-en": f"{base}/plan.docx?lang=en",
        "download-pdf-en": f"{base}/plan.pdf?lang=en",
        "download-summary-en": f"{base}/summary.pdf?lang=en",
    }
