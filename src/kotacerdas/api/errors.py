"""One error shape for every failure of the API, and the handlers that produce it.

Every error response, whatever raised it, is::

    {"error": {"status": 422, "code": "validation_error", "message": "...",
               "fields": [{"field": "kind", "message": "..."}]}}

Messages go through Django's translation functions at request time, so they follow the
``Accept-Language`` header (``LocaleMiddleware`` activates the language). Messages that
come from our own code or from Django are translated; the rare pydantic message with no
mapping below falls back to pydantic's English text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import Any

from django.core import signals
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from kotacerdas.core.tabular import ImportRejected

logger = logging.getLogger("kotacerdas.api")

FieldProblem = tuple[str | None, str]

_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    422: "validation_error",
    429: "throttled",
    500: "server_error",
}


class TokenRejected(AuthenticationError):
    """A bearer token was sent but is unknown, revoked, or its user is inactive."""


def error_body(
    status: int, message: str, *, code: str = "", fields: Iterable[FieldProblem] = ()
) -> dict[str, Any]:
    return {
        "error": {
            "status": status,
            "code": code or _CODES.get(status) or "error",
            "message": message,
            "fields": [{"field": name, "message": text} for name, text in fields],
        }
    }


def _validation_message() -> str:
    return _("Some values are not valid; see the fields.")


def _default_message(status: int) -> str:
    messages = {
        400: _("The request could not be read; send a JSON object in the body."),
        401: _("Authentication required: send the header “Authorization: Bearer <token>”."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        422: _validation_message(),
        429: _("Too many requests; try again later."),
        500: _("An unexpected error occurred. It has been logged."),
    }
    if status in messages:
        return messages[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


# --- translating validation errors -------------------------------------------------------


def _field_name(loc: Sequence[Any]) -> str | None:
    """The public name of a field from a ninja error location.

    ninja locations start with the source (``query``, ``path``, ``body``); a body is read
    into the operation's one body parameter, whose name comes next and is not part of
    the JSON the client sent.
    """
    parts = list(loc[1:])
    if loc and loc[0] == "body" and parts:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or None


def _pydantic_message(error: dict[str, Any]) -> str:
    """A translated message for one pydantic error, by its type."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"literal_error", "enum"}:
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"float_parsing", "float_type", "decimal_parsing"}:
        return _("Enter a number.")
    if kind == "greater_than_equal":
        return _("Enter a value of at least %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Enter a value of at most %(limit)s.") % {"limit": ctx.get("le")}
    if kind == "greater_than":
        return _("Enter a value greater than %(limit)s.") % {"limit": ctx.get("gt")}
    if kind == "less_than":
        return _("Enter a value less than %(limit)s.") % {"limit": ctx.get("lt")}
    if kind == "string_too_long":
        return _("Use at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Use at least %(limit)s characters.") % {"limit": ctx.get("min_length")}
    if kind == "string_pattern_mismatch":
        return _("The value does not have the expected form.")
    if kind in {"string_type", "string_unicode"}:
        return _("Enter a text value.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind.startswith("date"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("Send a JSON object.")
    if kind == "list_type":
        return _("Send a list.")
    if kind in {"value_error", "assertion_error"} and ctx.get("error"):
        # Our validators raise ValueError with a message that is already translated.
        return str(ctx["error"])
    return str(error.get("msg", _validation_message()))


def ninja_validation_problems(errors: Iterable[dict[str, Any]]) -> list[FieldProblem]:
    problems = []
    for error in errors:
        loc = error.get("loc") or ()
        name = _field_name(loc)
        if name is None and error.get("type") == "missing" and loc and loc[0] == "body":
            problems.append((None, _("Send a JSON object in the request body.")))
        else:
            problems.append((name, _pydantic_message(error)))
    return problems


def django_validation_problems(exc: DjangoValidationError) -> list[FieldProblem]:
    """Field-level problems of a Django ValidationError; ``__all__`` becomes ``None``."""
    if hasattr(exc, "error_dict"):
        return [
            (None if name == NON_FIELD_ERRORS else name, message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [(None, message) for message in exc.messages]


# --- handlers ------------------------------------------------------------------------------


def install(api: NinjaAPI) -> None:
    """Replace ninja's default exception handlers with ones that use the one shape."""

    def respond(
        request: HttpRequest,
        status: int,
        *,
        message: str = "",
        code: str = "",
        fields: Iterable[FieldProblem] = (),
    ) -> HttpResponse:
        body = error_body(status, message or _default_message(status), code=code, fields=fields)
        return api.create_response(request, body, status=status)

    @api.exception_handler(NinjaValidationError)
    def on_request_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, 422, fields=ninja_validation_problems(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, 422, fields=django_validation_problems(exc))

    @api.exception_handler(AuthenticationError)
    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        if isinstance(exc, TokenRejected):
            response = respond(
                request,
                401,
                code="invalid_token",
                message=_(
                    "The token is not valid: it is unknown, revoked or its user is inactive."
                ),
            )
            response["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"'
        else:
            response = respond(request, 401)
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(Throttled)
    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = respond(request, 429)
        if exc.wait is not None:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's own HttpErrors carry English text; the status decides the message.
        return respond(request, exc.status_code)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403)

    @api.exception_handler(Http404)
    def on_http404(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Routers raise Http404 with a translated message meant for the client.
        message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else ""
        return respond(request, 404, message=message)

    @api.exception_handler(ObjectDoesNotExist)
    def on_does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return respond(request, 404)

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unexpected error in %s %s", request.method, request.path)
        # Tell Django's listeners (error reporting, the test client) as Django would.
        signals.got_request_exception.send(sender=None, request=request)
        return respond(request, 500)


def rejected_file(exc: ImportRejected) -> dict[str, Any]:
    """The 422 body of a rejected file: every problem with its row and column."""
    count = len(exc.problems)
    body = error_body(
        422,
        _("The file was not imported: %(count)s problem(s); see the fields.") % {"count": count},
        fields=[("file", problem.message) for problem in exc.problems],
    )
    for entry, problem in zip(body["error"]["fields"], exc.problems, strict=True):
        entry["row"] = problem.row
        entry["column"] = problem.column or None
    return body
