"""Pages of the registry and the network. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotacerdas.assessments.presentation import region_index_context
from kotacerdas.practices.presentation import region_practices_context
from kotacerdas.web.forms import form_page, form_view

from . import selectors, services
from .forms import (
    CohortForm,
    CohortMemberForm,
    ContactForm,
    CsvImportForm,
    EndMembershipForm,
    MembershipForm,
    NetworkForm,
    RegionFilterForm,
    RegionHeadForm,
    RegionProfileForm,
)
from .models import Cohort, CohortMember, Contact, Membership, Network, Region, RegionHead
from .services import imports

PAGE_SIZE = 50


def _region_or_404(code: str) -> Region:
    try:
        return selectors.get_region(code)
    except (Region.DoesNotExist, ValidationError):
        raise Http404(_("No region has the code %(code)s.") % {"code": code}) from None


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not change this."))


def directory(request: HttpRequest) -> HttpResponse:
    form = RegionFilterForm(
        request.GET or None,
        provinces=selectors.provinces_with_counts(),
        networks=selectors.networks_with_counts(),
        cohorts=selectors.cohorts_with_counts(),
    )
    filters = selectors.RegionFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.RegionFilters(**form.cleaned_data)
    regions = selectors.search_regions(filters).prefetch_related(
        selectors.prefetch_current_memberships()
    )
    page = Paginator(regions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "regions/_results.html" if request.htmx else "regions/directory.html"
    return render(request, template, context)


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = _region_or_404(code)
    if region.code != code:
        return redirect("regions:detail", code=region.code, permanent=True)
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "profile": selectors.region_profile(region),
            "can_edit": request.user.has_perm("regions.edit_region_profile", region),
            "index": region_index_context(region),
            "practices": region_practices_context(region, request.user),
        },
    )


@login_required
def region_edit(request: HttpRequest, code: str) -> HttpResponse:
    region = _region_or_404(code)
    _require(request, "regions.edit_region_profile", region)
    form = RegionProfileForm(request.POST or None, initial=_initial(region, RegionProfileForm))
    return form_page(
        request,
        form,
        save=lambda data: services.update_region_profile(actor=request.user, region=region, **data),
        title=_("Edit the profile of %(name)s") % {"name": region.name},
        back_url=region_url(region),
    )


def region_url(region: Region) -> str:
    return reverse("regions:detail", kwargs={"code": region.code})


@login_required
def contact_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    region = _region_or_404(code)
    _require(request, "regions.manage_region_contacts", region)
    contact = get_object_or_404(Contact, pk=pk, region=region) if pk else None
    form = ContactForm(request.POST or None, initial=_initial(contact, ContactForm))
    return form_page(
        request,
        form,
        save=lambda data: services.save_contact(
            actor=request.user, region=region, contact=contact, **data
        ),
        title=(_("Edit contact") if contact else _("Add a contact")) + f" — {region.name}",
        back_url=region_url(region),
        delete_url=contact
        and reverse("regions:contact-delete", kwargs={"code": region.code, "pk": contact.pk}),
    )


@login_required
@require_POST
def contact_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    region = _region_or_404(code)
    _require(request, "regions.manage_region_contacts", region)
    contact = get_object_or_404(Contact, pk=pk, region=region)
    services.delete_contact(actor=request.user, contact=contact)
    messages.success(request, _("The contact was removed."))
    return redirect(region_url(region))


@login_required
def head_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    region = _region_or_404(code)
    _require(request, "regions.manage_region_heads", region)
    head = get_object_or_404(RegionHead, pk=pk, region=region) if pk else None
    form = RegionHeadForm(request.POST or None, initial=_initial(head, RegionHeadForm))
    return form_page(
        request,
        form,
        save=lambda data: services.save_region_head(
            actor=request.user, region=region, head=head, **data
        ),
        title=(_("Edit term of office") if head else _("Add a term of office"))
        + f" — {region.name}",
        back_url=region_url(region),
    )


def _initial(obj: Any, form_class: Any) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {name: getattr(obj, name) for name in form_class._meta.fields}


# --- the network -------------------------------------------------------------------------


def networks(request: HttpRequest) -> HttpResponse:
    return render(request, "regions/networks.html", {"networks": selectors.networks_with_counts()})


def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    members = selectors.network_members(network)
    current = request.GET.get("show") != "all"
    if current:
        members = members.filter(selectors.current_memberships())
    return render(
        request,
        "regions/network_detail.html",
        {"network": network, "members": members, "show_current": current},
    )


@login_required
def network_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    _require(request, "regions.manage_network")
    network = get_object_or_404(Network, slug=slug) if slug else None
    form = NetworkForm(request.POST or None, initial=_initial(network, NetworkForm))
    return form_page(
        request,
        form,
        save=lambda data: services.save_network(actor=request.user, network=network, **data),
        title=network.name if network else _("New network"),
        back_url=_network_url(network) if network else reverse("regions:networks"),
        success_url=_network_url,
    )


def _network_url(network: Network) -> str:
    return reverse("regions:network", kwargs={"slug": network.slug})


@login_required
def membership_add(request: HttpRequest, slug: str) -> HttpResponse:
    _require(request, "regions.manage_network")
    network = get_object_or_404(Network, slug=slug)
    form = MembershipForm(request.POST or None)

    def save(data: dict[str, Any]) -> Membership:
        region = data.pop("region")
        return services.save_membership(actor=request.user, network=network, region=region, **data)

    return form_page(
        request,
        form,
        save=save,
        title=_("Add a member to %(name)s") % {"name": network.name},
        back_url=_network_url(network),
    )


@login_required
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "regions.manage_network")
    membership = get_object_or_404(Membership.objects.select_related("network", "region"), pk=pk)
    form = EndMembershipForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: services.end_membership(
            actor=request.user, membership=membership, left_on=data["left_on"]
        ),
        title=_("End the membership of %(region)s in %(network)s")
        % {"region": membership.region.name, "network": membership.network.name},
        back_url=_network_url(membership.network),
    )


def _import_view(
    request: HttpRequest,
    *,
    run: Any,
    title: str,
    columns: Any,
    example: str,
    back_url: str,
) -> HttpResponse:
    """The upload page of one CSV import: ``run(raw)`` applies the file whole or not at all."""
    form = CsvImportForm(request.POST or None, request.FILES or None)

    def save(data: dict[str, Any]) -> int:
        count = run(data["file"])
        messages.success(request, _("%(count)d rows imported.") % {"count": count})
        return count

    return form_view(
        request,
        form,
        save=save,
        template="regions/import.html",
        context={"page_title": title, "columns": columns, "example": example, "back_url": back_url},
        success_url=back_url,
    )


@login_required
def membership_import(request: HttpRequest, slug: str) -> HttpResponse:
    _require(request, "regions.manage_network")
    network = get_object_or_404(Network, slug=slug)
    return _import_view(
        request,
        run=lambda raw: services.import_memberships(actor=request.user, network=network, raw=raw),
        title=_("Import memberships of %(name)s") % {"name": network.name},
        columns=imports.MEMBERSHIP_COLUMNS,
        example=imports.MEMBERSHIP_EXAMPLE,
        back_url=_network_url(network),
    )


def cohorts(request: HttpRequest) -> HttpResponse:
    return render(request, "regions/cohorts.html", {"cohorts": selectors.cohorts_with_counts()})


def _cohort_url(cohort: Cohort) -> str:
    return reverse("regions:cohort", kwargs={"slug": cohort.slug})


def cohort_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_object_or_404(Cohort, slug=slug)
    return render(
        request,
        "regions/cohort_detail.html",
        {"cohort": cohort, "members": selectors.cohort_members(cohort)},
    )


@login_required
def cohort_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    _require(request, "regions.manage_network")
    cohort = get_object_or_404(Cohort, slug=slug) if slug else None
    form = CohortForm(request.POST or None, initial=_initial(cohort, CohortForm))
    return form_view(
        request,
        form,
        save=lambda data: services.save_cohort(actor=request.user, cohort=cohort, **data),
        title=cohort.name if cohort else _("New cohort"),
        back_url=_cohort_url(cohort) if cohort else reverse("regions:cohorts"),
        success_url=_cohort_url,
    )


@login_required
def cohort_member_add(request: HttpRequest, slug: str) -> HttpResponse:
    _require(request, "regions.manage_network")
    cohort = get_object_or_404(Cohort, slug=slug)
    form = CohortMemberForm(request.POST or None)

    def save(data: dict[str, Any]) -> CohortMember:
        region = data.pop("region")
        return services.save_cohort_member(actor=request.user, cohort=cohort, region=region, **data)

    return form_page(
        request,
        form,
        save=save,
        title=_("Add a region to %(name)s") % {"name": cohort.name},
        back_url=_cohort_url(cohort),
    )


@login_required
@require_POST
def cohort_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "regions.manage_network")
    member = get_object_or_404(CohortMember.objects.select_related("cohort", "region"), pk=pk)
    services.remove_cohort_member(actor=request.user, member=member)
    messages.success(
        request, _("%(region)s was removed from the cohort.") % {"region": member.region}
    )
    return redirect(_cohort_url(member.cohort))


@login_required
def cohort_import(request: HttpRequest, slug: str) -> HttpResponse:
    _require(request, "regions.manage_network")
    cohort = get_object_or_404(Cohort, slug=slug)
    return _import_view(
        request,
        run=lambda raw: services.import_cohort_members(actor=request.user, cohort=cohort, raw=raw),
        title=_("Import members of %(name)s") % {"name": cohort.name},
        columns=imports.COHORT_MEMBER_COLUMNS,
        example=imports.COHORT_MEMBER_EXAMPLE,
        back_url=_cohort_url(cohort),
    )


@login_required
def heads_import(request: HttpRequest) -> HttpResponse:
    _require(request, "regions.manage_network")
    return _import_view(
        request,
        run=lambda raw: services.import_region_heads(actor=request.user, raw=raw),
        title=_("Import heads of region"),
        columns=imports.HEAD_COLUMNS,
        example=imports.HEAD_EXAMPLE,
        back_url=reverse("regions:directory"),
    )
