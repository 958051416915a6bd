"""The secretariat reads events in the admin; changes go through the services (quotas and
the waiting list must be checked under the event's lock), so the admin is read-only."""

from django.contrib import admin

from kotacerdas.core.admin import ReadOnlyModelAdmin

from .models import Certificate, CheckIn, Delegation, Event, Quota, Registration, Session


@admin.register(Event)
class EventAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "host_region", "starts_at", "status", "capacity", "is_demo"]
    list_filter = ["status", "is_demo"]
    search_fields = ["name", "slug"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "role", "delegation", "status", "is_demo"]
    list_filter = ["status", "role", "is_demo"]
    search_fields = ["name", "code"]
    exclude = ["token"]
    list_select_related = ["delegation__region", "delegation__event"]


for model in (Session, Quota, Delegation, CheckIn, Certificate):
    admin.site.register(model, ReadOnlyModelAdmin)
