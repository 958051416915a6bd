"""``kotacerdas practices ...``: search, recommend, import, export and reindex from the shell."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kotacerdas.core.models import AuditEvent
from kotacerdas.practices import search
from kotacerdas.practices.models import Practice

from .fixtures import make_practice, make_record, publish

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("practices", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def two_published(officer, kupang, secretariat):
    tax = publish(make_practice(officer, kupang), secretariat)
    waste = publish(
        make_practice(
            officer,
            kupang,
            title="Bank Sampah Kelurahan",
            summary="Warga menabung sampah terpilah di bank sampah kelurahan.",
            pillars=["ENV"],
            sub_elements=["ENV.WST"],
            outcomes=[
                {
                    "name": "Sampah terpilah terkumpul",
                    "unit": "ton",
                    "value": 120,
                    "year": 2024,
                    "source": "Catatan Dinas Lingkungan Hidup",
                }
            ],
        ),
        secretariat,
    )
    return tax, waste


def test_search_finds_by_an_inflected_word_and_lists_slug_and_title(two_published):
    out, _ = run("search", "persampahan")

    assert out == ("1 practice(s) found.\nbank-sampah-kelurahan\tBank Sampah Kelurahan\n")


def test_search_suggests_a_correction_for_a_near_miss(two_published):
    out, _ = run("search", "kupamg")

    assert out == "0 practice(s) found.\nDid you mean: kupang\n"


def test_reindex_rebuilds_the_index_from_the_published_practices(two_published):
    index = search.backend()
    index.clear()
    assert search.search_practices("sampah").total == 0

    out, _ = run("reindex")

    assert out == "Search index rebuilt: 2 practice(s).\n"
    assert [h.practice.slug for h in search.search_practices("sampah").hits] == [
        "bank-sampah-kelurahan"
    ]


def test_export_then_import_round_trips_as_new_drafts(two_published, tmp_path):
    exported = tmp_path / "practices.json"
    out, _ = run("export", "--format", "json", "--out", str(exported))
    assert out == f"Exported 2 practice(s) to {exported}.\n"
    document = json.loads(exported.read_text("utf-8"))
    for record in document["practices"]:
        record["slug"] = "copy-" + record["slug"]
    again = tmp_path / "again.json"
    again.write_text(json.dumps(document), "utf-8")

    checked, _ = run("import", str(again), "--dry-run")
    imported, _ = run("import", str(again))

    assert checked == "The file is valid: 2 practice(s) would be created.\n"
    assert imported == (
        "Imported 2 practice(s) as drafts: copy-bank-sampah-kelurahan, "
        "copy-pajak-restoran-daring-dengan-perekam-transaksi\n"
    )
    copies = Practice.objects.filter(slug__startswith="copy-").order_by("slug")
    assert [(p.slug, p.versions.get().status, p.published_version) for p in copies] == [
        ("copy-bank-sampah-kelurahan", "draft", None),
        ("copy-pajak-restoran-daring-dengan-perekam-transaksi", "draft", None),
    ]
    assert (
        AuditEvent.objects.filter(
            object_type="practices.practice", channel="cli", action="create"
        ).count()
        == 2
    )


def test_import_of_a_bad_file_lists_every_problem_and_changes_nothing(kupang, tmp_path):
    bad = make_record(slug="rusak", lead_region="53.71", title="", stage="selesai")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"practices": [bad]}), "utf-8")

    with pytest.raises(CommandError) as error:
        run("import", str(path))

    assert str(error.value) == "Nothing was imported: 2 problem(s)."
    assert error.value.returncode == 2
    assert Practice.objects.count() == 0


def test_import_reports_problems_on_stderr(kupang, tmp_path):
    bad = make_record(slug="rusak", lead_region="53.71", title="", stage="selesai")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"practices": [bad]}), "utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("practices", "import", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue() == (
        "practices[1].title: This field is required.\n"
        "practices[1].stage: “selesai” is not one of: initiative, trial, applied.\n"
    )


def test_recommend_for_an_unknown_region_is_a_one_line_error(db):
    with pytest.raises(CommandError) as error:
        run("recommend", "99.99")

    assert str(error.value) == "Unknown region code “99.99”."


def test_recommend_lists_other_regions_practices_with_a_reason(two_published, sumba):
    out, _ = run("recommend", sumba.code)

    lines = out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        "pajak-restoran-daring-dengan-perekam-transaksi",
        "bank-sampah-kelurahan",
    ]
    assert [line.split("\t")[2] for line in lines] == [
        "From Kota Kupang; raised PAD by Rp 1.9 billion in 2 years (verified)",
        "From Kota Kupang",
    ]
