"""Reading an uploaded agreement (Word or PDF) as a background task (django-tasks).

The file is read by the worker, with the unpacking limits of
:mod:`samverka.agreements.parsing`; what it read is kept on the
:class:`AgreementReading` for its uploader's review. However the reading ends, the
uploaded file is removed; a reading whose worker died is failed after
``IMPORT_STALL_SECONDS`` (:func:`fail_stalled_readings`).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from samverka.agreements import importing
from samverka.agreements.models import AgreementReading, ReadingStatus
from samverka.agreements.parsing import parse_file

logger = logging.getLogger(__name__)

STALLED = gettext_noop("The reading was interrupted: the worker process stopped responding.")
UNEXPECTED = gettext_noop(
    "The file could not be read because of an unexpected error. Try again, or paste "
    "the agreement's text instead."
)


def _end(reading_id: int, path: str, **fields: object) -> None:
    AgreementReading.objects.filter(pk=reading_id).update(**fields)
    Path(path).unlink(missing_ok=True)


def fail_stalled_readings() -> None:
    """Fail readings started longer than ``IMPORT_STALL_SECONDS`` ago (a file is read in
    seconds; its worker died), and remove their files."""
    limit = timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALL_SECONDS)
    stalled = AgreementReading.objects.filter(status=ReadingStatus.RUNNING, started_at__lt=limit)
    for reading in stalled:
        with translation.override(settings.LANGUAGE_CODE):
            message = _(STALLED)
        _end(reading.pk, reading.stored_path, status=ReadingStatus.FAILED, message=message)


@task()
def read_agreement(reading_id: int) -> None:
    fail_stalled_readings()
    reading = AgreementReading.objects.get(pk=reading_id)
    if reading.status != ReadingStatus.QUEUED:
        return
    AgreementReading.objects.filter(pk=reading_id).update(
        status=ReadingStatus.RUNNING, started_at=timezone.now()
    )
    try:
        with translation.override(settings.LANGUAGE_CODE):
            parsed = parse_file(Path(reading.stored_path).read_bytes(), reading.file_name)
    except (ValueError, OSError) as exc:
        _end(reading_id, reading.stored_path, status=ReadingStatus.FAILED, message=str(exc))
        return
    except Exception:
        logger.exception("agreement reading %s failed", reading_id)
        with translation.override(settings.LANGUAGE_CODE):
            message = _(UNEXPECTED)
        _end(reading_id, reading.stored_path, status=ReadingStatus.FAILED, message=message)
        return
    _end(
        reading_id,
        reading.stored_path,
        status=ReadingStatus.DONE,
        parsed=importing.to_session(parsed),
    )
