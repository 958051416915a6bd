"""File downloads of every app's pages: one way to name the file and its type."""

from __future__ import annotations

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"


def download(
    content: bytes, content_type: str, filename: str, *, inline: bool = False
) -> HttpResponse:
    """``content`` as a file called ``filename`` (ASCII): saved by the browser, or shown
    in it when ``inline``."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
