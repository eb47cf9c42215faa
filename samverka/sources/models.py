"""Evidence a lägesbild is built from: datasets with provenance, and their rows.

Every import is a :class:`Dataset` (who, when, which file, what happened to each
row). Events are one row per incident in one store, whatever their source; a
withdrawn dataset's rows are left out of everything computed afterwards.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverka.tenancy.access import Policy, VisibleContent, VisibleQuerySet


class SourceKind(models.TextChoices):
    POLICE_EVENTS = "police_events", _("Police events (polisen.se)")
    CRIME_STATISTICS = "statistics", _("Crime statistics (Brå, police extracts)")
    EVENT_TABLE = "event_table", _("Table of events")
    EST = "est", _("EST reports")
    POPULATION = "population", _("Population")
    SURVEY = "survey", _("Survey results")
    AREAS = "areas", _("Areas")


class DatasetStatus(models.TextChoices):
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class DatasetQuerySet(VisibleQuerySet["Dataset"]):
    def in_use(self) -> DatasetQuerySet:
        return self.filter(status=DatasetStatus.DONE, withdrawn_at__isnull=True)


class Dataset(VisibleContent):
    # Shared with its agreement and with every agreement of its shares (DatasetShare).
    access_policy = Policy(also_shared="shares__agreement")

    kind = models.CharField(_("kind of source"), max_length=32, choices=SourceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True, db_index=True)
    # The column mapping it was imported with: the same file with another mapping is
    # imported again (its rows replaced), with the same mapping it is a duplicate.
    mapping = models.ForeignKey(
        "ColumnMapping",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("column mapping"),
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DatasetStatus.choices, default=DatasetStatus.RUNNING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows new"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    message = models.TextField(_("message"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("why withdrawn"), blank=True)

    objects = DatasetQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sources:dataset", kwargs={"pk": self.pk})

    def shared_with_an_agreement(self) -> bool:
        # Shared through its shares (sources.sharing), it needs no agreement of its own.
        return super().shared_with_an_agreement() or bool(self.pk and self.shares.exists())


class DatasetShare(models.Model):
    """A dataset shared by its owner with the parties of one agreement the owner is a
    party of (see :mod:`samverka.sources.sharing`)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="shares")
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("agreement"),
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared by"),
    )
    shared_at = models.DateTimeField(_("shared"), auto_now_add=True)

    class Meta:
        ordering = ["dataset", "shared_at"]
        verbose_name = _("sharing of a dataset")
        verbose_name_plural = _("sharings of datasets")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "agreement"], name="dataset_shared_once")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} → {self.agreement}"


class RejectedRow(models.Model):
    """A row that was not imported, and why: by row number and field."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="rejected")
    row_number = models.PositiveIntegerField(_("row"))
    field = models.CharField(_("field"), max_length=100, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["dataset", "row_number"]
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")

    def __str__(self) -> str:
        return f"{self.row_number}: {self.field} {self.reason}"


class PollRecord(models.Model):
    """One response of the Police events API folded into a rolling dataset.

    Polls of the same kommuner in the same month (local time) go into one dataset,
    whose counts add up its polls; each response that changed something is recorded
    here (when, its SHA-256, what it did), so the dataset's provenance stays complete.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="polls")
    selection = models.CharField(_("municipalities polled"), max_length=500)
    month = models.DateField(_("month"), help_text=_("The first day of the month polled."))
    polled_at = models.DateTimeField(_("polled"))
    file_name = models.CharField(_("file name"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256 of the response"), max_length=64)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_new = models.PositiveIntegerField(_("rows new"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)

    class Meta:
        ordering = ["-polled_at"]
        verbose_name = _("poll of the Police events API")
        verbose_name_plural = _("polls of the Police events API")
        indexes = [models.Index(fields=["selection", "month"])]

    def __str__(self) -> str:
        return f"{self.selection} {self.polled_at:%Y-%m-%d %H:%M}"


class TimePrecision(models.TextChoices):
    EXACT = "exact", _("Exact time")
    DAY = "day", _("Day")
    MONTH = "month", _("Month")


class PlacePrecision(models.TextChoices):
    EXACT = "exact", _("Exact point")
    KOMMUN = "kommun", _("Centre of the municipality")
    COUNTY = "county", _("Centre of the county")
    UNKNOWN = "unknown", _("Unknown")


class EventQuerySet(models.QuerySet["Event"]):
    def in_use(self) -> EventQuerySet:
        """Events of datasets that are imported and not withdrawn."""
        return self.filter(dataset__status=DatasetStatus.DONE, dataset__withdrawn_at__isnull=True)

    def with_positions(self) -> EventQuerySet:
        """Only events with a real position: the ones a point map may show."""
        return self.filter(place_precision=PlacePrecision.EXACT)


class Event(models.Model):
    # Indexed by event_dataset_kommun_time (the dataset first), not on its own.
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    source = models.CharField(_("source"), max_length=32, choices=SourceKind.choices)
    external_id = models.CharField(_("id at the source"), max_length=64)
    occurred_at = models.DateTimeField(_("time of the event"))
    time_precision = models.CharField(
        _("time precision"), max_length=8, choices=TimePrecision.choices
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    category = models.ForeignKey(
        "taxonomy.Category",
        on_delete=models.PROTECT,
        null=True,
        db_index=False,  # the (category, occurred_at) index serves
        blank=True,
        related_name="events",
        verbose_name=_("category"),
    )
    source_type = models.CharField(_("type at the source"), max_length=120)
    place_precision = models.CharField(
        _("place precision"), max_length=8, choices=PlacePrecision.choices
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    kommun = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        db_index=False,  # the (kommun, occurred_at) index serves
        blank=True,
        related_name="events",
        verbose_name=_("municipality"),
    )
    county = models.ForeignKey(
        "organizations.County",
        on_delete=models.PROTECT,
        null=True,
        db_index=False,  # the (county, occurred_at) index serves
        blank=True,
        related_name="events",
        verbose_name=_("county"),
    )
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="event_once_per_source")
        ]
        # Only what the queries need: every index is rebuilt or updated on a large import.
        # Only län-level events have a county, so its index holds only those.
        indexes = [
            # The lägesbild and the plan read the chosen datasets' events of a kommun and
            # period: with the dataset first, they touch only those datasets' rows, however
            # many events other organizations have imported (issue 12).
            models.Index(
                fields=["dataset", "kommun", "occurred_at"], name="event_dataset_kommun_time"
            ),
            models.Index(fields=["kommun", "occurred_at"]),
            models.Index(
                fields=["county", "occurred_at"],
                condition=models.Q(county__isnull=False),
                name="event_county_time",
            ),
            models.Index(fields=["category", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.source_type} {self.occurred_at:%Y-%m-%d %H:%M}"


class TypeMapping(models.Model):
    """How a source's own type maps into the common taxonomy.

    An organization's mapping applies to its own datasets (saved by its coordinator);
    the platform's (no owner, saved by the platform administrator) to the Police's
    events and every other owner without a mapping of its own.
    """

    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owning organization"),
        help_text=_("Empty: the platform's mapping, for the Police's events."),
    )
    source = models.CharField(_("source"), max_length=32, choices=SourceKind.choices)
    source_type = models.CharField(_("type at the source"), max_length=120)
    category = models.ForeignKey(
        "taxonomy.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mapped by"),
    )
    mapped_at = models.DateTimeField(_("mapped"), auto_now=True)

    class Meta:
        ordering = ["source", "source_type"]
        verbose_name = _("type mapping")
        verbose_name_plural = _("type mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_type"],
                condition=models.Q(owner__isnull=True),
                name="type_mapped_once",
            ),
            models.UniqueConstraint(
                fields=["owner", "source", "source_type"], name="type_mapped_once_per_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_type} → {self.category}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    PREVIEW = "preview", _("Waiting for confirmation")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(VisibleContent):
    """An upload waiting for, or being handled by, the background worker."""

    kind = models.CharField(_("kind of source"), max_length=32, choices=SourceKind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=300)
    stored_path = models.CharField(max_length=500, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    mapping = models.ForeignKey(
        "ColumnMapping",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("column mapping"),
    )
    dataset = models.ForeignKey(
        Dataset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the import needs beside the file: the year a population table is for, the
    # kommun whose sub-areas a GeoJSON file draws.
    parameters = models.JSONField(_("import settings"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # A statistics table is checked first (samverka.sources.preview): what would be
    # stored, and what rejected; nothing is stored until a person confirms it.
    preview = models.JSONField(_("preview"), null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The worker's last sign of life where it could write the row (see ``tasks``).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("sources:job", kwargs={"pk": self.pk})

    @property
    def progress_path(self) -> Path:
        """Where the worker writes the progress of a running import (see ``tasks``)."""
        return Path(f"{self.stored_path}.progress")

    @property
    def heartbeat_path(self) -> Path:
        """A file the worker touches while the import runs, even inside its transaction."""
        return Path(f"{self.stored_path}.heartbeat")

    def last_sign_of_life(self) -> float | None:
        """When the worker last showed it was alive (a POSIX time), or None if never."""
        times = [self.heartbeat_at.timestamp()] if self.heartbeat_at else []
        for path in (self.heartbeat_path, self.progress_path):
            with contextlib.suppress(OSError):
                times.append(path.stat().st_mtime)
        return max(times) if times else None

    @property
    def current_progress(self) -> int:
        """The progress in %: while the import runs, as the worker last wrote it."""
        if self.status == JobStatus.RUNNING and self.stored_path:
            try:
                return min(int(self.progress_path.read_text()), 100)
            except (OSError, ValueError):
                pass
        return self.progress


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


class Statistic(models.Model):
    """A value for an area, a period and a category: a row of a statistics table.

    A suppressed value ("..") is not zero: it has no value and says so.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="statistics")
    kommun = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="statistics",
        verbose_name=_("municipality"),
    )
    sub_area = models.ForeignKey(
        "organizations.SubArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statistics",
        verbose_name=_("sub-area"),
    )
    period_kind = models.CharField(_("kind of period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period from"))
    category = models.ForeignKey(
        "taxonomy.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statistics",
        verbose_name=_("category"),
        help_text=_("Empty for a total of all crime."),
    )
    source_category = models.CharField(_("category at the source"), max_length=200)
    value = models.FloatField(_("value"), null=True, blank=True)
    suppressed = models.BooleanField(_("suppressed"), default=False)
    preliminary = models.BooleanField(_("preliminary"), default=False)

    class Meta:
        ordering = ["kommun", "period_start"]
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        indexes = [models.Index(fields=["kommun", "period_start"])]

    def __str__(self) -> str:
        return f"{self.source_category} {self.period_start}: {self.value}"


class SurveyScale(models.TextChoices):
    SHARE = "share", _("Share 0–1")
    PERCENT = "percent", _("Per cent 0–100")
    INDEX = "index", _("Index with its range")


class ColumnMapping(VisibleContent):
    """How the columns of a table map to samverka, saved so the same layout imports again.

    ``categories`` maps a value of the category column to a category code, to "total"
    (the total of all crime; "" in mappings saved before) or to "skip"; a table with a
    category not in the map is not imported and says which, so a new category in next
    year's export is noticed, not lost.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind of source"),
        max_length=32,
        choices=[
            (SourceKind.CRIME_STATISTICS.value, SourceKind.CRIME_STATISTICS.label),
            (SourceKind.SURVEY.value, SourceKind.SURVEY.label),
            (SourceKind.EVENT_TABLE.value, SourceKind.EVENT_TABLE.label),
            (SourceKind.EST.value, SourceKind.EST.label),
        ],
        default=SourceKind.CRIME_STATISTICS,
    )
    area_column = models.CharField(_("column with the area"), max_length=100, blank=True)
    period_column = models.CharField(_("column with the period"), max_length=100, blank=True)
    period_kind = models.CharField(
        _("kind of period"), max_length=8, choices=PeriodKind.choices, blank=True
    )
    year_column = models.CharField(
        _("column with the year"),
        max_length=100,
        blank=True,
        help_text=_("When the year and the month (or quarter) are in columns of their own."),
    )
    # Tables of events: one row per event.
    id_column = models.CharField(_("column with the event's id"), max_length=100, blank=True)
    date_column = models.CharField(_("column with the date"), max_length=100, blank=True)
    time_column = models.CharField(_("column with the time"), max_length=100, blank=True)
    x_column = models.CharField(
        _("column with a coordinate"),
        max_length=100,
        blank=True,
        help_text=_("Latitude, longitude, northing or easting: WGS 84 or SWEREF 99 TM."),
    )
    y_column = models.CharField(_("column with the other coordinate"), max_length=100, blank=True)
    place_column = models.CharField(_("column with the place name"), max_length=100, blank=True)
    description_column = models.CharField(
        _("column with a description"), max_length=100, blank=True
    )
    category_column = models.CharField(_("column with the category"), max_length=100, blank=True)
    question_column = models.CharField(
        _("column with the question"), max_length=100, blank=True, help_text=_("Surveys.")
    )
    respondents_column = models.CharField(
        _("column with the number of respondents"),
        max_length=100,
        blank=True,
        help_text=_("Surveys."),
    )
    # Surveys: the scale of the values and the marks of a missing value
    # (samverka.sources.survey_import).
    value_scale = models.CharField(
        _("scale of the value"),
        max_length=8,
        choices=SurveyScale.choices,
        default=SurveyScale.PERCENT,
        help_text=_("Surveys."),
    )
    scale_min = models.FloatField(_("lowest value of the index"), null=True, blank=True)
    scale_max = models.FloatField(_("highest value of the index"), null=True, blank=True)
    missing_marks = models.JSONField(
        _("marks of a missing value"),
        default=list,
        blank=True,
        help_text=_("Surveys: values skipped as missing, never stored as 0."),
    )
    area_level = models.CharField(
        _("the areas are"),
        max_length=8,
        blank=True,
        choices=[
            ("", _("as named: sub-areas, municipalities, counties or Sweden")),
            ("county", _("counties: a bare name like “Kalmar” is the county")),
        ],
        help_text=_("Surveys."),
    )
    record_path = models.CharField(
        _("path to the records"),
        max_length=200,
        blank=True,
        help_text=_("JSON: where the records are, e.g. data[].values[]."),
    )
    value_column = models.CharField(_("column with the value"), max_length=100, blank=True)
    preliminary_column = models.CharField(
        _("column saying a value is preliminary"), max_length=100, blank=True
    )
    level_column = models.CharField(
        _("column with the level of the category"),
        max_length=100,
        blank=True,
        help_text=_("E.g. total, main and sub-category: each category is taken from one level."),
    )
    kommun = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality of the sub-areas"),
        help_text=_("Areas that are not municipalities are sub-areas of this one."),
    )
    create_sub_areas = models.BooleanField(_("create sub-areas not yet known"), default=True)
    categories = models.JSONField(_("categories"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return self.name


class Population(models.Model):
    """Inhabitants of a kommun in a year: the denominator of every rate."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="populations")
    kommun = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="populations",
        verbose_name=_("municipality"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        ordering = ["kommun", "year"]
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "kommun", "year"], name="population_once_per_dataset"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kommun} {self.year}: {self.population}"


class SurveyLevel(models.TextChoices):
    SUB_AREA = "sub_area", _("Sub-area")
    KOMMUN = "kommun", _("Municipality")
    COUNTY = "county", _("County")
    NATION = "nation", _("Sweden")


class SurveyResult(models.Model):
    """An aggregated answer: a share (or an index) of the respondents, per area and year.

    The area is a sub-area or a kommun (``kommun`` set), a län (``county`` set) or the
    whole country (neither)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="survey_results")
    level = models.CharField(
        _("level"), max_length=8, choices=SurveyLevel.choices, default=SurveyLevel.KOMMUN
    )
    kommun = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="survey_results",
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )
    county = models.ForeignKey(
        "organizations.County",
        on_delete=models.PROTECT,
        related_name="survey_results",
        null=True,
        blank=True,
        verbose_name=_("county"),
    )
    sub_area = models.ForeignKey(
        "organizations.SubArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_results",
        verbose_name=_("sub-area"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    question = models.CharField(_("question"), max_length=300)
    respondents = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    share = models.FloatField(_("share (0–1)"), null=True, blank=True)
    index_value = models.FloatField(_("index value"), null=True, blank=True)
    scale_min = models.FloatField(_("lowest value of the index"), null=True, blank=True)
    scale_max = models.FloatField(_("highest value of the index"), null=True, blank=True)

    class Meta:
        ordering = ["kommun", "year", "question"]
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")

    def __str__(self) -> str:
        return f"{self.question} {self.year}"


# The version of the data every computed figure is read from (samverka.sources.dataversion):
# cached figures carry it in their keys; every write that changes an input bumps it.
class DataVersion(models.Model):
    """A counter, one row per scope (today one: ``figures``)."""

    scope = models.CharField(_("scope"), max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"
