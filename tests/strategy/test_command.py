"""``kotacerdas masterplan draft``: a region's masterplan drafted from the shell and written
as JSON, DOCX or PDF (opened again here), saved only with ``--save``; bad input is one
line and exit status 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from pypdf import PdfReader

from kotacerdas import cli
from kotacerdas.core.models import AuditEvent
from kotacerdas.strategy import drafting
from kotacerdas.strategy.models import Masterplan

from .fixtures import english, practices

pytestmark = pytest.mark.integration

TITLE = "Smart city masterplan of Kota Kupang 2026–2035"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("masterplan", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def draft_args(out: Path, *extra: str, region: str = "53.71") -> list[str]:
    return [
        "draft",
        "--region",
        region,
        "--from",
        "2026",
        "--to",
        "2035",
        "--out",
        str(out),
        *extra,
    ]


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2
    return str(caught.value)


def test_draft_as_json_saves_nothing(english, tmp_path, kupang, practices):
    out = tmp_path / "plan.json"

    printed = run(*draft_args(out, "--language", "en"))

    assert printed == (
        "Drafted the masterplan of Kota Kupang for 2026–2035 with 3 programme(s); wrote "
        f"{out} (JSON).\n"
    )
    data = json.loads(out.read_text())
    assert (data["title"], data["language"]) == (TITLE, "en")
    expected = json.loads(json.dumps(drafting.draft(kupang, start=2026, end=2035)))
    assert data["content"] == expected
    reading = data["reading"]
    assert (reading["title"], reading["region"], reading["horizon"], reading["language"]) == (
        TITLE,
        "Kota Kupang",
        "2026–2035",
        "en",
    )
    assert reading["vision"].startswith("Kota Kupang 2035: a smart kota")
    assert [s["key"] for s in reading["sections"]][:3] == ["profile", "readiness", "index"]
    assert "charts" not in json.dumps(reading)
    assert not Masterplan.objects.exists()


def test_draft_in_indonesian_by_default(tmp_path, kupang, practices):
    out = tmp_path / "rencana.json"

    run(*draft_args(out, region="5371"))

    data = json.loads(out.read_text())
    assert data["language"] == data["reading"]["language"] == "id"
    with translation.override("id"):
        from django.utils.translation import gettext

        assert data["title"] == gettext(
            "Smart city masterplan of %(region)s %(first)d–%(last)d"
        ) % {
            "region": "Kota Kupang",
            "first": 2026,
            "last": 2035,
        }
    budget = next(s for s in data["reading"]["sections"] if s["key"] == "budget")
    assert budget["tables"][0]["total"][-1] == "Rp 2.120.000.000"


def test_draft_as_docx_opens_again_with_the_plans_text(english, tmp_path, kupang, practices):
    out = tmp_path / "plan.docx"

    printed = run(*draft_args(out, "--language", "en"))

    assert printed.endswith(f"wrote {out} (DOCX).\n")
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert TITLE in text
    assert "Kota Kupang is a city (kota) in Nusa Tenggara Timur" in text
    assert {"Pajak Restoran Daring dengan Perekam Transaksi", "Bank Sampah Kelurahan"} <= cells
    assert "Rp 2,120,000,000" in cells


def test_draft_as_pdf_opens_again_with_the_plans_text(english, tmp_path, kupang, practices):
    out = tmp_path / "plan.PDF"

    printed = run(*draft_args(out, "--language", "en"))

    assert printed.endswith(f"wrote {out} (PDF).\n")
    assert out.read_bytes().startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "Kota Kupang" in " ".join(text.split())
    assert "Bank Sampah Kelurahan" in " ".join(text.split())


def test_draft_with_save_creates_the_masterplan_as_the_system(english, tmp_path, kupang, practices):
    out = tmp_path / "plan.json"

    printed = run(*draft_args(out, "--save"))

    plan = Masterplan.objects.get()
    version = plan.versions.get()
    assert printed == (
        f"Saved masterplan {plan.pk} of Kota Kupang (2026–2035) as version 1.\n"
        f"Drafted the masterplan of Kota Kupang for 2026–2035 with 3 programme(s); wrote "
        f"{out} (JSON).\n"
    )
    assert (plan.title, plan.created_by, version.number, version.created_by) == (
        TITLE,
        None,
        1,
        None,
    )
    assert json.loads(out.read_text())["content"] == version.content
    assert list(
        AuditEvent.objects.filter(object_type__startswith="strategy.")
        .order_by("id")
        .values_list("channel", "actor_label", "object_type", "region_code")
    ) == [
        ("cli", "", "strategy.masterplan", "53.71"),
        ("cli", "", "strategy.planversion", "53.71"),
    ]
    # A second plan for the same horizon is refused.
    assert refused(*draft_args(out, "--save")) == (
        "Kota Kupang already has a masterplan for 2026–2035."
    )
    assert Masterplan.objects.count() == 1


@pytest.mark.parametrize(
    ("region", "years", "message"),
    [
        ("53.99", ("2026", "2035"), "No kabupaten/kota has the code 53.99."),
        (
            "abc",
            ("2026", "2035"),
            "“abc” is not a Kemendagri code. Use the dotted form such as 53.71 or the digits 5371.",
        ),
        ("53.71", ("2035", "2026"), "--to: The last year comes after the first."),
        (
            "53.71",
            ("1990", "2300"),
            "--from: A year from 2000 to 2100. --to: A year from 2000 to 2100.",
        ),
        ("53.71", ("2026", "2060"), "--to: A masterplan covers at most 20 years."),
    ],
)
def test_draft_refuses_a_bad_region_or_years(english, tmp_path, kupang, region, years, message):
    out = tmp_path / "plan.json"
    args = ["draft", "--region", region, "--from", years[0], "--to", years[1], "--out", str(out)]

    assert refused(*args) == message
    assert not out.exists()
    assert not Masterplan.objects.exists()


def test_draft_refuses_a_retired_region(english, tmp_path, kupang):
    kupang.retired_at = timezone.now()
    kupang.save()

    assert refused(*draft_args(tmp_path / "p.json")) == (
        "No current kabupaten/kota has the code 53.71."
    )


def test_draft_refuses_an_unknown_file_type_and_an_unwritable_file(english, tmp_path, kupang):
    assert refused(*draft_args(tmp_path / "plan.txt")) == (
        f"The file {tmp_path / 'plan.txt'} must end in .docx, .pdf or .json."
    )
    missing = tmp_path / "missing" / "plan.json"
    assert refused(*draft_args(missing)) == (f"Cannot write {missing}: No such file or directory")


def test_draft_of_a_demo_plan_says_so(english, tmp_path, kupang, practices):
    from kotacerdas.practices.models import Practice

    Practice.objects.filter(pk=practices[0].pk).update(is_demo=True)

    printed = run(*draft_args(tmp_path / "plan.json"))

    assert printed.splitlines()[-1] == (
        "The draft builds on demo content; the file is marked DEMO."
    )


def test_the_kotacerdas_command_exits_2_with_one_line(
    tmp_path, settings, kupang, capsys, monkeypatch
):
    settings.DATA_DIR = tmp_path / "data"
    monkeypatch.setenv("KOTACERDAS_LANGUAGE", "en")

    with pytest.raises(SystemExit) as exit_info:
        cli.main(
            [
                "masterplan",
                "draft",
                "--region",
                "53.99",
                "--from",
                "2026",
                "--to",
                "2035",
                "--out",
                str(tmp_path / "plan.docx"),
                "--skip-checks",
            ]
        )

    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "CommandError: No kabupaten/kota has the code 53.99."
    ]
