"""Pages of the readiness self-assessment (officers answer; everyone sees the profile).

``/index/readiness/<region>/<year>/`` is the region officer's questionnaire and, for
everyone else, the read-only profile of what the region submitted; the secretariat also
sees the answers and evidence behind it. ``/index/readiness/`` is the secretariat's
overview of which regions have self-assessed for a year.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.regions import selectors as region_selectors
from kotacerdas.regions.models import Region

from ..models import ReadinessResponse
from ..selectors import readiness as selectors
from ..services import readiness as services

DRAFT, SUBMIT = "draft", "submit"


def _region_or_404(code: str) -> Region:
    try:
        return region_selectors.get_region(code)
    except (Region.DoesNotExist, ValidationError):
        raise Http404(_("No region has the code %(code)s.") % {"code": code}) from None


def _check_year(year: int) -> None:
    if not services.EARLIEST_YEAR <= year <= services.latest_year():
        raise Http404(_("There is no self-assessment for the year %(year)d.") % {"year": year})


def level_field(code: str) -> str:
    return f"level-{code}"


def evidence_field(code: str) -> str:
    return f"evidence-{code}"


class ReadinessForm(forms.Form):
    """One radio group of five levels and one evidence text per question."""

    action = forms.ChoiceField(
        choices=[(DRAFT, gettext_lazy("Save draft")), (SUBMIT, gettext_lazy("Submit"))],
        required=False,
    )

    def __init__(self, *args: Any, outline: selectors.QuestionnaireOutline, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.outline = outline
        for question in outline.questions():
            self.fields[level_field(question.code)] = forms.TypedChoiceField(
                label=question.text,
                choices=[(lv.level, lv.descriptor) for lv in question.levels],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[evidence_field(question.code)] = forms.CharField(
                label=_("Evidence"),
                help_text=question.evidence,
                max_length=services.MAX_EVIDENCE,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def initial_from(answers: dict[str, Any]) -> dict[str, Any]:
        initial = {}
        for code, answer in answers.items():
            initial[level_field(code)] = answer.get("level")
            initial[evidence_field(code)] = answer.get("evidence", "")
        return initial

    @property
    def submit(self) -> bool:
        return self.cleaned_data.get("action") == SUBMIT

    def answers(self) -> dict[str, dict[str, Any]]:
        return {
            q.code: {
                "level": self.cleaned_data.get(level_field(q.code)),
                "evidence": self.cleaned_data.get(evidence_field(q.code)) or "",
            }
            for q in self.outline.questions()
        }

    def attach(self, exc: ValidationError) -> None:
        """Show a service error beside its question (errors are keyed by question code)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for key, errors in exc.error_dict.items():
            field = level_field(key)
            self.add_error(field if field in self.fields else None, errors)

    def sections(self) -> list[dict[str, Any]]:
        """Dimensions → aspects → questions, each question with its bound fields."""
        return [
            {
                "dimension": dimension,
                "aspects": [
                    {
                        "aspect": aspect,
                        "questions": [
                            {
                                "question": q,
                                "level": self[level_field(q.code)],
                                "choices": list(
                                    zip(self[level_field(q.code)], q.levels, strict=True)
                                ),
                                "evidence": self[evidence_field(q.code)],
                            }
                            for q in aspect.questions
                        ],
                    }
                    for aspect in dimension.aspects
                ],
            }
            for dimension in self.outline.dimensions
        ]


def readiness_page(request: HttpRequest, region_code: str, year: int) -> HttpResponse:
    region = _region_or_404(region_code)
    if region.code != region_code:
        return redirect("assessments:readiness", region_code=region.code, year=year)
    _check_year(year)
    if services.can_answer(request.user, region):
        return _answer(request, region, year)
    if request.method == "POST":
        raise PermissionDenied(_("Only the region's officer may answer its self-assessment."))
    return _show(request, region, year)


def _answer(request: HttpRequest, region: Region, year: int) -> HttpResponse:
    response = selectors.readiness_response(region, year)
    questionnaire = response.questionnaire if response else services.current_questionnaire()
    outline = selectors.questionnaire_outline(questionnaire)
    # Demo answers are not the region's: the officer starts from an empty form.
    initial = (
        ReadinessForm.initial_from(response.answers) if response and not response.is_demo else None
    )
    form = ReadinessForm(request.POST or None, outline=outline, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_answers(
                actor=request.user,
                questionnaire=questionnaire,
                region=region,
                year=year,
                answers=form.answers(),
                submit=form.submit,
            )
        except ValidationError as exc:
            form.attach(exc)
        else:
            if form.submit:
                messages.success(request, _("Your self-assessment was submitted."))
            else:
                messages.success(request, _("Your draft was saved."))
            return redirect("assessments:readiness", region_code=region.code, year=year)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "assessments/readiness/answer.html",
        {
            "region": region,
            "year": year,
            "response": response,
            "outline": outline,
            "form": form,
            "sections": form.sections(),
            "non_field_errors": form.errors.get(NON_FIELD_ERRORS),
            "profile": selectors.readiness_profile(region, year),
        },
        status=status,
    )


def _show(request: HttpRequest, region: Region, year: int) -> HttpResponse:
    profile = selectors.readiness_profile(region, year)
    context: dict[str, Any] = {"region": region, "year": year, "profile": profile}
    if request.user.has_perm("assessments.view_readiness", region):
        response = selectors.readiness_response(region, year)
        context["response"] = response
        if profile and response:
            context["answers"] = _answered_questions(response)
    return render(request, "assessments/readiness/profile.html", context)


def _answered_questions(response: ReadinessResponse) -> list[dict[str, Any]]:
    """Every question of the response with the level chosen and the evidence given."""
    outline = selectors.questionnaire_outline(response.questionnaire)
    rows = []
    for dimension in outline.dimensions:
        for aspect in dimension.aspects:
            for question in aspect.questions:
                answer = response.answers.get(question.code) or {}
                level = answer.get("level")
                chosen = next((lv for lv in question.levels if lv.level == level), None)
                rows.append(
                    {
                        "dimension": dimension,
                        "aspect": aspect,
                        "question": question,
                        "level": chosen,
                        "evidence": answer.get("evidence", ""),
                    }
                )
    return rows


@login_required
def readiness_overview(request: HttpRequest) -> HttpResponse:
    # Without a region, view_readiness holds for the secretariat alone.
    if not request.user.has_perm("assessments.view_readiness"):
        raise PermissionDenied(_("Only the secretariat sees every region's self-assessment."))
    if request.GET.get("year"):
        try:
            year = int(request.GET["year"])
        except ValueError:
            raise Http404(_("There is no such year.")) from None
    else:
        # The latest year anyone answered for; this year when no one has yet.
        years = selectors.readiness_years()
        year = years[0] if years else services.latest_year() - 1
    _check_year(year)
    status = request.GET.get("status", "")
    if status not in selectors.STATUSES:
        status = ""
    overview = selectors.readiness_overview(year, status=status)
    return render(
        request,
        "assessments/readiness/overview.html",
        {
            "overview": overview,
            "statuses": [
                (s, selectors.status_label(s), overview.counts[s]) for s in selectors.STATUSES
            ],
        },
    )


urlpatterns = [
    path("readiness/", readiness_overview, name="readiness-overview"),
    path("readiness/<str:region_code>/<int:year>/", readiness_page, name="readiness"),
]
