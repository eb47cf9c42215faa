"""Imports as background tasks (django-tasks): progress is saved as the rows are read."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from samverka.audit.recorder import acting_as
from samverka.core.access import Visibility
from samverka.sources import services
from samverka.sources.models import ImportJob, JobStatus, SourceKind


def _progress(job_id: int):  # type: ignore[no-untyped-def]
    def report(done: int, total: int) -> None:
        share = 95 * done // total if total else 0
        ImportJob.objects.filter(pk=job_id).update(progress=share)

    return report


@task()
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("owner", "created_by", "mapping__kommun").get(pk=job_id)
    ImportJob.objects.filter(pk=job_id).update(status=JobStatus.RUNNING)
    path = Path(job.stored_path)
    try:
        data = path.read_bytes()
        with acting_as(job.created_by):
            common = {
                "file_name": job.file_name,
                "owner": job.owner,
                "user": job.created_by,
                "title": job.title,
                "progress": _progress(job_id),
            }
            if job.kind == SourceKind.POLICE_EVENTS:
                result = services.import_police_events(data, **common)
            elif job.kind == SourceKind.CRIME_STATISTICS and job.mapping is not None:
                result = services.import_statistics(data, mapping=job.mapping, **common)
            elif job.kind in (SourceKind.EVENT_TABLE, SourceKind.EST) and job.mapping is not None:
                result = services.import_event_table(data, mapping=job.mapping, **common)
            elif job.kind == SourceKind.SURVEY and job.mapping is not None:
                del common["progress"]
                result = services.import_survey(data, mapping=job.mapping, **common)
            else:
                raise services.ImportError_(f"{job.file_name}: no importer for {job.kind}")
            dataset = result.dataset
            if not result.already_imported and job.visibility != dataset.visibility:
                dataset.visibility = job.visibility
                dataset.agreement_id = job.agreement_id
                if job.visibility == Visibility.PUBLIC:
                    dataset.published_at = timezone.now()
                dataset.save()
    except (services.ImportError_, OSError) as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, message=str(exc), finished_at=timezone.now()
        )
        return
    message = "already" if result.already_imported else ""
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_id).update(
            status=JobStatus.DONE,
            progress=100,
            dataset=dataset,
            message=message,
            finished_at=timezone.now(),
        )
    path.unlink(missing_ok=True)
