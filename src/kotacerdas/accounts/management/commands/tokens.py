"""``kotacerdas tokens create|list|revoke``: API tokens of a user."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.accounts.models import ApiToken, User
from kotacerdas.accounts.services import create_token, revoke_token
from kotacerdas.cli import KotaCerdasCommand, add_action, fail

# "kc_" and three more characters: a shorter prefix could revoke a token by accident.
MIN_PREFIX = 6


def find_user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise fail(_("No user is called “%(username)s”.") % {"username": username})
    return user


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(KotaCerdasCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return _("Manage API tokens. Only a token's digest is stored; the token is shown once.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = add_action(
            actions,
            "create",
            help=_("Create a token for a user and print it once"),
            description=_(
                "Create an API token for USER. The token alone is printed on standard "
                "output, so it can be captured by a script; it cannot be shown again."
            ),
        )
        create.add_argument("user", metavar="USER", help=_("Username."))
        create.add_argument("--name", default="cli", help=_("What the token is for."))
        listing = add_action(actions, "list", help=_("List a user's tokens"))
        listing.add_argument("user", metavar="USER", help=_("Username."))
        revoke = add_action(
            actions,
            "revoke",
            help=_("Revoke a token by its prefix"),
            description=_("Revoke the token whose prefix (as shown by “tokens list”) is PREFIX."),
        )
        revoke.add_argument("prefix", metavar="PREFIX", help=_("Token prefix, such as kc_AbCd12."))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            self.create(user=find_user(options["user"]), name=options["name"])
        elif action == "list":
            self.list_tokens(user=find_user(options["user"]))
        elif action == "revoke":
            self.revoke(prefix=options["prefix"])

    def create(self, *, user: User, name: str) -> None:
        token, plain = create_token(actor=None, user=user, name=name)
        self.stderr.write(
            _(
                "Token “%(name)s” created for %(username)s (prefix %(prefix)s). "
                "It is shown only this once: store it now."
            )
            % {"name": token.name, "username": user.username, "prefix": token.prefix}
        )
        self.stdout.write(plain)

    def list_tokens(self, *, user: User) -> None:
        tokens = list(user.api_tokens.all())
        if not tokens:
            self.stdout.write(_("%(username)s has no API tokens.") % {"username": user.username})
            return
        header = (_("prefix"), _("name"), _("created"), _("last used"), _("status"))
        rows = [
            (
                token.prefix,
                token.name,
                _when(token.created_at),
                _when(token.last_used_at),
                _("active")
                if token.is_active
                else _("revoked %(when)s") % {"when": _when(token.revoked_at)},
            )
            for token in tokens
        ]
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            )

    def revoke(self, *, prefix: str) -> None:
        prefix = prefix.strip()
        if len(prefix) < MIN_PREFIX:
            raise fail(
                _("Give at least %(count)d characters of the token prefix, such as kc_AbCd12.")
                % {"count": MIN_PREFIX}
            )
        # A stored prefix is the start of its token, so the prefix shown by "tokens list",
        # a part of it, or a whole leaked token pasted in all name the same token.
        candidates = ApiToken.objects.select_related("user").filter(prefix__startswith=prefix[:8])
        matches = [
            t for t in candidates if t.prefix.startswith(prefix) or prefix.startswith(t.prefix)
        ]
        if not matches:
            # Never echo a whole token back to the terminal.
            shown = prefix if len(prefix) <= 12 else prefix[:10] + "…"
            raise fail(_("No API token has the prefix “%(prefix)s”.") % {"prefix": shown})
        active = [t for t in matches if t.is_active]
        if not active:
            token = matches[0]
            self.stdout.write(
                _("Token %(prefix)s of %(username)s was already revoked on %(when)s.")
                % {
                    "prefix": token.prefix,
                    "username": token.user.username,
                    "when": _when(token.revoked_at),
                }
            )
            return
        if len(active) > 1:
            raise fail(
                _("%(count)d active tokens start with “%(prefix)s”; give more characters.")
                % {"count": len(active), "prefix": prefix}
            )
        token = revoke_token(actor=None, token=active[0])
        self.stdout.write(
            _("Revoked token %(prefix)s (“%(name)s”) of %(username)s.")
            % {"prefix": token.prefix, "name": token.name, "username": token.user.username}
        )
