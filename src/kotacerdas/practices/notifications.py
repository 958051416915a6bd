"""E-mail to the people a change concerns: the secretariat when a practice is submitted,
the authors and the lead region's officers when it is reviewed, the owners when someone
asks a question and the asker when it is answered.

Mail is sent after the transaction commits, so a rolled-back change sends nothing. The
text is rendered in the platform's default language (Indonesian).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kotacerdas.core import mail


def _addresses(users: Iterable[Any]) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.is_active and u.email})


def secretariat_addresses() -> list[str]:
    users = get_user_model().objects.filter(role__in=["secretariat", "admin"], is_active=True)
    return _addresses(users)


def region_addresses(region_id: int) -> list[str]:
    users = get_user_model().objects.filter(role="officer", region_id=region_id, is_active=True)
    return _addresses(users)


def send(template: str, recipients: Iterable[str], context: dict[str, Any]) -> None:
    """Queue one e-mail per recipient from ``practices/email/<template>.txt`` (the first
    line is the subject) once the current transaction commits."""
    recipients = sorted(set(recipients))
    if not recipients or mail.is_silenced():
        return

    def deliver() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            text = render_to_string(f"practices/email/{template}.txt", context).strip()
        subject, _sep, body = text.partition("\n")
        messages = [
            (subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, [to])
            for to in recipients
        ]
        send_mass_mail(messages, fail_silently=False)

    transaction.on_commit(deliver)


def practice_url(practice: Any) -> str:
    return settings.KOTACERDAS_BASE_URL.rstrip("/") + reverse(
        "practices:detail", kwargs={"slug": practice.slug}
    )
