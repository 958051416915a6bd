"""Schemas shared by every router: the one error shape, pagination input and output."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

T = TypeVar("T")

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
# Offsets beyond this are refused with a 422 rather than sent to the database, where an
# out-of-range integer would be an error of the driver instead of the request.
MAX_OFFSET = 1_000_000
# The largest primary key a database integer holds; larger ids in paths are a 422.
MAX_ID = 2**63 - 1


def _storable(value: str) -> str:
    # NUL cannot be stored in PostgreSQL text, nor an unpaired surrogate (which JSON
    # allows as "\ud800") in UTF-8; refuse them here rather than fail on save.
    if "\x00" in value:
        raise ValueError(_("Remove the NUL characters and unpaired surrogates."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("Remove the NUL characters and unpaired surrogates.")) from None
    return value


# Text a request may carry into the database: refused with a 422 naming the field when
# PostgreSQL could not store it.
Text = Annotated[str, AfterValidator(_storable)]


class ErrorField(Schema):
    """One problem with one input field."""

    field: str | None = Field(
        ...,
        description=(
            "The name of the query parameter, path parameter or body field at fault "
            "(nested body fields are joined with dots); null when the problem concerns "
            "the request as a whole."
        ),
        examples=["kind"],
    )
    message: str = Field(..., examples=["Choose one of: 'kota' or 'kabupaten'."])


class ErrorBody(Schema):
    status: int = Field(..., description="The HTTP status, repeated.", examples=[422])
    code: str = Field(
        ...,
        description=(
            "A stable machine-readable code: bad_request, not_authenticated, invalid_token, "
            "permission_denied, not_found, method_not_allowed, validation_error, "
            "throttled or server_error."
        ),
        examples=["validation_error"],
    )
    message: str = Field(
        ...,
        description="A human-readable message in the language asked for by Accept-Language.",
        examples=["Some values are not valid; see the fields."],
    )
    fields: list[ErrorField] = Field(
        default_factory=list, description="Field-level problems; empty unless code is 422."
    )


class Error(Schema):
    """The one shape of every error response of the API, whatever the status."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "status": 422,
                        "code": "validation_error",
                        "message": "Some values are not valid; see the fields.",
                        "fields": [
                            {"field": "kind", "message": "Choose one of: 'kota' or 'kabupaten'."}
                        ],
                    }
                },
                {
                    "error": {
                        "status": 404,
                        "code": "not_found",
                        "message": "No kabupaten/kota has the code 53.99.",
                        "fields": [],
                    }
                },
            ]
        }
    )

    error: ErrorBody


class PageParams(Schema):
    """Pagination of every list endpoint."""

    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"How many items to return, 1 to {MAX_LIMIT}.",
    )
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description="How many items to skip from the start."
    )


class Page(Schema, Generic[T]):
    """One page of a list: the total number of matches and the items of this page."""

    count: int = Field(..., description="The number of items matching, over all pages.")
    items: list[T]


def paginate(rows: QuerySet[Any] | Sequence[Any], params: PageParams) -> dict[str, Any]:
    """The ``{"count", "items"}`` of one page of ``rows``: two queries for a QuerySet."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    return {"count": count, "items": list(rows[params.offset : params.offset + params.limit])}


class FileProblemOut(Schema):
    """One problem of an uploaded file, or of another field of the request."""

    field: str | None = Field(..., examples=["file"])
    row: int | None = Field(
        None, description="Row of the file (the header is row 1); null for the whole file."
    )
    column: str | None = Field(None, description="Column of the file.", examples=["value"])
    message: str = Field(..., examples=["“abc” is not a number."])


class UploadErrorBody(Schema):
    status: int = Field(..., examples=[422])
    code: str = Field(..., examples=["validation_error"])
    message: str
    fields: list[FileProblemOut]


class UploadError(Schema):
    """The API's error shape; the problems of a file also name their row and column."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "status": 422,
                        "code": "validation_error",
                        "message": "The file was not imported: 1 problem; see the fields.",
                        "fields": [
                            {
                                "field": "file",
                                "row": 3,
                                "column": "value",
                                "message": "“abc” is not a number.",
                            }
                        ],
                    }
                }
            ]
        }
    )

    error: UploadErrorBody
