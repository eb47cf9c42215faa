"""Loading the reference data: all 290 kommuner, 21 län, 7 police regions, the seed LPOs."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from samverka.audit.models import AuditEntry
from samverka.organizations import reference
from samverka.organizations.models import County, Organization, OrganizationKind

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def test_it_loads_all_of_sweden() -> None:
    load()
    kommuner = Organization.objects.filter(kind=OrganizationKind.KOMMUN)
    assert kommuner.count() == 290
    assert County.objects.count() == 21
    assert Organization.objects.filter(kind=OrganizationKind.POLICE_REGION).count() == 7
    assert not kommuner.filter(population__isnull=True).exists()
    assert not kommuner.filter(county__isnull=True).exists()
    oskarshamn = Organization.objects.get(municipality_code="0882")
    assert oskarshamn.name == "Oskarshamn"
    assert oskarshamn.county.name == "Kalmar län"  # type: ignore[union-attr]
    assert oskarshamn.population == 26_939  # population_per_kommun.csv
    assert oskarshamn.geometry["type"] in {"Polygon", "MultiPolygon"}
    assert 57 < oskarshamn.latitude < 58 and 16 < oskarshamn.longitude < 17  # type: ignore[operator]
    # Every län is in exactly one police region, and its kommuner carry its code.
    for county in County.objects.all():
        assert county.police_region is not None
        assert county.geometry is not None
        assert all(
            k.municipality_code.startswith(county.code)  # type: ignore[union-attr]
            for k in kommuner.filter(county=county)
        )


def test_the_seed_lpos_cover_their_kommuner() -> None:
    load()
    expected = {
        "LPO Västervik": (
            "Polisregion Syd",
            {"Västervik", "Oskarshamn", "Vimmerby", "Hultsfred", "Högsby", "Mönsterås"},
        ),
        "LPO Nybro": (
            "Polisregion Syd",
            {"Nybro", "Lessebo", "Emmaboda", "Tingsryd", "Torsås", "Uppvidinge"},
        ),
        "LPO Karlshamn": ("Polisregion Syd", {"Karlshamn", "Olofström", "Sölvesborg"}),
        "LPO Nyköping": ("Polisregion Öst", {"Nyköping", "Oxelösund", "Gnesta", "Trosa"}),
    }
    for name, (region, kommuner) in expected.items():
        lpo = Organization.objects.get(name=name)
        assert lpo.kind == OrganizationKind.LOCAL_POLICE_AREA
        assert lpo.parent is not None and lpo.parent.name == region
        assert set(lpo.covers.values_list("name", flat=True)) == kommuner
    assert Organization.objects.get(name="Nyköping").county.name == "Södermanlands län"  # type: ignore[union-attr]


def test_a_second_load_changes_and_duplicates_nothing() -> None:
    load()
    organizations, entries = Organization.objects.count(), AuditEntry.objects.count()
    output = load()
    assert "kommuner: 0 created, 0 updated, 290 unchanged" in output
    assert Organization.objects.count() == organizations
    assert AuditEntry.objects.count() == entries


def test_a_changed_value_is_updated_in_place() -> None:
    load()
    Organization.objects.filter(municipality_code="0881").update(population=1)
    assert "kommuner: 0 created, 1 updated, 289 unchanged" in load()
    assert Organization.objects.get(municipality_code="0881").population == 19_985


def test_names_that_would_share_an_address_keep_theirs_apart() -> None:
    load()
    assert Organization.objects.get(name="Habo").slug == "habo-0643"
    assert Organization.objects.get(name="Håbo").slug == "habo-0305"


def test_a_bad_row_is_named_and_nothing_is_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("swedish_municipalities.geojson", "swedish_regions.geojson"):
        shutil.copy(reference.DATA_DIR / name, tmp_path / name)
    lines = (reference.DATA_DIR / "population_per_kommun.csv").read_text("utf-8").splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ",många"
    (tmp_path / "population_per_kommun.csv").write_text("\n".join(lines), "utf-8")
    monkeypatch.setattr(reference, "DATA_DIR", tmp_path)
    with pytest.raises(CommandError, match=r"line 6: population 'många' is not a number"):
        load()
    assert not Organization.objects.exists()
    assert not County.objects.exists()
