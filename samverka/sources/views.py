"""Datasets: upload (a background import), follow its progress, read its provenance
and rejected rows, withdraw it; map source types nobody has mapped yet."""

from __future__ import annotations

import uuid
from itertools import chain, islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samverka.lib.spreadsheet import csv_attachment
from samverka.organizations.models import Organization, SubArea
from samverka.sources import preview_jobs, services, sharing, statistics_mapping, survey_mapping
from samverka.sources.forms import (
    AreasUploadForm,
    MappingColumnsForm,
    MappingStartForm,
    MapTypeForm,
    PopulationUploadForm,
    ReferenceUploadForm,
    ShareForm,
    UploadForm,
    WithdrawForm,
)
from samverka.sources.models import ColumnMapping, Dataset, ImportJob, JobStatus, SourceKind
from samverka.sources.survey_mapping import read_sample
from samverka.sources.tabular import TableError
from samverka.sources.tasks import fail_stalled_jobs, run_import
from samverka.tenancy.access import (
    COORDINATE,
    VIEW,
    Visibility,
    get_or_404,
    organizations_coordinated,
)


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
            "can_import_reference": organizations_coordinated(request.user).exists(),
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
        stored = _store_upload(upload_file)
        job = ImportJob.objects.create(
            kind=form.cleaned_data["kind"],
            owner=form.cleaned_data["owner"],
            visibility=form.cleaned_data["visibility"][0],
            agreement=form.cleaned_data["visibility"][1],
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
            # What a population or sub-area import stored (the first rows).
            "populations": dataset.populations.select_related("kommun")[:100]
            if dataset.kind == SourceKind.POPULATION
            else [],
            "areas": SubArea.objects.filter(dataset=dataset).values_list("name", flat=True)[:100]
            if dataset.kind == SourceKind.AREAS
            else [],
            "can_withdraw": dataset.withdrawn_at is None
            and Dataset.objects.editable_by(request.user).filter(pk=pk).exists(),
            "shared_with": sharing.shared_agreements(dataset),
            "can_share": dataset.withdrawn_at is None
            and dataset.visibility != Visibility.PUBLIC
            and sharing.can_share(dataset, request.user),
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
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share the dataset with the parties of agreements its owner is a party of."""
    dataset = get_or_404(Dataset.objects.select_related("owner"), request.user, COORDINATE, pk=pk)
    form = ShareForm(request.POST or None, agreements=sharing.shareable_agreements(dataset))
    if request.method == "POST" and form.is_valid():
        try:
            sharing.share(dataset, form.cleaned_data["agreements"], by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("The dataset is shared: the parties of %(agreements)s read it and may use it.")
                % {"agreements": ", ".join(str(a) for a in form.cleaned_data["agreements"])},
            )
            return redirect(dataset)
    return render(
        request,
        "sources/share.html",
        {"dataset": dataset, "form": form, "shared_with": sharing.shared_agreements(dataset)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unshare(request: HttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    """Withdraw a sharing: first what depends on it, then (POST) the withdrawal."""
    dataset = get_or_404(Dataset.objects.select_related("owner"), request.user, COORDINATE, pk=pk)
    agreement = sharing.shared_agreements(dataset).filter(pk=agreement_pk).first()
    if agreement is None:
        raise Http404
    if request.method == "POST":
        sharing.unshare(dataset, agreement, by=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _("The dataset is no longer shared with the parties of %(agreement)s.")
            % {"agreement": agreement},
        )
        return redirect(dataset)
    return render(
        request,
        "sources/unshare.html",
        {
            "dataset": dataset,
            "agreement": agreement,
            "dependents": sharing.dependents(dataset, agreement),
        },
    )


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
            table, record_path = read_sample(sample.read(), sample.name, form.cleaned_data["kind"])
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
                "record_path": record_path,
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
    if draft["kind"] == SourceKind.SURVEY:
        return survey_mapping.mapping_columns(request, draft, MAPPING_SESSION_KEY)
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
        "value_column": (
            "count",
            "antal",
            "antal anmälda brott",  # Brå's statistics database
            "anmälda brott",
            "value",
            "värde",
            "andel",
            "andel (%)",
            "index",
        ),
        "category_column": (
            "crime_type",
            "brottstyp",
            "brottskategori",
            "brott",  # Brå's statistics database
            "kategori",
            "category",
        ),
        "preliminary_column": ("uppgiftsstatus", "preliminär", "preliminary", "status"),
        "question_column": ("fråga", "question", "fraga"),
        "respondents_column": ("svarande", "respondents", "antal svarande"),
    }
    lowered = {c.lower(): c for c in columns}
    return {
        field: next((lowered[h] for h in names if h in lowered), "")
        for field, names in hints.items()
    }


def _store_upload(upload_file: UploadedFile) -> Path:
    """The uploaded file, kept under ``UPLOAD_DIR`` for the worker (under a random name)."""
    directory = settings.UPLOAD_DIR
    directory.mkdir(parents=True, exist_ok=True)
    stored = directory / f"{uuid.uuid4().hex}.upload"
    with stored.open("wb") as fh:
        for chunk in upload_file.chunks():
            fh.write(chunk)
    return stored


REFERENCE_SESSION_KEY = "reference_import_draft"


def _discard_draft(request: HttpRequest) -> None:
    """Forget an unconfirmed import and remove its file."""
    draft = request.session.pop(REFERENCE_SESSION_KEY, None)
    if draft:
        Path(draft["stored_path"]).unlink(missing_ok=True)


def _may_import_reference(request: HttpRequest) -> None:
    if not organizations_coordinated(request.user).exists():
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def population_upload(request: HttpRequest) -> HttpResponse:
    """A population table: previewed, then imported once confirmed."""
    return _reference_upload(request, PopulationUploadForm, "sources/population_upload.html")


@login_required
@require_http_methods(["GET", "POST"])
def areas_upload(request: HttpRequest) -> HttpResponse:
    """A GeoJSON file of a kommun's sub-areas: previewed, then imported once confirmed."""
    return _reference_upload(request, AreasUploadForm, "sources/areas_upload.html")


def _reference_upload(
    request: HttpRequest, form_class: type[ReferenceUploadForm], template: str
) -> HttpResponse:
    _may_import_reference(request)
    form = form_class(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        _discard_draft(request)
        data = form.cleaned_data
        upload_file = data["file"]
        file_name = upload_file.name[:300]
        parameters: dict[str, Any] = (
            {"year": data["year"]}
            if form_class.kind == SourceKind.POPULATION
            else {"kommun": data["kommun"].pk, "area_kind": data["area_kind"]}
        )
        stored = _store_upload(upload_file)
        try:
            preview = services.preview_import(
                form_class.kind,
                stored.read_bytes(),
                file_name=file_name,
                owner=data["owner"],
                user=request.user,  # type: ignore[arg-type]
                parameters=parameters,
            )
        except services.ImportError_ as exc:
            stored.unlink(missing_ok=True)
            form.add_error("file", str(exc))
        else:
            request.session[REFERENCE_SESSION_KEY] = {
                "kind": form_class.kind,
                "owner": data["owner"].pk,
                "owner_name": str(data["owner"]),
                "visibility": data["visibility"],
                "title": data["title"],
                "file_name": file_name,
                "stored_path": str(stored),
                "parameters": parameters,
                "preview": preview,
            }
            return redirect("sources:import_confirm")
    return render(request, template, {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_confirm(request: HttpRequest) -> HttpResponse:
    """The preview of a population or sub-area import: what will be stored and what
    rejected and why; nothing is stored before it is confirmed here."""
    _may_import_reference(request)
    draft = request.session.get(REFERENCE_SESSION_KEY)
    if draft is None or not Path(draft["stored_path"]).exists():
        request.session.pop(REFERENCE_SESSION_KEY, None)
        return redirect("sources:list")
    if request.method == "POST":
        if "cancel" in request.POST:
            _discard_draft(request)
            messages.info(request, _("The import is cancelled: nothing was stored."))
            return redirect("sources:list")
        owner = organizations_coordinated(request.user).filter(pk=draft["owner"]).first()
        if owner is None:
            _discard_draft(request)
            raise PermissionDenied
        job = ImportJob.objects.create(
            kind=draft["kind"],
            owner=owner,
            visibility=draft["visibility"],
            title=draft["title"],
            file_name=draft["file_name"],
            stored_path=draft["stored_path"],
            parameters=draft["parameters"],
            created_by=request.user,  # type: ignore[misc]
        )
        del request.session[REFERENCE_SESSION_KEY]
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
        return redirect(job)
    return render(
        request,
        "sources/import_confirm.html",
        {
            "draft": draft,
            "preview": draft["preview"],
            "is_population": draft["kind"] == SourceKind.POPULATION,
        },
    )
