"""The ``kotacerdas`` command: its own commands, errors as one line, and the audit channel."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kotacerdas import cli
from kotacerdas.accounts.models import ApiToken, Role, User
from kotacerdas.accounts.services import authenticate_token
from kotacerdas.core.models import AuditEvent
from kotacerdas.regions.models import Membership, Network, Province, Region
from kotacerdas.web.management.commands import serve
from tests.factories import RegionFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

KOTACERDAS = Path(sys.executable).parent / "kotacerdas"
COMMANDS = (
    "setup",
    "serve",
    "regions sync",
    "users create",
    "tokens create",
    "tokens list",
    "tokens revoke",
    "demo load",
    "index compute",
    "index uncertainty",
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def one_demo_year(settings):
    """The index demo of one year is enough here; all seven years only cost time."""
    settings.KOTACERDAS_DEMO_YEARS = (2025,)


@pytest.fixture
def registry():
    call_command("regions", "sync", "--quiet", stdout=io.StringIO())


def run(*args: str, **options) -> tuple[str, str]:
    """Call a management command and return what it wrote to stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def console(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed console script in a fresh data folder."""
    env = {**os.environ, "KOTACERDAS_DATA_DIR": str(data_dir), "KOTACERDAS_LANGUAGE": "en"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # The script runs against its own embedded database, never the suite's server.
    env.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(KOTACERDAS), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


# The real console script ------------------------------------------------------------------


def test_console_script_help_lists_every_command(tmp_path):
    result = console("--help", data_dir=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: kotacerdas COMMAND [options]")
    for name in COMMANDS:
        assert re.search(rf"^  {name} +\S", result.stdout, re.MULTILINE), name
    assert "kotacerdas migrate" in result.stdout
    assert not (tmp_path / "kotacerdas.sqlite3").exists()


def test_console_script_subcommand_help_exits_zero(tmp_path):
    sync = console("regions", "sync", "--help", data_dir=tmp_path)
    regions = console("regions", "--help", data_dir=tmp_path)

    assert sync.returncode == 0, sync.stderr
    assert sync.stdout.startswith("usage: kotacerdas regions sync [-h] [--quiet]")
    assert "retired" in sync.stdout
    assert regions.returncode == 0, regions.stderr
    assert re.search(r"^    sync +Load or update the registry", regions.stdout, re.MULTILINE)


def test_console_script_bad_input_prints_one_line_and_exits_2(tmp_path):
    result = console(
        "users", "create", "someone", "--role", "mayor", "--skip-checks", data_dir=tmp_path
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "CommandError: “mayor” is not a role; use one of: officer, secretariat, admin."
    ]


def test_console_script_unmigrated_database_prints_one_line_and_exits_2(tmp_path):
    result = console("tokens", "list", "admin", "--skip-checks", data_dir=tmp_path)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Database error: no such table")
    assert "kotacerdas setup" in result.stderr


# main() in process ---------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.mark.usefixtures("data_dir")
def test_main_passes_other_django_commands_through(capsys):
    assert cli.main(["showmigrations", "regions", "--skip-checks"]) == 0

    assert capsys.readouterr().out == "regions\n [X] 0001_initial\n"


@pytest.mark.usefixtures("data_dir")
def test_main_command_error_exits_2_without_traceback(capsys, registry, monkeypatch):
    monkeypatch.setenv("KOTACERDAS_LANGUAGE", "en")
    with pytest.raises(SystemExit) as exit_info:
        cli.main(
            ["users", "create", "ana", "--role", "officer", "--region", "99.99", "--skip-checks"]
        )

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "CommandError: No current kabupaten/kota has the code 99.99. "
        "Is the registry loaded (kotacerdas regions sync)?"
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_main_every_command_has_help(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*command.split(), "--help"])

    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: kotacerdas {command} [-h]")


def test_main_creates_the_data_folder(data_dir, capsys):
    cli.main(["showmigrations", "core", "--skip-checks"])

    assert data_dir.is_dir()


# regions sync --------------------------------------------------------------------------------


def test_regions_sync_real_registry_adds_then_leaves_unchanged():
    first, _ = run("regions", "sync", "--quiet")
    second, _ = run("regions", "sync")

    assert first == "Registry synced: added 552, changed 0, unchanged 0, retired 0.\n"
    assert second == "Registry synced: added 0, changed 0, unchanged 552, retired 0.\n"
    assert Province.objects.count() == 38
    assert Region.objects.count() == 514


def test_regions_sync_lists_retired_codes():
    RegionFactory(code="53.98", name="Kabupaten Lama")
    RegionFactory(code="53.99", name="Kabupaten Lebih Lama")

    out, _ = run("regions", "sync", "--quiet")

    assert out.splitlines() == [
        "Registry synced: added 551, changed 1, unchanged 0, retired 2.",
        "Retired: 53.98, 53.99",
    ]
    assert set(Region.objects.filter(retired_at__isnull=False).values_list("code", flat=True)) == {
        "53.98",
        "53.99",
    }


# users create --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["5371", "53.71", " 53.71 "])
def test_users_create_officer_accepts_code_with_or_without_dots(registry, code):
    out, _ = run(
        "users", "create", "ana", "--role", "officer", "--region", code, "--email", "a@x.org"
    )

    user = User.objects.get(username="ana")
    assert (user.role, user.region.code, user.email) == ("officer", "53.71", "a@x.org")
    assert (user.is_staff, user.is_superuser) == (False, False)
    lines = out.splitlines()
    assert lines[0] == "Created region officer ana for Kota Kupang (53.71)."
    password = lines[1].removeprefix("Password (shown once, store it now): ")
    assert len(password) == 16
    assert user.check_password(password)


def test_users_create_admin_gets_admin_site(registry):
    run("users", "create", "root", "--role", "admin")

    user = User.objects.get(username="root")
    assert (user.role, user.region, user.is_staff, user.is_superuser) == (
        Role.ADMIN,
        None,
        True,
        True,
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--role", "officer", "--region", "99.99"],
            "No current kabupaten/kota has the code 99.99. "
            "Is the registry loaded (kotacerdas regions sync)?",
        ),
        (
            ["--role", "officer", "--region", "53"],
            "“53” is not a kabupaten/kota code; it should look like 53.71.",
        ),
        (
            ["--role", "officer", "--region", "Kupang"],
            "“Kupang” is not a Kemendagri code. Use the dotted form such as 53.71 or the "
            "digits 5371.",
        ),
        (
            ["--role", "officer"],
            "A region officer needs --region, for example --region 53.71.",
        ),
        (
            ["--role", "secretariat", "--region", "53.71"],
            "Only a region officer is bound to a region; leave out --region.",
        ),
        (
            ["--role", "mayor"],
            "“mayor” is not a role; use one of: officer, secretariat, admin.",
        ),
    ],
)
def test_users_create_bad_input_raises_command_error(registry, arguments, message):
    with pytest.raises(CommandError) as error:
        run("users", "create", "ana", *arguments)

    assert str(error.value) == message
    assert error.value.returncode == 2
    assert not User.objects.filter(username="ana").exists()


def test_users_create_password_stdin_is_validated(registry, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("password\n"))

    with pytest.raises(CommandError) as error:
        run("users", "create", "ana", "--role", "secretariat", "--password-stdin")

    assert str(error.value) == "This password is too common."
    assert error.value.returncode == 2
    assert not User.objects.filter(username="ana").exists()


def test_users_create_password_stdin_is_used_and_not_printed(registry, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Tenun-Ikat-Sumba-2019\n"))

    out, _ = run("users", "create", "ana", "--role", "secretariat", "--password-stdin")

    assert out == "Created network secretariat ana.\n"
    assert User.objects.get(username="ana").check_password("Tenun-Ikat-Sumba-2019")


def test_users_create_existing_username_raises_command_error(registry):
    UserFactory(username="ana", role=Role.SECRETARIAT)

    with pytest.raises(CommandError) as error:
        run("users", "create", "ana", "--role", "secretariat")

    assert str(error.value) == "username: A user with that username already exists."
    assert error.value.returncode == 2


# tokens --------------------------------------------------------------------------------------


@pytest.fixture
def ana(db):
    return UserFactory(username="ana", role=Role.SECRETARIAT)


def test_tokens_create_prints_a_token_that_authenticates(ana):
    out, err = run("tokens", "create", "ana", "--name", "dashboard")

    plain = out.strip()
    token = ApiToken.objects.get(user=ana)
    assert out == plain + "\n"
    assert plain.startswith(token.prefix)
    assert token.name == "dashboard"
    assert authenticate_token(plain) == ana
    assert err == (
        f"Token “dashboard” created for ana (prefix {token.prefix}). "
        "It is shown only this once: store it now.\n"
    )
    assert plain not in err


def test_tokens_list_shows_prefix_name_and_status(ana):
    first, _ = run("tokens", "create", "ana", "--name", "first")
    run("tokens", "create", "ana", "--name", "second")
    run("tokens", "revoke", first.strip()[:10])

    out, _ = run("tokens", "list", "ana")

    lines = out.splitlines()
    assert lines[0].split() == ["prefix", "name", "created", "last", "used", "status"]
    rows = {line.split()[1]: line for line in lines[1:]}
    assert set(rows) == {"first", "second"}
    assert rows["second"].endswith("active")
    assert " revoked " in rows["first"]
    assert first.strip() not in out


def test_tokens_list_user_without_tokens(ana):
    assert run("tokens", "list", "ana") == ("ana has no API tokens.\n", "")


@pytest.mark.parametrize("given", ["prefix", "part", "whole"])
def test_tokens_revoke_stops_the_token_authenticating(ana, given):
    out, _ = run("tokens", "create", "ana", "--name", "ci")
    plain = out.strip()
    other, _ = run("tokens", "create", "ana", "--name", "other")
    token = ApiToken.objects.get(name="ci")
    argument = {"prefix": token.prefix, "part": token.prefix[:7], "whole": plain}[given]
    if given == "part" and other.strip().startswith(argument):  # pragma: no cover - 1 in 2**24
        pytest.skip("both random tokens share the first characters")

    revoked, _ = run("tokens", "revoke", argument)

    assert revoked == f"Revoked token {token.prefix} (“ci”) of ana.\n"
    assert authenticate_token(plain) is None
    assert authenticate_token(other.strip()) == ana


def test_tokens_revoke_twice_says_already_revoked(ana):
    out, _ = run("tokens", "create", "ana", "--name", "ci")
    prefix = out.strip()[:10]
    run("tokens", "revoke", prefix)

    again, _ = run("tokens", "revoke", prefix)

    assert again.startswith(f"Token {prefix} of ana was already revoked on ")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["create", "nobody"], "No user is called “nobody”."),
        (["list", "nobody"], "No user is called “nobody”."),
        (["revoke", "kc_nothing"], "No API token has the prefix “kc_nothing”."),
        (
            ["revoke", "kc_" + "x" * 40],
            "No API token has the prefix “kc_xxxxxxx…”.",
        ),
    ],
)
def test_tokens_unknown_user_or_prefix_raises_command_error(ana, arguments, message):
    with pytest.raises(CommandError) as error:
        run("tokens", *arguments)

    assert str(error.value) == message
    assert error.value.returncode == 2


def test_tokens_revoke_ambiguous_or_short_prefix_revokes_nothing(ana):
    for suffix in ("1111", "2222"):
        ApiToken.objects.create(user=ana, name=suffix, prefix=f"kc_AbC{suffix}", digest=suffix * 16)

    with pytest.raises(CommandError) as ambiguous:
        run("tokens", "revoke", "kc_AbC")
    with pytest.raises(CommandError) as short:
        run("tokens", "revoke", "kc_Ab")

    assert str(ambiguous.value) == "2 active tokens start with “kc_AbC”; give more characters."
    assert str(short.value) == (
        "Give at least 6 characters of the token prefix, such as kc_AbCd12."
    )
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 2


# demo load -----------------------------------------------------------------------------------


def test_demo_load_without_registry_raises_command_error():
    with pytest.raises(CommandError) as error:
        run("demo", "load")

    assert str(error.value) == (
        "The region registry is empty; load it first with “kotacerdas regions sync”."
    )
    assert error.value.returncode == 2


def test_demo_load_twice_adds_nothing_the_second_time(registry):
    first, _ = run("demo", "load", "--quiet")
    second, _ = run("demo", "load")

    assert first == (
        "Demo content added: 1 network(s), 26 membership(s), 3 cohort(s), "
        "36 cohort member(s), 13 head(s) of region, 10 contact(s).\n"
        "Index demo added: 1 cycle(s) with 26434 demo value(s), 1 published computation(s), "
        "514 readiness self-assessment(s).\n"
        "Library demo added: 48 published demo practice(s), 38 adoption(s), 9 question(s).\n"
        "Events demo added: 1 event(s) with 478 demo participant(s).\n"
        "Masterplan demo added: 1 masterplan(s) with 2 version(s) and 1 progress report(s).\n"
    )
    assert second == (
        "Demo content is already loaded; nothing was added.\n"
        "Index demo is already loaded; nothing was added.\n"
        "Library demo is already loaded; nothing was added.\n"
        "Events demo is already loaded; nothing was added.\n"
        "Masterplan demo: nothing was added (it is already loaded, or Kota Kupang is not in "
        "the registry).\n"
    )
    assert Network.objects.get().is_demo
    assert Membership.objects.filter(is_demo=False).count() == 0


# setup ---------------------------------------------------------------------------------------


def _password_in(out: str) -> str:
    found = set(re.findall(r"username \S+ / password (\S+)", out))
    assert len(found) == 1, out
    return found.pop()


def test_setup_prints_one_password_once():
    first, _ = run("setup", "--quiet")
    password = _password_in(first)
    second, _ = run("setup", "--quiet")

    assert first.splitlines()[:3] == [
        "Database migrated.",
        "Registry synced: added 552, changed 0, unchanged 0, retired 0.",
        "Demo content added: 1 network(s), 26 membership(s), 3 cohort(s), "
        "36 cohort member(s), 13 head(s) of region, 10 contact(s).",
    ]
    assert "Demo login — shown once" in first
    assert first.count(password) == 2
    admin = User.objects.get(username="admin")
    officer = User.objects.get(username="officer.kupang")
    assert (admin.role, admin.region, admin.is_superuser) == (Role.ADMIN, None, True)
    assert (officer.role, officer.region.code) == (Role.OFFICER, "53.71")
    assert admin.check_password(password)
    assert officer.check_password(password)

    assert password not in second
    assert second.splitlines() == [
        "Database migrated.",
        "Region registry already loaded (514 regions); --sync updates it.",
        "Demo content is already loaded; nothing was added.",
        "Index demo is already loaded; nothing was added.",
        "Library demo is already loaded; nothing was added.",
        "Events demo is already loaded; nothing was added.",
        "Masterplan demo: nothing was added (it is already loaded, or Kota Kupang is not in "
        "the registry).",
        "Demo account(s) admin, officer.kupang already exist; their password is not shown "
        "again (kotacerdas changepassword USERNAME sets a new one).",
    ]


def test_setup_creates_only_the_missing_demo_account(registry):
    UserFactory(username="admin", role=Role.ADMIN)

    out, _ = run("setup", "--quiet")

    password = _password_in(out)
    assert "username officer.kupang / password" in out
    assert "username admin / password" not in out
    assert "Demo account(s) admin already exist" in out
    assert User.objects.get(username="officer.kupang").check_password(password)
    assert not User.objects.get(username="admin").check_password(password)


def test_setup_with_sync_syncs_a_loaded_registry(registry):
    out, _ = run("setup", "--sync", "--quiet", "--no-demo")

    assert "Registry synced: added 0, changed 0, unchanged 552, retired 0." in out


def test_setup_no_demo_loads_no_demo_and_creates_no_login():
    out, _ = run("setup", "--no-demo", "--quiet")

    assert out.splitlines()[-1] == (
        "No demo content. Create an administrator with: kotacerdas users create NAME --role admin"
    )
    assert Region.objects.count() == 514
    assert Network.objects.count() == 0
    assert User.objects.count() == 0


# serve ---------------------------------------------------------------------------------------


@pytest.fixture
def runserver(monkeypatch):
    calls = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **kw: calls.append((a, kw)))
    return calls


@pytest.mark.parametrize(
    ("arguments", "env", "address", "ipv6"),
    [
        ([], None, "127.0.0.1:8000", False),
        ([], "8123", "127.0.0.1:8123", False),
        (["--port", "9000"], "8123", "127.0.0.1:9000", False),
        (["--host", "0.0.0.0", "--port", "80"], None, "0.0.0.0:80", False),  # noqa: S104
        (["--host", "::1"], None, "[::1]:8000", True),
    ],
)
def test_serve_runs_runserver_on_host_and_port(
    runserver, monkeypatch, arguments, env, address, ipv6
):
    if env is None:
        monkeypatch.delenv("KOTACERDAS_PORT", raising=False)
    else:
        monkeypatch.setenv("KOTACERDAS_PORT", env)

    out, _ = run("serve", *arguments)

    assert out == f"KotaCerdas at http://{address}/ (press Ctrl+C to stop).\n"
    [(args, options)] = runserver
    assert args == ("runserver", address)
    assert (options["use_ipv6"], options["use_reloader"]) == (ipv6, False)


@pytest.mark.parametrize(
    ("arguments", "env", "message"),
    [
        ([], "http", "KOTACERDAS_PORT is “http”, which is not a port number."),
        ([], "70000", "KOTACERDAS_PORT is 70000; a port is between 1 and 65535."),
        (["--port", "0"], None, "--port is 0; a port is between 1 and 65535."),
    ],
)
def test_serve_bad_port_raises_command_error(runserver, monkeypatch, arguments, env, message):
    if env is None:
        monkeypatch.delenv("KOTACERDAS_PORT", raising=False)
    else:
        monkeypatch.setenv("KOTACERDAS_PORT", env)

    with pytest.raises(CommandError) as error:
        run("serve", *arguments)

    assert str(error.value) == message
    assert error.value.returncode == 2
    assert runserver == []


# the audit trail -----------------------------------------------------------------------------


def test_cli_writes_are_audited_on_the_cli_channel(monkeypatch):
    run("setup", "--quiet")
    monkeypatch.setattr(sys, "stdin", io.StringIO("Tenun-Ikat-Sumba-2019\n"))
    run("users", "create", "ana", "--role", "officer", "--region", "5371", "--password-stdin")
    out, _ = run("tokens", "create", "ana")
    run("tokens", "revoke", out.strip()[:10])
    RegionFactory(code="53.99", name="Kabupaten Lama")
    run("regions", "sync", "--quiet")

    events = AuditEvent.objects.all()
    assert {e.channel for e in events} == {AuditEvent.Channel.CLI}
    assert {(e.action, e.object_type) for e in events} >= {
        ("sync", "regions.registry"),
        ("sync", "regions.region"),
        ("create", "regions.network"),
        ("create", "regions.membership"),
        ("create", "regions.cohort"),
        ("create", "regions.cohortmember"),
        ("create", "regions.regionhead"),
        ("create", "regions.contact"),
        ("create", "accounts.user"),
        ("token", "accounts.apitoken"),
    }
    assert events.filter(object_type="regions.membership").count() == 26
    assert events.filter(object_type="accounts.user").count() == 3
    assert events.filter(object_type="accounts.apitoken").count() == 2
    assert events.get(object_type="regions.region").region_code == "53.99"
