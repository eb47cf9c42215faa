"""An uploaded statistics table is previewed before it is imported.

The upload becomes a job whose preview the background worker computes
(:func:`run_preview`, the whole file read as the import reads it, nothing stored);
the job then waits for a person to look at it and confirm (:func:`confirm`) or cancel
(:func:`cancel`). A job with a preview is imported only once confirmed
(``tasks.run_import``); a preview
that found categories the mapping does not name, or a total made of several rows,
cannot be confirmed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from samverka.sources import services
from samverka.sources.models import ImportJob, JobStatus, SourceKind
from samverka.sources.preview import StatisticsPreview, preview_statistics

logger = logging.getLogger(__name__)

PENDING = {"pending": True}  # the preview of a job that waits for the worker to compute it


def needs_preview(job: ImportJob) -> bool:
    """Whether ``job`` is previewed and confirmed before it is imported."""
    return job.kind == SourceKind.CRIME_STATISTICS and job.mapping_id is not None


def start(job: ImportJob) -> None:
    """After the upload's transaction: the preview of a statistics table, else the import."""
    from samverka.sources.tasks import run_import

    if needs_preview(job):
        job.preview = PENDING  # from now on imported only once confirmed
        job.save(update_fields=["preview"])
        transaction.on_commit(lambda: run_preview.enqueue(job.pk))
    else:
        transaction.on_commit(lambda: run_import.enqueue(job.pk))


@task()
def run_preview(job_id: int) -> None:
    from samverka.sources.tasks import UNEXPECTED_MESSAGE, Heartbeat, _end_failed

    job = ImportJob.objects.select_related("mapping__kommun").get(pk=job_id)
    if job.status != JobStatus.QUEUED or job.preview != PENDING or job.mapping is None:
        return
    # Running, with a heartbeat: a worker that dies while it reads is noticed as for an import.
    started = ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    if not started:
        return
    try:
        with Heartbeat(job), translation.override(settings.LANGUAGE_CODE):
            data = Path(job.stored_path).read_bytes()
            table = services.statistics_table(data, job.file_name, job.mapping)
            result = preview_statistics(
                services._rows(table, job.file_name), job.mapping, file_name=job.file_name
            )
            del data, table
    except (services.ImportError_, OSError) as exc:
        _end_failed(job, str(exc))
        return
    except Exception:
        logger.exception("import job %s: its preview failed", job_id)
        with translation.override(settings.LANGUAGE_CODE):
            _end_failed(job, _(UNEXPECTED_MESSAGE))
        return
    ImportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=JobStatus.PREVIEW, preview=result.as_json(), heartbeat_at=timezone.now()
    )


def preview_of(job: ImportJob) -> StatisticsPreview | None:
    """The preview computed for ``job``, or None (none yet, or none asked for)."""
    return StatisticsPreview.from_json(job.preview)


def can_confirm(job: ImportJob) -> bool:
    preview = preview_of(job)
    return job.status == JobStatus.PREVIEW and preview is not None and not preview.blocking


def confirm(job: ImportJob) -> bool:
    """Import ``job`` as previewed; False when its preview may not be confirmed."""
    from samverka.sources.tasks import run_import

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not can_confirm(job):
            return False
        job.status = JobStatus.QUEUED
        job.confirmed_at = timezone.now()
        job.save(update_fields=["status", "confirmed_at"])
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return True


def cancel(job: ImportJob) -> bool:
    """Drop a previewed job and its file; nothing of it was stored."""
    from samverka.sources.tasks import _end_failed

    if job.status != JobStatus.PREVIEW:
        return False
    _end_failed(job, _("Cancelled after the preview: nothing of the file was saved."))
    return True
