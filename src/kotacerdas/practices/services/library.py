"""Writing practices: drafts, the review workflow, new versions and attachments.

Draft → submitted → in review → published, or → returned (with comments) → submitted
again. Every transition locks the version row, so a double click or two reviewers at
once cannot move it twice, and every write is audited under the lead region's code.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kotacerdas.core import audit
from kotacerdas.core.models import AuditEvent
from kotacerdas.core.services import require_rule
from kotacerdas.regions.models import Region

from .. import notifications, search, taxonomy
from ..content import RESERVED_SLUGS, ContentInvalid, FieldProblem, PracticeData
from ..models import (
    Attachment,
    Outcome,
    Practice,
    PracticeContact,
    PracticeVersion,
    Prerequisite,
    Review,
)

Status = PracticeVersion.Status

ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".webp": ("image/webp", b"RIFF"),
}


def unique_slug(title: str, *, wanted: str = "") -> str:
    """``wanted`` if given and free, else a slug of the title with a number if needed."""
    base = (wanted or slugify(title)[:70].strip("-")) or "praktik"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Practice.objects.filter(slug=slug).exists():
        slug = f"{base[:70]}-{number}"
        number += 1
    return slug


def _partner_regions(codes: list[str], lead: Region) -> list[Region]:
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    problems = [
        FieldProblem("partner_regions", _("Unknown region code “%(code)s”.") % {"code": code})
        for code in codes
        if code not in regions
    ]
    if lead.code in codes:
        problems.append(
            FieldProblem("partner_regions", _("The lead region cannot also be a partner."))
        )
    if problems:
        raise ContentInvalid(problems)
    return [regions[code] for code in dict.fromkeys(codes)]


def _write_content(version: PracticeVersion, data: PracticeData) -> None:
    """Replace everything the version says with ``data``."""
    partners = _partner_regions(data.partner_regions, version.practice.lead_region)
    for name, value in data.version_fields().items():
        setattr(version, name, value)
    version.save()
    version.partner_regions.set(partners)
    version.outcomes.all().delete()
    version.prerequisites.all().delete()
    version.contacts.all().delete()
    Outcome.objects.bulk_create(
        Outcome(
            version=version,
            position=i,
            name=o.name,
            unit=o.unit,
            baseline=o.baseline,
            baseline_year=o.baseline_year,
            value=o.value,
            year=o.year,
            source=o.source,
            affects_pad=o.pad,
        )
        for i, o in enumerate(data.outcomes)
    )
    Prerequisite.objects.bulk_create(
        Prerequisite(
            version=version,
            position=i,
            kind=p.kind,
            description=p.description,
            min_budget_idr=p.min_budget_idr,
            readiness_code=p.readiness,
            min_level=p.min_level,
        )
        for i, p in enumerate(data.prerequisites)
    )
    PracticeContact.objects.bulk_create(
        PracticeContact(
            version=version,
            position=i,
            name=c.name,
            title=c.position,
            agency=c.agency,
            email=c.email,
            phone=c.phone,
        )
        for i, c in enumerate(data.contacts)
    )


def _audit(actor: Any, action: str, version: PracticeVersion, changes: dict[str, Any]) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=version,
        region_code=version.practice.lead_region.code,
        changes=changes,
    )


def create_practice(
    *,
    actor: Any,
    region: Region,
    data: PracticeData,
    slug: str = "",
    is_demo: bool = False,
) -> Practice:
    """A new practice of ``region`` with its first version as a draft."""
    require_rule(actor, "practices.add_practice", region)
    author = audit.acting_user(actor)
    if slug in RESERVED_SLUGS:
        raise ContentInvalid(
            [
                FieldProblem(
                    "slug", _("“%(slug)s” is reserved; choose another short name.") % {"slug": slug}
                )
            ]
        )
    with transaction.atomic():
        if slug and Practice.objects.filter(slug=slug).exists():
            raise ContentInvalid(
                [
                    FieldProblem(
                        "slug",
                        _("A practice with the short name “%(slug)s” exists.") % {"slug": slug},
                    )
                ]
            )
        practice = Practice.objects.create(
            slug=unique_slug(data.title, wanted=slug),
            lead_region=region,
            created_by=author,
            is_demo=is_demo,
        )
        version = PracticeVersion(practice=practice, number=1, author=author)
        _write_content(version, data)
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=practice,
            region_code=region.code,
            changes={"slug": [None, practice.slug], "title": [None, data.title]},
        )
    return practice


def update_version(*, actor: Any, version: PracticeVersion, data: PracticeData) -> PracticeVersion:
    """Replace a draft's or returned version's content."""
    with transaction.atomic():
        version = (
            PracticeVersion.objects.select_for_update()
            .select_related("practice__lead_region")
            .get(pk=version.pk)
        )
        require_rule(actor, "practices.edit_version", version)
        before = audit.snapshot(version)
        _write_content(version, data)
        _audit(
            actor, AuditEvent.Action.UPDATE, version, audit.diff(before, audit.snapshot(version))
        )
    return version


def _transition(
    *, actor: Any, version: PracticeVersion, perm: str, status: str, **fields: Any
) -> PracticeVersion:
    version = (
        PracticeVersion.objects.select_for_update()
        .select_related("practice__lead_region")
        .get(pk=version.pk)
    )
    require_rule(actor, perm, version)
    before = version.status
    version.status = status
    for name, value in fields.items():
        setattr(version, name, value)
    version.save()
    _audit(actor, AuditEvent.Action.UPDATE, version, {"status": [before, status]})
    return version


def submit_version(*, actor: Any, version: PracticeVersion) -> PracticeVersion:
    """Send a draft or returned version to the secretariat."""
    with transaction.atomic():
        version = _transition(
            actor=actor,
            version=version,
            perm="practices.submit_version",
            status=Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        _require_complete(version)
        notifications.send(
            "submitted",
            notifications.secretariat_addresses(),
            _mail_context(version),
        )
    return version


def _require_complete(version: PracticeVersion) -> None:
    """A version goes to review only with what juries need to judge it."""
    missing = [
        FieldProblem(f"narrative.{name}", _("This section is empty."))
        for name in ("situation", "objectives", "process", "results")
        if not getattr(version, name).strip()
    ]
    if not version.outcomes.exists():
        missing.append(FieldProblem("outcomes", _("Give at least one outcome with its source.")))
    if missing:
        raise ContentInvalid(missing)


def start_review(*, actor: Any, version: PracticeVersion) -> PracticeVersion:
    with transaction.atomic():
        version = _transition(
            actor=actor, version=version, perm="practices.start_review", status=Status.IN_REVIEW
        )
        notifications.send("in_review", _owner_addresses(version), _mail_context(version))
    return version


def _clean_scores(scores: dict[str, Any], *, complete: bool) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    problems = []
    for code in taxonomy.CRITERION_CODES:
        value = scores.get(code)
        if value in (None, ""):
            if complete:
                problems.append(
                    FieldProblem(f"scores.{code}", _("Score every criterion from 1 to 5."))
                )
            continue
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            number = 0
        # int() would truncate 4.5 to 4: a fraction is not a score.
        fraction = not isinstance(value, str) and number != value
        if isinstance(value, bool) or fraction or not 1 <= number <= 5:
            problems.append(
                FieldProblem(f"scores.{code}", _("A score is a whole number from 1 to 5."))
            )
            continue
        cleaned[code] = number
    unknown = sorted(set(scores) - set(taxonomy.CRITERION_CODES))
    problems += [FieldProblem(f"scores.{code}", _("Unknown criterion.")) for code in unknown]
    if problems:
        raise ContentInvalid(problems)
    return cleaned


def _clean_comment(comment: str | None) -> str:
    comment = (comment or "").strip()
    if "\0" in comment:
        # PostgreSQL refuses NUL in text; say so instead of failing on save.
        raise ContentInvalid([FieldProblem("comment", _("The text contains a NUL character."))])
    return comment


def return_version(
    *, actor: Any, version: PracticeVersion, comment: str, scores: dict[str, Any] | None = None
) -> Review:
    """Send a version back to its region with comments; they revise and submit again."""
    comment = _clean_comment(comment)
    if not comment:
        raise ContentInvalid([FieldProblem("comment", _("Say what needs to change."))])
    with transaction.atomic():
        cleaned = _clean_scores(scores or {}, complete=False)
        version = _transition(
            actor=actor, version=version, perm="practices.decide_review", status=Status.RETURNED
        )
        review = Review.objects.create(
            version=version,
            reviewer=audit.acting_user(actor),
            decision=Review.Decision.RETURNED,
            scores=cleaned,
            comment=comment,
        )
        notifications.send(
            "returned", _owner_addresses(version), {**_mail_context(version), "review": review}
        )
    return review


def publish_version(
    *,
    actor: Any,
    version: PracticeVersion,
    scores: dict[str, Any],
    verified: bool,
    comment: str = "",
    published_at: dt.datetime | None = None,
) -> Review:
    """Publish a version that was reviewed, scored on every criterion. The version it
    replaces is kept as superseded history."""
    comment = _clean_comment(comment)
    with transaction.atomic():
        cleaned = _clean_scores(scores, complete=True)
        now = published_at or timezone.now()
        version = _transition(
            actor=actor,
            version=version,
            perm="practices.decide_review",
            status=Status.PUBLISHED,
            published_at=now,
        )
        practice = Practice.objects.select_for_update().get(pk=version.practice_id)
        PracticeVersion.objects.filter(practice=practice, status=Status.PUBLISHED).exclude(
            pk=version.pk
        ).update(status=Status.SUPERSEDED)
        practice.published_version = version
        practice.first_published_at = practice.first_published_at or now
        practice.save(update_fields=["published_version", "first_published_at"])
        review = Review.objects.create(
            version=version,
            reviewer=audit.acting_user(actor),
            decision=Review.Decision.PUBLISHED,
            scores=cleaned,
            verified=bool(verified),
            comment=comment,
        )
        search.index_practices([practice.pk])
        notifications.send(
            "published",
            _owner_addresses(version),
            {**_mail_context(version), "review": review, "max_score": taxonomy.MAX_SCORE},
        )
    return review


def start_new_version(*, actor: Any, practice: Practice, change_note: str = "") -> PracticeVersion:
    """A new draft that starts as a copy of the published version. An unfinished newer
    version is returned as it is instead of starting another."""
    from ..content import parse_record, record_of

    with transaction.atomic():
        practice = (
            Practice.objects.select_for_update().select_related("lead_region").get(pk=practice.pk)
        )
        require_rule(actor, "practices.new_version", practice)
        latest = practice.versions.order_by("-number").first()
        if latest is not None and latest.status not in (Status.PUBLISHED, Status.SUPERSEDED):
            return latest
        published = practice.published_version
        # The note is checked like the rest of the record (length, NUL characters).
        data = parse_record({**record_of(published), "change_note": change_note})
        version = PracticeVersion(
            practice=practice,
            number=latest.number + 1,
            author=audit.acting_user(actor),
        )
        _write_content(version, data)
        for attachment in published.attachments.all():
            Attachment.objects.create(
                version=version,
                file=attachment.file.name,
                title=attachment.title,
                content_type=attachment.content_type,
                size=attachment.size,
                uploaded_by=attachment.uploaded_by,
            )
        _audit(actor, AuditEvent.Action.CREATE, version, {"number": [None, version.number]})
    return version


def check_attachment(name: str, size: int, head: bytes) -> str:
    """The content type of an acceptable attachment, or a ValidationError saying why not.
    The type is judged by extension and by the file's first bytes, never by what the
    browser claims."""
    limit = settings.KOTACERDAS_ATTACHMENT_MAX_BYTES
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("Attach a PDF or an image (PNG, JPEG, WebP); “%(name)s” is neither.") % {"name": name}
        )
    content_type, magic = ATTACHMENT_TYPES[suffix]
    # Before the first bytes are judged: an empty file has none, and "does not look like
    # a PDF" would not tell the person what is wrong.
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    if not head.startswith(magic) or (suffix == ".webp" and head[8:12] != b"WEBP"):
        raise ValidationError(
            _("“%(name)s” does not look like a %(type)s file.")
            % {"name": name, "type": suffix[1:].upper()}
        )
    if size > limit:
        # Rounded up, so a file just over the limit does not read as "10.0 MB; at most 10.0".
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; at most %(max)s MB.")
            % {
                "name": name,
                "size": math.ceil(size * 10 / 2**20) / 10,
                "max": round(limit / 2**20, 1),
            }
        )
    return content_type


def _locked(version_id: int) -> PracticeVersion:
    """The version as stored now, locked until the transaction ends: a caller's copy may
    be stale (submitted or published since it was read)."""
    return (
        PracticeVersion.objects.select_for_update()
        .select_related("practice__lead_region")
        .get(pk=version_id)
    )


def add_attachment(
    *, actor: Any, version: PracticeVersion, upload: Any, title: str = ""
) -> Attachment:
    """Store an uploaded PDF or image with a version that is still being edited."""
    require_rule(actor, "practices.edit_version", version)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = check_attachment(upload.name, upload.size, head)
    title = (title or "").strip() or upload.name
    if "\0" in title:
        raise ValidationError(_("The title contains a NUL character."))
    with transaction.atomic():
        version = _locked(version.pk)
        require_rule(actor, "practices.edit_version", version)
        attachment = Attachment(
            version=version,
            title=title[:200],
            content_type=content_type,
            size=upload.size,
            uploaded_by=audit.acting_user(actor),
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        _audit(actor, AuditEvent.Action.UPDATE, version, {"attachment": [None, attachment.title]})
    return attachment


def remove_attachment(*, actor: Any, attachment: Attachment) -> None:
    with transaction.atomic():
        version = _locked(attachment.version_id)
        require_rule(actor, "practices.edit_version", version)
        _audit(actor, AuditEvent.Action.UPDATE, version, {"attachment": [attachment.title, None]})
        attachment.delete()
        _forget_files([attachment.file.name])


def _forget_files(names: list[str]) -> None:
    """Once the transaction commits, delete the stored files no attachment row uses any
    more (versions share their files, so a file lives as long as one row points at it)."""

    def delete() -> None:
        used = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
        for name in set(names) - used:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


def delete_practice(*, actor: Any, practice: Practice) -> None:
    require_rule(actor, "practices.delete_practice", practice)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            obj=practice,
            region_code=practice.lead_region.code,
        )
        search.remove_practices([practice.pk])
        files = list(
            Attachment.objects.filter(version__practice=practice).values_list("file", flat=True)
        )
        practice.published_version = None
        practice.save(update_fields=["published_version"])
        practice.delete()
        _forget_files(files)


def _owner_addresses(version: PracticeVersion) -> list[str]:
    addresses = set(notifications.region_addresses(version.practice.lead_region_id))
    if version.author is not None and version.author.email and version.author.is_active:
        addresses.add(version.author.email)
    return sorted(addresses)


def _mail_context(version: PracticeVersion) -> dict[str, Any]:
    return {
        "version": version,
        "practice": version.practice,
        "url": notifications.practice_url(version.practice),
    }
