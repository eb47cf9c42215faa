"""The evaluation of an agreement period: a page, a PDF and a Word document, for the
agreement's parties."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from samverka.agreements.models import Agreement
from samverka.evaluation import documents, report
from samverka.lib.downloads import DOCX, PDF, attachment
from samverka.tenancy.access import VIEW, agreements_of, get_or_404


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    """The agreement, for its parties' members only: a published agreement is read by
    anyone, its evaluation (built on the parties' shared plans) is not."""
    agreement = get_or_404(Agreement.objects.all(), request.user, VIEW, pk=pk)
    if not Agreement.objects.filter(pk=pk, pk__in=agreements_of(request.user)).exists():
        raise Http404
    return agreement


@login_required
@require_safe
def agreement_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    evaluation = report.evaluate(agreement, request.user)
    return render(request, "evaluation/evaluation.html", {"evaluation": evaluation})


@login_required
@require_safe
def agreement_evaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = report.evaluate(_agreement(request, pk), request.user)
    return attachment(documents.render_pdf(evaluation), PDF, documents.filename(evaluation, "pdf"))


@login_required
@require_safe
def agreement_evaluation_docx(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = report.evaluate(_agreement(request, pk), request.user)
    return attachment(
        documents.render_docx(evaluation), DOCX, documents.filename(evaluation, "docx")
    )
