"""Confirming (or cancelling) the import of a previewed statistics table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverka.sources import preview_jobs
from samverka.sources.models import ImportJob
from samverka.tenancy.access import VIEW, get_or_404


@login_required
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_or_404(ImportJob.objects.all(), request.user, VIEW, pk=pk)
    if not ImportJob.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    if "cancel" in request.POST:
        if preview_jobs.cancel(job):
            messages.success(request, _("The import is cancelled: nothing was saved."))
    elif preview_jobs.confirm(job):
        messages.success(request, _("Confirmed: the table is being imported as previewed."))
    else:
        messages.error(
            request, _("This import cannot be confirmed: see what the preview says about it.")
        )
    return redirect(job)
