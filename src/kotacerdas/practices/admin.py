"""The secretariat can read every library record in the admin. Changes go through the
workflow pages, so the admin is read-only here: a published version must never change
behind the review's back."""

from django.contrib import admin

from kotacerdas.core.admin import ReadOnlyModelAdmin

from .models import Answer, Attachment, Practice, PracticeVersion, Question, Replication, Review


@admin.register(Practice)
class PracticeAdmin(ReadOnlyModelAdmin):
    list_display = ["slug", "lead_region", "published_version", "is_demo", "created_at"]
    list_filter = ["is_demo"]
    search_fields = ["slug", "versions__title"]
    list_select_related = ["lead_region", "published_version"]


@admin.register(PracticeVersion)
class PracticeVersionAdmin(ReadOnlyModelAdmin):
    list_display = ["title", "practice", "number", "status", "language", "updated_at"]
    list_filter = ["status", "language", "stage"]
    search_fields = ["title", "practice__slug"]
    list_select_related = ["practice"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyModelAdmin):
    list_display = ["version", "decision", "verified", "reviewer", "created_at"]
    list_filter = ["decision", "verified"]


@admin.register(Replication)
class ReplicationAdmin(ReadOnlyModelAdmin):
    list_display = ["practice", "region", "status", "started_on", "ended_on", "is_demo"]
    list_filter = ["status", "is_demo"]


for model in (Question, Answer, Attachment):
    admin.site.register(model, ReadOnlyModelAdmin)
