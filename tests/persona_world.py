"""The world of the persona matrix (tests/test_persona_matrix.py): two kommuner, each with
an agreement with its own lokalpolisområde, everything those agreements hold, and a user
for every persona.

Kommun A (Oskarshamn) has the full set: a signed agreement with LPO Västervik and an
invited actor (a housing company), its parts and årshjul; a lägesbild adopted as version 1
and published, version 2 a draft with an internal police summary; a plan with goals,
measures and a follow-up; datasets internal, shared and public; an import job, a column
mapping and, through the recorder, an audit trail. Kommun B (Lessebo) has its agreement
with LPO Nybro, a shared dataset and a draft lägesbild: enough to be "the other kommun".

Every text a persona must never read carries a canary word (``CANARIES``), so the matrix
checks not only statuses but that no page shows another party's internal or shared text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from samverka.accounts.models import User
from samverka.agreements import joint
from samverka.agreements import services as agreements
from samverka.agreements.models import (
    Agreement,
    AgreementReading,
    DutyKind,
    Forum,
    ForumKind,
    PriorityArea,
    ReadingStatus,
    Signatory,
)
from samverka.communication import services as communication
from samverka.communication.models import Activity, Channel
from samverka.est import services as est
from samverka.est.models import Observation as EstObservation
from samverka.meetings import services as meetings
from samverka.meetings.models import Action
from samverka.organizations.models import (
    County,
    Invitation,
    Organization,
    OrganizationKind,
    SubArea,
)
from samverka.plans import services as plans
from samverka.plans.models import FollowUp, Goal, IndicatorReading, Measure
from samverka.promises import services as promises
from samverka.promises.models import Commitment, Giver
from samverka.situation import overview
from samverka.situation import services as situation
from samverka.situation.models import (
    Evidence,
    InputKind,
    Problem,
    PublishedSummary,
    QualitativeInput,
    SituationPicture,
    SourceChoice,
)
from samverka.sources import sharing
from samverka.sources.models import (
    ColumnMapping,
    Dataset,
    DatasetStatus,
    Event,
    ImportJob,
    JobStatus,
    PlacePrecision,
    RejectedRow,
    SourceKind,
    TimePrecision,
)
from samverka.taxonomy.models import Category
from samverka.tenancy.access import Role, Visibility
from samverka.tenancy.models import Membership
from samverka.testing import make_kommun, make_lpo, make_user

PERSONAS = (
    "coord_a",
    "member_a",
    "viewer_a",
    "reporter_a",
    "coord_b",
    "member_b",
    "viewer_b",
    "reporter_b",
    "police_a",
    "police_b",
    "actor",
    "anonymous",
    "admin",
)

# Who reads or changes what kommun A's agreement holds.
A_READERS = ("coord_a", "member_a", "viewer_a", "police_a", "actor")
A_WRITERS = ("coord_a", "member_a", "police_a", "actor")
A_COORDINATORS = ("coord_a", "police_a")
KOMMUN_A_READERS = ("coord_a", "member_a", "viewer_a")
KOMMUN_A_WRITERS = ("coord_a", "member_a")
B_READERS = ("coord_b", "member_b", "viewer_b", "police_b")
B_KOMMUN_READERS = ("coord_b", "member_b", "viewer_b")
# Kommun A's second agreement, with the housing company only (not with the police).
A2_READERS = (*KOMMUN_A_READERS, "actor")
COORDINATORS = ("coord_a", "coord_b", "police_a", "police_b")
WRITERS = (*COORDINATORS, "member_a", "member_b", "actor")
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")

# Canary words: the personas that may read each; every other persona must never see it.
CANARIES = {
    "KANARIEPOLISINTERN": ("police_a",),
    "KANARIEKOMMUNAINTERN": KOMMUN_A_READERS,
    "KANARIEAGEMENSAM": A_READERS,
    "KANARIEBGEMENSAM": B_READERS,
    "KANARIEBINTERN": B_KOMMUN_READERS,
    # Kommun A's dataset shared with its second agreement (with the housing company) only.
    "KANARIEDELADA2": A2_READERS,
    # An EST report of kommun A's reporter: the reporter and kommun A's coordinator only.
    "KANARIEESTA": ("reporter_a", "coord_a"),
}

# The link of the open invitation (only its hash is stored).
INVITATION_TOKEN = "persona-matrix-invitation-token"

YEAR_START, YEAR_END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
COMMUNICATION_YEAR = 2026


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    baseline: dict[str, str] = field(default_factory=dict)  # the digest of every table

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None

    def user(self, persona: str) -> User | AnonymousUser:
        return AnonymousUser() if persona == "anonymous" else self.users[persona]


def _events(
    dataset: Dataset, kommun: Organization, count: int, prefix: str, source_type: str = ""
) -> None:
    """``count`` events in ``kommun``; of a ``source_type`` no category is known for, if given."""
    codes = ["theft.residential", "damage.graffiti", "violence.assault"]
    categories = dict(Category.objects.current().filter(code__in=codes).values_list("code", "pk"))
    Event.objects.bulk_create(
        Event(
            dataset=dataset,
            source=dataset.kind,
            external_id=f"{prefix}-{n}",
            occurred_at=dt.datetime(2025, 1 + n % 12, 1 + n % 27, 12, tzinfo=dt.UTC),
            time_precision=TimePrecision.EXACT,
            category_id=None if source_type else categories.get(codes[n % len(codes)]),
            source_type=source_type or "Stöld/inbrott",
            place_precision=PlacePrecision.KOMMUN,
            kommun=kommun,
        )
        for n in range(count)
    )
    dataset.rows_read = dataset.rows_imported = count
    dataset.save()


def _dataset(owner: Organization, title: str, visibility: str, **extra: Any) -> Dataset:
    return Dataset.objects.create(
        kind=extra.pop("kind", SourceKind.EVENT_TABLE),
        title=title,
        owner=owner,
        visibility=visibility,
        period_start=YEAR_START,
        period_end=YEAR_END,
        status=DatasetStatus.DONE,
        progress=100,
        **extra,
    )


def build_world() -> World:
    w = World()
    o = w.objects
    kalmar = County.objects.create(code="08", name="Kalmar län")
    kronoberg = County.objects.create(code="07", name="Kronobergs län")
    region = Organization.objects.create(
        name="Polisregion Syd", slug="polisregion-syd", kind=OrganizationKind.POLICE_REGION
    )
    o["kommun_a"] = make_kommun("Oskarshamn", "0882", kalmar, population=27000)
    o["lpo_a"] = make_lpo("Västervik", [o["kommun_a"]], parent=region, county=kalmar)
    o["kommun_b"] = make_kommun("Lessebo", "0761", kronoberg, population=8500)
    o["lpo_b"] = make_lpo("Nybro", [o["kommun_b"]], parent=region, county=kronoberg)
    o["housing"] = Organization.objects.create(
        name="Oskarshamnshem", slug="oskarshamnshem", kind=OrganizationKind.HOUSING_COMPANY
    )
    SubArea.objects.create(kommun=o["kommun_a"], name="Centrum")

    def member(persona: str, organization: Organization, role: str) -> None:
        user = make_user(f"{persona.replace('_', '-')}@test.example", persona.title())
        Membership.objects.create(user=user, organization=organization, role=role)
        w.users[persona] = user

    member("coord_a", o["kommun_a"], Role.COORDINATOR)
    member("member_a", o["kommun_a"], Role.MEMBER)
    member("viewer_a", o["kommun_a"], Role.VIEWER)
    member("reporter_a", o["kommun_a"], Role.REPORTER)
    member("coord_b", o["kommun_b"], Role.COORDINATOR)
    member("member_b", o["kommun_b"], Role.MEMBER)
    member("viewer_b", o["kommun_b"], Role.VIEWER)
    member("reporter_b", o["kommun_b"], Role.REPORTER)
    member("police_a", o["lpo_a"], Role.COORDINATOR)
    member("police_b", o["lpo_b"], Role.COORDINATOR)
    member("actor", o["housing"], Role.MEMBER)
    w.users["admin"] = make_user("admin@test.example", "Ada", is_staff=True, is_superuser=True)
    o["membership_a"] = Membership.objects.get(user=w.users["member_a"])
    coordinator = w.users["coord_a"]

    # The agreements: A with its police and an invited housing company; B with its police.
    today = timezone.localdate()
    period = {
        "starts_on": today.replace(year=today.year - 1, month=1, day=1),
        "ends_on": today.replace(year=today.year + 2, month=12, day=31),
        "extension_years": 2,
    }
    o["agreement_a"] = Agreement.objects.create(
        title="Samverkansavtal Oskarshamn KANARIEAGEMENSAM", **period
    )
    o["agreement_a"].parties.set([o["kommun_a"], o["lpo_a"], o["housing"]])
    o["area_a"] = PriorityArea.objects.create(agreement=o["agreement_a"], title="Trygg stadskärna")
    o["forum_a"] = Forum.objects.create(
        agreement=o["agreement_a"],
        kind=ForumKind.STEERING_GROUP,
        name="Brottsförebyggande rådet",
        coordinator=o["kommun_a"],
    )
    Signatory.objects.create(
        agreement=o["agreement_a"],
        name="Kommunstyrelsens ordförande",
        title="Ordförande",
        organization=o["kommun_a"],
    )
    agreements.sign(o["agreement_a"], user=coordinator, made_on=period["starts_on"])
    o["duty_a"] = o["agreement_a"].duties.exclude(kind=DutyKind.CITIZEN_PROMISE).first()
    o["agreement_b"] = Agreement.objects.create(
        title="Samverkansöverenskommelse Lessebo KANARIEBGEMENSAM", **period
    )
    o["agreement_b"].parties.set([o["kommun_b"], o["lpo_b"]])
    agreements.sign(o["agreement_b"], user=w.users["coord_b"], made_on=period["starts_on"])
    # B's agreement is joint: kommun B's coordinator proposes a new title, LPO Nybro's
    # coordinator has yet to answer.
    proposed = Agreement.objects.get(pk=o["agreement_b"].pk)
    proposed.title = "Samverkansöverenskommelse Lessebo, reviderad"
    o["proposal_b"] = joint.propose(
        o["agreement_b"], proposed, [o["kommun_b"], o["lpo_b"]], w.users["coord_b"]
    )
    # An agreement document kommun A's coordinator uploaded, which the worker could not read.
    o["reading_a"] = AgreementReading.objects.create(
        created_by=coordinator,
        file_name="avtal.docx",
        status=ReadingStatus.FAILED,
        message="Filen kunde inte läsas.",
    )
    # An open invitation to kommun A for an address with no account yet.
    Invitation.objects.create(
        organization=o["kommun_a"],
        email="ny-medarbetare@test.example",
        role=Role.MEMBER,
        invited_by=coordinator,
        token_hash=hashlib.sha256(INVITATION_TOKEN.encode()).hexdigest(),
    )

    # Datasets: the police's shared events, the kommun's internal ones, a public table.
    o["police_data_a"] = _dataset(
        o["lpo_a"], "Polisens händelser", Visibility.SHARED, agreement=o["agreement_a"]
    )
    _events(o["police_data_a"], o["kommun_a"], 60, "pa")
    o["internal_data_a"] = _dataset(
        o["kommun_a"], "Kommunens interna KANARIEKOMMUNAINTERN", Visibility.INTERNAL
    )
    _events(o["internal_data_a"], o["kommun_a"], 5, "ia")
    RejectedRow.objects.create(
        dataset=o["internal_data_a"], row_number=3, field="datum", reason="KANARIEKOMMUNAINTERN"
    )
    o["public_data_a"] = _dataset(
        o["kommun_a"],
        "Öppna trygghetsdata",
        Visibility.PUBLIC,
        published_at=timezone.now(),
    )
    RejectedRow.objects.create(
        dataset=o["public_data_a"], row_number=2, field="antal", reason="Inget tal"
    )
    o["shared_data_b"] = _dataset(
        o["kommun_b"], "Lessebos KANARIEBGEMENSAM", Visibility.SHARED, agreement=o["agreement_b"]
    )
    _events(o["shared_data_b"], o["kommun_b"], 5, "sb")
    # Kommun A's second agreement, with the housing company: a dataset of kommun A's
    # shared with it, and not with agreement A (so not with the police).
    o["agreement_a2"] = Agreement.objects.create(
        title="Trygghetssamverkan Oskarshamn och Oskarshamnshem", **period
    )
    o["agreement_a2"].parties.set([o["kommun_a"], o["housing"]])
    o["shared_data_a2"] = _dataset(
        o["kommun_a"], "Kommunens trygghetsronder KANARIEDELADA2", Visibility.INTERNAL
    )
    _events(o["shared_data_a2"], o["kommun_a"], 4, "a2")
    RejectedRow.objects.create(
        dataset=o["shared_data_a2"], row_number=4, field="plats", reason="KANARIEDELADA2"
    )
    sharing.share(o["shared_data_a2"], [o["agreement_a2"]], by=coordinator)
    # The police's national events, public; and kommun B's own police events, internal:
    # both with a type at the source that no category is known for yet.
    o["polismyndigheten"] = Organization.objects.create(
        name="Polismyndigheten", slug="polismyndigheten", kind=OrganizationKind.NATIONAL
    )
    o["national_events"] = _dataset(
        o["polismyndigheten"],
        "Polisens händelser i Sverige",
        Visibility.PUBLIC,
        kind=SourceKind.POLICE_EVENTS,
        published_at=timezone.now(),
    )
    _events(o["national_events"], o["kommun_a"], 3, "pm", source_type="Rattfylleri")
    o["internal_data_b"] = _dataset(
        o["kommun_b"], "Lessebos egna", Visibility.INTERNAL, kind=SourceKind.POLICE_EVENTS
    )
    _events(o["internal_data_b"], o["kommun_b"], 2, "ib", source_type="KANARIEBINTERN")
    o["category"] = Category.objects.current().get(code="damage.graffiti")
    o["job_a"] = ImportJob.objects.create(
        kind=SourceKind.EVENT_TABLE,
        owner=o["kommun_a"],
        visibility=Visibility.INTERNAL,
        title="Import KANARIEKOMMUNAINTERN",
        file_name="handelser.csv",
        status=JobStatus.FAILED,
        message="Kolumnen datum saknas.",
        created_by=coordinator,
    )
    o["mapping_a"] = ColumnMapping.objects.create(
        name="Mappning KANARIEKOMMUNAINTERN",
        owner=o["kommun_a"],
        kind=SourceKind.CRIME_STATISTICS,
        kommun=o["kommun_a"],
        area_column="område",
        period_column="år",
        value_column="antal",
    )

    # The lägesbild: version 1 adopted and published, version 2 a draft.
    v1 = situation.start_picture(
        o["agreement_a"],
        o["kommun_a"],
        o["kommun_a"],
        YEAR_START,
        YEAR_END,
        "Lägesbild Oskarshamn",
        coordinator,
    )
    Problem.objects.create(picture=v1, title="Bostadsinbrott")
    situation.adopt(v1, dt.date(2026, 2, 10), "Styrgruppen 2026-02-10 §4", coordinator)
    o["picture_v1"] = v1
    o["summary_v1"] = situation.publish_summary(v1, "Inbrotten minskar.", coordinator)
    v2 = situation.new_version(v1, coordinator)
    o["picture_v2"] = v2
    o["police_input"] = QualitativeInput.objects.create(
        picture=v2,
        owner=o["lpo_a"],
        agreement=o["agreement_a"],
        visibility=Visibility.INTERNAL,
        kind=InputKind.POLICE_SUMMARY,
        title="Underrättelsebild KANARIEPOLISINTERN",
        text="Försäljningen har flyttat till hamnen.",
    )
    o["kommun_input"] = QualitativeInput.objects.create(
        picture=v2,
        owner=o["kommun_a"],
        agreement=o["agreement_a"],
        visibility=Visibility.SHARED,
        kind=InputKind.EMPLOYEE_DIALOGUE,
        title="Medarbetardialog",
        text="Oro kring skolgården kvällstid.",
    )
    o["problem_v2"] = Problem.objects.create(
        picture=v2, title="Klotter vid skolor KANARIEAGEMENSAM"
    )
    o["evidence_v2"] = situation.pin(
        v2, o["problem_v2"], "months", overview.Filters(YEAR_START, YEAR_END), coordinator
    )
    o["other_source_v2"] = SourceChoice.objects.create(
        picture=v2, name="Skolenkät", included=False, reason="Inte gjord i år"
    )
    o["picture_b"] = situation.start_picture(
        o["agreement_b"],
        o["kommun_b"],
        o["kommun_b"],
        YEAR_START,
        YEAR_END,
        "Lägesbild Lessebo KANARIEBGEMENSAM",
        w.users["coord_b"],
    )

    o["problem_b"] = Problem.objects.create(picture=o["picture_b"], title="Skadegörelse")
    o["area_b"] = PriorityArea.objects.create(agreement=o["agreement_b"], title="Trygg centrum")

    # The plan, built on version 1.
    o["plan_a"] = plans.start_plan(
        v1, "Åtgärdsplan KANARIEAGEMENSAM", dt.date(2026, 1, 1), dt.date(2027, 12, 31), coordinator
    )
    o["goal_a"] = Goal.objects.create(
        plan=o["plan_a"],
        title="Fler trygghetsvandringar",
        indicator="manual",
        unit="vandringar",
        baseline_value=2,
        target_value=6,
    )
    IndicatorReading.objects.create(
        goal=o["goal_a"], measured_on=dt.date(2026, 5, 1), value=3, entered_by=coordinator
    )
    o["measure_a"] = Measure.objects.create(
        plan=o["plan_a"],
        title="Bättre belysning i Centrum",
        responsible=o["kommun_a"],
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 6, 30),
        public=True,  # kommun A shows it on its public page
    )
    o["measure_a"].participants.set([o["lpo_a"]])
    # A measure of the plan that is not shown on the public page.
    Measure.objects.create(
        plan=o["plan_a"],
        title="Kartläggning KANARIEAGEMENSAM",
        responsible=o["kommun_a"],
        starts_on=dt.date(2026, 2, 1),
    )
    o["police_measure_a"] = Measure.objects.create(
        plan=o["plan_a"],
        title="Riktad närvaro kvällstid",
        responsible=o["lpo_a"],
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    o["follow_up_a"] = plans.create_follow_up(o["plan_a"], dt.date(2026, 6, 30), "")

    # The medborgarlöften of kommun A and LPO Västervik: a draft with a commitment of each
    # giver (the police, the kommun, both, the housing company), and a published one.
    police = w.users["police_a"]
    draft = promises.start_promise(
        v1, "Medborgarlöfte 2027", dt.date(2027, 1, 1), dt.date(2027, 12, 31), coordinator
    )
    draft.background = "Inbrotten i Centrum KANARIEAGEMENSAM"
    promises.save_promise(draft)
    o["promise_draft"] = draft

    def commitment(
        promise: Any, giver: str, text: str, by: User, other: Organization | None = None
    ) -> Commitment:
        item = Commitment(promise=promise, giver=giver, text=text, other_party=other)
        return promises.save_commitment(item, by)

    o["commitment_police"] = commitment(
        draft, Giver.POLICE, "Polisen ska vara synlig i Centrum.", police
    )
    o["commitment_kommun"] = commitment(
        draft, Giver.KOMMUN, "Kommunen ska laga belysningen.", coordinator
    )
    o["commitment_joint"] = commitment(
        draft, Giver.BOTH, "Vi ska hålla trygghetsvandringar.", coordinator
    )
    # A draft commitment the public search must not find ("lysa", as the published one).
    commitment(draft, Giver.KOMMUN, "Kommunen ska lysa upp KANARIEAGEMENSAM.", coordinator)
    o["commitment_other"] = commitment(
        draft,
        Giver.OTHER,
        "Oskarshamnshem ska röja buskage.",
        w.users["actor"],
        o["housing"],
    )
    published = promises.start_promise(
        v1, "Medborgarlöfte 2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), coordinator
    )
    published.background = "Bostadsinbrotten har ökat."
    promises.save_promise(published)
    promises.save_commitment(
        Commitment(promise=published, giver=Giver.BOTH, text="Vi ska lysa upp Centrum."),
        coordinator,
        [o["measure_a"]],
        [o["goal_a"]],
    )
    promises.approve(published, coordinator)
    promises.approve(published, police)
    promises.adopt(published, today, "Styrgruppen §3", coordinator)
    promises.publish(published)
    o["promise_published"] = published

    # The communication plan of kommun A's agreement for COMMUNICATION_YEAR: an activity of
    # the police, one of the kommun, a joint press release not yet approved; and one of
    # kommun B's agreement, which kommun A's personas never see.
    def activity(agreement: Agreement, by: User, **fields: Any) -> Activity:
        values = {"target_group": "Boende i Centrum", "month": 3} | fields
        return communication.add_activity(agreement, COMMUNICATION_YEAR, Activity(**values), by)

    o["activity_police"] = activity(
        o["agreement_a"],
        police,
        message="Polisen på medborgarmöte KANARIEAGEMENSAM",
        channel=Channel.MEETING,
        party=o["lpo_a"],
    )
    o["activity_kommun"] = activity(
        o["agreement_a"],
        coordinator,
        message="Kommunen skriver till föreningarna",
        channel=Channel.LETTER,
        party=o["kommun_a"],
    )
    o["activity_joint"] = activity(
        o["agreement_a"],
        coordinator,
        message="Pressmeddelande om medborgarlöftet",
        channel=Channel.PRESS_RELEASE,
        external=True,
        joint=True,
        promise=published,
    )
    activity(
        o["agreement_b"],
        w.users["coord_b"],
        message="Lessebos budskap KANARIEBGEMENSAM",
        channel=Channel.WEBSITE,
        party=o["kommun_b"],
    )

    # A meeting of kommun A's steering group, held ten days ago: a decision and an open
    # action, read by the agreement's parties only.
    held_on = today - dt.timedelta(days=10)
    meeting = meetings.plan_meeting(o["forum_a"], held_on, coordinator)
    meetings.record_minutes(meeting, held_on, "Läget i Centrum.", [o["kommun_a"], o["lpo_a"]])
    o["decision_a"] = meetings.add_decision(meeting, "Fokus på Centrum KANARIEAGEMENSAM")
    o["action_a"] = meetings.add_action(
        meeting, Action(text="Laga belysningen KANARIEAGEMENSAM", owner=o["kommun_a"])
    )
    o["meeting_a"] = meeting

    # An EST report by kommun A's reporter, waiting for the coordinator's review.
    report, _created = est.file_report(
        w.users["reporter_a"],
        o["agreement_a"],
        uuid.UUID("00000000-0000-4000-8000-000000000001"),
        [
            EstObservation(
                category="klotter",
                sub_area=SubArea.objects.get(kommun=o["kommun_a"], name="Centrum"),
                starts_at=timezone.now() - dt.timedelta(hours=2),
                description="Taggar på skolans gavel KANARIEESTA",
            )
        ],
    )
    o["est_report_a"] = report
    o["est_observation_a"] = report.observations.get()
    assert isinstance(o["follow_up_a"], FollowUp)
    assert isinstance(o["summary_v1"], PublishedSummary)
    assert isinstance(o["evidence_v2"], Evidence)
    assert isinstance(v2, SituationPicture)
    return w
