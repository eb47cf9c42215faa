"""The persona matrix: every URL of the URL configuration × every persona, GET and POST.

``MATRIX`` below is the one table of who gets what. A line per URL name (a name may have
more lines, ``"name[variant]"``, for another object of the same page): how its arguments
are filled from the world (tests/persona_world.py; the objects are kommun A's, so for
kommun A's personas they are their own and for kommun B's another kommun's), the expected
status per persona for GET and for POST, and the body of the POST.

* A URL in the URL configuration without a line fails (``test_every_url_is_declared``).
* Every GET, and every POST that is refused or does not succeed (anything but a redirect,
  not to the sign-in page, on a line marked ``changing``), changes nothing: a digest of
  every row of every table is compared with the world's.
* No page a persona may read shows text that persona may not read (``CANARIES``).

Statuses: 200, 302 (a redirect that is not to the sign-in page), ``LOGIN`` (a redirect to
the sign-in page), 400, 403, 404, 405.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from samverka.plans.models import Goal
from tests.persona_world import (
    A2_READERS,
    A_COORDINATORS,
    A_READERS,
    A_WRITERS,
    B_READERS,
    CANARIES,
    COMMUNICATION_YEAR,
    COORDINATORS,
    INVITATION_TOKEN,
    KOMMUN_A_READERS,
    KOMMUN_A_WRITERS,
    PERSONAS,
    WRITERS,
    World,
    build_world,
)

LOGIN = "login"  # a redirect to the sign-in page
Status = int | str


def S(default: Status, *groups: tuple[tuple[str, ...], Status], **persona: Status) -> dict:
    """Statuses for all personas: ``default``, then each (personas, status) group in
    order, then single personas by name."""
    statuses = dict.fromkeys(PERSONAS, default)
    for names, status in groups:
        statuses.update(dict.fromkeys(names, status))
    unknown = set(persona) - set(PERSONAS)
    assert not unknown, f"unknown personas {sorted(unknown)}"
    statuses.update(persona)
    return statuses


# Named rows, to keep the table one line per URL.
EVERYONE_200 = S(200)
SIGNED_IN_200 = S(200, anonymous=LOGIN)
READ_A = S(404, (A_READERS, 200), anonymous=LOGIN)
# A page of kommun A's agreement that may be read without signing in would be 404 for
# the anonymous visitor: the agreement is not published.
READ_A_OPEN = S(404, (A_READERS, 200))
WRITE_A = S(404, (A_READERS, 403), (A_WRITERS, 200), anonymous=LOGIN)
WRITE_A_DONE = S(404, (A_READERS, 403), (A_WRITERS, 302), anonymous=LOGIN)
COORDINATE_A = S(404, (A_READERS, 403), (A_COORDINATORS, 200), anonymous=LOGIN)
COORDINATE_A_DONE = S(404, (A_READERS, 403), (A_COORDINATORS, 302), anonymous=LOGIN)
# A document is downloaded, never posted to.
DOWNLOAD = S(405, anonymous=LOGIN)
DOWNLOAD_OPEN = S(405)
POST_ONLY_SIGNED_IN = S(405, anonymous=LOGIN)


EST_REPORTERS_A = (*A_READERS, "reporter_a")


def _est_observation(w: World) -> dict[str, Any]:
    return {
        "obs-0-category": "nedskrapning",
        "obs-0-sub_area": w.est_observation_a.sub_area_id,
        "obs-0-starts_at": "2025-06-01T12:00",
        "obs-0-description": "Skräp vid busshållplatsen",
    }


def est_report_data(w: World) -> dict[str, Any]:
    return {
        "agreement": w.agreement_a.pk,
        "key": "00000000-0000-4000-8000-000000000002",
        "obs-TOTAL_FORMS": "1",
        "obs-INITIAL_FORMS": "0",
    } | _est_observation(w)


def est_correction_data(w: World) -> dict[str, Any]:
    return {
        "obs-TOTAL_FORMS": "1",
        "obs-INITIAL_FORMS": "1",
        "obs-0-id": w.est_observation_a.pk,
    } | _est_observation(w)


@dataclass(frozen=True)
class Line:
    """One URL: its arguments, the expected statuses, the body of the POST."""

    kwargs: Callable[[World], dict[str, Any]] | None
    get: dict[str, Status]
    post: dict[str, Status]
    data: Callable[[World], dict[str, Any]] | dict[str, Any] = field(default_factory=dict)
    query: str = ""
    # Personas for whom a known leak is not yet fixed: {(method, persona): reason}.
    xfail: dict[tuple[str, str], str] = field(default_factory=dict)
    # A POST answered 302 (not to the sign-in page) may change data; any other never does.
    changing: bool = False
    # Personas exempt from the canary check on this page (the platform's own views).
    sees_all: tuple[str, ...] = ()


def pk(name: str, key: str = "pk") -> Callable[[World], dict[str, Any]]:
    return lambda w: {key: getattr(w, name).pk}


def plan(**more: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": w.plan_a.pk} | {k: getattr(w, v).pk for k, v in more.items()}


def picture(name: str = "picture_v2", **more: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, name).pk} | {k: getattr(w, v).pk for k, v in more.items()}


def agreement(**more: Any) -> Callable[[World], dict[str, Any]]:
    def kwargs(w: World) -> dict[str, Any]:
        values = {"pk": w.agreement_a.pk}
        for key, value in more.items():
            values[key] = (
                getattr(w, value).pk if isinstance(value, str) and key != "kind" else value
            )
        return values

    return kwargs


def promise(**more: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": w.promise_draft.pk} | {k: getattr(w, v).pk for k, v in more.items()}


def communication_plan(w: World) -> dict[str, Any]:
    return {"agreement_pk": w.agreement_a.pk, "year": COMMUNICATION_YEAR}


def slug(w: World) -> dict[str, Any]:
    return {"slug": w.kommun_a.slug}


TODAY = "2026-12-01"  # any date; the bodies below only need to be valid
COORD_OR_ADMIN = S(403, (COORDINATORS, 200), admin=200, anonymous=LOGIN)
# Coordinators of a kommun or a police area record agreements; writers upload.
RECORDERS = S(403, (COORDINATORS, 200), admin=200, anonymous=LOGIN)
RECORDERS_ON = S(403, (COORDINATORS, 302), admin=302, anonymous=LOGIN)
UPLOADERS = S(403, (WRITERS, 200), admin=200, anonymous=LOGIN)
UPLOADERS_ON = S(403, (WRITERS, 302), admin=302, anonymous=LOGIN)
# Who may start a lägesbild: a writer of an agreement.
STARTERS = S(403, (WRITERS, 200), anonymous=LOGIN)
PLAN_STARTERS = S(403, (A_WRITERS, 200), anonymous=LOGIN)
MANAGE_KOMMUN_A = S(403, coord_a=200, admin=200, anonymous=LOGIN)
# The medborgarlöfte's two parties (kommun A and its police) write it; a commitment is
# written by the members of the parties that give it.
PROMISE_WRITERS_A = (*KOMMUN_A_WRITERS, "police_a")
PROMISE_WRITE_A = S(404, (A_READERS, 403), (PROMISE_WRITERS_A, 200), anonymous=LOGIN)
# An adopted (published) promise is readable by all, and no longer changed: a redirect.
PROMISE_WRITE_DONE = S(403, (PROMISE_WRITERS_A, 302), anonymous=LOGIN)
POLICE_A_ONLY = S(404, (A_READERS, 403), police_a=200, anonymous=LOGIN)
KOMMUN_A_ONLY = S(404, (A_READERS, 403), (KOMMUN_A_WRITERS, 200), anonymous=LOGIN)
ACTOR_ONLY = S(404, (A_READERS, 403), actor=200, anonymous=LOGIN)
READ_KOMMUN_A_OPEN = S(404, (KOMMUN_A_READERS, 200))
WRITE_KOMMUN_A = S(404, (KOMMUN_A_READERS, 403), (KOMMUN_A_WRITERS, 200), anonymous=LOGIN)
READ_A2_OPEN = S(404, (A2_READERS, 200))
COORDINATE_KOMMUN_A2 = S(404, (A2_READERS, 403), coord_a=200, anonymous=LOGIN)
# A kommun A measure: the plan's parties read it, its responsible organization reports.
REPORT_KOMMUN_A = S(404, (A_READERS, 403), (KOMMUN_A_WRITERS, 200), anonymous=LOGIN)

MATRIX: dict[str, Line] = {
    # The platform: start page, sign-in, password, language, the admin's entry point.
    "core:home": Line(None, EVERYONE_200, EVERYONE_200),
    "accounts:login": Line(None, S(302, anonymous=200), S(302, anonymous=200)),
    "accounts:logout": Line(None, S(405), S(302)),
    "accounts:password_reset": Line(None, EVERYONE_200, EVERYONE_200),
    "accounts:password_reset_done": Line(None, EVERYONE_200, S(405)),
    "accounts:password_reset_confirm": Line(
        lambda w: {"uidb64": "MQ", "token": "ogiltig-lank"}, EVERYONE_200, EVERYONE_200
    ),
    "accounts:password_reset_complete": Line(None, EVERYONE_200, S(405)),
    "accounts:password_change": Line(None, SIGNED_IN_200, SIGNED_IN_200),
    "accounts:password_change_done": Line(None, SIGNED_IN_200, S(405, anonymous=LOGIN)),
    "set_language": Line(None, S(302), S(302), data={"language": "sv", "next": "/"}),
    "admin:index": Line(None, S(302, admin=200), S(302, admin=200), sees_all=("admin",)),
    "audit:trail": Line(None, COORD_OR_ADMIN, COORD_OR_ADMIN, sees_all=("admin",)),
    # Organizations: the directory is public reference data; members are the coordinators'.
    "organizations:directory": Line(None, EVERYONE_200, EVERYONE_200),
    "organizations:actor_add": Line(None, COORD_OR_ADMIN, COORD_OR_ADMIN),
    "organizations:detail": Line(slug, EVERYONE_200, EVERYONE_200),
    "organizations:member_add": Line(slug, MANAGE_KOMMUN_A, MANAGE_KOMMUN_A),
    # The link of an invitation to an address with no account: the address sets one up.
    "organizations:invitation": Line(
        lambda w: {"token": INVITATION_TOKEN}, S(403, anonymous=200), S(403, anonymous=200)
    ),
    "organizations:member_change": Line(
        lambda w: slug(w) | {"pk": w.membership_a.pk}, MANAGE_KOMMUN_A, MANAGE_KOMMUN_A
    ),
    "organizations:member_remove": Line(
        lambda w: slug(w) | {"pk": w.membership_a.pk},
        MANAGE_KOMMUN_A,
        S(403, coord_a=302, admin=302, anonymous=LOGIN),
        changing=True,
    ),
    # Agreements: kommun A's is signed and not published.
    "agreements:list": Line(None, EVERYONE_200, EVERYONE_200),
    # The platform administrator records agreements and imports for any organization.
    "agreements:create": Line(None, RECORDERS, RECORDERS),
    "agreements:import": Line(None, RECORDERS, RECORDERS),
    "agreements:import_review": Line(None, RECORDERS_ON, RECORDERS_ON),
    # A document being read is its uploader's only.
    "agreements:import_reading": Line(
        pk("reading_a"),
        S(403, (COORDINATORS, 404), coord_a=200, admin=404, anonymous=LOGIN),
        DOWNLOAD,
    ),
    "agreements:cycle_all": Line(None, SIGNED_IN_200, SIGNED_IN_200),
    "agreements:cycle_all_ics": Line(None, SIGNED_IN_200, SIGNED_IN_200),
    "agreements:overview": Line(
        None, S(403, admin=200, anonymous=LOGIN), S(403, admin=200, anonymous=LOGIN)
    ),
    "agreements:detail": Line(agreement(), READ_A_OPEN, READ_A_OPEN),
    # A signed agreement's text, parties and period change only by its coordinators.
    "agreements:edit": Line(agreement(), COORDINATE_A, COORDINATE_A),
    # B's agreement has a pending proposal (a new title) by kommun B's coordinator, which
    # LPO Nybro's coordinator has yet to answer: kommun A's personas are outsiders there.
    "agreements:edit[pending-proposal]": Line(
        lambda w: {"pk": w.agreement_b.pk},
        S(404, (B_READERS, 403), coord_b=302, police_b=302, anonymous=LOGIN),
        S(404, (B_READERS, 403), coord_b=302, police_b=302, anonymous=LOGIN),
    ),
    "agreements:proposal_detail": Line(
        lambda w: {"pk": w.agreement_b.pk, "proposal_pk": w.proposal_b.pk},
        S(404, (B_READERS, 200), anonymous=LOGIN),
        POST_ONLY_SIGNED_IN,
    ),
    "agreements:proposal_answer": Line(
        lambda w: {"pk": w.agreement_b.pk, "proposal_pk": w.proposal_b.pk},
        POST_ONLY_SIGNED_IN,
        S(404, (B_READERS, 403), police_b=302, anonymous=LOGIN),
        data={"answer": "accept"},
        changing=True,
    ),
    "agreements:proposal_withdraw": Line(
        lambda w: {"pk": w.agreement_b.pk, "proposal_pk": w.proposal_b.pk},
        POST_ONLY_SIGNED_IN,
        S(404, (B_READERS, 403), coord_b=302, anonymous=LOGIN),
        changing=True,
    ),
    "agreements:pdf": Line(agreement(), READ_A_OPEN, DOWNLOAD_OPEN),
    "agreements:docx": Line(agreement(), READ_A_OPEN, DOWNLOAD_OPEN),
    "agreements:sign": Line(agreement(), COORDINATE_A, COORDINATE_A, data={"made_on": TODAY}),
    "agreements:extend": Line(
        agreement(), COORDINATE_A, COORDINATE_A_DONE, data={"made_on": TODAY}, changing=True
    ),
    "agreements:revision_create": Line(
        agreement(),
        COORDINATE_A,
        COORDINATE_A_DONE,
        data={"made_on": TODAY, "summary": "Ny bilaga"},
        changing=True,
    ),
    # A coordinator drafts the next agreement from this one (a new draft; A is untouched).
    "agreements:successor": Line(
        agreement(), POST_ONLY_SIGNED_IN, COORDINATE_A_DONE, changing=True
    ),
    "agreements:revision_compare": Line(agreement(), READ_A_OPEN, READ_A_OPEN),
    "agreements:revision_detail": Line(agreement(number=1), READ_A_OPEN, READ_A_OPEN),
    "agreements:cycle": Line(agreement(), READ_A_OPEN, READ_A_OPEN),
    # The evaluation of the period: the agreement's parties only, even once published.
    "evaluation:agreement": Line(agreement(), READ_A, DOWNLOAD),
    "evaluation:pdf": Line(agreement(), READ_A, DOWNLOAD),
    "evaluation:docx": Line(agreement(), READ_A, DOWNLOAD),
    "agreements:cycle_ics": Line(agreement(), READ_A_OPEN, READ_A_OPEN),
    "agreements:duty_update": Line(
        agreement(duty_pk="duty_a"),
        POST_ONLY_SIGNED_IN,
        WRITE_A_DONE,
        data={"action": "done"},
        changing=True,
    ),
    "agreements:forum_years": Line(
        agreement(forum_pk="forum_a"),
        WRITE_A,
        WRITE_A_DONE,
        data={"year": 2026, "meetings_held": 4},
        changing=True,
    ),
    "agreements:part_create": Line(
        agreement(kind="omraden"),
        WRITE_A,
        WRITE_A_DONE,
        data={"title": "Trygga skolvägar", "position": 2},
        changing=True,
    ),
    "agreements:part_edit": Line(
        agreement(kind="omraden", part_pk="area_a"),
        WRITE_A,
        WRITE_A_DONE,
        data={"title": "Trygg stadskärna och hamn", "position": 1},
        changing=True,
    ),
    "agreements:part_delete": Line(
        agreement(kind="omraden", part_pk="area_a"), WRITE_A, WRITE_A_DONE, changing=True
    ),
    # Sources: kommun A's internal dataset, its import job and mapping; variants shared and public.
    # Another agreement's part through kommun A's agreement: not found, for everyone.
    "agreements:part_edit[other-agreement]": Line(
        agreement(kind="omraden", part_pk="area_b"),
        S(404, viewer_a=403, anonymous=LOGIN),
        S(404, viewer_a=403, anonymous=LOGIN),
        data={"title": "Kapat", "position": 1},
    ),
    "agreements:part_edit[forum]": Line(
        agreement(kind="forum", part_pk="forum_a"), WRITE_A, WRITE_A
    ),
    "sources:list": Line(None, EVERYONE_200, EVERYONE_200),
    "sources:upload": Line(None, UPLOADERS, UPLOADERS),
    # Population and sub-areas: a coordinator's (for its own kommuner) and the admin's. A
    # POST without a file shows the form again; the preview without an upload goes back.
    "sources:population": Line(None, COORD_OR_ADMIN, COORD_OR_ADMIN),
    "sources:areas": Line(None, COORD_OR_ADMIN, COORD_OR_ADMIN),
    "sources:import_confirm": Line(None, RECORDERS_ON, RECORDERS_ON),
    # Re-categorising a type is the dataset owner's act; Polismyndigheten's, the admin's.
    # A coordinator maps a type for its own organization's datasets.
    "sources:types": Line(
        None,
        COORD_OR_ADMIN,
        S(403, (COORDINATORS, 302), admin=302, anonymous=LOGIN),
        data=lambda w: {"source_type": "Rattfylleri", "category": w.category.pk},
        changing=True,
    ),
    # Naming Polismyndigheten's datasets: the platform administrator's act only.
    "sources:types[polismyndigheten]": Line(
        None,
        COORD_OR_ADMIN,
        S(403, admin=302, anonymous=LOGIN),
        data=lambda w: {
            "source_type": "Rattfylleri",
            "category": w.category.pk,
            "owner": w.polismyndigheten.pk,
        },
        changing=True,
    ),
    "sources:mappings": Line(None, SIGNED_IN_200, SIGNED_IN_200),
    "sources:mapping_start": Line(None, UPLOADERS, UPLOADERS),
    "sources:mapping_columns": Line(None, UPLOADERS_ON, UPLOADERS_ON),
    "sources:job": Line(pk("job_a"), READ_KOMMUN_A_OPEN, READ_KOMMUN_A_OPEN),
    # Confirming a previewed import: its owner's writers; job_a is not waiting, so nothing changes.
    "sources:job_confirm": Line(
        pk("job_a"),
        DOWNLOAD,
        S(404, (KOMMUN_A_READERS, 403), (KOMMUN_A_WRITERS, 302), anonymous=LOGIN),
    ),
    "sources:dataset": Line(pk("internal_data_a"), READ_KOMMUN_A_OPEN, READ_KOMMUN_A_OPEN),
    "sources:dataset[shared]": Line(pk("police_data_a"), READ_A_OPEN, READ_A_OPEN),
    "sources:dataset[public]": Line(pk("public_data_a"), EVERYONE_200, EVERYONE_200),
    "sources:rejected_csv": Line(pk("internal_data_a"), READ_KOMMUN_A_OPEN, READ_KOMMUN_A_OPEN),
    "sources:rejected_csv[public]": Line(pk("public_data_a"), EVERYONE_200, EVERYONE_200),
    "sources:withdraw": Line(
        pk("internal_data_a"),
        WRITE_KOMMUN_A,
        S(404, (KOMMUN_A_READERS, 403), (KOMMUN_A_WRITERS, 302), anonymous=LOGIN),
        data={"reason": "Fel period"},
        changing=True,
    ),
    "sources:withdraw[shared]": Line(
        pk("police_data_a"),
        S(404, (A_READERS, 403), police_a=200, anonymous=LOGIN),
        S(404, (A_READERS, 403), police_a=302, anonymous=LOGIN),
        data={"reason": "Fel period"},
        changing=True,
    ),
    # Sharing within the agreement: kommun A's coordinator shares kommun A's datasets with
    # the parties of kommun A's agreements. The dataset shared with agreement A2 (kommun A
    # and the housing company): its parties read it, the police of agreement A does not.
    "sources:dataset[shared-a2]": Line(pk("shared_data_a2"), READ_A2_OPEN, READ_A2_OPEN),
    "sources:rejected_csv[shared-a2]": Line(pk("shared_data_a2"), READ_A2_OPEN, READ_A2_OPEN),
    "sources:share": Line(
        pk("internal_data_a"),
        S(404, (KOMMUN_A_READERS, 403), coord_a=200, anonymous=LOGIN),
        S(404, (KOMMUN_A_READERS, 403), coord_a=302, anonymous=LOGIN),
        data=lambda w: {"agreements": [w.agreement_a2.pk]},
        changing=True,
    ),
    "sources:share[shared-a2]": Line(
        pk("shared_data_a2"),
        COORDINATE_KOMMUN_A2,
        S(404, (A2_READERS, 403), coord_a=302, anonymous=LOGIN),
        data=lambda w: {"agreements": [w.agreement_a.pk]},
        changing=True,
    ),
    "sources:unshare": Line(
        lambda w: {"pk": w.shared_data_a2.pk, "agreement_pk": w.agreement_a2.pk},
        COORDINATE_KOMMUN_A2,
        S(404, (A2_READERS, 403), coord_a=302, anonymous=LOGIN),
        changing=True,
    ),
    # Not shared with agreement A: nothing to withdraw, for its coordinator too.
    "sources:unshare[not-shared]": Line(
        lambda w: {"pk": w.shared_data_a2.pk, "agreement_pk": w.agreement_a.pk},
        S(404, (A2_READERS, 403), coord_a=404, anonymous=LOGIN),
        S(404, (A2_READERS, 403), coord_a=404, anonymous=LOGIN),
    ),
    # The lägesbild: version 2 is a draft, version 1 adopted and published.
    "situation:list": Line(None, SIGNED_IN_200, SIGNED_IN_200),
    "situation:create": Line(None, STARTERS, STARTERS),
    "situation:detail": Line(picture(), READ_A, READ_A),
    "situation:summary": Line(
        picture(),
        POST_ONLY_SIGNED_IN,
        WRITE_A_DONE,
        data={"summary": "Inbrotten minskar."},
        changing=True,
    ),
    "situation:sources": Line(picture(), POST_ONLY_SIGNED_IN, WRITE_A_DONE),
    "situation:other_source_delete": Line(
        picture(choice_pk="other_source_v2"), POST_ONLY_SIGNED_IN, WRITE_A_DONE, changing=True
    ),
    "situation:input_add": Line(picture(), WRITE_A, WRITE_A),
    "situation:input_edit": Line(
        picture(input_pk="kommun_input"),
        WRITE_KOMMUN_A | {"police_a": 403, "actor": 403},
        WRITE_KOMMUN_A | {"police_a": 403, "actor": 403},
    ),
    "situation:input_edit[police-internal]": Line(
        picture(input_pk="police_input"),
        S(404, viewer_a=403, police_a=200, anonymous=LOGIN),
        S(404, viewer_a=403, police_a=200, anonymous=LOGIN),
    ),
    "situation:problem_add": Line(picture(), WRITE_A, WRITE_A),
    "situation:problem_edit": Line(picture(problem_pk="problem_v2"), WRITE_A, WRITE_A),
    "situation:problem_delete": Line(
        picture(problem_pk="problem_v2"), POST_ONLY_SIGNED_IN, WRITE_A_DONE, changing=True
    ),
    "situation:problem_delete[other-picture]": Line(
        picture(problem_pk="problem_b"), POST_ONLY_SIGNED_IN, S(404, viewer_a=403, anonymous=LOGIN)
    ),
    "situation:evidence_delete": Line(
        picture(evidence_pk="evidence_v2"), POST_ONLY_SIGNED_IN, WRITE_A_DONE, changing=True
    ),
    "situation:pin": Line(picture(), POST_ONLY_SIGNED_IN, WRITE_A_DONE),
    "situation:adopt": Line(
        picture(),
        POST_ONLY_SIGNED_IN,
        COORDINATE_A_DONE,
        data={"adopted_on": "2026-03-01", "decision_reference": "Styrgruppen §5"},
        changing=True,
    ),
    "situation:new_version": Line(
        picture("picture_v1"), POST_ONLY_SIGNED_IN, WRITE_A_DONE, changing=True
    ),
    "situation:compare": Line(picture(), READ_A, READ_A),
    "situation:publish": Line(
        picture("picture_v1"),
        COORDINATE_A,
        COORDINATE_A_DONE,
        data={"text": "Klottret ökar.", "figures": ["categories"]},
        changing=True,
    ),
    "situation:pdf": Line(picture(), READ_A, DOWNLOAD),
    "situation:docx": Line(picture(), READ_A, DOWNLOAD),
    "situation:public_list": Line(None, EVERYONE_200, EVERYONE_200),
    "situation:public": Line(pk("summary_v1"), EVERYONE_200, EVERYONE_200),
    # The plan of kommun A's agreement, with a measure kommun A is responsible for.
    "plans:list": Line(None, SIGNED_IN_200, SIGNED_IN_200),
    # Only a writer of an agreement with an adopted lägesbild has a plan to start.
    "plans:create": Line(None, PLAN_STARTERS, PLAN_STARTERS),
    "plans:detail": Line(plan(), READ_A, READ_A),
    "plans:goal_add": Line(plan(), WRITE_A, WRITE_A),
    "plans:goal_edit": Line(plan(goal_pk="goal_a"), WRITE_A, WRITE_A),
    "plans:reading_add": Line(
        plan(goal_pk="goal_a"),
        WRITE_A,
        WRITE_A_DONE,
        data={"measured_on": "2026-06-01", "value": "4"},
        changing=True,
    ),
    "plans:measure_add": Line(plan(), WRITE_A, WRITE_A),
    "plans:measure": Line(
        plan(measure_pk="measure_a"),
        READ_A,
        REPORT_KOMMUN_A | {"coord_a": 302, "member_a": 302},
        data={"status": "ongoing", "progress": "40", "progress_note": "Halvvägs"},
        changing=True,
    ),
    "plans:measure[police]": Line(
        plan(measure_pk="police_measure_a"),
        READ_A,
        S(404, (A_READERS, 403), police_a=302, anonymous=LOGIN),
        data={"status": "ongoing", "progress": "40", "progress_note": "Halvvägs"},
        changing=True,
    ),
    "plans:measure_edit": Line(plan(measure_pk="measure_a"), REPORT_KOMMUN_A, REPORT_KOMMUN_A),
    "plans:matrix": Line(plan(), READ_A, READ_A),
    "plans:timeline": Line(plan(), READ_A, READ_A),
    "plans:follow_up_create": Line(
        plan(), POST_ONLY_SIGNED_IN, WRITE_A_DONE, data={"as_of": "2026-09-30"}, changing=True
    ),
    "plans:follow_up": Line(plan(follow_up_pk="follow_up_a"), READ_A, WRITE_A),
    "plans:follow_up_send": Line(
        plan(follow_up_pk="follow_up_a"), POST_ONLY_SIGNED_IN, WRITE_A_DONE, changing=True
    ),
    "plans:follow_up_pdf": Line(plan(follow_up_pk="follow_up_a"), READ_A, DOWNLOAD),
    "plans:follow_up_docx": Line(plan(follow_up_pk="follow_up_a"), READ_A, DOWNLOAD),
    # Kommun A's steering group's meetings: read by the agreement's parties only.
    "meetings:list": Line(None, SIGNED_IN_200, DOWNLOAD),
    "meetings:forum": Line(
        pk("forum_a", "forum_pk"), READ_A, WRITE_A_DONE, data={"held_on": TODAY}, changing=True
    ),
    "meetings:detail": Line(pk("meeting_a"), READ_A, DOWNLOAD),
    "meetings:minutes": Line(
        pk("meeting_a"),
        WRITE_A,
        WRITE_A_DONE,
        data=lambda w: {
            "held_on": w.meeting_a.held_on.isoformat(),
            "organizations_present": [w.kommun_a.pk],
            "notes": "Protokoll",
        },
        changing=True,
    ),
    "meetings:present": Line(
        pk("meeting_a"),
        POST_ONLY_SIGNED_IN,
        S(404, (A_READERS, 302), anonymous=LOGIN),
        data={"present": "1"},
        changing=True,
    ),
    "meetings:agenda_add": Line(
        pk("meeting_a"), POST_ONLY_SIGNED_IN, WRITE_A_DONE, data={"title": "Punkt"}, changing=True
    ),
    "meetings:decision_add": Line(
        pk("meeting_a"), WRITE_A, WRITE_A_DONE, data={"text": "Beslut"}, changing=True
    ),
    "meetings:action_add": Line(
        pk("meeting_a"),
        WRITE_A,
        WRITE_A_DONE,
        data=lambda w: {"text": "Städa", "owner": w.kommun_a.pk},
        changing=True,
    ),
    "meetings:action_done": Line(
        lambda w: {"pk": w.meeting_a.pk, "action_pk": w.action_a.pk},
        WRITE_A,
        WRITE_A_DONE,
        data=lambda w: {"done_on": w.meeting_a.held_on.isoformat()},
        changing=True,
    ),
    "meetings:pdf": Line(pk("meeting_a"), READ_A, DOWNLOAD),
    "meetings:docx": Line(pk("meeting_a"), READ_A, DOWNLOAD),
    # Kommun A's medborgarlöften: a draft (shared with the agreement's parties) with a
    # commitment of each giver, and a published one (public).
    "promises:list": Line(None, SIGNED_IN_200, SIGNED_IN_200),
    "promises:create": Line(None, PLAN_STARTERS, PLAN_STARTERS),
    "promises:detail": Line(pk("promise_draft"), READ_A, READ_A),
    "promises:detail[published]": Line(pk("promise_published"), SIGNED_IN_200, SIGNED_IN_200),
    "promises:edit": Line(pk("promise_draft"), PROMISE_WRITE_A, PROMISE_WRITE_A),
    "promises:edit[published]": Line(
        pk("promise_published"), PROMISE_WRITE_DONE, PROMISE_WRITE_DONE
    ),
    "promises:commitment_add": Line(pk("promise_draft"), WRITE_A, WRITE_A),
    "promises:import": Line(pk("promise_draft"), PROMISE_WRITE_A, PROMISE_WRITE_A),
    "promises:commitment_edit": Line(
        promise(commitment_pk="commitment_police"), POLICE_A_ONLY, POLICE_A_ONLY
    ),
    "promises:commitment_edit[kommun]": Line(
        promise(commitment_pk="commitment_kommun"), KOMMUN_A_ONLY, KOMMUN_A_ONLY
    ),
    "promises:commitment_edit[joint]": Line(
        promise(commitment_pk="commitment_joint"), PROMISE_WRITE_A, PROMISE_WRITE_A
    ),
    "promises:commitment_edit[other]": Line(
        promise(commitment_pk="commitment_other"), ACTOR_ONLY, ACTOR_ONLY
    ),
    "promises:commitment_delete": Line(
        promise(commitment_pk="commitment_police"),
        POST_ONLY_SIGNED_IN,
        S(404, (A_READERS, 403), police_a=302, anonymous=LOGIN),
        changing=True,
    ),
    "promises:approve": Line(
        pk("promise_draft"), POST_ONLY_SIGNED_IN, COORDINATE_A_DONE, changing=True
    ),
    "promises:adopt": Line(
        pk("promise_draft"),
        COORDINATE_A,
        S(404, (A_READERS, 403), (A_COORDINATORS, 400), anonymous=LOGIN),
        data={"adopted_on": TODAY, "decision_reference": "Styrgruppen §1"},
    ),
    "promises:publish": Line(pk("promise_draft"), POST_ONLY_SIGNED_IN, COORDINATE_A_DONE),
    "promises:close": Line(
        pk("promise_published"),
        POST_ONLY_SIGNED_IN,
        S(403, (A_COORDINATORS, 302), anonymous=LOGIN),
    ),
    "promises:follow_up": Line(
        pk("promise_published"),
        S(403, (PROMISE_WRITERS_A, 200), anonymous=LOGIN),
        S(403, (PROMISE_WRITERS_A, 400), anonymous=LOGIN),
    ),
    "promises:public": Line(pk("promise_published"), EVERYONE_200, S(405)),
    "promises:public[draft]": Line(pk("promise_draft"), S(404), S(405)),
    "promises:pdf": Line(pk("promise_published"), EVERYONE_200, S(405)),
    "promises:pdf[draft]": Line(pk("promise_draft"), READ_A_OPEN, S(405)),
    # The public face: kommun A has published content, kommun B none.
    "public:index": Line(None, EVERYONE_200, S(405)),
    "public:index[search]": Line(None, EVERYONE_200, S(405), query="q=kommun&tema=traffic"),
    "public:commitments": Line(None, EVERYONE_200, S(405), query="q=lysa"),
    "public:kommun": Line(slug, EVERYONE_200, S(405)),
    "public:kommun[b]": Line(lambda w: {"slug": w.kommun_b.slug}, S(404), S(405)),
    "public:feed": Line(slug, EVERYONE_200, S(405)),
    "public:feed[b]": Line(lambda w: {"slug": w.kommun_b.slug}, S(404), S(405)),
    "public:card": Line(slug, EVERYONE_200, S(405)),
    "public:card[b]": Line(lambda w: {"slug": w.kommun_b.slug}, S(404), S(405)),
    "promises:docx": Line(pk("promise_published"), EVERYONE_200, S(405)),
    # The communication plan: the agreement's parties read it (even were the agreement
    # published); each party changes its own activities, both the joint ones; external
    # information is approved by the coordinators and is not sent before both approved.
    "communication:index": Line(None, SIGNED_IN_200, POST_ONLY_SIGNED_IN),
    "communication:plan": Line(communication_plan, READ_A, POST_ONLY_SIGNED_IN),
    "communication:activity_add": Line(communication_plan, WRITE_A, WRITE_A),
    "communication:activity_edit": Line(pk("activity_police"), POLICE_A_ONLY, POLICE_A_ONLY),
    "communication:activity_edit[kommun]": Line(
        pk("activity_kommun"), KOMMUN_A_ONLY, KOMMUN_A_ONLY
    ),
    "communication:activity_edit[joint]": Line(
        pk("activity_joint"), PROMISE_WRITE_A, PROMISE_WRITE_A
    ),
    "communication:activity_delete": Line(
        pk("activity_police"),
        POST_ONLY_SIGNED_IN,
        S(404, (A_READERS, 403), police_a=302, anonymous=LOGIN),
        changing=True,
    ),
    "communication:activity_approve": Line(
        pk("activity_joint"), POST_ONLY_SIGNED_IN, COORDINATE_A_DONE, changing=True
    ),
    # Refused (a redirect with the reason, nothing changed): no approvals yet.
    "communication:activity_sent": Line(
        pk("activity_joint"),
        POST_ONLY_SIGNED_IN,
        S(404, (A_READERS, 403), (PROMISE_WRITERS_A, 302), anonymous=LOGIN),
    ),
    "communication:activity_sent[kommun]": Line(
        pk("activity_kommun"),
        POST_ONLY_SIGNED_IN,
        S(404, (A_READERS, 403), (KOMMUN_A_WRITERS, 302), anonymous=LOGIN),
        changing=True,
    ),
    "communication:press_release": Line(pk("promise_published"), READ_A, DOWNLOAD),
    "communication:press_release[draft]": Line(
        pk("promise_draft"), S(404, anonymous=LOGIN), DOWNLOAD
    ),
    # EST: every signed-in user gets the form; the members of a party of agreement A (any
    # role, the reporter's too) file to it, anyone else is refused the agreement (200, the
    # form again). A report is read by its reporter and kommun A's coordinator, corrected
    # by its reporter, reviewed by the coordinator.
    "est:report": Line(
        None,
        SIGNED_IN_200,
        S(200, (EST_REPORTERS_A, 302), anonymous=LOGIN),
        data=lambda w: est_report_data(w),
        changing=True,
    ),
    "est:mine": Line(None, SIGNED_IN_200, POST_ONLY_SIGNED_IN),
    "est:worker": Line(None, EVERYONE_200, S(405)),
    "est:review": Line(None, SIGNED_IN_200, POST_ONLY_SIGNED_IN),
    "est:edit": Line(
        pk("est_report_a"),
        S(404, anonymous=LOGIN, reporter_a=200, coord_a=403),
        S(404, anonymous=LOGIN, reporter_a=302, coord_a=403),
        data=lambda w: est_correction_data(w),
        changing=True,
    ),
    "est:observation": Line(
        pk("est_observation_a"),
        S(404, anonymous=LOGIN, reporter_a=403, coord_a=200),
        S(404, anonymous=LOGIN, reporter_a=403, coord_a=302),
        data={"action": "reject", "reason": "Redan åtgärdat"},
        changing=True,
    ),
}

# The URLs the matrix walks: every named URL, the Django admin by its entry point only.
ADMIN_ENTRY = "admin:index"


def _names(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def url_names() -> list[str]:
    """Every named URL of the URL configuration (the admin by its entry point)."""
    names = {n for n in _names(get_resolver()) if not n.startswith("admin:") or n == ADMIN_ENTRY}
    return sorted(names)


def _url_name(key: str) -> str:
    return key.split("[", 1)[0]


def _declaration_hint(name: str) -> str:
    return (
        f"URL {name!r} has no line in MATRIX (tests/test_persona_matrix.py). Declare who may "
        f"use it, e.g.\n    {name!r}: Line(pk('plan_a'), READ_A, READ_A),\n"
        "with its arguments filled from the world (tests/persona_world.py) and the expected "
        "status of GET and POST for every persona."
    )


# The tables whose rows are not the platform's data: sessions and sign-in throttling.
NOT_DATA = ("django_session", "axes_")


def snapshot() -> dict[str, str]:
    """A digest of every row of every table: a change anywhere shows."""
    digests = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith(NOT_DATA):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """One world for the module, built once and rolled back at its end; each test runs
    in a savepoint inside it (the ``db`` fixture), so each starts from the same rows:
    ``world.baseline``. Signing in does not stamp ``last_login`` here, so that a test's
    rows before its request are the baseline."""
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    with django_db_blocker.unblock(), override_settings(CACHES=NO_CACHE):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            built.baseline = snapshot()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")


def test_every_url_is_declared() -> None:
    declared = {_url_name(key) for key in MATRIX}
    missing = [name for name in url_names() if name not in declared]
    assert not missing, "\n".join(_declaration_hint(name) for name in missing)
    gone = sorted(declared - set(url_names()))
    assert not gone, f"MATRIX declares URLs that no longer exist: {gone}"


def test_every_test_starts_from_the_world_and_a_change_shows(world: World, db: None) -> None:
    assert snapshot() == world.baseline
    Client().force_login(world.users["viewer_a"])
    assert snapshot() == world.baseline  # signing in is not a change of data
    Goal.objects.filter(pk=world.goal_a.pk).update(unit="promenader")
    assert [t for t, digest in snapshot().items() if digest != world.baseline[t]] == ["plans_goal"]


def test_every_line_names_every_persona() -> None:
    for key, line in MATRIX.items():
        for method in ("get", "post"):
            statuses = getattr(line, method)
            assert set(statuses) == set(PERSONAS), f"{key} {method.upper()}: {statuses}"


def _cases() -> Iterator[Any]:
    keys = sorted(set(MATRIX) | set(url_names()))
    for key in keys:
        for method in ("get", "post"):
            for persona in PERSONAS:
                line = MATRIX.get(key)
                marks = []
                if line is not None and (method, persona) in line.xfail:
                    reason = line.xfail[(method, persona)]
                    marks.append(pytest.mark.xfail(strict=True, reason=reason))
                yield pytest.param(
                    key, method, persona, id=f"{key}-{method}-{persona}", marks=marks
                )


def _is_login_redirect(response: Any) -> bool:
    if response.status_code != 302:
        return False
    return response["Location"].split("?", 1)[0] == resolve_url(settings.LOGIN_URL)


def _observed(response: Any) -> Status:
    return LOGIN if _is_login_redirect(response) else response.status_code


TEXT_TYPES = ("text/", "application/json")


def _assert_no_canary(response: Any, persona: str, what: str) -> None:
    """No text the persona may not read is on the page (documents are binary: not read)."""
    if not response.get("Content-Type", "").startswith(TEXT_TYPES):
        return
    content = b"".join(response) if response.streaming else response.content
    text = content.decode("utf-8", errors="replace")
    leaked = [word for word, readers in CANARIES.items() if persona not in readers and word in text]
    assert not leaked, f"{what} shows {leaked}, text {persona} may not read"


@pytest.mark.parametrize(("key", "method", "persona"), list(_cases()))
def test_persona_matrix(world: World, db: None, key: str, method: str, persona: str) -> None:
    line = MATRIX.get(key)
    if line is None:
        pytest.fail(_declaration_hint(key))
    url = reverse(_url_name(key), kwargs=line.kwargs(world) if line.kwargs else None)
    if line.query:
        url = f"{url}?{line.query}"
    expected = getattr(line, method)[persona]
    client = Client()
    if persona != "anonymous":
        client.force_login(world.users[persona])
    if method == "get":
        response = client.get(url)
    else:
        data = line.data(world) if callable(line.data) else line.data
        response = client.post(url, data)
    observed = _observed(response)
    assert observed == expected, (
        f"{persona} {method.upper()} {url} ({key}): {observed}, expected {expected}"
    )
    # A GET never changes data; a POST only when it succeeds (a redirect on a changing line).
    if not (method == "post" and line.changing and observed == 302):
        after = snapshot()
        before = world.baseline
        changed = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
        assert not changed, (
            f"{persona} {method.upper()} {url} ({key}) answered {observed} and changed {changed}"
        )
    if response.status_code == 200 and persona not in line.sees_all:
        _assert_no_canary(response, persona, f"{persona} {method.upper()} {url} ({key})")
