"""The demo: the five seed agreements, imported through the same importer a
coordinator uses; a coordinator and a kommunpolis for each seed kommun; a
platform administrator. Names of people are invented; e-mail addresses use the
reserved ``.example`` domain. Loading is idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from samverka.accounts.models import User
from samverka.agreements import importing, services
from samverka.agreements.models import Agreement
from samverka.agreements.parsing import parse_text
from samverka.audit.recorder import acting_as
from samverka.organizations.models import Organization, OrganizationKind
from samverka.tenancy.access import Role
from samverka.tenancy.models import Membership

DEMO_PASSWORD = "samverka-demo"  # noqa: S105  (published on purpose: demo logins only)
ADMIN_EMAIL = "admin@demo.example"
SEEDS_DIR = Path(__file__).resolve().parents[1] / "agreements" / "seeds"


@dataclass(frozen=True)
class SeedKommun:
    code: str
    lpo_slug: str
    seed_file: str
    coordinator: tuple[str, str]
    police: tuple[str, str]
    # Where the document does not state its period (Oxelösund's is a press page).
    period_if_missing: tuple[dt.date, dt.date] | None = None
    # Demo assumption: extended once by its own rule on this date.
    extended_on: dt.date | None = None


SEEDS = (
    SeedKommun(
        "0882",
        "lpo-vastervik",
        "000_88ffddd334d1b828.txt",
        ("Saga", "Exempelsson"),
        ("Tore", "Påhittsson"),
        extended_on=dt.date(2023, 6, 15),
    ),
    SeedKommun(
        "0883",
        "lpo-vastervik",
        "001_37b50ad8933ad76c.txt",
        ("Vera", "Provlund"),
        ("Nils", "Låtsasberg"),
    ),
    SeedKommun(
        "1060",
        "lpo-karlshamn",
        "002_3a1d68dc62451771.txt",
        ("Elsa", "Testgren"),
        ("Arvid", "Demodal"),
    ),
    SeedKommun(
        "0761",
        "lpo-nybro",
        "003_5096e6c425a12633.txt",
        ("Maja", "Fiktivsson"),
        ("Olle", "Exempelström"),
    ),
    SeedKommun(
        "0481",
        "lpo-nykoping",
        "004_be8cccddc231c656.txt",
        ("Ida", "Påhittdahl"),
        ("Erik", "Provqvist"),
        period_if_missing=(dt.date(2024, 5, 1), dt.date(2027, 12, 31)),
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    what: str


def _user(email: str, first: str, last: str, title: str, *, admin: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, is_staff=admin, is_superuser=admin)
        user.set_password(DEMO_PASSWORD)
    for name, value in (("first_name", first), ("last_name", last), ("title", title)):
        setattr(user, name, value)
    user.save()
    return user


def _member(user: User, organization: Organization, role: str) -> None:
    Membership.objects.get_or_create(user=user, organization=organization, defaults={"role": role})


def _import_seed(seed: SeedKommun, parties: list[Organization], user: User) -> None:
    parsed = importing.to_session(parse_text((SEEDS_DIR / seed.seed_file).read_text("utf-8")))
    if Agreement.objects.filter(title=parsed["title"]).exists():
        return
    initial = importing.initial_for_form(parsed)
    starts_on, ends_on = initial["starts_on"], initial["ends_on"]
    if (starts_on is None or ends_on is None) and seed.period_if_missing:
        starts_on, ends_on = seed.period_if_missing
    agreement = Agreement(
        title=parsed["title"],
        starts_on=starts_on,
        ends_on=ends_on,
        extension_years=parsed["extension_years"],
        consultation_months=parsed["consultation_months"],
        purpose=parsed["purpose"],
        vision=parsed["vision"],
        overall_goals=initial["overall_goals"],
        in_two_parts=parsed["two_parts"],
        situation_picture=initial["situation_picture"],
    )
    importing.create_draft(
        agreement,
        parties,
        parsed,
        areas=list(range(len(parsed["priority_areas"]))),
        forums=list(range(len(parsed["forums"]))),
        signatories=list(range(len(parsed["signatories"]))),
    )
    signed = [s.signed_on for s in agreement.signatories.all() if s.signed_on]
    today = timezone.localdate()
    services.sign(agreement, user=user, made_on=min([*signed, agreement.starts_on, today]))
    if seed.extended_on is not None:
        services.extend(agreement, user=user, made_on=seed.extended_on)


@transaction.atomic
def load() -> list[DemoLogin]:
    logins = []
    with acting_as(label="demo data"):
        _user(ADMIN_EMAIL, "Ada", "Plattformsdemo", "Plattformsadministratör", admin=True)
        logins.append(DemoLogin(ADMIN_EMAIL, "Ada Plattformsdemo", "platform administrator"))
        # Users who overview many kommuner: a police-region analyst and a national one.
        region = Organization.objects.get(slug="polisregion-syd")
        analyst = _user("analytiker.syd@demo.example", "Rut", "Översiktsson", "Analytiker")
        _member(analyst, region, Role.VIEWER)
        logins.append(DemoLogin(analyst.email, str(analyst), f"viewer, {region}"))
        national, _ = Organization.objects.get_or_create(
            slug="bra",
            defaults={"name": "Brottsförebyggande rådet (Brå)", "kind": OrganizationKind.NATIONAL},
        )
        expert = _user("nationell@demo.example", "Bo", "Rikstäck", "Utredare")
        _member(expert, national, Role.VIEWER)
        logins.append(DemoLogin(expert.email, str(expert), f"viewer, {national}"))
        for seed in SEEDS:
            kommun = Organization.objects.get(municipality_code=seed.code)
            lpo = Organization.objects.get(slug=seed.lpo_slug)
            place = kommun.slug
            coordinator = _user(
                f"samordnare.{place}@demo.example", *seed.coordinator, "Trygghetssamordnare"
            )
            _member(coordinator, kommun, Role.COORDINATOR)
            police = _user(f"kommunpolis.{place}@demo.example", *seed.police, "Kommunpolis")
            _member(police, lpo, Role.COORDINATOR)
            logins.append(DemoLogin(coordinator.email, str(coordinator), f"coordinator, {kommun}"))
            logins.append(DemoLogin(police.email, str(police), f"kommunpolis, {lpo}"))
            _import_seed(seed, [kommun, lpo], coordinator)
    return logins


GENERATED_TITLE = "Demo: %(kind)s i %(kommun)s (genererade)"
SURVEY_QUESTIONS_TITLE = "Demo: trygghetsmätning i %(kommun)s (genererad)"


def load_generated(years: int = 5, seed: int = 1) -> int:
    """Seeded demo events with exact positions, EST reports and survey results for the
    five seed kommuner; a kommun that has them already is left as it is. Returns the
    number of events written."""
    from samverka.demo import events as demo_events
    from samverka.organizations.models import SubArea
    from samverka.sources.models import (
        Dataset,
        DatasetStatus,
        PlacePrecision,
        SourceKind,
        SurveyResult,
        TimePrecision,
    )
    from samverka.sources.writing import EventRow, write_events
    from samverka.taxonomy.models import Category
    from samverka.tenancy.access import Visibility

    categories = dict(Category.objects.current().values_list("code", "pk"))
    end = timezone.localdate()
    start = end.replace(year=end.year - years)
    written = 0
    for seed_kommun in SEEDS:
        kommun = Organization.objects.get(municipality_code=seed_kommun.code)
        lpo = Organization.objects.get(slug=seed_kommun.lpo_slug)
        agreement = Agreement.objects.filter(parties=kommun).first()
        profile = demo_events.KOMMUNER[seed_kommun.code]
        boundaries = demo_events.area_boundaries(seed_kommun.code)
        for area in profile.areas:
            sub_area, _created = SubArea.objects.get_or_create(
                kommun=kommun, name=area.name, defaults={"kind": "stadsdel"}
            )
            if sub_area.geometry is None:
                sub_area.geometry = boundaries[area.name]
                sub_area.save(update_fields=["geometry"])
        for kind, label, owner, source in (
            ("police", "polisanmälda händelser", lpo, SourceKind.EVENT_TABLE),
            ("est", "EST-rapporter", kommun, SourceKind.EST),
        ):
            title = GENERATED_TITLE % {"kind": label, "kommun": kommun}
            if Dataset.objects.filter(title=title).exists():
                continue
            with transaction.atomic(), acting_as(label="demo data"):
                dataset = Dataset.objects.create(
                    kind=source,
                    title=title,
                    owner=owner,
                    agreement=agreement,
                    visibility=Visibility.SHARED if agreement else Visibility.INTERNAL,
                    file_name="demo_events.py",
                    period_start=start,
                    period_end=end,
                )
                rows = [
                    EventRow(
                        external_id=event.external_id,
                        occurred_at=event.occurred_at,
                        time_precision=TimePrecision.EXACT,
                        published_at=None,
                        category_id=categories.get(event.category),
                        source_type=event.source_type,
                        place_precision=PlacePrecision.EXACT,
                        latitude=event.latitude,
                        longitude=event.longitude,
                        kommun_id=kommun.pk,
                        county_id=None,
                        place_name=event.place_name,
                        description=event.description,
                    )
                    for event in demo_events.generate_events(seed_kommun.code, start, end, seed)
                    if event.kind == kind
                ]
                counts = write_events(dataset.pk, source, rows)
                dataset.rows_read = len(rows)
                dataset.rows_imported = counts.new
                dataset.rows_unchanged = counts.unchanged
                dataset.status = DatasetStatus.DONE
                dataset.progress = 100
                dataset.save()
                written += counts.new
        survey_title = SURVEY_QUESTIONS_TITLE % {"kommun": kommun}
        if not Dataset.objects.filter(title=survey_title).exists():
            with transaction.atomic(), acting_as(label="demo data"):
                survey = Dataset.objects.create(
                    kind=SourceKind.SURVEY,
                    title=survey_title,
                    owner=kommun,
                    agreement=agreement,
                    visibility=Visibility.SHARED if agreement else Visibility.INTERNAL,
                    file_name="demo_events.py",
                    status=DatasetStatus.DONE,
                    progress=100,
                )
                areas = dict(kommun.sub_areas.values_list("name", "pk"))
                results = demo_events.generate_survey(
                    seed_kommun.code, range(start.year + 1, end.year + 1), seed
                )
                SurveyResult.objects.bulk_create(
                    SurveyResult(
                        dataset=survey,
                        kommun=kommun,
                        sub_area_id=areas.get(r.area),
                        level="sub_area" if areas.get(r.area) else "kommun",
                        year=r.year,
                        question=r.question,
                        respondents=r.respondents,
                        share=r.share,
                    )
                    for r in results
                )
                survey.rows_read = survey.rows_imported = len(results)
                survey.save()
    return written


PICTURE_TITLE = "Lägesbild %(year)s (demo)"
NOTICES_LEFT_OUT = (
    "Polisens webbnotiser är ett urval av samma händelser som de polisanmälda "
    "händelserna; de skulle räknas två gånger."
)


def load_situation_pictures() -> int:
    """A draft lägesbild of last year for each seed kommun with generated events, with
    one problem and a pinned map; a kommun that has one already is left as it is.
    Returns the number of pictures started."""
    from samverka.demo import events as demo_events
    from samverka.situation import overview as situation_overview
    from samverka.situation import services as situation
    from samverka.situation.models import Problem, SituationPicture
    from samverka.sources.models import SourceKind

    year = timezone.localdate().year - 1
    title = PICTURE_TITLE % {"year": year}
    started = 0
    for seed_kommun in SEEDS:
        kommun = Organization.objects.get(municipality_code=seed_kommun.code)
        agreement = Agreement.objects.filter(parties=kommun).first()
        if (
            agreement is None
            or SituationPicture.objects.filter(kommun=kommun, title=title).exists()
        ):
            continue
        coordinator = User.objects.get(email=f"samordnare.{kommun.slug}@demo.example")
        with transaction.atomic(), acting_as(coordinator, label="demo data"):
            picture = situation.start_picture(
                agreement,
                kommun,
                kommun,
                dt.date(year, 1, 1),
                dt.date(year, 12, 31),
                title,
                coordinator,
            )
            if not situation.used_dataset_ids(picture):
                continue
            # The police's public notices overlap the generated police-reported events:
            # the demo picture leaves them out, as a coordinator would, and says why.
            choices = {
                dataset.pk: (
                    dataset.kind != SourceKind.POLICE_EVENTS,
                    "" if dataset.kind != SourceKind.POLICE_EVENTS else NOTICES_LEFT_OUT,
                )
                for dataset in situation.eligible_datasets(picture)
            }
            situation.set_sources(picture, choices)
            hotspot = demo_events.KOMMUNER[seed_kommun.code].hotspot
            problem = Problem.objects.create(
                picture=picture,
                title=f"Koncentration i {hotspot.area}",
                description="Händelserna samlas på en plats som inte syntes för tre år sedan.",
                frequency=2,
                trend=3,
                concentration=3,
            )
            situation.pin(
                picture,
                problem,
                "hotspots",
                situation_overview.Filters(picture.period_start, picture.period_end),
                coordinator,
            )
            started += 1
    return started


PLAN_TITLE = "Åtgärdsplan %(start)s–%(end)s (demo)"
ADOPTED_TITLE = "Lägesbild %(year)s (demo, fastställd)"


def load_action_plans() -> int:
    """For each seed kommun with generated events: the lägesbild of two years ago,
    adopted, and an action plan on it with a goal counted from the events, a goal
    entered by hand and a measure for each party. Returns the number of plans made."""
    from samverka.demo import events as demo_events
    from samverka.organizations.models import SubArea
    from samverka.plans import services as plans
    from samverka.plans.models import (
        ActionPlan,
        Direction,
        Goal,
        IndicatorKind,
        IndicatorReading,
        Measure,
        MeasureStatus,
        Method,
    )
    from samverka.situation import services as situation
    from samverka.situation.models import Problem
    from samverka.sources.models import SourceKind

    today = timezone.localdate()
    base_year = today.year - 2
    made = 0
    for seed_kommun in SEEDS:
        kommun = Organization.objects.get(municipality_code=seed_kommun.code)
        lpo = Organization.objects.get(slug=seed_kommun.lpo_slug)
        agreement = Agreement.objects.filter(parties=kommun).first()
        title = PLAN_TITLE % {"start": base_year + 1, "end": base_year + 2}
        if agreement is None or ActionPlan.objects.filter(kommun=kommun, title=title).exists():
            continue
        coordinator = User.objects.get(email=f"samordnare.{kommun.slug}@demo.example")
        hotspot = demo_events.KOMMUNER[seed_kommun.code].hotspot
        area = SubArea.objects.filter(kommun=kommun, name=hotspot.area).first()
        with transaction.atomic(), acting_as(coordinator, label="demo data"):
            picture = situation.start_picture(
                agreement,
                kommun,
                kommun,
                dt.date(base_year, 1, 1),
                dt.date(base_year, 12, 31),
                ADOPTED_TITLE % {"year": base_year},
                coordinator,
            )
            if not situation.used_dataset_ids(picture):
                continue
            situation.set_sources(
                picture,
                {
                    dataset.pk: (
                        dataset.kind != SourceKind.POLICE_EVENTS,
                        "" if dataset.kind != SourceKind.POLICE_EVENTS else NOTICES_LEFT_OUT,
                    )
                    for dataset in situation.eligible_datasets(picture)
                },
            )
            problem = Problem.objects.create(
                picture=picture,
                title=f"Fler händelser i {hotspot.area}",
                frequency=2,
                trend=3,
                concentration=3,
                place="Skymda gångvägar och dålig belysning.",
            )
            situation.adopt(
                picture, dt.date(base_year + 1, 2, 15), "Styrgruppen, protokoll § 3", coordinator
            )
            plan = plans.start_plan(
                picture,
                title,
                dt.date(base_year + 1, 1, 1),
                dt.date(base_year + 2, 12, 31),
                coordinator,
            )
            counted = Goal(
                plan=plan,
                title=f"Händelserna i {hotspot.area} minskar med 20 %",
                problem=problem,
                owner=kommun,
                indicator=IndicatorKind.EVENTS,
                category=hotspot.category,
                sub_area=area,
                direction=Direction.DECREASE,
                baseline_start=picture.period_start,
                baseline_end=picture.period_end,
                deadline=plan.period_end,
            )
            try:
                with transaction.atomic():
                    plans.save_goal(counted, target_change=-20, on=dt.date(base_year + 1, 2, 20))
            except ValidationError:  # no events in the baseline: the goal waits for a target
                counted.pk = None
                counted.target_value = None
                counted.save()
            walks = Goal.objects.create(
                plan=plan,
                title="Trygghetsvandringar i alla stadsdelar",
                owner=kommun,
                indicator=IndicatorKind.MANUAL,
                unit="genomförda vandringar",
                direction=Direction.INCREASE,
                baseline_value=1,
                baseline_set_on=dt.date(base_year + 1, 2, 20),
                target_value=len(demo_events.KOMMUNER[seed_kommun.code].areas),
                deadline=plan.period_end,
            )
            IndicatorReading.objects.create(
                goal=walks, measured_on=dt.date(base_year + 1, 10, 1), value=2
            )
            lighting = Measure.objects.create(
                plan=plan,
                title=f"Belysning och röjning i {hotspot.area}",
                problem=problem,
                cause="Skymda gångvägar och dålig belysning",
                responsible=kommun,
                responsible_person=coordinator,
                starts_on=dt.date(base_year + 1, 3, 1),
                ends_on=dt.date(base_year + 1, 11, 30),
                status=MeasureStatus.DONE,
                progress=100,
                reported_on=dt.date(base_year + 1, 12, 1),
                method=Method.LIGHTING,
                treated_area=area,
                comparison_area=SubArea.objects.filter(kommun=kommun)
                .exclude(name=hotspot.area)
                .first(),
                evaluation_category=hotspot.category,
            )
            lighting.goals.set([counted])
            lighting.participants.set([lpo])
            patrol = Measure.objects.create(
                plan=plan,
                title=f"Riktad närvaro kvällstid i {hotspot.area}",
                problem=problem,
                responsible=lpo,
                starts_on=dt.date(base_year + 1, 4, 1),
                ends_on=dt.date(base_year + 2, 12, 31),
                status=MeasureStatus.ONGOING,
                progress=40,
                reported_on=today - dt.timedelta(days=30),
                method=Method.PATROL,
            )
            patrol.goals.set([counted])
            made += 1
    return made


PROMISE_TITLE = "Medborgarlöfte %(start)s–%(end)s för %(kommun)s (demo)"


@dataclass(frozen=True)
class DemoCommitment:
    """One commitment of a demo promise: its giver, its words (``{area}``: the plan's
    hotspot), the place or group, a word of the priority area it answers, and the plan's
    measures and goals that carry it out (``lighting``, ``patrol``; ``counted``, ``walks``)."""

    giver: str
    text: str
    place: str
    area_word: str
    measures: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()


# In the spirit of each seed agreement's own priority areas; no persons, only places.
PROMISES: dict[str, tuple[DemoCommitment, ...]] = {
    "0882": (
        DemoCommitment(
            "kommun",
            "Kommunen lovar att byta belysning och röja buskage längs gångvägarna i {area}.",
            "{area}",
            "trygghet",
            ("lighting",),
            ("counted",),
        ),
        DemoCommitment(
            "police",
            "Polisen lovar att vara synlig i {area} kvällstid, framför allt fredagar och lördagar.",
            "{area} kvällstid",
            "trygghet",
            ("patrol",),
            ("counted",),
        ),
        DemoCommitment(
            "police",
            "Polisen lovar att göra trafikkontroller av hastighet, alkohol och droger vid "
            "infarterna och skolorna minst en gång i månaden.",
            "Infarter och skolor",
            "trafik",
        ),
        DemoCommitment(
            "both",
            "Tillsammans gör vi trygghetsvandringar i alla stadsdelar och stöttar "
            "Grannsamverkan där boende vill starta.",
            "Alla stadsdelar",
            "boendemiljö",
            goals=("walks",),
        ),
    ),
    "0883": (
        DemoCommitment(
            "police",
            "Polisen lovar att möta ungdomar i {area} på kvällarna och ingripa mot "
            "störande samlingar.",
            "Unga i {area}",
            "brottskoncentration",
            ("patrol",),
            ("counted",),
        ),
        DemoCommitment(
            "kommun",
            "Kommunen lovar att göra {area}s gångstråk och torg ljusare och mer överblickbara.",
            "{area}",
            "brottskoncentration",
            ("lighting",),
            ("counted",),
        ),
        DemoCommitment(
            "both",
            "Tillsammans arbetar vi i SSPF med varje ung person som väcker oro, inom en "
            "vecka från att oron anmälts.",
            "Unga 12–18 år",
            "ungdomskriminalitet",
        ),
        DemoCommitment(
            "kommun",
            "Kommunen lovar att utbilda skol- och fritidspersonal i att upptäcka våld i "
            "nära relation och hedersförtryck.",
            "Skola och fritid",
            "nära relation",
        ),
        DemoCommitment(
            "both",
            "Tillsammans går vi trygghetsvandringar med boende i alla stadsdelar.",
            "Alla stadsdelar",
            "brottskoncentration",
            goals=("walks",),
        ),
    ),
    "1060": (
        DemoCommitment(
            "both",
            "Tillsammans gör vi {area} tryggare: bättre belysning och polis på plats kvällstid.",
            "{area}",
            "platser",
            ("lighting", "patrol"),
            ("counted",),
        ),
        DemoCommitment(
            "police",
            "Polisen lovar att prioritera narkotikabrott i {area} och berätta vad som görs.",
            "{area}",
            "organiserad",
            ("patrol",),
        ),
        DemoCommitment(
            "kommun",
            "Kommunen lovar att ge den som utsatts för våld i nära relation stöd inom en "
            "arbetsdag och att erbjuda avhoppare en kontaktperson.",
            "Brottsutsatta och avhoppare",
            "brottsutsatta",
        ),
        DemoCommitment(
            "both",
            "Tillsammans är vi på plats på skolornas föräldramöten och på sociala medier, "
            "så att invånarna vet vad vi gör.",
            "Föräldrar och invånare",
            "kommunikation",
            goals=("walks",),
        ),
    ),
    "0761": (
        DemoCommitment(
            "kommun",
            "Kommunen lovar att åtgärda de otrygga platser som boende pekar ut i {area} "
            "inom tre månader.",
            "{area}",
            "otrygga platser",
            ("lighting",),
            ("counted",),
        ),
        DemoCommitment(
            "police",
            "Polisen lovar att patrullera {area} kvällstid och följa upp varje skadegörelse.",
            "{area} kvällstid",
            "otrygga platser",
            ("patrol",),
            ("counted",),
        ),
        DemoCommitment(
            "both",
            "Tillsammans fångar vi upp unga i riskzon genom SSPF och samtal med vårdnadshavare.",
            "Unga i riskzon",
            "unga",
        ),
        DemoCommitment(
            "both",
            "Tillsammans övar vi skolornas personal i hur de agerar vid hot och våld.",
            "Skolorna",
            "skolsäkerhet",
        ),
        DemoCommitment(
            "police",
            "Polisen lovar att informera om inbrottsskydd och Grannsamverkan på "
            "trygghetsvandringarna.",
            "Boende i alla stadsdelar",
            "inbrott",
            goals=("walks",),
        ),
    ),
    "0481": (
        DemoCommitment(
            "both",
            "Tillsammans hjälper vi boende, båtklubbar och marinor att starta Grannsamverkan "
            "och Båtsamverkan.",
            "Bostadsområden, båtklubbar och marinor",
            "stöld",
            goals=("walks",),
        ),
        DemoCommitment(
            "police",
            "Polisen lovar att vara synlig i {area} på kvällar och helger och att spåra "
            "stulna fordon.",
            "{area}",
            "stöld",
            ("patrol",),
            ("counted",),
        ),
        DemoCommitment(
            "kommun",
            "Kommunen lovar att belysa och stänga in parkeringar och förråd i {area}.",
            "{area}",
            "stöld",
            ("lighting",),
            ("counted",),
        ),
        DemoCommitment(
            "both",
            "Tillsammans arbetar vi i SSPF med de unga som riskerar att dras in i "
            "kriminalitet eller missbruk.",
            "Unga 13–18 år",
            "ungdomar",
        ),
    ),
}

EXPLANATIONS = {
    "kept": "Det vi lovade är gjort: åtgärderna är genomförda och målet nått.",
    "partly": "Arbetet är i gång och en del är gjort; vi fortsätter under nästa år.",
    "not_kept": "Arbetet ligger efter planen; vi redovisar vad vi gör åt det vid nästa "
    "uppföljning.",
    "too_early": "Det går ännu inte att säga: arbetet följs upp vid nästa uppföljning.",
}


def _promise_parts(kommun: Organization, base_year: int) -> tuple[Any, Any] | None:
    """The adopted demo lägesbild of ``base_year`` and its action plan, if loaded."""
    from samverka.plans.models import ActionPlan
    from samverka.situation.models import SituationPicture

    picture = SituationPicture.objects.filter(
        kommun=kommun, title=ADOPTED_TITLE % {"year": base_year}, status="adopted"
    ).first()
    plan = ActionPlan.objects.filter(
        kommun=kommun, title=PLAN_TITLE % {"start": base_year + 1, "end": base_year + 2}
    ).first()
    if picture is None or plan is None:
        return None
    return picture, plan


def load_promises() -> int:
    """For each seed kommun with an action plan: a medborgarlöfte for the plan's two years,
    with commitments linked to its measures and goals, approved by both parties' demo
    coordinators, adopted by the steering group, published and followed up; the plan's
    measures shown on the public page; the lägesbild's public summary; a communication
    plan with a joint press release both approved and sent. A kommun that has its
    promise already is left as it is. Returns the number of promises made."""
    from samverka.communication import services as communication
    from samverka.communication.models import Activity, Channel
    from samverka.plans.models import IndicatorKind, Method
    from samverka.promises import followup
    from samverka.promises import services as promises
    from samverka.promises.models import CitizenPromise, Commitment
    from samverka.situation import services as situation
    from samverka.situation.models import Problem

    base_year = timezone.localdate().year - 2
    start, end = dt.date(base_year + 1, 1, 1), dt.date(base_year + 2, 12, 31)
    made = 0
    for seed_kommun in SEEDS:
        kommun = Organization.objects.get(municipality_code=seed_kommun.code)
        title = PROMISE_TITLE % {"start": start.year, "end": end.year, "kommun": kommun}
        parts = _promise_parts(kommun, base_year)
        if parts is None or CitizenPromise.objects.filter(kommun=kommun, title=title).exists():
            continue
        picture, plan = parts
        coordinator = User.objects.get(email=f"samordnare.{kommun.slug}@demo.example")
        police = User.objects.get(email=f"kommunpolis.{kommun.slug}@demo.example")
        hotspot = demo_hotspot(seed_kommun.code)
        problems = list(Problem.objects.filter(picture=picture))
        # The demo plan's two measures: the kommun's lighting, the police's patrols.
        by_method = {m.method: m for m in plan.measures.all()}
        named_measures = {
            "lighting": by_method.get(Method.LIGHTING),
            "patrol": by_method.get(Method.PATROL),
        }
        goals = {
            "counted": plan.goals.exclude(indicator=IndicatorKind.MANUAL).first(),
            "walks": plan.goals.filter(indicator=IndicatorKind.MANUAL).first(),
        }
        areas = list(picture.agreement.priority_areas.all())
        with transaction.atomic(), acting_as(coordinator, label="demo data"):
            promise = promises.start_promise(
                picture,
                title,
                start,
                end,
                coordinator,
                background=(
                    f"Lägesbilden för {base_year} visar att händelserna ökat i {hotspot}, "
                    "särskilt kvällstid, enligt polisanmälda händelser och kommunens "
                    "EST-rapporter. Trygghetsmätningen visar att många undviker platsen när "
                    "det är mörkt. Därför lovar vi det här."
                ),
            )
            promises.save_promise(promise, problems=problems)
            for demo_commitment in PROMISES[seed_kommun.code]:
                word = demo_commitment.area_word.lower()
                commitment = Commitment(
                    promise=promise,
                    giver=demo_commitment.giver,
                    text=demo_commitment.text.format(area=hotspot),
                    place=demo_commitment.place.format(area=hotspot),
                    priority_area=next((a for a in areas if word in a.title.lower()), None),
                    problem=problems[0] if demo_commitment.measures else None,
                )
                promises.save_commitment(
                    commitment,
                    police if demo_commitment.giver == "police" else coordinator,
                    measures=[m for key in demo_commitment.measures if (m := named_measures[key])],
                    goals=[g for key in demo_commitment.goals if (g := goals[key])],
                )
            promises.approve(promise, coordinator, on=dt.date(base_year + 1, 3, 2))
            promises.approve(promise, police, on=dt.date(base_year + 1, 3, 4))
            adopted_on = dt.date(base_year + 1, 3, 10)
            promises.adopt(promise, adopted_on, "Styrgruppen, protokoll § 7", coordinator)
            promises.publish(promise)
            # The lägesbild the promise builds on, summarized for the residents.
            situation.publish_summary(
                picture,
                f"Under {base_year} ökade händelserna i {hotspot}, mest kvällstid. I övriga "
                "delar av kommunen var läget i stort sett oförändrat.",
                coordinator,
            )
            as_of = dt.date(base_year + 1, 12, 31)
            commitments = list(promise.commitments.prefetch_related("measures", "goals"))
            found = followup.bases(commitments, as_of)
            promises.record_follow_up(
                promise,
                as_of,
                {
                    c.pk: {"explanation": EXPLANATIONS[followup.judge(found[c.pk])]}
                    for c in commitments
                },
            )
            # The responsible organizations show the plan's measures on the public page.
            for measure in named_measures.values():
                if measure is not None and not measure.public:
                    measure.public = True
                    measure.save(update_fields=["public"])
            lpo = promise.police
            year = base_year + 1
            release = communication.add_activity(
                picture.agreement,
                year,
                Activity(
                    message=f"Polisen och {kommun} har antagit ett medborgarlöfte för "
                    f"{start.year}–{end.year}: vad vi lovar och varför.",
                    target_group="Lokala medier och invånare",
                    channel=Channel.PRESS_RELEASE,
                    joint=True,
                    external=True,
                    on=dt.date(year, 3, 17),
                    promise=promise,
                ),
                coordinator,
            )
            communication.approve(release, coordinator, on=dt.date(year, 3, 13))
            communication.approve(release, police, on=dt.date(year, 3, 14))
            communication.mark_sent(release, on=dt.date(year, 3, 17))
            website = communication.add_activity(
                picture.agreement,
                year,
                Activity(
                    message="Medborgarlöftet och vad som görs på kommunens webbplats.",
                    target_group="Invånare",
                    channel=Channel.WEBSITE,
                    party=kommun,
                    on=dt.date(year, 3, 17),
                    promise=promise,
                ),
                coordinator,
            )
            communication.mark_sent(website, on=dt.date(year, 3, 17))
            communication.add_activity(
                picture.agreement,
                year,
                Activity(
                    message=f"Varför polisen syns mer i {hotspot} på kvällarna.",
                    target_group=f"Boende i {hotspot}",
                    channel=Channel.SOCIAL_MEDIA,
                    party=lpo,
                    month=5,
                    measure=named_measures["patrol"],
                    problem=problems[0] if problems else None,
                ),
                police,
            )
            communication.add_activity(
                picture.agreement,
                year,
                Activity(
                    message="Inbjudan till trygghetsvandring, och vad som hänt sedan förra.",
                    target_group="Boende och föreningar",
                    channel=Channel.MEETING,
                    joint=True,
                    month=9,
                    promise=promise,
                ),
                coordinator,
            )
            made += 1
    return made


def demo_hotspot(code: str) -> str:
    from samverka.demo import events as demo_events

    return demo_events.KOMMUNER[code].hotspot.area
