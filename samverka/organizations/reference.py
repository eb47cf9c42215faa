"""Reference data: the 21 län, the 7 police regions, the 290 kommuner and the
lokalpolisområden of the seed kommuner.

Sources (copied unmodified into ``data/``, see ``data/SOURCES.md``): kommun
polygons and län polygons (okfse/sweden-geojson, WGS84) and population per
kommun (derived from SCB; the reference year is not stated in the source).
Loading is idempotent: a second run changes nothing and duplicates nothing.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from samverka.audit.recorder import acting_as
from samverka.organizations.models import County, Organization, OrganizationKind

DATA_DIR = Path(__file__).resolve().parent / "data"

# Official länskod → (official name, name in the län GeoJSON).
COUNTIES: dict[str, tuple[str, str]] = {
    "01": ("Stockholms län", "Stockholm"),
    "03": ("Uppsala län", "Uppsala"),
    "04": ("Södermanlands län", "Södermanland"),
    "05": ("Östergötlands län", "Östergötland"),
    "06": ("Jönköpings län", "Jönköping"),
    "07": ("Kronobergs län", "Kronoberg"),
    "08": ("Kalmar län", "Kalmar"),
    "09": ("Gotlands län", "Gotland"),
    "10": ("Blekinge län", "Blekinge"),
    "12": ("Skåne län", "Skåne"),
    "13": ("Hallands län", "Halland"),
    "14": ("Västra Götalands län", "Västra Götaland"),
    "17": ("Värmlands län", "Värmland"),
    "18": ("Örebro län", "Örebro"),
    "19": ("Västmanlands län", "Västmanland"),
    "20": ("Dalarnas län", "Dalarna"),
    "21": ("Gävleborgs län", "Gävleborg"),
    "22": ("Västernorrlands län", "Västernorrland"),
    "23": ("Jämtlands län", "Jämtland"),
    "24": ("Västerbottens län", "Västerbotten"),
    "25": ("Norrbottens län", "Norrbotten"),
}

# The Police Authority's seven regions and the län each covers.
POLICE_REGIONS: dict[str, tuple[str, ...]] = {
    "Polisregion Nord": ("22", "23", "24", "25"),
    "Polisregion Mitt": ("03", "19", "21"),
    "Polisregion Stockholm": ("01", "09"),
    "Polisregion Öst": ("04", "05", "06"),
    "Polisregion Väst": ("13", "14"),
    "Polisregion Syd": ("07", "08", "10", "12"),
    "Polisregion Bergslagen": ("17", "18", "20"),
}

# Lokalpolisområden of the seed kommuner: name → (police region, kommunkoder covered).
LOCAL_POLICE_AREAS: dict[str, tuple[str, tuple[str, ...]]] = {
    # Västervik, Oskarshamn, Vimmerby, Hultsfred, Högsby, Mönsterås
    "LPO Västervik": ("Polisregion Syd", ("0883", "0882", "0884", "0860", "0821", "0861")),
    # Nybro, Lessebo, Emmaboda, Tingsryd, Torsås, Uppvidinge
    "LPO Nybro": ("Polisregion Syd", ("0881", "0761", "0862", "0763", "0834", "0760")),
    # Karlshamn, Olofström, Sölvesborg
    "LPO Karlshamn": ("Polisregion Syd", ("1082", "1060", "1083")),
    # Nyköping, Oxelösund, Gnesta, Trosa
    "LPO Nyköping": ("Polisregion Öst", ("0480", "0481", "0461", "0488")),
}


# National actors every installation has: the owner of the national police events.
NATIONAL = {"polismyndigheten": "Polismyndigheten"}


class ReferenceDataError(ValueError):
    """The reference files disagree with each other or with what samverka expects."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, changed: bool | None) -> None:
        if changed is None:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


def _upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool | None]:
    """Create, or update only what differs.

    Returns the object and None if it was created, True if changed, False if already so.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), None
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj, bool(changed)


def _read_json(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _read_population() -> dict[str, int]:
    population: dict[str, int] = {}
    with (DATA_DIR / "population_per_kommun.csv").open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            code, value = (row.get("kommun_kod") or "").strip(), (row.get("population") or "")
            if len(code) != 4 or not code.isdigit():
                raise ReferenceDataError(
                    f"population_per_kommun.csv line {line}: kommun_kod {code!r} is not 4 digits"
                )
            try:
                population[code] = int(value.replace(" ", ""))
            except ValueError:
                raise ReferenceDataError(
                    f"population_per_kommun.csv line {line}: population {value!r} is not a number"
                ) from None
    return population


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("å", "a").replace("ä", "a").replace("ö", "o"))


@transaction.atomic
def load(progress: Callable[[str], None] = lambda message: None) -> dict[str, LoadResult]:
    results = {
        key: LoadResult() for key in ("police regions", "counties", "kommuner", "LPO", "national")
    }
    with acting_as(label="reference data"):
        regions: dict[str, Organization] = {}
        for name in POLICE_REGIONS:
            regions[name], changed = _upsert(
                Organization,
                {"slug": _slug(name)},
                {"name": name, "kind": OrganizationKind.POLICE_REGION},
            )
            results["police regions"].count(changed)
        progress("police regions")

        region_of_county = {c: r for r, codes in POLICE_REGIONS.items() for c in codes}
        county_shapes = {
            f["properties"]["name"]: f["geometry"]
            for f in _read_json("swedish_regions.geojson")["features"]
        }
        counties: dict[str, County] = {}
        for code, (name, shape_name) in COUNTIES.items():
            if shape_name not in county_shapes:
                raise ReferenceDataError(f"swedish_regions.geojson has no län named {shape_name!r}")
            counties[code], changed = _upsert(
                County,
                {"code": code},
                {
                    "name": name,
                    "police_region": regions[region_of_county[code]],
                    "geometry": county_shapes[shape_name],
                },
            )
            results["counties"].count(changed)
        progress("counties")

        population = _read_population()
        features = _read_json("swedish_municipalities.geojson")["features"]
        slug_counts = Counter(_slug(str(f["properties"]["kom_namn"])) for f in features)
        seen: set[str] = set()
        for index, feature in enumerate(features):
            props = feature["properties"]
            code, name = str(props["id"]), str(props["kom_namn"])
            where = f"swedish_municipalities.geojson feature {index} ({code} {name})"
            if code in seen:
                raise ReferenceDataError(f"{where}: kommunkod {code} occurs twice")
            seen.add(code)
            if code[:2] not in counties:
                raise ReferenceDataError(f"{where}: no län with code {code[:2]}")
            if code not in population:
                raise ReferenceDataError(f"{where}: no population in population_per_kommun.csv")
            lat, lon = props["geo_point_2d"]
            _, changed = _upsert(
                Organization,
                {"municipality_code": code},
                {
                    "name": name,
                    # Håbo and Habo would share a slug: such names carry their code.
                    "slug": _slug(name)
                    if slug_counts[_slug(name)] == 1
                    else f"{_slug(name)}-{code}",
                    "kind": OrganizationKind.KOMMUN,
                    "county": counties[code[:2]],
                    "population": population[code],
                    "geometry": feature["geometry"],
                    "latitude": float(lat),
                    "longitude": float(lon),
                },
            )
            results["kommuner"].count(changed)
        missing = sorted(set(population) - seen)
        if missing:
            raise ReferenceDataError(
                f"population_per_kommun.csv has kommuner without a boundary: {', '.join(missing)}"
            )
        progress("kommuner")

        kommuner = {o.municipality_code: o for o in Organization.objects.filter(kind="kommun")}
        for name, (region, codes) in LOCAL_POLICE_AREAS.items():
            lpo, changed = _upsert(
                Organization,
                {"slug": _slug(name)},
                {
                    "name": name,
                    "kind": OrganizationKind.LOCAL_POLICE_AREA,
                    "parent": regions[region],
                    "county": kommuner[codes[0]].county,
                },
            )
            wanted = {kommuner[code].pk for code in codes}
            current = set(lpo.covers.values_list("pk", flat=True))
            if wanted != current:
                lpo.covers.set(wanted)
                changed = True if changed is False else changed
            results["LPO"].count(changed)
        progress("LPO")
        for slug, name in NATIONAL.items():
            _, changed = _upsert(
                Organization, {"slug": slug}, {"name": name, "kind": OrganizationKind.NATIONAL}
            )
            results["national"].count(changed)
    return results
