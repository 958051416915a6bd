"""``kotacerdas serve``: run the web server of the embedded installation."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kotacerdas.cli import fail

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
PORT_VARIABLE = "KOTACERDAS_PORT"


def resolve_port(given: int | None) -> int:
    """``--port``, else ``KOTACERDAS_PORT``, else 8000; an error if it is not a TCP port."""
    if given is not None:
        port, origin = given, "--port"
    elif os.environ.get(PORT_VARIABLE, "").strip():
        raw = os.environ[PORT_VARIABLE].strip()
        origin = PORT_VARIABLE
        try:
            port = int(raw)
        except ValueError:
            raise fail(
                _("%(origin)s is “%(value)s”, which is not a port number.")
                % {"origin": origin, "value": raw}
            ) from None
    else:
        return DEFAULT_PORT
    if not 1 <= port <= 65535:
        raise fail(
            _("%(origin)s is %(value)d; a port is between 1 and 65535.")
            % {"origin": origin, "value": port}
        )
    return port


class Command(BaseCommand):
    # Not a KotaCerdasCommand: the audit middleware attributes the web server's writes
    # per request, not to the command line. runserver runs the system checks itself.
    requires_system_checks: list[str] = []

    @property
    def help(self) -> str:  # type: ignore[override]
        return _(
            "Run the KotaCerdas web server for the embedded installation (Django's "
            "server; static files are served by WhiteNoise). For production, run "
            "kotacerdas.web.wsgi under a WSGI server such as gunicorn."
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host", default=DEFAULT_HOST, help=_("Address to listen on (default %(default)s).")
        )
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help=_("Port to listen on (default: KOTACERDAS_PORT, else 8000)."),
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            help=_("Restart the server when the code changes (for development)."),
        )

    def handle(self, *args: Any, host: str, port: int | None, reload: bool, **options: Any) -> None:
        port = resolve_port(port)
        ipv6 = ":" in host
        address = f"[{host}]:{port}" if ipv6 else f"{host}:{port}"
        self.stdout.write(
            _("KotaCerdas at http://%(address)s/ (press Ctrl+C to stop).") % {"address": address}
        )
        call_command(
            "runserver",
            address,
            use_ipv6=ipv6,
            use_reloader=reload,
            stdout=self.stdout,
            stderr=self.stderr,
        )
