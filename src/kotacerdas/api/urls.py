"""The REST API, version 1: one NinjaAPI with a router per app.

Conventions every router follows:

- Reads are public and declare ``auth=None``; anything else needs a bearer token
  (``Authorization: Bearer kc_...``), because the token check is the API-wide default and
  an endpoint that forgets to choose stays protected.
- Errors have one shape (see :mod:`kotacerdas.api.errors`). Endpoints raise Django's
  ``Http404`` with a translated message and ``ValidationError`` keyed by the field, let
  the services' ``ValidationError`` and ``PermissionDenied`` through, and never build
  error responses themselves (so app routers need not import ``kotacerdas.api.errors``).
- Lists take ``limit``/``offset`` and return ``{"count": N, "items": [...]}``.
- The interactive docs at ``/api/v1/docs`` use ninja's bundled Swagger UI from our own
  static files (``ninja`` is in ``INSTALLED_APPS``), never a CDN.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Swagger

from kotacerdas import __version__
from kotacerdas.regions.api import router as regions_router

from . import errors
from .auth import TokenAuth
from .schemas import Error


class KotaCerdasAPI(NinjaAPI):
    """A NinjaAPI whose "method not allowed" answers are in the API's error shape too.

    ninja answers a known path with an unknown method with a plain-text 405 before any
    exception handler runs, so the URL patterns' views are wrapped here instead.
    """

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        return [self._json_405(p) for p in patterns], app_name, namespace

    def _json_405(self, pattern: URLResolver | URLPattern) -> URLResolver | URLPattern:
        if not isinstance(pattern, URLPattern):
            return pattern
        view = pattern.callback
        wrapped: Callable[..., Any]
        if inspect.iscoroutinefunction(view):

            async def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                return self._as_error(request, await view(request, *args, **kwargs))

        else:

            def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                return self._as_error(request, view(request, *args, **kwargs))

        # functools.wraps keeps csrf_exempt and the other attributes of ninja's view.
        wrapped = functools.wraps(view)(wrapped)
        return URLPattern(pattern.pattern, wrapped, pattern.default_args, pattern.name)

    def _as_error(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = response["Allow"]
        body = errors.error_body(
            405,
            _("The method %(method)s is not allowed here; use %(allowed)s.")
            % {"method": request.method, "allowed": allowed},
        )
        json_response = self.create_response(request, body, status=405)
        json_response["Allow"] = allowed
        return json_response


api = KotaCerdasAPI(
    title="KotaCerdas API",
    version=__version__,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    # No validator badge: Swagger UI would fetch it from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    description=(
        "Regions, the network and (later) assessments, practices and events.\n\n"
        "**Authentication.** Reading is public. Writing needs a bearer token: "
        "`Authorization: Bearer kc_...`; a region officer may change their own region "
        "only, the network secretariat manages networks, memberships and cohorts.\n\n"
        "**Errors.** Every error, whatever its status, has the shape "
        '`{"error": {"status", "code", "message", "fields": [{"field", "message"}]}}`. '
        "Messages follow the `Accept-Language` header (Indonesian by default, English).\n\n"
        "**Region codes.** Kemendagri codes are accepted dotted (`53.71`) or as plain "
        "digits (`5371`) in paths and filters, and always returned dotted. A value that is "
        "not a kabupaten/kota code at all (`abc`, `53`, `53.71.01`) is a 422 naming the "
        "parameter; a well-formed code that no region has is a 404.\n\n"
        "**Lists** take `limit` (1-200, default 50) and `offset`, and return "
        '`{"count": N, "items": [...]}`.\n\n'
        '**Demo content.** Every object made from illustrative records carries `"is_demo": '
        "true`; such records are not official statistics of a real region."
    ),
)
errors.install(api)

api.add_router("", regions_router)
api.add_router("/index", "kotacerdas.assessments.api.router")
api.add_router("/practices", "kotacerdas.practices.api.router")
api.add_router("/events", "kotacerdas.events.api.router")
api.add_router("/masterplans", "kotacerdas.strategy.api.router")

# Anything else under /api/v1/ is a 404 in the API's error shape rather than Django's
# HTML page. This router must stay the last one added.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"],
    "/{path:rest}",
    auth=None,
    include_in_schema=False,
    response={404: Error},
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise Http404(_("The API has no such address; see /api/v1/docs for the list."))


api.add_router("", fallback)
