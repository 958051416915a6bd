"""The secretariat keeps the network in the admin too; every save is audited."""

from django.contrib import admin

from kotacerdas.core.admin import AuditedModelAdmin

from .models import Cohort, CohortMember, Contact, Membership, Network, Province, Region, RegionHead


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "capital", "timezone", "retired_at"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # the registry comes from `kotacerdas regions sync`

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "province", "population", "retired_at"]
    list_filter = ["kind", "province", "timezone"]
    search_fields = ["code", "name", "search_name"]
    # Registry facts are read-only: only the region's own fields can be edited here.
    readonly_fields = [
        "code",
        "name",
        "kind",
        "province",
        "capital",
        "latitude",
        "longitude",
        "timezone",
        "area_km2",
        "population",
        "facts_source",
        "facts_year",
        "retired_at",
    ]
    fields = [*readonly_fields, "website", "description"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["region"]


@admin.register(Network)
class NetworkAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "is_demo"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["region", "network", "role", "joined_on", "left_on", "is_demo"]
    list_filter = ["network", "role", "is_demo"]
    search_fields = ["region__name", "region__code"]
    autocomplete_fields = ["region"]


@admin.register(Cohort)
class CohortAdmin(AuditedModelAdmin):
    list_display = ["name", "programme", "year", "is_demo"]
    list_filter = ["programme", "year"]


@admin.register(CohortMember)
class CohortMemberAdmin(AuditedModelAdmin):
    list_display = ["region", "cohort", "status", "is_demo"]
    list_filter = ["cohort", "status"]
    search_fields = ["region__name", "region__code"]
    autocomplete_fields = ["region"]


@admin.register(RegionHead)
class RegionHeadAdmin(AuditedModelAdmin):
    list_display = ["region", "title", "name", "term_start", "term_end", "is_demo"]
    search_fields = ["region__name", "region__code", "name"]
    autocomplete_fields = ["region"]


@admin.register(Contact)
class ContactAdmin(AuditedModelAdmin):
    list_display = ["region", "name", "agency", "email", "is_primary"]
    search_fields = ["region__name", "region__code", "name", "email"]
    autocomplete_fields = ["region"]
