"""Background work for long computations (the uncertainty analysis).

The platform runs as one process with no broker, so a task runs on a daemon thread that
writes its progress to the database, where the page polls it. With
``KOTACERDAS_TASKS = "eager"`` (tests, the command line) a task runs inline instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


def submit(func: Callable[..., Any], *args: Any) -> None:
    """Run ``func(*args)`` in the background (or now, when tasks are eager)."""
    if getattr(settings, "KOTACERDAS_TASKS", "thread") == "eager":
        func(*args)
        return
    thread = threading.Thread(target=_run, args=(func, args), daemon=True, name=func.__name__)
    thread.start()


def _run(func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    close_old_connections()
    try:
        func(*args)
    except Exception:  # the task records its own failure; this is the last resort
        logger.exception("background task %s failed", func.__name__)
    finally:
        connection.close()
