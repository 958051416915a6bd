"""The secretariat reads events in the admin; changes go through the services (quotas and
the waiting list must be checked under the event's lock), so the admin is read-only."""

from django.contrib import admin

from .models import Certificate, CheckIn, Delegation, Event, Quota, Registration, Session


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["name", "host_region", "starts_at", "status", "capacity", "is_demo"]
    list_filter = ["status", "is_demo"]
    search_fields = ["name", "slug"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["name", "role", "delegation", "status", "is_demo"]
    list_filter = ["status", "role", "is_demo"]
    search_fields = ["name", "code"]
    exclude = ["token"]
    list_select_related = ["delegation__region", "delegation__event"]


for model in (Session, Quota, Delegation, CheckIn, Certificate):
    admin.site.register(model, ReadOnlyAdmin)
