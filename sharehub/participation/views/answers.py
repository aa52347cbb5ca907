"""participation: the city's answers and results.

Public: the results (with progress) and each result's page (milestones, updates), the "answers
due" page of open deadlines. City staff: the queue of recommendations awaiting an answer (answer
one, or several at once from a template), answer templates, and a result's progress (updates,
milestones, further results). The rules are in services/answers.py; these pages parse and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.accounts.roles import is_city_staff
from sharehub.core.forms import run_action, run_service
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.participation.answer_forms import (
    AnswerForm,
    AnswerTemplateForm,
    BulkAnswerForm,
    MilestoneForm,
    ResultForm,
    ResultUpdateForm,
)
from sharehub.participation.models import AnswerTemplate, Proposal, ProposalState
from sharehub.participation.selectors import answers as selectors
from sharehub.participation.services import answers as services


def _require_staff(request: HttpRequest) -> None:
    if not is_city_staff(request.user):
        raise PermissionDenied


# Public pages ---------------------------------------------------------------------------------


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in ("", "implemented", "in_progress"):
        state = ""
    page = paginate(request, selectors.result_list(filters={"state": state}))
    return render(
        request,
        "participation/results/list.html",
        {
            "page": page,
            "results": list(page.object_list),
            "state": state,
            "query": querystring_without_page(request),
        },
    )


def _result_context(request: HttpRequest, result: Any, **forms: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "result": result,
        "is_staff": is_city_staff(request.user),
        "today": timezone.localdate(),
    }
    if context["is_staff"]:
        context.update(
            update_form=ResultUpdateForm(
                prefix="update",
                initial={"progress": result.progress, "language": request.LANGUAGE_CODE},
            ),
            milestone_form=MilestoneForm(prefix="milestone"),
            result_form=ResultForm(prefix="result"),
        )
    context.update(forms)
    return context


@require_safe
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = selectors.get_result(pk=pk)
    return render(request, "participation/results/detail.html", _result_context(request, result))


@require_safe
def due(request: HttpRequest) -> HttpResponse:
    committees, city = selectors.due_overview()
    return render(
        request,
        "participation/results/due.html",
        {"committees": committees, "city": city, "now": timezone.now()},
    )


# City staff -----------------------------------------------------------------------------------


def _queue_context(request: HttpRequest, form: BulkAnswerForm) -> dict[str, Any]:
    awaiting = list(selectors.awaiting_answer()[:200])
    return {
        "awaiting": awaiting,
        "form": form,
        "templates": AnswerTemplate.objects.exists(),
        "ticked": set(form.data.getlist("recommendations")) if form.is_bound else set(),
        "now": timezone.now(),
    }


@require_safe
@login_required
def city_queue(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = BulkAnswerForm(initial={"language": request.LANGUAGE_CODE})
    return render(request, "participation/city/queue.html", _queue_context(request, form))


@require_POST
@login_required
def city_bulk(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = BulkAnswerForm(request.POST)
    if form.is_valid() and (
        answers := run_service(
            form,
            lambda: services.answer_in_bulk(
                actor=request.user,
                recommendations=list(form.cleaned_data["recommendations"]),
                template=form.cleaned_data["template"],
                language=form.cleaned_data["language"],
                department=form.cleaned_data["department"],
                target_date=form.cleaned_data["target_date"],
            ),
        )
    ):
        messages.success(
            request,
            _("%(count)s recommendations are answered.") % {"count": len(answers)},
        )
        return redirect("participation:city_queue")
    return render(
        request, "participation/city/queue.html", _queue_context(request, form), status=422
    )


@require_http_methods(["GET", "POST"])
@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    recommendation = selectors.get_published_recommendation(pk=pk)
    template = None
    initial: dict[str, Any] = {"language": request.LANGUAGE_CODE}
    if template_pk := request.GET.get("template", ""):
        if template_pk.isdigit():
            template = AnswerTemplate.objects.filter(pk=int(template_pk)).first()
        if template is not None:
            values = services.template_values(template, language=request.LANGUAGE_CODE)
            initial.update(values)
    form = AnswerForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.answer_recommendation(
                actor=request.user, recommendation=recommendation, **form.cleaned_data
            ),
        )
    ):
        messages.success(request, _("The answer is published."))
        return redirect("participation:city_queue")
    return render(
        request,
        "participation/city/answer_form.html",
        {
            "form": form,
            "recommendation": recommendation,
            "answered": hasattr(recommendation, "answer"),
            "templates": AnswerTemplate.objects.all(),
        },
        status=422 if form.errors else 200,
    )


@require_safe
@login_required
def answer_templates(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    return render(
        request,
        "participation/city/templates.html",
        {"templates": AnswerTemplate.objects.order_by("name_ko", "pk")[:500]},
    )


def _template_form(
    request: HttpRequest, form: AnswerTemplateForm, save: Any, title: str
) -> HttpResponse:
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: save(form)):
        messages.success(request, _("The answer template is saved."))
        return redirect("participation:answer_templates")
    return render(
        request,
        "participation/city/template_form.html",
        {"form": form, "title": title},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def answer_template_create(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    return _template_form(
        request,
        AnswerTemplateForm(request.POST or None),
        lambda form: services.create_answer_template(actor=request.user, **form.cleaned_data),
        _("New answer template"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def answer_template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    template = get_object_or_404(AnswerTemplate, pk=pk)
    initial = {name: getattr(template, name) or "" for name in services.TEMPLATE_FIELDS}
    return _template_form(
        request,
        AnswerTemplateForm(request.POST or None, initial=initial),
        lambda form: services.update_answer_template(
            actor=request.user, template=template, **form.cleaned_data
        ),
        _("Answer template: %(name)s") % {"name": template.name_ko},
    )


def _result_form_post(
    request: HttpRequest, pk: int, form_class: Any, prefix: str, call: Any, success: str
) -> HttpResponse:
    _require_staff(request)
    result = selectors.get_result(pk=pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid() and run_service(form, lambda: call(result, form.cleaned_data)):
        messages.success(request, success)
        return redirect("participation:result", pk=result.pk)
    context = _result_context(request, selectors.get_result(pk=pk), **{f"{prefix}_form": form})
    return render(request, "participation/results/detail.html", context, status=422)


@require_POST
@login_required
def result_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _result_form_post(
        request,
        pk,
        ResultUpdateForm,
        "update",
        lambda result, data: services.post_result_update(actor=request.user, result=result, **data),
        _("The update is published."),
    )


@require_POST
@login_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _result_form_post(
        request,
        pk,
        MilestoneForm,
        "milestone",
        lambda result, data: services.add_milestone(actor=request.user, result=result, **data),
        _("The milestone is added."),
    )


@require_POST
@login_required
def result_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Another result for the same answer as result `pk`."""
    _require_staff(request)
    result = selectors.get_result(pk=pk)
    form = ResultForm(request.POST, prefix="result")
    if form.is_valid() and (
        created := run_service(
            form,
            lambda: services.create_result(
                actor=request.user, answer=result.answer, **form.cleaned_data
            ),
        )
    ):
        messages.success(request, _("The result is added."))
        return redirect("participation:result", pk=created.pk)
    context = _result_context(request, result, result_form=form)
    return render(request, "participation/results/detail.html", context, status=422)


@require_POST
@login_required
def milestone_reach(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    milestone = selectors.get_milestone(pk=pk)
    run_action(
        request, services.reach_milestone, _("The milestone is reached."), milestone=milestone
    )
    return redirect("participation:result", pk=milestone.result_id)


urlpatterns: list[URLPattern] = [
    path("results/", results, name="results"),
    path("results/<int:pk>/", result_detail, name="result"),
    path("due/", due, name="due"),
    path("city/", city_queue, name="city_queue"),
    path("city/bulk/", city_bulk, name="city_bulk"),
    path("city/recommendations/<int:pk>/answer/", answer, name="answer"),
    path("city/templates/", answer_templates, name="answer_templates"),
    path("city/templates/new/", answer_template_create, name="answer_template_create"),
    path("city/templates/<int:pk>/edit/", answer_template_edit, name="answer_template_edit"),
    path("city/results/<int:pk>/update/", result_update, name="result_update"),
    path("city/results/<int:pk>/milestones/", milestone_add, name="milestone_add"),
    path("city/results/<int:pk>/add/", result_add, name="result_add"),
    path("city/milestones/<int:pk>/reach/", milestone_reach, name="milestone_reach"),
]


def detail_extra(request: HttpRequest, proposal: Proposal) -> dict[str, Any]:
    """What this part adds to the proposal page's context: the city's answers with their
    results (only once the proposal is answered)."""
    if proposal.state not in (ProposalState.ANSWERED, ProposalState.IMPLEMENTED):
        return {"city_answers": []}
    return {"city_answers": selectors.answers_for_proposal(proposal)}
