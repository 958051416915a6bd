"""Best practices shared by regions: versioned records, reviews, adoption and questions.

A :class:`Practice` is the lasting identity (slug, lead region); what it says lives in
numbered :class:`PracticeVersion` rows. Officers edit a version while it is a draft or
returned; the secretariat reviews it with the award juries' criteria and publishes it.
A published version never changes: an edit starts a new version, and the public page keeps
showing the published one until the new version passes review.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kotacerdas.core.models import Provenance
from kotacerdas.regions.models import Region

PILLARS = ("GOV", "BRD", "ECO", "LIV", "SOC", "ENV")


class Stage(models.TextChoices):
    INITIATIVE = "initiative", _("initiative")
    TRIAL = "trial", _("trial")
    APPLIED = "applied", _("applied")


class Form(models.TextChoices):
    GOVERNANCE = "governance", _("local governance")
    PUBLIC_SERVICE = "public_service", _("public service")
    OTHER = "other", _("other government affairs")


class Initiator(models.TextChoices):
    HEAD_OF_REGION = "head_of_region", _("head of region")
    DPRD_MEMBER = "dprd_member", _("DPRD member")
    AGENCY = "agency", _("regional agency")
    CIVIL_SERVANT = "civil_servant", _("civil servant")
    COMMUNITY = "community", _("community")


class Funding(models.TextChoices):
    APBD = "apbd", _("regional budget (APBD)")
    APBN = "apbn", _("state budget (APBN)")
    VILLAGE_FUND = "village_fund", _("village funds")
    CSR = "csr", _("corporate social responsibility (CSR)")
    PARTNERSHIP = "partnership", _("partnership")
    OTHER = "other", _("other")


class Language(models.TextChoices):
    INDONESIAN = "id", _("Indonesian")
    ENGLISH = "en", _("English")


class Practice(Provenance):
    """One practice of a lead region, across all its versions."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    lead_region = models.ForeignKey(
        Region,
        verbose_name=_("lead region"),
        on_delete=models.PROTECT,
        related_name="practices",
    )
    published_version = models.OneToOneField(
        "PracticeVersion",
        verbose_name=_("published version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    def __str__(self) -> str:
        version = self.published_version
        return version.title if version else self.slug


class PracticeVersion(models.Model):
    """What a practice says at one version, and where that version is in the workflow."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", pgettext_lazy("practice status", "submitted")
        IN_REVIEW = "in_review", _("in review")
        RETURNED = "returned", _("returned")
        PUBLISHED = "published", _("published")
        SUPERSEDED = "superseded", _("superseded")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(
        pgettext_lazy("practice", "submitted"), null=True, blank=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.INDONESIAN
    )
    title = models.CharField(pgettext_lazy("document", "title"), max_length=200)
    summary = models.TextField(_("summary"), help_text=_("At most 250 words."))
    pillars = models.JSONField(_("pillars"), default=list)
    sub_elements = models.JSONField(_("sub-elements"), default=list)
    sdgs = models.JSONField(_("SDG goals"), default=list)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    form = models.CharField(_("form"), max_length=16, choices=Form.choices)
    digital = models.BooleanField(_("digital"), default=True)
    initiator = models.CharField(_("initiator"), max_length=16, choices=Initiator.choices)
    started_on = models.DateField(_("started"), null=True, blank=True)
    applied_on = models.DateField(_("applied since"), null=True, blank=True)
    budget_idr = models.BigIntegerField(
        _("budget (rupiah)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    funding_sources = models.JSONField(_("funding sources"), default=list)
    partner_regions = models.ManyToManyField(
        Region, verbose_name=_("partner regions"), blank=True, related_name="partner_in"
    )
    partner_organisations = models.JSONField(_("partner organisations"), default=list)

    situation = models.TextField(_("situation before"), blank=True)
    objectives = models.TextField(_("objectives and strategy"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    process = models.TextField(_("process"), blank=True)
    results = models.TextField(_("results"), blank=True)
    sustainability = models.TextField(_("sustainability"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    transferability = models.TextField(_("transferability"), blank=True)

    NARRATIVE = (
        "situation",
        "objectives",
        "resources",
        "process",
        "results",
        "sustainability",
        "lessons",
        "transferability",
    )

    class Meta:
        ordering = ["practice", "-number"]
        verbose_name = _("practice version")
        verbose_name_plural = _("practice versions")
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="practice_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def narrative_sections(self) -> list[tuple[str, str, str]]:
        """``(field, label, text)`` for each narrative section, in the juries' order."""
        return [
            (name, str(self._meta.get_field(name).verbose_name), getattr(self, name))
            for name in self.NARRATIVE
        ]


class Outcome(models.Model):
    """A measured result of the practice, with its evidence."""

    version = models.ForeignKey(PracticeVersion, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60)
    baseline = models.DecimalField(
        _("baseline"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source or evidence"), max_length=500)
    affects_pad = models.BooleanField(
        _("effect on own-source revenue (PAD)"),
        default=False,
        help_text=_("The outcome is regional own-source revenue, in rupiah."),
    )

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return self.name

    @property
    def change(self):
        return None if self.baseline is None else self.value - self.baseline


class Prerequisite(models.Model):
    """What a region needs before it can adopt the practice."""

    class Kind(models.TextChoices):
        BUDGET = "budget", _("budget")
        INFRASTRUCTURE = "infrastructure", _("infrastructure")
        REGULATION = "regulation", _("regulation")
        SKILLS = "skills", _("skills")

    version = models.ForeignKey(
        PracticeVersion, on_delete=models.CASCADE, related_name="prerequisites"
    )
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    min_budget_idr = models.BigIntegerField(
        _("minimum budget (rupiah)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    readiness_code = models.CharField(
        _("readiness question"),
        max_length=20,
        blank=True,
        help_text=_("The readiness self-assessment question that shows whether a region has it."),
    )
    min_level = models.PositiveSmallIntegerField(
        _("minimum level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("prerequisite")
        verbose_name_plural = _("prerequisites")

    def __str__(self) -> str:
        return self.description


class PracticeContact(models.Model):
    version = models.ForeignKey(PracticeVersion, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("position"), max_length=150, blank=True)
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"practices/{instance.version.practice_id}/{filename}"


class Attachment(models.Model):
    """A PDF or image that documents the practice. New versions share the stored file."""

    version = models.ForeignKey(
        PracticeVersion, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["version", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """One round of the secretariat's review of a version, scored on the juries' criteria."""

    class Decision(models.TextChoices):
        RETURNED = "returned", _("returned with comments")
        PUBLISHED = "published", _("published")

    version = models.ForeignKey(PracticeVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    scores = models.JSONField(_("scores"), default=dict)
    verified = models.BooleanField(
        _("evidence verified"),
        default=False,
        help_text=_("The secretariat checked the outcome figures against their evidence."),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("reviewed"), auto_now_add=True)

    class Meta:
        ordering = ["version", "-created_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.version} — {self.get_decision_display()}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.scores.values())


class Replication(Provenance):
    """A region adopting a practice from another region."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        ADOPTED = "adopted", _("adopted")
        STOPPED = "stopped", _("stopped")

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="replications"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("adopting region"),
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    started_on = models.DateField(_("started"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["practice", "region__name"]
        verbose_name = _("replication")
        verbose_name_plural = _("replications")
        constraints = [
            models.UniqueConstraint(fields=["practice", "region"], name="replication_once")
        ]

    def __str__(self) -> str:
        return f"{self.region} ← {self.practice}"


class Question(Provenance):
    """A question an officer of another region asks about a practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="questions")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("question"))
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        ordering = ["practice", "created_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:80]


class Answer(Provenance):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("answer"))
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        ordering = ["question", "created_at", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.text[:80]


class StatedPriorities(models.Model):
    """The pillars a region says it wants to improve first; used for recommendations
    until the region has published index results."""

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="stated_priorities"
    )
    pillars = models.JSONField(_("priority pillars"), default=list)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("stated priorities")
        verbose_name_plural = _("stated priorities")

    def __str__(self) -> str:
        return f"{self.region}: {', '.join(self.pillars)}"
