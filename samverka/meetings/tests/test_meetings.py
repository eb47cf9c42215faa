"""Meetings and decisions as a forum's members meet them: a meeting planned with the open
actions of the earlier meetings on its agenda, the minutes, decisions and actions in date
order, an action followed up and marked done, the minutes in PDF and Word, the meetings on
the årshjul, and nobody but the agreement's parties reading any of it."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pypdf
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samverka.agreements import wheel
from samverka.agreements.models import Forum, ForumKind
from samverka.audit.models import AuditEntry
from samverka.audit.recorder import acting_as
from samverka.meetings import services
from samverka.meetings.models import Action, AgendaKind, Decision, Meeting
from samverka.testing import PersonaTestCase


class MeetingTestCase(PersonaTestCase):
    forum: Forum

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.forum = Forum.objects.create(
            agreement=cls.agreement, kind=ForumKind.FRIDAY_MEETING, name="Fredagsmöte"
        )

    def held(self, on: dt.date) -> Meeting:
        meeting = services.plan_meeting(self.forum, on, self.coordinator)
        return services.record_minutes(meeting, on, "Läget i Centrum.", [self.kommun, self.lpo])


class AgendaTests(MeetingTestCase):
    def test_open_actions_are_carried_onto_the_next_agenda_until_done(self) -> None:
        first = self.held(dt.date(2026, 10, 2))
        lights = services.add_action(
            first, Action(text="Laga belysningen i parken", owner=self.kommun)
        )
        patrol = services.add_action(
            first, Action(text="Kvällspatrull vid stationen", owner=self.lpo)
        )
        second = services.plan_meeting(self.forum, dt.date(2026, 10, 9), self.coordinator)
        carried = second.agenda.filter(kind=AgendaKind.OPEN_ACTION)
        self.assertEqual({i.action for i in carried}, {lights, patrol})
        self.assertIn("Laga belysningen i parken", carried.get(action=lights).title)
        services.mark_done(lights, dt.date(2026, 10, 9), second, "Nya armaturer")
        third = services.plan_meeting(self.forum, dt.date(2026, 10, 16), self.coordinator)
        self.assertEqual([i.action for i in third.agenda.all()], [patrol])
        # Drafting again adds nothing twice.
        self.assertEqual(services.draft_agenda(third), 0)

    def test_the_agenda_page_offers_to_mark_a_carried_action_done(self) -> None:
        first = self.held(dt.date(2026, 10, 2))
        action = services.add_action(first, Action(text="Röj buskaget", owner=self.kommun))
        self.client.force_login(self.coordinator)
        response = self.client.post(
            reverse("meetings:forum", args=[self.forum.pk]), {"held_on": "2026-10-09"}
        )
        second = Meeting.objects.get(held_on=dt.date(2026, 10, 9))
        self.assertRedirects(response, second.get_absolute_url())
        page = self.client.get(second.get_absolute_url())
        self.assertContains(page, "Röj buskaget")
        done = reverse("meetings:action_done", args=[second.pk, action.pk])
        self.assertContains(page, done)
        self.client.post(done, {"done_on": "2026-10-09", "outcome": "Klart"})
        action.refresh_from_db()
        self.assertEqual((action.done_on, action.done_at), (dt.date(2026, 10, 9), second))


class DateOrderTests(MeetingTestCase):
    def test_a_decision_cannot_precede_its_meeting(self) -> None:
        meeting = self.held(dt.date(2026, 10, 2))
        with self.assertRaises(ValidationError) as refused:
            services.add_decision(meeting, "Fokus på Centrum", dt.date(2026, 10, 1))
        self.assertIn("decided_on", refused.exception.message_dict)
        decision = services.add_decision(meeting, "Fokus på Centrum")
        self.assertEqual((decision.number, decision.decided_on), (1, dt.date(2026, 10, 2)))
        self.assertEqual(services.add_decision(meeting, "Nästa möte 9/10").number, 2)
        # Nor can the meeting be moved after its decisions.
        with self.assertRaises(ValidationError):
            services.record_minutes(meeting, dt.date(2026, 10, 3), "", [self.kommun])

    def test_the_page_names_the_field_of_a_decision_dated_too_early(self) -> None:
        meeting = self.held(dt.date(2026, 10, 2))
        self.client.force_login(self.coordinator)
        response = self.client.post(
            reverse("meetings:decision_add", args=[meeting.pk]),
            {"text": "Fokus på Centrum", "decided_on": "2026-09-30"},
        )
        self.assertContains(response, "Ett beslut kan inte föregå sitt möte", status_code=400)
        self.assertFalse(Decision.objects.exists())

    def test_an_action_is_not_done_before_it_was_decided_nor_due_before(self) -> None:
        meeting = self.held(dt.date(2026, 10, 2))
        with self.assertRaises(ValidationError):
            services.add_action(
                meeting,
                Action(text="Städa", owner=self.kommun, due_on=dt.date(2026, 9, 1)),
            )
        action = services.add_action(meeting, Action(text="Städa", owner=self.kommun))
        with self.assertRaises(ValidationError):
            services.mark_done(action, dt.date(2026, 10, 1), None)
        self.assertTrue(Action.objects.get(pk=action.pk).is_open)

    def test_an_action_is_owned_by_a_party(self) -> None:
        meeting = self.held(dt.date(2026, 10, 2))
        with self.assertRaises(ValidationError) as refused:
            services.add_action(meeting, Action(text="Städa", owner=self.other_kommun))
        self.assertIn("owner", refused.exception.message_dict)

    def test_personal_data_in_the_notes_is_refused(self) -> None:
        meeting = services.plan_meeting(self.forum, dt.date(2026, 10, 2), self.coordinator)
        self.client.force_login(self.coordinator)
        response = self.client.post(
            reverse("meetings:minutes", args=[meeting.pk]),
            {"held_on": "2026-10-02", "notes": "Ring 070-123 45 67", "organizations_present": []},
        )
        self.assertEqual(response.status_code, 400)
        meeting.refresh_from_db()
        self.assertEqual((meeting.notes, meeting.is_held), ("", False))


class MinutesTests(MeetingTestCase):
    def test_a_planned_meeting_moves_to_a_later_date_and_stays_planned(self) -> None:
        later = timezone.localdate() + dt.timedelta(days=20)
        meeting = services.plan_meeting(self.forum, later - dt.timedelta(days=6), None)
        self.client.force_login(self.coordinator)
        response = self.client.post(
            reverse("meetings:minutes", args=[meeting.pk]),
            {"held_on": later.isoformat(), "notes": "", "organizations_present": []},
        )
        self.assertRedirects(response, meeting.get_absolute_url())
        meeting.refresh_from_db()
        self.assertEqual((meeting.held_on, meeting.is_held), (later, False))

    def test_the_minutes_in_pdf_and_word_hold_the_decisions_and_actions(self) -> None:
        meeting = self.held(dt.date(2026, 10, 2))
        services.add_decision(meeting, "Fokusområde vecka 41 är Stationsområdet")
        services.add_action(
            meeting,
            Action(text="Kontrollera belysningen", owner=self.kommun, due_on=dt.date(2026, 10, 9)),
        )
        services.set_present(meeting, self.police, True)
        self.client.force_login(self.police)
        pdf = self.client.get(reverse("meetings:pdf", args=[meeting.pk]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
        self.assertIn("Stationsområdet", text)
        self.assertIn("Kontrollera belysningen", text)
        self.assertIn("Pelle", text)
        word = self.client.get(reverse("meetings:docx", args=[meeting.pk]))
        document = docx.Document(io.BytesIO(word.content))
        paragraphs = "\n".join(p.text for p in document.paragraphs)
        cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        self.assertIn("§ 1 Fokusområde vecka 41 är Stationsområdet", paragraphs)
        self.assertIn("Kontrollera belysningen", cells)
        self.assertIn("2026-10-09", cells)

    def test_a_user_says_they_were_present_and_takes_it_back(self) -> None:
        meeting = self.held(dt.date(2026, 10, 2))
        self.client.force_login(self.viewer)
        url = reverse("meetings:present", args=[meeting.pk])
        self.client.post(url, {"present": "1"})
        self.assertEqual(list(meeting.users_present.all()), [self.viewer])
        self.client.post(url, {"present": "0"})
        self.assertFalse(meeting.users_present.exists())


class AuditTests(MeetingTestCase):
    def test_decisions_and_actions_are_in_the_trail_of_the_agreements_parties(self) -> None:
        meeting = self.held(dt.date(2026, 10, 2))
        with acting_as(self.coordinator):
            decision = services.add_decision(meeting, "Fokus på Centrum")
            action = services.add_action(meeting, Action(text="Städa", owner=self.kommun))
            services.mark_done(action, dt.date(2026, 10, 9), None)
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Decision), object_pk=str(decision.pk)
        )
        (entry,) = entries
        self.assertEqual(entry.changes["text"], [None, "Fokus på Centrum"])
        self.assertEqual(
            (entry.agreement_id, entry.actor_id), (self.agreement.pk, self.coordinator.pk)
        )
        done = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Action), action="update"
        ).get()
        self.assertEqual(done.changes["done_on"], [None, "2026-10-09"])


class AccessTests(MeetingTestCase):
    def test_only_the_agreements_parties_read_a_meeting(self) -> None:
        meeting = self.held(dt.date(2026, 10, 2))
        services.add_decision(meeting, "Hemligt beslut om fokus")
        url = meeting.get_absolute_url()
        for persona, status in {
            "coordinator": 200,
            "police": 200,
            "viewer": 200,
            "reporter": 404,
            "outsider": 404,
            "admin": 404,
            "anonymous": 302,
        }.items():
            self.login_as(persona)
            self.assertEqual(self.client.get(url).status_code, status, persona)
        self.login_as("outsider")
        self.assertNotContains(self.client.get(reverse("meetings:list")), "Hemligt beslut")

    def test_a_viewer_reads_but_does_not_write(self) -> None:
        meeting = self.held(dt.date(2026, 10, 2))
        self.login_as("viewer")
        self.assertNotContains(self.client.get(meeting.get_absolute_url()), "Registrera ett beslut")
        response = self.client.post(
            reverse("meetings:decision_add", args=[meeting.pk]), {"text": "Beslut"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Decision.objects.exists())


class WheelTests(MeetingTestCase):
    def test_meetings_are_on_the_arshjul(self) -> None:
        today = timezone.localdate()
        past = self.held(today - dt.timedelta(days=3))
        coming = services.plan_meeting(self.forum, today + dt.timedelta(days=4), None)
        items = [
            i
            for i in wheel.duties([self.agreement.pk], today.year)
            + services.wheel_items([self.agreement.pk], today.year, self.coordinator)
            if i.kind == "meeting"
        ]
        states = {i.url: i.state for i in items}
        self.assertEqual(states.get(past.get_absolute_url()), "done")
        if coming.held_on.year == today.year:
            self.assertEqual(states.get(coming.get_absolute_url()), "coming")
        self.assertIn(services.wheel_items, wheel.USER_SOURCES)
        self.assertEqual(
            services.wheel_items([self.other_agreement.pk], today.year, self.coordinator), []
        )
        # A reader outside the parties (or signed out) sees no meeting on a published
        # agreement's årshjul: meetings are the parties' own.
        from django.contrib.auth.models import AnonymousUser

        self.assertEqual(services.wheel_items([self.agreement.pk], today.year, AnonymousUser()), [])
        self.assertEqual(services.wheel_items([self.agreement.pk], today.year, self.outsider), [])
