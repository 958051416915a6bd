"""What every app's e-mail notifications share: a switch that keeps them quiet.

Loading demo content goes through the real services, which would otherwise mail every
demo participant and officer; nobody needs news of it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_silenced: ContextVar[bool] = ContextVar("kotacerdas_mail_silenced", default=False)


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Send no notification inside the block."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def is_silenced() -> bool:
    return _silenced.get()
