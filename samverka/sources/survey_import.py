"""Survey results as publishers write them (trygghetsmätningar, SCB's and the Police's
figures per län, a kommun's own survey), imported through a column mapping.

* **Areas** are a sub-area of the mapping's kommun, a kommun, a län or the whole
  country, each stored at its own level: a län by its name ("Kalmar län", "Kalmar")
  or its länskod ("08"), the country as "Sverige", "Riket" or "Hela landet".
* **The scale** is declared by the mapping: a share 0–1, per cent 0–100, or an index
  with its range. A value outside it is a rejected row naming the field, never
  guessed into another scale.
* **Missing values** are the marks the mapping declares (blank, "..", "-", or 0 where
  the publisher writes 0 for "no value"): such a row is skipped and counted, never
  stored as 0.
* **Respondents** are optional: without them a share has no interval.
* **JSON** is read as well as CSV and XLSX (:mod:`samverka.sources.json_records`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverka.accounts.models import User
from samverka.lib import numbers
from samverka.organizations.models import County, Organization
from samverka.sources import reasons
from samverka.sources.json_records import is_json, read_json_table
from samverka.sources.models import (
    ColumnMapping,
    SourceKind,
    SurveyLevel,
    SurveyResult,
    SurveyScale,
)
from samverka.sources.tabular import Table, TableError, parse_number

if TYPE_CHECKING:
    from samverka.sources.services import ImportResult

# The marks of a missing value a mapping may declare, as the form offers them.
MISSING_BLANK = "blank"
MISSING_MARKS = (
    (MISSING_BLANK, gettext_lazy("an empty cell")),
    ("..", "“..”"),
    ("-", "“-” (or “–”)"),
    ("0", gettext_lazy("0 (the publisher writes 0 where there is no value)")),
)
NATION_NAMES = {"sverige", "riket", "hela riket", "hela landet", "hela sverige", "00"}

AREAS_COUNTIES = "county"  # ColumnMapping.area_level: bare names are län


class _Skip(Exception):
    """The row holds a missing value: counted, not stored."""


class _Reject(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def open_table(data: bytes, file_name: str, mapping: ColumnMapping) -> Table:
    """The file as a table: JSON through the mapping's path, else CSV or XLSX."""
    from samverka.sources.services import ImportError_, _check_columns, _open_table

    required = [
        mapping.area_column,
        mapping.period_column,
        mapping.question_column,
        mapping.value_column,
    ]
    optional = [mapping.respondents_column]
    if not (mapping.record_path or is_json(data, file_name)):
        return _open_table(data, file_name, required, optional)
    try:
        table = read_json_table(data, file_name, mapping.record_path)
    except TableError as exc:
        message = str(exc)
        raise ImportError_(
            message if message.startswith(file_name) else f"{file_name}: {message}"
        ) from exc
    _check_columns(table.columns, file_name, required, optional)
    return table


class AreaResolver:
    """An area's name or code → (level, kommun id, sub-area id, county id), or None."""

    def __init__(self, mapping: ColumnMapping) -> None:
        from samverka.sources.services import places

        self.kommuner, _counties = places()
        self.kommun_codes = dict(
            Organization.objects.filter(municipality_code__isnull=False).values_list(
                "municipality_code", "pk"
            )
        )
        self.sub_areas = {
            n.lower(): pk for n, pk in mapping.kommun.sub_areas.values_list("name", "pk")
        }
        self.counties: dict[str, int] = {}
        self.county_names: dict[str, int] = {}  # the bare names: "kalmar", "stockholm"
        for code, name, pk in County.objects.values_list("code", "name", "pk"):
            self.counties[code] = pk
            self.counties[name.lower()] = pk
            bare = re.sub(r"s? län$", "", name.lower()).strip()
            self.county_names[bare] = pk
            self.county_names[name.lower().removesuffix(" län")] = pk
        self.counties_first = mapping.area_level == AREAS_COUNTIES
        self.kommun_id = mapping.kommun_id

    def __call__(self, area: str) -> tuple[str, int | None, int | None, int | None] | None:
        from samverka.sources.services import _kommun_of_area

        key = area.strip().lower()
        if key in NATION_NAMES:
            return SurveyLevel.NATION, None, None, None
        if key in self.counties:  # "Kalmar län", "08"
            return SurveyLevel.COUNTY, None, None, self.counties[key]
        if re.fullmatch(r"\d{4}", key) and key in self.kommun_codes:
            return SurveyLevel.KOMMUN, self.kommun_codes[key], None, None
        county = self.county_names.get(re.sub(r"s? län$", "", key).strip())
        if self.counties_first and county is not None:
            return SurveyLevel.COUNTY, None, None, county
        kommun = _kommun_of_area(area.strip(), self.kommuner)
        if kommun is not None:
            return SurveyLevel.KOMMUN, kommun, None, None
        if key in self.sub_areas:
            return SurveyLevel.SUB_AREA, self.kommun_id, self.sub_areas[key], None
        if county is not None:
            return SurveyLevel.COUNTY, None, None, county
        return None


def _is_missing(raw: str, marks: set[str]) -> bool:
    text = raw.strip()
    if not text:
        return MISSING_BLANK in marks
    if text in marks or (text in {"–", "—"} and "-" in marks):
        return True
    if text in {"…"} and ".." in marks:
        return True
    if "0" in marks:
        try:
            return parse_number(text) == 0
        except ValueError:
            return False
    return False


def scale_text(mapping: ColumnMapping) -> str:
    """The declared scale in words: "0–1", "0–100 %", "index 0–200"."""
    if mapping.value_scale == SurveyScale.SHARE:
        return "0–1"
    if mapping.value_scale == SurveyScale.PERCENT:
        return "0–100 %"
    if mapping.scale_min is None or mapping.scale_max is None:
        return _("index")
    return _("index %(min)s–%(max)s") % {
        "min": numbers.number(mapping.scale_min, _digits(mapping.scale_min)),
        "max": numbers.number(mapping.scale_max, _digits(mapping.scale_max)),
    }


def _digits(value: float) -> int:
    return 0 if float(value).is_integer() else 2


def _value(raw: str, mapping: ColumnMapping) -> tuple[float | None, float | None]:
    """(share, index value) of a cell, or the reason it is refused."""
    field = mapping.value_column
    try:
        value = parse_number(raw)
    except ValueError as exc:
        raise _Reject(field, reasons.column(mapping, "value_column", str(exc))) from None
    if value is None:  # blank or ".." not declared as missing
        reason = reasons.not_a("number", raw.strip()) if raw.strip() else reasons.empty()
        raise _Reject(field, reasons.column(mapping, "value_column", reason))
    scale = mapping.value_scale
    if scale == SurveyScale.INDEX:
        low, high = mapping.scale_min, mapping.scale_max
        inside = (low is None or value >= low) and (high is None or value <= high)
    else:
        low, high = 0.0, 1.0 if scale == SurveyScale.SHARE else 100.0
        inside = low <= value <= high
    if not inside:
        raise _Reject(
            field,
            reasons.column(
                mapping,
                "value_column",
                _("%(value)s is outside the scale %(scale)s")
                % {
                    "value": raw.strip()[:40],
                    "scale": scale_text(mapping),
                },
            ),
        )
    if scale == SurveyScale.INDEX:
        return None, value
    return (value / 100 if scale == SurveyScale.PERCENT else value), None


def _year(raw: str, mapping: ColumnMapping) -> int:
    match = re.fullmatch(r"\s*(\d{4})(?:\.0+)?\s*", raw)
    if not match or not 1900 <= int(match[1]) <= 2200:
        raise _Reject(
            mapping.period_column,
            reasons.column(mapping, "period_column", reasons.not_a("year", raw)),
        )
    return int(match[1])


def _respondents(raw: str, mapping: ColumnMapping, marks: set[str]) -> int | None:
    if not mapping.respondents_column or _is_missing(raw, marks | {MISSING_BLANK}):
        return None
    try:
        value = parse_number(raw)
    except ValueError:
        value = -1.0
    if value is None:
        return None
    if value < 0 or not float(value).is_integer():
        raise _Reject(
            mapping.respondents_column,
            reasons.column(mapping, "respondents_column", reasons.not_a("number", raw)),
        )
    return int(value)


def import_survey(
    data: bytes,
    *,
    file_name: str,
    mapping: ColumnMapping,
    owner: Organization,
    user: User | None = None,
    title: str = "",
) -> ImportResult:
    """Survey results per area, question and year, in one transaction.

    Streams for CSV and XLSX (rows written in batches as they are read); a JSON file is
    parsed whole within ``IMPORT_MAX_JSON_BYTES``."""
    from samverka.sources import services

    digest = services.sha256(data)
    if (earlier := services._earlier(SourceKind.SURVEY, owner, digest, mapping)) is not None:
        return earlier
    services._check_mapping_area(mapping, owner, file_name)
    table = open_table(data, file_name, mapping)
    resolve = AreaResolver(mapping)
    marks = set(mapping.missing_marks or [])
    read = imported = skipped = 0
    years: list[int] = []
    with transaction.atomic():
        dataset, replaced = services._new_dataset(
            SourceKind.SURVEY,
            title or _("Survey: %(file)s") % {"file": file_name},
            file_name,
            digest,
            owner,
            user,
            mapping,
        )
        rejected = services._RejectionWriter(dataset)
        results: list[SurveyResult] = []
        for number, row in services._rows(table, file_name):
            read += 1
            if field := services._nul_field(row):
                rejected.add(number, field, reasons.nul())
                continue
            try:
                result = _result(row, mapping, resolve, marks)
            except _Skip:
                skipped += 1
                continue
            except _Reject as exc:
                rejected.add(number, exc.field, exc.reason)
                continue
            result.dataset = dataset
            results.append(result)
            years.append(result.year)
            if len(results) >= services.STATISTICS_BATCH:
                SurveyResult.objects.bulk_create(results)
                imported += len(results)
                results = []
                years = [min(years), max(years)]
        SurveyResult.objects.bulk_create(results, batch_size=services.STATISTICS_BATCH)
        imported += len(results)
        services._finish(
            dataset,
            rejected.rest(),
            read=read,
            imported=imported,
            period=(dt.date(min(years), 1, 1), dt.date(max(years), 12, 31))
            if years
            else (None, None),
            rejected_before=rejected.written,
            skipped=skipped,
        )
    return services.ImportResult(dataset, replaced=replaced)


def _result(
    row: dict[str, str], mapping: ColumnMapping, resolve: AreaResolver, marks: set[str]
) -> SurveyResult:
    from samverka.sources.services import _personal_data_in

    area = row[mapping.area_column].strip()
    if not area:
        raise _Reject(mapping.area_column, reasons.column(mapping, "area_column", reasons.empty()))
    place = resolve(area)
    if place is None:
        raise _Reject(
            mapping.area_column,
            reasons.column(mapping, "area_column", reasons.unknown_area(area)),
        )
    level, kommun_id, sub_area_id, county_id = place
    question = row[mapping.question_column].strip()[:300]
    if not question:
        raise _Reject(
            mapping.question_column, reasons.column(mapping, "question_column", reasons.empty())
        )
    if found := _personal_data_in(question):
        raise _Reject(
            mapping.question_column,
            reasons.column(mapping, "question_column", reasons.personal_data(list(found))),
        )
    year = _year(row[mapping.period_column], mapping)
    raw_value = row[mapping.value_column]
    if _is_missing(raw_value, marks):
        raise _Skip
    share, index_value = _value(raw_value, mapping)
    respondents = (
        _respondents(row[mapping.respondents_column], mapping, marks)
        if mapping.respondents_column
        else None
    )
    is_index = mapping.value_scale == SurveyScale.INDEX
    return SurveyResult(
        level=level,
        kommun_id=kommun_id,
        sub_area_id=sub_area_id,
        county_id=county_id,
        year=year,
        question=question,
        respondents=respondents,
        share=share,
        index_value=index_value,
        scale_min=mapping.scale_min if is_index else None,
        scale_max=mapping.scale_max if is_index else None,
    )
