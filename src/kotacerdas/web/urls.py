"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from kotacerdas.api.urls import api

from . import views

pages = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
]

urlpatterns = [
    path("", include((pages, "web"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("regions/", include("kotacerdas.regions.urls")),
    path("index/", include("kotacerdas.assessments.urls")),
    path("practices/", include("kotacerdas.practices.urls")),
    path("events/", include("kotacerdas.events.urls")),
    path("masterplans/", include("kotacerdas.strategy.urls")),
    path("accounts/", include("kotacerdas.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
