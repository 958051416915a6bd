"""Kemendagri region codes: the dotted official form and the plain-digit form users type."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_DOTTED = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_DIGITS = re.compile(r"^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$")


def normalise_code(raw: str) -> str:
    """Return the dotted form of a province/region/district/village code.

    Accepts ``"53.71"`` and ``"5371"`` (and surrounding spaces); raises
    :class:`~django.core.exceptions.ValidationError` with a message that names the
    value otherwise.
    """
    value = str(raw).strip()
    if _DOTTED.match(value):
        return value
    if _DIGITS.match(value):
        parts = [value[0:2], value[2:4], value[4:6], value[6:10]]
        return ".".join(p for p in parts if p)
    raise ValidationError(
        _(
            "“%(value)s” is not a Kemendagri code. Use the dotted form such as 53.71 "
            "or the digits 5371."
        ),
        code="invalid_code",
        params={"value": value},
    )


def normalise_region_code(raw: str) -> str:
    """Like :func:`normalise_code`, but only a kabupaten/kota code (two parts) is accepted."""
    code = normalise_code(raw)
    if code.count(".") != 1:
        raise ValidationError(
            _("“%(value)s” is not a kabupaten/kota code; it should look like 53.71."),
            code="not_a_region_code",
            params={"value": str(raw).strip()},
        )
    return code
