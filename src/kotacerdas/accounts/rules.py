"""Account permissions: admins manage users; everyone manages their own tokens."""

from __future__ import annotations

import rules

from kotacerdas.core.rules import is_admin, is_secretariat

rules.add_perm("accounts.manage_users", is_admin)
rules.add_perm("accounts.view_user", is_secretariat)
for action in ("add", "change", "delete"):
    rules.add_perm(f"accounts.{action}_user", is_admin)
rules.add_perm("accounts.view_apitoken", is_admin)
rules.add_perm("accounts.delete_apitoken", is_admin)
