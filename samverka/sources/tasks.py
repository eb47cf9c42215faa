"""Imports as background tasks (django-tasks), with their progress visible as they run.

An import writes inside one transaction, and what a transaction writes is seen by no
other connection before it ends (on SQLite no other connection may even write). So
the worker writes the progress to a small file beside the upload
(:attr:`ImportJob.progress_path`), which the job page reads while the job runs; the
job's row gets it too wherever no transaction is open.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from samverka.audit.recorder import acting_as
from samverka.organizations.models import Organization, OrganizationKind
from samverka.sources import services, sharing
from samverka.sources.models import ImportJob, JobStatus, SourceKind
from samverka.sources.ownership import population_kommuner
from samverka.tenancy.access import Visibility, organizations_coordinated

logger = logging.getLogger(__name__)


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
            ImportJob.objects.filter(pk=self.job_id).update(
                progress=share, heartbeat_at=timezone.now()
            )

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


class Heartbeat:
    """Shows that the worker of a job is alive while it runs: a thread touches the job's
    heartbeat file every ``IMPORT_HEARTBEAT_SECONDS`` (a file, as the import's open
    transaction keeps other connections from seeing, or on SQLite from making, a
    change to the row). A job whose heartbeat stopped for ``IMPORT_STALL_SECONDS``
    belongs to a worker that died: :func:`fail_stalled_jobs` ends it."""

    def __init__(self, job: ImportJob) -> None:
        self.path = job.heartbeat_path
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="import-heartbeat", daemon=True)

    def _beat(self) -> None:
        while True:
            with contextlib.suppress(OSError):
                self.path.touch()
            if self.stopped.wait(settings.IMPORT_HEARTBEAT_SECONDS):
                return

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()
        self.path.unlink(missing_ok=True)


STALLED_MESSAGE = gettext_noop("The import was interrupted: the worker process stopped responding.")
UNEXPECTED_MESSAGE = gettext_noop(
    "The import failed because of an unexpected error; nothing of the file was saved. "
    "Try again, or ask the administrator, who can find the details in the server log."
)


def _remove_files(job: ImportJob) -> None:
    """The upload and what the worker kept beside it: not kept once the job has ended."""
    for path in (Path(job.stored_path), job.progress_path, job.heartbeat_path):
        if job.stored_path:
            path.unlink(missing_ok=True)


def _end_failed(job: ImportJob, message: str) -> None:
    try:
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=message, finished_at=timezone.now()
        )
    except DatabaseError:
        # The database is gone too: the job stays running until fail_stalled_jobs ends it.
        logger.exception("import job %s: its failure could not be recorded", job.pk)
        return
    _remove_files(job)


def fail_stalled_jobs() -> int:
    """End as failed every running job whose worker stopped showing signs of life for
    ``IMPORT_STALL_SECONDS``, and remove its files; returns how many. Nothing of such a
    job was saved: its transaction ended with its worker's connection. Called where
    jobs are listed or shown, and by each worker before it starts an import."""
    limit = time.time() - settings.IMPORT_STALL_SECONDS
    ended = 0
    for job in ImportJob.objects.filter(status=JobStatus.RUNNING):
        seen = job.last_sign_of_life()
        if seen is None:  # started before heartbeats existed, or never beat
            seen = job.created_at.timestamp()
        if seen >= limit:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            message = _(STALLED_MESSAGE)
        changed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, message=message, finished_at=timezone.now()
        )
        if changed:
            logger.warning("import job %s: its worker stopped responding; marked failed", job.pk)
            _remove_files(job)
            ended += 1
    return ended


@task()
def run_import(job_id: int) -> None:
    fail_stalled_jobs()
    job = ImportJob.objects.select_related("owner", "created_by", "mapping__kommun").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return  # ended already (failed as stalled, or run by another worker)
    if job.preview is not None and job.confirmed_at is None:
        return  # a previewed table is imported only once its preview is confirmed
    ImportJob.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    path = Path(job.stored_path)
    progress = JobProgress(job)
    try:
        with Heartbeat(job), translation.override(settings.LANGUAGE_CODE):
            services.check_file_size(job.kind, path.stat().st_size, job.file_name)
            data = path.read_bytes()
            result = _import(job, data, progress)
            del data
    except (services.ImportError_, OSError) as exc:
        progress.remove()
        _end_failed(job, str(exc))
        return
    except Exception:
        # Anything else is a fault of samverka's, not of the file: the details (which
        # may quote the file) go to the server log only.
        logger.exception("import job %s (%s) failed", job_id, job.kind)
        progress.remove()
        with translation.override(settings.LANGUAGE_CODE):
            _end_failed(job, _(UNEXPECTED_MESSAGE))
        return
    except BaseException:  # the worker is told to stop at once (SystemExit, Ctrl+C)
        progress.remove()
        with translation.override(settings.LANGUAGE_CODE):
            _end_failed(job, _(STALLED_MESSAGE))
        raise
    progress.remove()
    dataset = result.dataset
    message = "already" if result.already_imported else ""
    if result.replaced is not None:
        with translation.override(settings.LANGUAGE_CODE):
            message = _(
                "The file was imported before with another column mapping: this import "
                "replaced the %(count)s rows of the earlier import."
            ) % {"count": result.replaced}
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_id).update(
            status=JobStatus.DONE,
            progress=100,
            dataset=dataset,
            message=message,
            finished_at=timezone.now(),
        )
    _remove_files(job)


def _import(job: ImportJob, data: bytes, progress: JobProgress) -> services.ImportResult:
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
        elif job.kind == SourceKind.POPULATION:
            # Whose population may be imported is decided again here, from the job's
            # uploader and owner as they are now (not as the preview saw them).
            result = services.import_population(
                data,
                kommuner=population_kommuner(job.created_by, job.owner),
                year=job.parameters.get("year"),
                **common,
            )
        elif job.kind == SourceKind.AREAS:
            kommun = Organization.objects.filter(
                pk=job.parameters.get("kommun"), kind=OrganizationKind.KOMMUN
            ).first()
            if kommun is None:
                raise services.ImportError_(
                    _("%(file)s: the kommun whose areas it draws no longer exists.")
                    % {"file": job.file_name}
                )
            if (
                job.created_by is None
                or not organizations_coordinated(job.created_by).filter(pk=job.owner_id).exists()
            ):
                raise services.ImportError_(
                    _("%(file)s: the uploader no longer coordinates %(owner)s.")
                    % {"file": job.file_name, "owner": job.owner}
                )
            result = services.import_areas(
                data, kommun=kommun, kind=job.parameters.get("area_kind", ""), **common
            )
        elif job.kind == SourceKind.SURVEY and job.mapping is not None:
            del common["progress"]
            result = services.import_survey(data, mapping=job.mapping, **common)
        else:
            raise services.ImportError_(f"{job.file_name}: no importer for {job.kind}")
        dataset = result.dataset
        if result.already_imported:
            return result
        if job.visibility == Visibility.SHARED and job.agreement is not None:
            # Shared with the agreement chosen at upload, as its coordinator would share it.
            try:
                sharing.share(dataset, [job.agreement], by=job.created_by)
            except (PermissionDenied, ValidationError):
                # The uploader no longer coordinates the owner: it stays internal.
                logger.warning("import job %s: not shared, the uploader may not share", job.pk)
        elif result.replaced is None and job.visibility != dataset.visibility:
            dataset.visibility = job.visibility
            dataset.agreement_id = job.agreement_id
            if job.visibility == Visibility.PUBLIC:
                dataset.published_at = timezone.now()
            dataset.save()
    return result
