"""Datasets: upload (a background import), follow its progress, read its provenance
and rejected rows, withdraw it; map source types nobody has mapped yet."""

from __future__ import annotations

import uuid
from itertools import chain, islice

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samverka.lib.spreadsheet import csv_attachment
from samverka.organizations.models import Organization
from samverka.sources import preview_jobs, services, statistics_mapping
from samverka.sources.forms import (
    MappingColumnsForm,
    MappingStartForm,
    MapTypeForm,
    UploadForm,
    WithdrawForm,
)
from samverka.sources.models import ColumnMapping, Dataset, ImportJob, JobStatus, SourceKind
from samverka.sources.tabular import TableError, read_table
from samverka.sources.tasks import fail_stalled_jobs
from samverka.tenancy.access import VIEW, get_or_404


def dataset_list(request: HttpRequest) -> HttpResponse:
    fail_stalled_jobs()
    datasets = Dataset.objects.visible_to(request.user).select_related("owner")
    jobs = (
        ImportJob.objects.visible_to(request.user)
        .exclude(status=JobStatus.DONE)
        .select_related("owner")[:20]
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "sources/dataset_list.html",
        {
            "datasets": datasets,
            "jobs": jobs,
            "can_upload": request.user.has_perm("sources.upload"),
            "can_map": request.user.has_perm("sources.map_types"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("sources.upload"):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        directory = settings.UPLOAD_DIR
        directory.mkdir(parents=True, exist_ok=True)
        stored = directory / f"{uuid.uuid4().hex}.upload"
        with stored.open("wb") as fh:
            for chunk in upload_file.chunks():
                fh.write(chunk)
        job = ImportJob.objects.create(
            kind=form.cleaned_data["kind"],
            owner=form.cleaned_data["owner"],
            visibility=form.cleaned_data["visibility"],
            title=form.cleaned_data["title"],
            mapping=form.cleaned_data["mapping"],
            file_name=upload_file.name[:300],
            stored_path=str(stored),
            created_by=request.user,  # type: ignore[misc]
        )
        preview_jobs.start(job)  # a statistics table is previewed first, then confirmed
        return redirect(job)
    return render(request, "sources/upload.html", {"form": form})


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fail_stalled_jobs()
    job = get_or_404(ImportJob.objects.select_related("dataset"), request.user, VIEW, pk=pk)
    return render(request, "sources/job.html", {"job": job})


def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = get_or_404(
        Dataset.objects.select_related("owner", "imported_by"), request.user, VIEW, pk=pk
    )
    return render(
        request,
        "sources/dataset.html",
        {
            "dataset": dataset,
            "rejected": dataset.rejected.all()[:100],
            "can_withdraw": dataset.withdrawn_at is None
            and Dataset.objects.editable_by(request.user).filter(pk=pk).exists(),
        },
    )


def rejected_csv(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = get_or_404(Dataset.objects.all(), request.user, VIEW, pk=pk)
    rows = ([row.row_number, row.field, row.reason] for row in dataset.rejected.all().iterator())
    return csv_attachment(
        f"avvisade-rader-{pk}.csv", chain([[_("Row"), _("Field"), _("Reason")]], rows)
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = get_or_404(Dataset.objects.all(), request.user, VIEW, pk=pk)
    if not Dataset.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.withdraw(dataset, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("The dataset is withdrawn: nothing computed from now on uses it.")
        )
        return redirect(dataset)
    return render(request, "sources/withdraw.html", {"dataset": dataset, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def type_mapping(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("sources.map_types"):
        raise PermissionDenied
    source = SourceKind.POLICE_EVENTS
    # A coordinator re-categorises the types of the datasets its organizations own; the
    # platform administrator the Police's (the national authorities'), through the
    # platform's mapping.
    owners = services.type_owners(request.user)  # type: ignore[arg-type]
    form = MapTypeForm(request.POST or None, owners=owners)
    if request.method == "POST":
        if not form.is_valid():
            raise PermissionDenied  # a type of another organization's datasets, or no type
        changed = services.map_type(
            source,
            form.cleaned_data["source_type"],
            form.cleaned_data["category"],
            request.user,  # type: ignore[arg-type]
            form.cleaned_data["owner"],
        )
        messages.success(
            request,
            _("Mapped: %(count)s events now have the category %(category)s.")
            % {"count": changed, "category": form.cleaned_data["category"]},
        )
        return redirect("sources:types")
    groups: list[tuple[Organization | None, list[tuple[str, int]]]]
    if owners is None:
        groups = [(None, services.unmapped_types(source))]
    else:
        groups = [
            (owner, services.unmapped_types(source, owners.filter(pk=owner.pk))) for owner in owners
        ]
    return render(
        request,
        "sources/types.html",
        {
            "groups": [(owner, rows) for owner, rows in groups if rows],
            "form": MapTypeForm(owners=owners),
            "source": SourceKind(source).label,
        },
    )


MAPPING_SESSION_KEY = "column_mapping_draft"
SAMPLE_ROWS = 5000


@login_required
def mapping_list(request: HttpRequest) -> HttpResponse:
    mappings = ColumnMapping.objects.visible_to(request.user).select_related("owner", "kommun")
    return render(
        request,
        "sources/mapping_list.html",
        {"mappings": mappings, "can_add": request.user.has_perm("sources.upload")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mapping_start(request: HttpRequest) -> HttpResponse:
    """Step 1: the mapping's name and owner, and a sample of the table."""
    if not request.user.has_perm("sources.upload"):
        raise PermissionDenied
    form = MappingStartForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        sample = form.cleaned_data["sample"]
        try:
            table = read_table(sample.read(), sample.name)
            rows = [row for _n, row in islice(table.rows, SAMPLE_ROWS)]
        except TableError as exc:
            form.add_error("sample", f"{sample.name}: {exc}")
        else:
            request.session[MAPPING_SESSION_KEY] = {
                "name": form.cleaned_data["name"],
                "kind": form.cleaned_data["kind"],
                "owner": form.cleaned_data["owner"].pk,
                "kommun": form.cleaned_data["kommun"].pk,
                "columns": table.columns,
                "sample": rows[:SAMPLE_ROWS],
            }
            return redirect("sources:mapping_columns")
    return render(request, "sources/mapping_start.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def mapping_columns(request: HttpRequest) -> HttpResponse:
    """Step 2: which column is which, and where each of the table's categories goes."""
    if not request.user.has_perm("sources.upload"):
        raise PermissionDenied
    draft = request.session.get(MAPPING_SESSION_KEY)
    if draft is None:
        return redirect("sources:mapping_start")
    if draft["kind"] == SourceKind.CRIME_STATISTICS:
        return statistics_mapping.mapping_columns(request, draft, MAPPING_SESSION_KEY)
    category_column = request.POST.get("category_column") or request.GET.get("category_column")
    source_categories = sorted(
        {row.get(category_column, "") for row in draft["sample"]} - {""}
        if category_column in draft["columns"]
        else set()
    )
    form = MappingColumnsForm(
        request.POST or None,
        columns=draft["columns"],
        kind=draft["kind"],
        source_categories=source_categories,
        initial=_guess_columns(draft["columns"]),
    )
    if request.method == "POST" and form.is_valid() and "save" in request.POST:
        data = form.cleaned_data
        mapping = ColumnMapping(
            name=draft["name"],
            kind=draft["kind"],
            owner_id=draft["owner"],
            kommun_id=draft["kommun"],
            area_column=data["area_column"],
            period_column=data["period_column"],
            period_kind=data["period_kind"],
            value_column=data["value_column"],
            category_column=data.get("category_column", ""),
            preliminary_column=data.get("preliminary_column", ""),
            question_column=data.get("question_column", ""),
            respondents_column=data.get("respondents_column", ""),
            value_is_index=data.get("value_is_index", False),
            categories=form.categories(),
        )
        mapping.full_clean()
        mapping.save()
        del request.session[MAPPING_SESSION_KEY]
        messages.success(request, _("The mapping is saved: tables in this layout import with it."))
        return redirect("sources:mappings")
    return render(
        request,
        "sources/mapping_columns.html",
        {
            "form": form,
            "draft": draft,
            "preview": draft["sample"][:5],
            "needs_categories": draft["kind"] != SourceKind.SURVEY and not source_categories,
        },
    )


def _guess_columns(columns: list[str]) -> dict[str, str]:
    """Pre-select the columns whose names say what they are."""
    hints = {
        "area_column": ("area", "område", "omrade", "region", "kommun", "stadsdel"),
        "period_column": ("year", "år", "period", "månad", "kvartal", "ar"),
        "value_column": ("count", "antal", "value", "värde", "andel", "andel (%)", "index"),
        "category_column": ("crime_type", "brottstyp", "brottskategori", "kategori", "category"),
        "question_column": ("fråga", "question", "fraga"),
        "respondents_column": ("svarande", "respondents", "antal svarande"),
    }
    lowered = {c.lower(): c for c in columns}
    return {
        field: next((lowered[h] for h in names if h in lowered), "")
        for field, names in hints.items()
    }
