"""Imports as background tasks (django-tasks), with their progress visible as they run.

An import writes inside one transaction, and what a transaction writes is seen by no
other connection before it ends (on SQLite no other connection may even write). So
the worker writes the progress to a small file beside the upload
(:attr:`ImportJob.progress_path`), which the job page reads while the job runs; the
job's row gets it too wherever no transaction is open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from samverka.audit.recorder import acting_as
from samverka.sources import services
from samverka.sources.models import ImportJob, JobStatus, SourceKind
from samverka.tenancy.access import Visibility


class JobProgress:
    """A progress callback ``(done, total)`` for a job: 0–95 % while it reads and writes."""

    def __init__(self, job: ImportJob) -> None:
        self.job_id = job.pk
        self.path = job.progress_path
        self.last = -1
        self.reported: list[int] = []  # every share reported, in order

    def __call__(self, done: int, total: int) -> None:
        share = min(95 * done // total, 95) if total else 0
        if share == self.last:
            return
        self.last = share
        self.reported.append(share)
        partial = self.path.with_name(self.path.name + ".new")
        try:
            partial.write_text(str(share))
            partial.replace(self.path)  # atomic: a reader never sees half a number
        except OSError:
            pass
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(progress=share)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


@task()
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("owner", "created_by", "mapping__kommun").get(pk=job_id)
    ImportJob.objects.filter(pk=job_id).update(status=JobStatus.RUNNING)
    path = Path(job.stored_path)
    progress = JobProgress(job)
    try:
        data = path.read_bytes()
        with acting_as(job.created_by):
            common: dict[str, Any] = {
                "file_name": job.file_name,
                "owner": job.owner,
                "user": job.created_by,
                "title": job.title,
                "progress": progress,
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
    finally:
        progress.remove()
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
