"""Downloading a masterplan version as DOCX, PDF and one-page summary: who may, in which
language, under which name, and what the files hold when opened again."""

from __future__ import annotations

from io import BytesIO

import docx
import pytest
from django.test import Client
from django.urls import reverse
from docx.oxml.ns import qn
from pypdf import PdfReader

from kotacerdas.strategy import content as plan_content
from kotacerdas.strategy import reading, services

from .fixtures import plan, practices

pytestmark = pytest.mark.integration

ROLES = ("anonymous", "officer", "other_officer", "secretariat", "admin_user")
ALLOWED = {
    "anonymous": 302,
    "officer": 200,
    "other_officer": 403,
    "secretariat": 200,
    "admin_user": 200,
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FILES = {  # url name: (content type, file name of version 1 in Indonesian)
    "docx": (DOCX, "masterplan-53.71-2026-2035-v1-id.docx"),
    "pdf": ("application/pdf", "masterplan-53.71-2026-2035-v1-id.pdf"),
    "summary": ("application/pdf", "masterplan-53.71-2026-2035-v1-summary-id.pdf"),
}


def client_for(request, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def url(name: str, pk: int, number: int = 1, **query: str) -> str:
    path = reverse(f"strategy:{name}", kwargs={"pk": pk, "number": number})
    return path + "".join(f"?{k}={v}" for k, v in query.items())


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_export_urls():
    assert url("docx", 7, 2) == "/masterplans/7/v2/plan.docx"
    assert url("pdf", 7, 2) == "/masterplans/7/v2/plan.pdf"
    assert url("summary", 7, 2, lang="en") == "/masterplans/7/v2/summary.pdf?lang=en"


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_download_the_files_of_kupangs_plan(request, db, plan, role, name):
    response = client_for(request, role).get(url(name, plan.pk))
    assert response.status_code == ALLOWED[role]
    if role == "anonymous":
        assert is_login_redirect(response)
    if response.status_code == 200:
        content_type, filename = FILES[name]
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


@pytest.mark.parametrize("name", FILES)
def test_unknown_plan_or_version_is_404_and_anonymous_still_signs_in_first(request, db, plan, name):
    secretariat = client_for(request, "secretariat")
    assert secretariat.get(url(name, plan.pk + 1)).status_code == 404
    assert secretariat.get(url(name, plan.pk, 2)).status_code == 404
    assert is_login_redirect(client_for(request, "anonymous").get(url(name, plan.pk + 1)))


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("lang", ["fr", "EN", "", "id-ID"])
def test_a_language_other_than_id_or_en_is_refused_with_a_message(request, db, plan, name, lang):
    response = client_for(request, "officer").get(url(name, plan.pk, lang=lang))
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "The parameter lang must be id (Indonesian) or en (English)."
    )


def test_a_file_is_only_read_not_posted(officer, plan):
    client = Client()
    client.force_login(officer)
    assert client.post(url("docx", plan.pk)).status_code == 405


def test_docx_in_english_of_a_later_version_is_that_version_in_english(officer, plan):
    content = plan.versions.get().content
    content["vision"] = plan_content.written("Kupang 2035: kota cerdas yang melayani warganya.")
    services.save_version(actor=officer, masterplan=plan, content=content, note="Visi baru")
    client = Client()
    client.force_login(officer)
    response = client.get(url("docx", plan.pk, 2, lang="en"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="masterplan-53.71-2026-2035-v2-en.docx"'
    )
    doc = docx.Document(BytesIO(response.content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:3] == [plan.title, "Kota Kupang", "Planning horizon 2026–2035"]
    assert texts[texts.index("Vision") + 1] == "Kupang 2035: kota cerdas yang melayani warganya."
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"][1:4] == [
        "Regional profile",
        "Readiness",
        "Smart-city index results",
    ]
    lang = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert lang.find(qn("w:lang")).get(qn("w:val")) == "en-US"


def test_pdf_and_summary_default_to_indonesian(secretariat, plan):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the page's language does not choose the file's
    client.force_login(secretariat)
    content = plan.versions.get().content
    total = plan_content.budget(content).total
    with_id = reading.read(plan.title, content, "id")
    plan_pdf = PdfReader(BytesIO(client.get(url("pdf", plan.pk)).content))
    summary = PdfReader(BytesIO(client.get(url("summary", plan.pk)).content))
    assert len(plan_pdf.pages) > 1 and len(summary.pages) == 1
    assert plan_pdf.metadata.title == plan.title
    text = "\n".join(page.extract_text() for page in plan_pdf.pages)
    for section in with_id.sections:
        assert section.title in text
    assert "Rp 2.120.000.000" in text
    assert "Rp 2.120.000.000" in summary.pages[0].extract_text()
    assert total == 2_120_000_000


def test_files_of_a_demo_plan_say_demo(officer, plan):
    plan.is_demo = True
    plan.save(update_fields=["is_demo"])
    client = Client()
    client.force_login(officer)
    doc = docx.Document(BytesIO(client.get(url("docx", plan.pk, lang="en")).content))
    assert doc.paragraphs[3].text == "DEMO — illustrative, not official"
    assert doc.sections[0].footer.paragraphs[0].text.startswith("DEMO · ")
    for name in ("pdf", "summary"):
        first = PdfReader(BytesIO(client.get(url(name, plan.pk, lang="en")).content)).pages[0]
        assert "DEMO — illustrative, not official" in first.extract_text()
