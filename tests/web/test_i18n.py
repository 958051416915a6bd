"""Indonesian by default, English by a switch that persists; every catalogue is complete."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src/kotacerdas/locale"
SRC = LOCALE.parent


@pytest.mark.integration
@pytest.mark.django_db
def test_pages_are_indonesian_by_default_and_english_after_the_switch(client, kupang):
    assert "Direktori daerah" in client.get("/regions/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/regions/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert response.cookies["django_language"]["max-age"] == 60 * 60 * 24 * 365
    assert "Region directory" in client.get("/regions/").content.decode()
    # Still English on another page: the choice persists.
    assert "Registry facts" in client.get("/regions/53.71/").content.decode()


@pytest.mark.integration
@pytest.mark.django_db
def test_accept_language_english_is_honoured(client, kupang):
    body = client.get("/regions/", headers={"Accept-Language": "en"}).content.decode()
    assert "Region directory" in body


@pytest.mark.unit
def test_indonesian_catalogue_is_complete():
    po = polib.pofile(str(LOCALE / "id/LC_MESSAGES/django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert len(po.translated_entries()) > 200


@pytest.mark.unit
def test_compiled_catalogue_matches_its_source():
    po = polib.pofile(str(LOCALE / "id/LC_MESSAGES/django.po"))
    mo = polib.mofile(str(LOCALE / "id/LC_MESSAGES/django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    source = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po.translated_entries()}
    assert compiled == source, "run `make messages` to recompile"


@pytest.mark.unit
@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_translatable_string_is_in_the_catalogue(tmp_path):
    """Extract strings afresh and compare with the committed catalogue."""
    work = tmp_path / "kotacerdas"
    shutil.copytree(SRC, work, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--settings=kotacerdas.web.settings",
            "-l",
            "id",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=work,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(work / "locale/id/LC_MESSAGES/django.po"))
    committed = polib.pofile(str(LOCALE / "id/LC_MESSAGES/django.po"))
    missing = sorted({e.msgid for e in fresh} - {e.msgid for e in committed if e.translated()})
    assert missing == [], "untranslated strings; run `make messages` and translate them"


@pytest.mark.unit
def test_translation_functions_keep_names_that_makemessages_knows():
    """xgettext finds ``_``, ``gettext_lazy``, ``pgettext`` ...; a string passed to an alias
    such as ``_lazy`` is never extracted and stays English in every language."""
    known = {
        "_",
        "gettext",
        "gettext_lazy",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "npgettext",
        "npgettext_lazy",
        "gettext_noop",
    }
    aliases = re.compile(r"from django\.utils\.translation import ([^\n(]+)")
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for names in aliases.findall(path.read_text("utf-8")):
            for part in names.split(","):
                alias = part.split(" as ")[-1].strip()
                original = part.split(" as ")[0].strip()
                if original in known and alias not in known:
                    found.append(f"{path.relative_to(SRC)}: {part.strip()}")
    assert found == []


@pytest.mark.unit
def test_no_translation_call_hides_inside_an_f_string():
    """xgettext does not parse f-strings: ``f"{_('text')}"`` is never extracted."""
    call = re.compile(r"""\bf(["']).*\{[^}]*\b(_|gettext|ngettext|pgettext)\(""")
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if call.search(line)
    ]
    assert found == []
