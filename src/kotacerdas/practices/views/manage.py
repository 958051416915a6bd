"""Writing, reviewing and importing practices.

Thin: each view finds the practice, checks who may look, calls one service and renders.
What a practice may say is judged by ``content.parse_record`` and the services; the forms
carry what was typed and put every problem back next to its field or row. A refused write
changes nothing: the services check the permission inside their transaction.

Who sees what: a practice nobody but its region and the secretariat may read is a 404 for
everyone else; a practice they can read but not change is a 403.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kotacerdas.core.rules import is_secretariat
from kotacerdas.core.tabular import ImportRejected
from kotacerdas.core.textdiff import word_diff
from kotacerdas.web.responses import XLSX, download

from .. import selectors, services, taxonomy
from ..content import FACTS as CONTENT_FACTS
from ..content import ContentInvalid, parse_record, record_of
from ..forms import (
    AttachmentForm,
    ImportForm,
    NewVersionForm,
    PracticeEditor,
    ReviewForm,
)
from ..models import (
    Attachment,
    Form,
    Funding,
    Initiator,
    Language,
    Outcome,
    Practice,
    PracticeContact,
    PracticeVersion,
    Prerequisite,
    Stage,
)
from ..services import transfer

Status = PracticeVersion.Status
WAITING = (Status.SUBMITTED, Status.IN_REVIEW)
WORKING_LIMIT = 200


# --- finding what a request is about --------------------------------------------------------


def _may(request: HttpRequest, perm: str, obj: Any = None) -> bool:
    """Whether the rule behind ``perm`` holds. Asked directly, like the services do: Django
    lets a superuser pass every ``has_perm``, but the workflow's states (a published version
    never changes) bind administrators too."""
    return rules.has_perm(perm, request.user, obj)


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not _may(request, perm, obj):
        raise PermissionDenied(_("You may not do this."))


def _require_secretariat(request: HttpRequest) -> None:
    if not is_secretariat(request.user):
        raise PermissionDenied(_("Only the network secretariat reviews practices."))


def _posted(request: HttpRequest) -> Any:
    """The POST data to bind a form to (even when empty), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _own_region(request: HttpRequest) -> Any:
    return getattr(request.user, "region", None)


def _practice(request: HttpRequest, slug: str) -> tuple[Practice, PracticeVersion]:
    """The practice and its latest version, or 404 when the user may see neither: an
    unpublished practice exists only for its region and the secretariat."""
    practice = selectors.practice_by_slug(slug)
    latest = selectors.latest_version(practice) if practice else None
    if latest is None:
        raise Http404(_("There is no such practice."))
    latest.practice = practice
    if not (practice.published_version_id or _may(request, "practices.view_version", latest)):
        raise Http404(_("There is no such practice."))
    return practice, latest


def _writes(request: HttpRequest, practice: Practice) -> bool:
    """The user writes this practice: an officer of its lead region, or the secretariat."""
    return _may(request, "practices.view_reviews", practice)


def _not_now(
    request: HttpRequest, practice: Practice, version: PracticeVersion, back: str = ""
) -> HttpResponse:
    """A writer asked for a step the version's state does not allow (a second click, a
    stale page): say so and show the practice again. Anyone else is refused."""
    if not _writes(request, practice):
        raise PermissionDenied(_("You may not do this."))
    messages.error(
        request,
        _("Version %(number)s is %(status)s; that is not possible now.")
        % {"number": version.number, "status": version.get_status_display()},
    )
    return redirect(back or _edit_url(practice))


def _edit_url(practice: Practice) -> str:
    return reverse("practices:edit", kwargs={"slug": practice.slug})


def _review_url(practice: Practice) -> str:
    return reverse("practices:review", kwargs={"slug": practice.slug})


# --- the list of one's own practices, and the review queue ---------------------------------


@dataclass
class Row:
    version: PracticeVersion
    can_edit: bool
    can_submit: bool
    can_new_version: bool
    can_review: bool
    comment: str = ""


def _row(request: HttpRequest, version: PracticeVersion) -> Row:
    practice = version.practice
    rounds = getattr(version, "rounds", [])
    return Row(
        version=version,
        can_edit=_may(request, "practices.edit_version", version),
        can_submit=_may(request, "practices.submit_version", version),
        can_new_version=version.status == Status.PUBLISHED
        and _may(request, "practices.new_version", practice),
        can_review=version.status in WAITING and is_secretariat(request.user),
        comment=rounds[0].comment if version.status == Status.RETURNED and rounds else "",
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    if is_secretariat(user):
        working = selectors.versions_being_written(WORKING_LIMIT)
        return render(
            request,
            "practices/manage/mine.html",
            {
                "secretariat": True,
                "queue": [_row(request, v) for v in selectors.review_queue()],
                "working": [_row(request, v) for v in working],
                "working_limit": WORKING_LIMIT,
            },
        )
    region = _own_region(request)
    _require(request, "practices.add_practice", region)
    return render(
        request,
        "practices/manage/mine.html",
        {
            "secretariat": False,
            "region": region,
            "rows": [_row(request, v) for v in selectors.region_latest_versions(region)],
        },
    )


# --- writing ------------------------------------------------------------------------------


def _editor_page(
    request: HttpRequest,
    editor: PracticeEditor,
    *,
    practice: Practice | None = None,
    version: PracticeVersion | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "editor": editor,
        "form": editor.form,
        "practice": practice,
        "version": version,
        "narrative": [editor.form[name] for name in PracticeVersion.NARRATIVE],
        "new": practice is None,
        "viewer_region": practice.lead_region if practice else _own_region(request),
    }
    if version is not None:
        reviews = list(selectors.reviews_of(version))
        context |= {
            "returned": reviews[0]
            if version.status == Status.RETURNED and reviews and reviews[0].comment
            else None,
            "attachments": version.attachments.all(),
            "attachment_form": AttachmentForm(),
        }
    return render(request, "practices/manage/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    region = _own_region(request)
    _require(request, "practices.add_practice", region)
    choose_region = bool(is_secretariat(request.user))
    editor = PracticeEditor(_posted(request), new=True, choose_region=choose_region)
    if request.method != "POST":
        return _editor_page(request, editor)
    if request.POST.get("add"):
        return _editor_page(request, editor.extra_row(request.POST["add"]))
    if editor.record_ready():
        try:
            data = parse_record(editor.record())
        except ContentInvalid as invalid:
            editor.attach(invalid.problems)
        else:
            if editor.is_valid():  # the lead region and the short name, too
                cleaned = editor.form.cleaned_data
                try:
                    practice = services.create_practice(
                        actor=request.user,
                        region=cleaned["lead_region"] if choose_region else region,
                        data=data,
                        slug=cleaned.get("slug", ""),
                    )
                except ContentInvalid as invalid:
                    editor.attach(invalid.problems)
                else:
                    messages.success(
                        request,
                        _("The practice is saved as a draft. Add attachments, then submit it."),
                    )
                    return redirect(_edit_url(practice))
    return _editor_page(request, editor, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    practice, version = _practice(request, slug)
    if not _writes(request, practice):
        raise PermissionDenied(_("Only the practice's region and the secretariat edit it."))
    if not version.is_editable:
        if request.method == "POST":
            return _not_now(request, practice, version)
        return render(
            request,
            "practices/manage/locked.html",
            {
                "practice": practice,
                "version": version,
                "can_new_version": version.status == Status.PUBLISHED
                and _may(request, "practices.new_version", practice),
                "can_review": version.status in WAITING and is_secretariat(request.user),
                "new_version_form": NewVersionForm(),
            },
        )
    stored = selectors.version_with_content(version.pk)
    editor = PracticeEditor(_posted(request), record=record_of(stored))
    if request.method != "POST":
        return _editor_page(request, editor, practice=practice, version=stored)
    if request.POST.get("add"):
        return _editor_page(
            request, editor.extra_row(request.POST["add"]), practice=practice, version=stored
        )
    if editor.record_ready():
        try:
            data = parse_record(editor.record())
            services.update_version(actor=request.user, version=version, data=data)
        except ContentInvalid as invalid:
            editor.attach(invalid.problems)
        else:
            messages.success(request, _("Saved."))
            return redirect(_edit_url(practice))
    return _editor_page(request, editor, practice=practice, version=stored, status=422)


@login_required
@require_POST
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    practice, version = _practice(request, slug)
    if not _may(request, "practices.submit_version", version):
        return _not_now(request, practice, version)
    try:
        services.submit_version(actor=request.user, version=version)
    except ContentInvalid as invalid:
        # Show the stored content with what is missing marked on it.
        stored = selectors.version_with_content(version.pk)
        editor = PracticeEditor(record=record_of(stored))
        editor.attach(invalid.problems)
        messages.error(request, _("The practice is not complete enough to be reviewed yet."))
        return _editor_page(request, editor, practice=practice, version=stored, status=422)
    messages.success(request, _("Submitted for review. The secretariat has been told by e-mail."))
    return redirect("practices:mine")


@login_required
@require_POST
def new_version(request: HttpRequest, slug: str) -> HttpResponse:
    practice, version = _practice(request, slug)
    if not _may(request, "practices.new_version", practice):
        return _not_now(request, practice, version)
    form = NewVersionForm(request.POST)
    note = form.cleaned_data["change_note"] if form.is_valid() else ""
    started = services.start_new_version(actor=request.user, practice=practice, change_note=note)
    messages.success(
        request,
        _(
            "Version %(number)s is a draft copied from the published version. The published "
            "version stays public until this one is reviewed."
        )
        % {"number": started.number},
    )
    return redirect(_edit_url(practice))


# --- attachments ---------------------------------------------------------------------------


@login_required
@require_POST
def attachments(request: HttpRequest, slug: str) -> HttpResponse:
    practice, version = _practice(request, slug)
    if not _may(request, "practices.edit_version", version):
        return _not_now(request, practice, version)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            attachment = services.add_attachment(
                actor=request.user,
                version=version,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Attached “%(title)s”.") % {"title": attachment.title})
    return redirect(_edit_url(practice) + "#attachments")


def _attachment(request: HttpRequest, pk: int) -> Attachment:
    attachment = get_object_or_404(
        Attachment.objects.select_related("version__practice__lead_region"), pk=pk
    )
    if not _may(request, "practices.view_version", attachment.version):
        raise Http404(_("There is no such attachment."))
    return attachment


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment(request, pk)
    version = attachment.version
    if not _may(request, "practices.edit_version", version):
        return _not_now(request, version.practice, version)
    services.remove_attachment(actor=request.user, attachment=attachment)
    messages.success(request, _("Removed “%(title)s”.") % {"title": attachment.title})
    return redirect(_edit_url(version.practice) + "#attachments")


@require_http_methods(["GET", "HEAD"])
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _attachment(request, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("The file of this attachment is missing.")) from None
    return FileResponse(
        handle,
        content_type=attachment.content_type,
        filename=os.path.basename(attachment.file.name),
    )


# --- reviewing -----------------------------------------------------------------------------


@dataclass
class Change:
    """One field that differs from the published version, with a word-level diff."""

    label: str
    old: str
    new: str
    parts: list[tuple[str, str]]


def _display(key: str, value: Any) -> str:
    choices = {
        "language": dict(Language.choices),
        "stage": dict(Stage.choices),
        "form": dict(Form.choices),
        "initiator": dict(Initiator.choices),
        "funding_sources": dict(Funding.choices),
    }.get(key, {})
    if value is None or value == "" or value == []:
        return "—"
    if key in ("pillars", "sub_elements"):
        return ", ".join(f"{code} {taxonomy.node_name(code)}" for code in value)
    if key == "budget_idr":
        return "Rp " + number_format(value, 0, force_grouping=True)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "\n".join(
            "; ".join(f"{k}: {v}" for k, v in item.items() if v not in (None, "")) for item in value
        )
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    return str(choices.get(value, value))


def _label(key: str) -> str:
    rows = {"outcomes": Outcome, "prerequisites": Prerequisite, "contacts": PracticeContact}
    if key in rows:
        return capfirst(rows[key]._meta.verbose_name_plural)
    name = key.split(".", 1)[1] if key.startswith("narrative.") else key
    return capfirst(PracticeVersion._meta.get_field(name).verbose_name)


# The facts compared field by field; title and summary get a word diff of their own.
FACTS = tuple(name for name in CONTENT_FACTS if name not in ("title", "summary"))


# Lists whose order carries no meaning: a new order is no change.
UNORDERED = {"pillars", "sub_elements", "sdgs", "funding_sources", "partner_regions"}


def _facts(version: PracticeVersion) -> list[tuple[str, str]]:
    """The version's classification and resources as ``(label, text)`` for the page."""
    record = record_of(version)
    return [(_label(key), _display(key, record[key])) for key in FACTS]


def _changes(published: PracticeVersion, candidate: PracticeVersion) -> list[Change]:
    """What the candidate changes in the published version, field by field."""
    old, new = record_of(published), record_of(candidate)
    for record in (old, new):
        for name, text in record.pop("narrative").items():
            record[f"narrative.{name}"] = text
    changes = []
    for key in new:
        if old.get(key) == new[key] or (
            key in UNORDERED and sorted(old.get(key) or []) == sorted(new[key] or [])
        ):
            continue
        before, after = _display(key, old.get(key)), _display(key, new[key])
        changes.append(Change(_label(key), before, after, word_diff(before, after)))
    return changes


def _decide(
    request: HttpRequest, practice: Practice, version: PracticeVersion, form: ReviewForm
) -> HttpResponse | None:
    """Carry out the review step the secretariat chose; None when the form has problems
    (they are on the form)."""
    action = request.POST.get("action")
    region = practice.lead_region.name
    if action == "start":
        services.start_review(actor=request.user, version=version)
        messages.success(
            request, _("The review has started; %(region)s has been told.") % {"region": region}
        )
        return redirect(_review_url(practice))
    if action not in ("return", "publish"):
        messages.error(request, _("Choose what to do with the practice."))
        return redirect(_review_url(practice))
    if not form.is_valid():
        return None
    try:
        if action == "return":
            services.return_version(
                actor=request.user,
                version=version,
                comment=form.cleaned_data["comment"],
                scores=form.scores(),
            )
        else:
            services.publish_version(
                actor=request.user,
                version=version,
                scores=form.scores(),
                verified=form.cleaned_data["verified"],
                comment=form.cleaned_data["comment"],
            )
    except ContentInvalid as invalid:
        form.attach(invalid.problems)
        return None
    if action == "return":
        messages.success(
            request, _("Returned to %(region)s with your comments.") % {"region": region}
        )
        return redirect("practices:mine")
    messages.success(request, _("Published. The region has been told."))
    return redirect("practices:detail", slug=practice.slug)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, slug: str) -> HttpResponse:
    practice, latest = _practice(request, slug)
    _require_secretariat(request)
    candidate = latest if latest.status in WAITING else None
    form = ReviewForm(_posted(request))
    status = 200
    if request.method == "POST":
        if candidate is None:
            return _not_now(request, practice, latest, _review_url(practice))
        try:
            response = _decide(request, practice, candidate, form)
        except PermissionDenied:  # the version moved on (a second click, another reviewer)
            return _not_now(request, practice, candidate, _review_url(practice))
        if response is not None:
            return response
        status = 422
    context: dict[str, Any] = {
        "practice": practice,
        "latest": latest,
        "version": None,
        "form": form,
        "criteria": taxonomy.CRITERIA,
    }
    if candidate is not None:
        version = selectors.version_with_content(candidate.pk)
        published = (
            selectors.version_with_content(practice.published_version_id)
            if practice.published_version_id
            else None
        )
        context |= {
            "version": version,
            "facts": _facts(version),
            "published": published,
            "changes": _changes(published, version) if published else None,
            "rounds": selectors.reviews_of(version),
            "max_score": taxonomy.MAX_SCORE,
        }
    return render(request, "practices/manage/review.html", context, status=status)


# --- importing -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    _require(request, "practices.add_practice", _own_region(request))
    form = ImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    created, problems, status = None, None, 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            content, filename = form.cleaned_data["file"]
            try:
                created = transfer.import_practices(
                    actor=request.user, content=content, filename=filename
                )
            except ImportRejected as exc:
                problems = exc.problems
            else:
                status = 200
                form = ImportForm()
    return render(
        request,
        "practices/manage/import.html",
        {
            "form": form,
            "created": created,
            "problems": problems,
            "sees_all": is_secretariat(request.user),
            "region": _own_region(request),
            "columns": transfer.PRACTICE_COLUMNS,
            "sheets": transfer.CHILD_SHEETS,
        },
        status=status,
    )


@login_required
def template(request: HttpRequest) -> HttpResponse:
    _require(request, "practices.add_practice", _own_region(request))
    return download(transfer.template_xlsx(), XLSX, "kotacerdas-praktik.xlsx")


# Fixed prefixes first: ``manage/...`` and ``attachments/...`` must never be read as a slug.
urlpatterns = [
    path("manage/", mine, name="mine"),
    path("manage/new/", create, name="create"),
    path("manage/import/", import_page, name="import"),
    path("manage/template.xlsx", template, name="template"),
    path("attachments/<int:pk>/", attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", attachment_delete, name="attachment_delete"),
    path("<slug:slug>/edit/", edit, name="edit"),
    path("<slug:slug>/submit/", submit, name="submit"),
    path("<slug:slug>/new-version/", new_version, name="new_version"),
    path("<slug:slug>/review/", review, name="review"),
    path("<slug:slug>/attachments/", attachments, name="attachments"),
]
