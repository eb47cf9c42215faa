"""The lägesbild workspace, for every persona: sources, overview, inputs, problems,
pinning, adoption, versions, documents and the public summary."""

from __future__ import annotations

import datetime as dt
import io
from typing import ClassVar

import pypdf
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.urls import reverse

from samverka.agreements.models import PriorityArea
from samverka.organizations.models import SubArea
from samverka.situation import overview, services
from samverka.situation.models import (
    Evidence,
    InputKind,
    PictureStatus,
    Problem,
    PublishedSummary,
    QualitativeInput,
    SituationPicture,
    SourceChoice,
)
from samverka.situation.tests.factories import event_dataset
from samverka.sources.models import Dataset, Event
from samverka.tenancy.access import Visibility
from samverka.testing import PERSONAS, PersonaTestCase

YEAR_START, YEAR_END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


class WorkspaceTestCase(PersonaTestCase):
    police_data: ClassVar[Dataset]
    est_data: ClassVar[Dataset]
    picture: ClassVar[SituationPicture]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.police_data = event_dataset(
            cls.lpo, cls.kommun, dt.date(2022, 1, 1), YEAR_END, agreement=cls.agreement
        )
        cls.est_data = event_dataset(
            cls.kommun, cls.kommun, YEAR_START, YEAR_END, agreement=cls.agreement, kind="est"
        )
        cls.picture = services.start_picture(
            cls.agreement,
            cls.kommun,
            cls.kommun,
            YEAR_START,
            YEAR_END,
            "Lägesbild 2025",
            cls.coordinator,
        )

    def url(self, name: str, *args: object) -> str:
        return reverse(f"situation:{name}", args=[self.picture.pk, *args])


class OverviewFiguresTest(WorkspaceTestCase):
    def test_counts_by_category_equal_a_plain_count_of_the_period(self) -> None:
        figures = services.figures(self.picture)
        low, high = overview._bounds(YEAR_START, YEAR_END)
        plain = (
            Event.objects.filter(
                dataset=self.police_data, occurred_at__gte=low, occurred_at__lt=high
            )
            .annotate(main=Coalesce("category__parent__code", "category__code"))
            .values("main")
            .annotate(n=Count("id"))
        )
        expected = {row["main"]: row["n"] for row in plain}
        shown = {row["code"]: row["count"] for row in figures["categories"]["rows"]}
        self.assertEqual(shown, expected)
        self.assertEqual(figures["categories"]["total"], sum(expected.values()))

    def test_rates_are_per_100000_inhabitants_with_an_interval(self) -> None:
        row = services.figures(self.picture)["categories"]["rows"][0]
        self.assertAlmostEqual(row["kommun"]["rate"], row["count"] / 27000 * 100000, delta=1)
        self.assertLess(row["kommun"]["lower"], row["kommun"]["rate"])
        self.assertGreater(row["kommun"]["upper"], row["kommun"]["rate"])

    def test_a_kommun_only_source_is_not_compared_with_the_county_and_nation(self) -> None:
        table = services.figures(self.picture)["categories"]
        self.assertEqual(table["nation_kommuner"], 0)
        self.assertNotIn("nation", table["rows"][0])

    def test_the_county_and_nation_come_only_from_sources_that_cover_them(self) -> None:
        # A public national source: a year of events in this kommun and in another.
        national = event_dataset(self.other_lpo, self.other_kommun, YEAR_START, YEAR_END, seed=4)
        Dataset.objects.filter(pk=national.pk).update(
            visibility=Visibility.PUBLIC, published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        )
        own = event_dataset(self.lpo, self.kommun, YEAR_START, YEAR_END, seed=5)
        Event.objects.filter(dataset=own).update(dataset=national)
        self.picture.source_choices.create(dataset=national, included=True)
        self.other_kommun.population = 8500
        self.other_kommun.save()
        table = services.figures(self.picture)["categories"]
        self.assertEqual(table["nation_kommuner"], 2)
        self.assertEqual(table["reference_sources"], [national.title])
        low, high = overview._bounds(YEAR_START, YEAR_END)
        in_national = Event.objects.filter(
            dataset=national, occurred_at__gte=low, occurred_at__lt=high
        )
        person = next(row for row in table["rows"] if row["code"] == "person")
        own_count = in_national.filter(kommun=self.kommun, category__parent__code="person").count()
        all_count = in_national.filter(category__parent__code="person").count()
        self.assertAlmostEqual(person["comparable"]["rate"], own_count / 27000 * 1e5, delta=1)
        self.assertAlmostEqual(person["nation"]["rate"], all_count / 35500 * 1e5, delta=1)
        # The kommun's own count still holds every chosen source.
        self.assertGreater(person["count"], own_count)

    def test_a_change_within_chance_says_so(self) -> None:
        rows = services.figures(self.picture)["categories"]["rows"]
        for row in rows:
            change = row["change"]
            if change["lower"] is not None and change["lower"] <= 1 <= change["upper"]:
                self.assertEqual(change["verdict"], "ingen säker förändring")

    def test_a_main_category_filter_shows_its_subcategories(self) -> None:
        figures = services.figures(
            self.picture, overview.Filters(YEAR_START, YEAR_END, category="theft")
        )
        codes = {row["code"] for row in figures["categories"]["rows"]}
        self.assertTrue(codes)
        self.assertTrue(all(code.startswith("theft.") for code in codes))

    def test_est_reports_are_counted_apart_from_police_events(self) -> None:
        figures = services.figures(self.picture)
        self.assertEqual(
            figures["est"]["total"], Event.objects.filter(dataset=self.est_data).count()
        )

    def test_the_map_shows_only_events_with_a_real_position(self) -> None:
        Event.objects.filter(
            dataset=self.police_data,
            pk__in=Event.objects.filter(dataset=self.police_data).values("pk")[:50],
        ).update(place_precision="kommun")
        figures = services.figures(self.picture)
        self.assertGreater(figures["map"]["without_position"], 0)
        self.assertEqual(
            figures["map"]["events"] + figures["map"]["without_position"],
            figures["categories"]["total"] + figures["categories"]["unmapped"],
        )
        self.assertGreater(figures["map"]["hot_cells"], 0)

    def test_the_busiest_places_are_named_by_the_sub_area_around_them(self) -> None:
        top_first = services.figures(self.picture)["map"]["top"][0]
        from samverka.lib.geo import sweref99tm_to_wgs84

        lat, lon = sweref99tm_to_wgs84(top_first["north"], top_first["east"])
        SubArea.objects.create(
            kommun=self.kommun,
            name="Centrum",
            geometry={
                "type": "Polygon",
                "coordinates": [
                    [
                        [lon - 0.01, lat - 0.01],
                        [lon + 0.01, lat - 0.01],
                        [lon + 0.01, lat + 0.01],
                        [lon - 0.01, lat + 0.01],
                        [lon - 0.01, lat - 0.01],
                    ]
                ],
            },
        )
        figures = services.figures(self.picture)
        top = figures["map"]["top"]
        self.assertEqual(top[0]["area"], "Centrum")
        counts = [row["count"] for row in top]
        self.assertEqual(counts, sorted(counts, reverse=True))
        self.assertEqual(top[0]["count"], max(cell[2] for cell in figures["map"]["cells"]))
        self.assertAlmostEqual(top[0]["share"], top[0]["count"] / figures["map"]["events"])

    def test_the_density_map_has_five_levels_where_events_gather(self) -> None:
        density = services.figures(self.picture)["map"]["density"]
        self.assertEqual({level for _, _, level in density}, {1, 2, 3, 4, 5})

    def test_a_sub_area_keeps_only_events_inside_its_boundary(self) -> None:
        event = Event.objects.filter(dataset=self.police_data, occurred_at__year=2025).first()
        assert event is not None and event.latitude is not None and event.longitude is not None
        lat, lon = event.latitude, event.longitude
        area = SubArea.objects.create(
            kommun=self.kommun,
            name="Testområde",
            geometry={
                "type": "Polygon",
                "coordinates": [
                    [
                        [lon - 0.002, lat - 0.001],
                        [lon + 0.002, lat - 0.001],
                        [lon + 0.002, lat + 0.001],
                        [lon - 0.002, lat + 0.001],
                        [lon - 0.002, lat - 0.001],
                    ]
                ],
            },
        )
        figures = services.figures(
            self.picture, overview.Filters(YEAR_START, YEAR_END, sub_area=area.pk)
        )
        low, high = overview._bounds(YEAR_START, YEAR_END)
        inside = Event.objects.filter(
            dataset=self.police_data,
            occurred_at__gte=low,
            occurred_at__lt=high,
            latitude__gt=lat - 0.001,
            latitude__lt=lat + 0.001,
            longitude__gt=lon - 0.002,
            longitude__lt=lon + 0.002,
        ).count()
        self.assertEqual(figures["categories"]["total"] + figures["categories"]["unmapped"], inside)
        self.assertEqual(figures["sub_area_name"], "Testområde")

    def test_monthly_control_limits_come_from_the_earlier_years(self) -> None:
        months = services.figures(self.picture)["months"]
        self.assertEqual(len(months["labels"]), 12)
        self.assertEqual(months["baseline_months"], 36)
        self.assertEqual(len(months["upper"]), 12)

    def test_a_withdrawn_source_drops_out(self) -> None:
        Dataset.objects.filter(pk=self.police_data.pk).update(withdrawn_at=dt.datetime.now(dt.UTC))
        figures = services.figures(self.picture)
        self.assertEqual(figures["categories"]["rows"], [])


class SourcesTest(WorkspaceTestCase):
    def test_every_shared_source_about_the_kommun_is_used_at_first(self) -> None:
        self.assertEqual(
            set(services.used_dataset_ids(self.picture)), {self.police_data.pk, self.est_data.pk}
        )

    def test_an_internal_dataset_cannot_be_a_source(self) -> None:
        internal = event_dataset(
            self.lpo,
            self.kommun,
            YEAR_START,
            YEAR_END,
            agreement=self.agreement,
            visibility=Visibility.INTERNAL,
            seed=3,
        )
        self.assertNotIn(internal, services.eligible_datasets(self.picture))

    def test_leaving_a_source_out_needs_a_reason(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            self.url("sources"), {f"use-{self.police_data.pk}": "on"}, follow=True
        )
        self.assertContains(response, "Ange varför")
        self.assertTrue(
            SourceChoice.objects.get(picture=self.picture, dataset=self.est_data).included
        )
        self.client.post(
            self.url("sources"),
            {
                f"use-{self.police_data.pk}": "on",
                f"reason-{self.est_data.pk}": "EST-rapporterna granskas i nästa version",
                "other_name": "Skolans trivselenkät",
                "other_reason": "Genomfördes inte 2025",
            },
        )
        self.assertEqual(services.used_dataset_ids(self.picture), [self.police_data.pk])
        left_out = SourceChoice.objects.filter(picture=self.picture, included=False)
        self.assertEqual(
            {(str(c), c.reason) for c in left_out},
            {
                (str(self.est_data), "EST-rapporterna granskas i nästa version"),
                ("Skolans trivselenkät", "Genomfördes inte 2025"),
            },
        )
        response = self.client.get(self.url("detail"))
        self.assertContains(response, "Genomfördes inte 2025")
        other = SourceChoice.objects.get(picture=self.picture, name="Skolans trivselenkät")
        self.client.post(self.url("other_source_delete", other.pk))
        self.assertFalse(SourceChoice.objects.filter(pk=other.pk).exists())
        # A dataset's choice is not removed this way.
        dataset_choice = SourceChoice.objects.get(picture=self.picture, dataset=self.est_data)
        self.assertEqual(
            self.client.post(self.url("other_source_delete", dataset_choice.pk)).status_code, 404
        )

    def test_a_viewer_cannot_change_the_sources(self) -> None:
        self.assert_statuses(
            "post",
            self.url("sources"),
            {
                "coordinator": 302,
                "police": 302,
                "viewer": 403,
                "reporter": 404,
                "outsider": 404,
                "admin": 404,
                "anonymous": 302,
            },
        )
        # Nothing was used and no reason given: refused for those who may edit, too.
        self.assertEqual(len(services.used_dataset_ids(self.picture)), 2)


class PersonaAccessTest(WorkspaceTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.summary = QualitativeInput.objects.create(
            picture=cls.picture,
            owner=cls.lpo,
            agreement=cls.agreement,
            visibility=Visibility.INTERNAL,
            kind=InputKind.POLICE_SUMMARY,
            title="Underrättelsebild hösten",
            text="Narkotikaförsäljningen har flyttat till hamnområdet.",
        )

    def test_the_draft_is_read_by_the_parties_only(self) -> None:
        self.assert_statuses(
            "get",
            self.url("detail"),
            {
                "coordinator": 200,
                "police": 200,
                "viewer": 200,
                "reporter": 404,
                "outsider": 404,
                "admin": 404,
                "anonymous": 302,
            },
        )

    def test_a_member_of_another_kommun_sees_nothing_of_the_draft(self) -> None:
        self.login_as("outsider")
        self.assertNotContains(self.client.get(reverse("situation:list")), "Lägesbild 2025")
        for name in ("pdf", "docx", "compare"):
            self.assertEqual(self.client.get(self.url(name)).status_code, 404)

    def test_the_police_summary_marked_internal_is_invisible_to_the_kommun(self) -> None:
        self.login_as("coordinator")
        response = self.client.get(self.url("detail"))
        self.assertNotContains(response, "Underrättelsebild hösten")
        self.assertNotContains(response, "hamnområdet")
        self.assertNotIn("hamnområdet", pdf_text(self.client.get(self.url("pdf")).content))
        self.assertEqual(self.client.get(self.url("input_edit", self.summary.pk)).status_code, 404)
        self.login_as("police")
        response = self.client.get(self.url("detail"))
        self.assertContains(response, "Underrättelsebild hösten")
        self.assertContains(response, "hamnområdet")

    def test_the_comparison_does_not_name_the_polices_internal_section(self) -> None:
        services.adopt(self.picture, dt.date(2026, 2, 10), "§4", self.coordinator)
        draft = services.new_version(self.picture, self.coordinator)
        QualitativeInput.objects.create(
            picture=draft,
            owner=self.lpo,
            agreement=self.agreement,
            visibility=Visibility.INTERNAL,
            kind=InputKind.POLICE_SUMMARY,
            title="Ny underrättelsebild våren",
            text="Försäljningen har flyttat igen.",
        )
        url = reverse("situation:compare", args=[draft.pk])
        for persona in ("coordinator", "viewer"):
            self.login_as(persona)
            self.assertNotContains(self.client.get(url), "Ny underrättelsebild våren")
        self.login_as("police")
        self.assertContains(self.client.get(url), "Tillagt avsnitt: Ny underrättelsebild våren")

    def test_the_police_may_share_its_summary(self) -> None:
        self.login_as("police")
        response = self.client.post(
            self.url("input_edit", self.summary.pk),
            {
                "kind": InputKind.POLICE_SUMMARY,
                "title": "Underrättelsebild hösten",
                "text": "Narkotikaförsäljningen har flyttat till hamnområdet.",
                "visibility": Visibility.SHARED,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.login_as("coordinator")
        self.assertContains(self.client.get(self.url("detail")), "hamnområdet")

    def test_a_section_new_from_the_police_is_owned_by_the_police(self) -> None:
        self.login_as("police")
        self.client.post(
            self.url("input_add"),
            {
                "kind": InputKind.EMPLOYEE_DIALOGUE,
                "title": "Dialog med närpolisen",
                "text": "Oro kring skolgården kvällstid.",
                "visibility": Visibility.SHARED,
            },
        )
        item = QualitativeInput.objects.get(title="Dialog med närpolisen")
        self.assertEqual(item.owner, self.lpo)
        self.assertEqual(item.visibility, Visibility.SHARED)

    def test_personal_data_in_a_section_is_refused(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            self.url("input_add"),
            {
                "kind": InputKind.CITIZEN_DIALOGUE,
                "title": "Medborgardialog",
                "text": "Ring 070-123 45 67 om du vet mer.",
                "visibility": Visibility.SHARED,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "telefonnummer")
        self.assertFalse(QualitativeInput.objects.filter(title="Medborgardialog").exists())

    def test_only_a_coordinator_adopts(self) -> None:
        data = {"adopted_on": "2026-02-10", "decision_reference": "Styrgruppen 2026-02-10 §4"}
        self.login_as("viewer")
        self.assertEqual(self.client.post(self.url("adopt"), data).status_code, 403)
        self.login_as("police")
        self.assertEqual(self.client.post(self.url("adopt"), data).status_code, 403)
        self.picture.refresh_from_db()
        self.assertEqual(self.picture.status, PictureStatus.DRAFT)

    def test_the_list_start_and_create_pages(self) -> None:
        self.assert_statuses(
            "get",
            reverse("situation:list"),
            {
                "coordinator": 200,
                "police": 200,
                "viewer": 200,
                "reporter": 200,
                "outsider": 200,
                "admin": 200,
                "anonymous": 302,
            },
        )
        self.assert_statuses(
            "get",
            reverse("situation:create"),
            {
                "coordinator": 200,
                "police": 200,
                "viewer": 403,
                "reporter": 403,
                "outsider": 200,  # for the agreement of its own kommun
                "admin": 403,
                "anonymous": 302,
            },
        )


class ProblemsAndPinningTest(WorkspaceTestCase):
    def test_pinning_a_filtered_figure_creates_a_problem_with_its_numbers(self) -> None:
        self.login_as("police")
        response = self.client.post(
            self.url("pin"),
            {
                "figure": "categories",
                "new_problem": "Bostadsinbrott under mörka månader",
                "start": "2025-01-01",
                "end": "2025-12-31",
                "category": "theft",
                "sub_area": "",
            },
        )
        problem = Problem.objects.get(title="Bostadsinbrott under mörka månader")
        self.assertRedirects(
            response, self.url("detail") + f"#problem-{problem.pk}", fetch_redirect_response=False
        )
        evidence = Evidence.objects.get(problem=problem)
        self.assertEqual(evidence.filters["category"], "theft")
        shown = services.figures(
            self.picture, overview.Filters(YEAR_START, YEAR_END, category="theft")
        )["categories"]
        self.assertEqual(evidence.data["categories"], shown)
        self.assertEqual(evidence.pinned_by, self.police)

    def test_pinned_numbers_stay_when_new_data_arrives(self) -> None:
        problem = Problem.objects.create(picture=self.picture, title="Skadegörelse")
        evidence = services.pin(
            self.picture,
            problem,
            "categories",
            overview.Filters(YEAR_START, YEAR_END),
            self.coordinator,
        )
        before = evidence.data["categories"]["total"]
        event_dataset(self.lpo, self.kommun, YEAR_START, YEAR_END, agreement=self.agreement, seed=9)
        SourceChoice.objects.filter(picture=self.picture).update(included=True)
        self.picture.source_choices.create(
            dataset=Dataset.objects.get(title__endswith="(9)"), included=True
        )
        evidence.refresh_from_db()
        self.assertEqual(evidence.data["categories"]["total"], before)

    def test_problems_are_ranked_and_linked_to_priority_areas(self) -> None:
        area = PriorityArea.objects.create(agreement=self.agreement, title="Trygg stadskärna")
        self.login_as("coordinator")
        response = self.client.post(
            self.url("problem_add"),
            {
                "title": "Otrygghet i centrum kvällstid",
                "description": "",
                "frequency": "2",
                "trend": "3",
                "signal": "3",
                "harm": "1",
                "concentration": "3",
                "offender": "Grupper av unga från andra stadsdelar",
                "place": "Dålig belysning vid busstationen",
                "target": "Förbipasserande",
                "why_here_now": "Nattbussarna slutar vid 01",
                "priority_areas": [str(area.pk)],
            },
        )
        self.assertEqual(response.status_code, 302)
        problem = Problem.objects.get(title="Otrygghet i centrum kvällstid")
        self.assertEqual(problem.score, 12)
        self.assertEqual(list(problem.priority_areas.all()), [area])
        page = self.client.get(self.url("detail"))
        self.assertContains(page, "12 av 15")
        self.assertContains(page, "Dålig belysning vid busstationen")


class AdoptionTest(WorkspaceTestCase):
    def adopt(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            self.url("adopt"),
            {"adopted_on": "2026-02-10", "decision_reference": "Styrgruppen 2026-02-10 §4"},
        )
        self.assertEqual(response.status_code, 302)
        self.picture.refresh_from_db()

    def test_the_pdf_is_the_same_before_and_after_new_data_for_its_period(self) -> None:
        problem = Problem.objects.create(picture=self.picture, title="Bostadsinbrott")
        services.pin(
            self.picture,
            problem,
            "months",
            overview.Filters(YEAR_START, YEAR_END),
            self.coordinator,
        )
        self.adopt()
        before = pdf_text(self.client.get(self.url("pdf")).content)
        total = self.picture.snapshot["overview"]["categories"]["total"]
        self.assertIn(f"{total:,}".replace(",", "\u00a0"), before)
        # More events for 2025 arrive in the dataset the picture is built on.
        more = event_dataset(self.lpo, self.kommun, YEAR_START, YEAR_END, seed=5)
        Event.objects.filter(dataset=more).update(dataset=self.police_data)
        self.police_data.save()  # as an import into it does: the figures' sources changed
        self.assertNotEqual(
            services.live_figures(self.picture, overview.Filters(YEAR_START, YEAR_END))[
                "categories"
            ]["total"],
            total,
        )
        after = pdf_text(self.client.get(self.url("pdf")).content)
        self.assertEqual(before, after)
        self.assertIn("Fastställd", after)

    def test_an_adopted_picture_cannot_change(self) -> None:
        self.adopt()
        self.assertEqual(self.picture.status, PictureStatus.ADOPTED)
        response = self.client.post(self.url("problem_add"), {"title": "Nytt"}, follow=True)
        self.assertContains(response, "fastställd")
        self.assertFalse(Problem.objects.filter(title="Nytt").exists())
        page = self.client.get(self.url("detail"))
        self.assertContains(page, "Styrgruppen 2026-02-10 §4")
        self.assertNotContains(page, 'name="figure"')

    def test_adoption_needs_a_decision_reference(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            self.url("adopt"), {"adopted_on": "2026-02-10", "decision_reference": ""}, follow=True
        )
        self.assertContains(response, "Beslutsreferens")
        self.picture.refresh_from_db()
        self.assertEqual(self.picture.status, PictureStatus.DRAFT)

    def test_a_new_version_starts_from_the_adopted_one_and_can_be_compared(self) -> None:
        Problem.objects.create(picture=self.picture, title="Bostadsinbrott")
        self.adopt()
        response = self.client.post(self.url("new_version"))
        draft = SituationPicture.objects.get(previous=self.picture)
        self.assertRedirects(response, draft.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(draft.version, 2)
        self.assertEqual(draft.status, PictureStatus.DRAFT)
        self.assertEqual([p.title for p in draft.problems.all()], ["Bostadsinbrott"])
        Problem.objects.create(picture=draft, title="Klotter vid skolor")
        more = event_dataset(self.lpo, self.kommun, YEAR_START, YEAR_END, seed=6)
        Event.objects.filter(dataset=more).update(dataset=self.police_data)
        page = self.client.get(reverse("situation:compare", args=[draft.pk]))
        self.assertContains(page, "Tillagt: Klotter vid skolor")
        frozen = {
            row["label_sv"]: row["count"]
            for row in self.picture.snapshot["overview"]["categories"]["rows"]
        }
        changed = page.context["changes"]["numbers"]
        self.assertTrue(changed)
        for row in changed:
            self.assertEqual(row["old"], frozen.get(row["label_sv"]))
            self.assertGreater(row["new"], row["old"] or 0)

    def test_the_public_sees_only_a_published_summary(self) -> None:
        self.adopt()
        self.client.logout()
        self.assertEqual(self.client.get(self.url("detail")).status_code, 302)
        self.login_as("coordinator")
        response = self.client.post(
            self.url("publish"),
            {
                "text": "Bostadsinbrotten minskar, klottret ökar.",
                "figures": ["categories", "map"],
            },
        )
        summary = PublishedSummary.objects.get(picture=self.picture)
        self.assertRedirects(response, summary.get_absolute_url(), fetch_redirect_response=False)
        self.client.logout()
        index = self.client.get(reverse("situation:public_list"))
        self.assertContains(index, summary.get_absolute_url())
        page = self.client.get(summary.get_absolute_url())
        self.assertContains(page, "Bostadsinbrotten minskar")
        self.assertNotContains(page, 'name="figure"')
        cells = summary.figures["map"]["cells"]
        self.assertTrue(cells)
        self.assertTrue(all(count >= overview.PUBLIC_MIN_CELL_COUNT for _, _, count, _ in cells))
        self.assertGreater(summary.figures["map"]["suppressed_cells"], 0)
        self.assertEqual(self.client.get(self.url("detail")).status_code, 302)
        self.assertEqual(self.client.get(self.url("pdf")).status_code, 302)

    def test_an_unpublished_summary_is_not_found(self) -> None:
        summary = PublishedSummary.objects.create(
            picture=self.picture,
            owner=self.kommun,
            agreement=self.agreement,
            visibility=Visibility.SHARED,
            text="Utkast",
        )
        self.assert_statuses(
            "get",
            reverse("situation:public", args=[summary.pk]),
            dict.fromkeys(PERSONAS, 404),
        )
        self.assertNotContains(
            self.client.get(reverse("situation:public_list")), summary.get_absolute_url()
        )


class DocumentsTest(WorkspaceTestCase):
    def test_the_docx_holds_the_same_category_counts_as_the_page(self) -> None:
        import docx

        self.login_as("coordinator")
        response = self.client.get(self.url("docx"))
        self.assertEqual(response.status_code, 200)
        document = docx.Document(io.BytesIO(response.content))
        table = document.tables[0]
        counts = {row.cells[0].text: row.cells[1].text for row in table.rows[1:]}
        figures = services.figures(self.picture)
        self.assertEqual(
            counts,
            {row["label_sv"]: str(row["count"]) for row in figures["categories"]["rows"]},
        )
        # The page's charts, drawn as pictures: categories, months, weekday × hour, map.
        self.assertEqual(len(document.inline_shapes), 4)

    def test_the_docx_shows_each_pinned_figure_under_its_problem(self) -> None:
        import docx

        problem = Problem.objects.create(picture=self.picture, title="Stölder i centrum")
        evidence = services.pin(
            self.picture,
            problem,
            "months",
            overview.Filters(YEAR_START, YEAR_END, category="theft"),
            self.coordinator,
            note="Toppen i juli",
        )
        self.login_as("coordinator")
        document = docx.Document(io.BytesIO(self.client.get(self.url("docx")).content))
        headings = [(p.style.name, p.text) for p in document.paragraphs if p.text]
        problem_at = headings.index(("Heading 2", "Stölder i centrum"))
        after = headings[problem_at + 1 :]
        self.assertIn(("Heading 3", "Belägg: Händelser per månad"), after)
        self.assertIn(("Heading 4", "Händelser per månad"), after)
        self.assertIn(("Normal", "Toppen i juli"), after)
        # Its table holds the pinned numbers (theft only), not the whole overview's.
        pinned = evidence.data["months"]["observed"]
        tables = [
            [row.cells[1].text for row in table.rows[1:]]
            for table in document.tables
            if table.rows[0].cells[0].text == "Månad"
        ]
        self.assertEqual(tables[-1], [str(n) for n in pinned])
        self.assertNotEqual(tables[0], tables[-1])
        self.assertEqual(len(document.inline_shapes), 5)  # the page's four and the pinned one

    def test_the_pdf_has_sources_overview_and_problems(self) -> None:
        Problem.objects.create(
            picture=self.picture, title="Klotter i centrum", place="Mörkt vid busstationen"
        )
        self.login_as("coordinator")
        response = self.client.get(self.url("pdf"))
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = pdf_text(response.content)
        for expected in (
            "Lägesbild 2025",
            "Källor",
            "Anmälda händelser per kategori",
            "Klotter i centrum",
            "busstationen",
            "Utkast",
        ):
            self.assertIn(expected, text)


class CreateTest(WorkspaceTestCase):
    def test_a_coordinator_starts_a_picture_for_a_party_kommun(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            reverse("situation:create"),
            {
                "agreement": self.agreement.pk,
                "kommun": self.kommun.pk,
                "title": "Lägesbild 2024",
                "period_start": "2024-01-01",
                "period_end": "2024-12-31",
            },
        )
        picture = SituationPicture.objects.get(title="Lägesbild 2024")
        self.assertRedirects(response, picture.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(picture.owner, self.kommun)
        self.assertEqual(picture.visibility, Visibility.SHARED)

    def test_a_kommun_that_is_not_a_party_is_refused(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            reverse("situation:create"),
            {
                "agreement": self.agreement.pk,
                "kommun": self.other_kommun.pk,
                "title": "Fel kommun",
                "period_start": "2024-01-01",
                "period_end": "2023-12-31",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Välj ett giltigt alternativ")
        self.assertContains(response, "slutar innan den börjar")
        self.assertFalse(SituationPicture.objects.filter(title="Fel kommun").exists())


class QueryCountTest(WorkspaceTestCase):
    def test_the_workspace_runs_a_fixed_number_of_queries(self) -> None:
        Problem.objects.create(picture=self.picture, title="Ett problem")
        self.login_as("coordinator")
        self.client.get(self.url("detail"))  # warm the figures' cache
        with self.assertNumQueries(QUERIES):
            response = self.client.get(self.url("detail"))
        self.assertEqual(response.status_code, 200)


QUERIES = 19  # two for the sources' coverage strips (the datasets, the data version); one
# for the steering group's decisions the adoption may name


class HonestFiguresTest(WorkspaceTestCase):
    def test_no_change_is_claimed_when_a_source_begins_inside_the_period_before(self) -> None:
        # The police dataset starts in 2022: a picture of 2022 has nothing to compare with.
        early = services.start_picture(
            self.agreement,
            self.kommun,
            self.kommun,
            dt.date(2022, 1, 1),
            dt.date(2022, 12, 31),
            "Lägesbild 2022",
            self.coordinator,
        )
        figures = services.figures(early)
        self.assertFalse(figures["previous"]["covered"])
        self.assertTrue(all("change" not in row for row in figures["categories"]["rows"]))
        self.assertEqual(figures["months"]["baseline_months"], 0)
        self.login_as("coordinator")
        self.assertContains(self.client.get(early.get_absolute_url()), "Ingen jämförelse")
        # 2025 has whole earlier years in every source.
        self.assertTrue(services.figures(self.picture)["previous"]["covered"])

    def test_control_limits_start_with_the_first_whole_month_of_data(self) -> None:
        later = services.start_picture(
            self.agreement,
            self.kommun,
            self.kommun,
            dt.date(2024, 1, 1),
            dt.date(2024, 12, 31),
            "Lägesbild 2024",
            self.coordinator,
        )
        self.assertEqual(services.figures(later)["months"]["baseline_months"], 24)

    def test_a_sub_area_shows_counts_not_rates_of_the_whole_kommun(self) -> None:
        area = SubArea.objects.create(
            kommun=self.kommun,
            name="Hela stan",
            geometry={
                "type": "Polygon",
                "coordinates": [
                    [[16.0, 57.0], [17.0, 57.0], [17.0, 57.6], [16.0, 57.6], [16.0, 57.0]]
                ],
            },
        )
        table = services.figures(
            self.picture, overview.Filters(YEAR_START, YEAR_END, sub_area=area.pk)
        )["categories"]
        self.assertGreater(table["total"], 0)
        self.assertEqual(table["population"], 0)
        self.assertTrue(all("kommun" not in row for row in table["rows"]))

    def test_a_reason_with_personal_data_is_refused(self) -> None:
        self.login_as("coordinator")
        response = self.client.post(
            self.url("sources"),
            {
                f"use-{self.police_data.pk}": "on",
                f"reason-{self.est_data.pk}": "Fråga Anna på 070-123 45 67",
            },
            follow=True,
        )
        self.assertContains(response, "telefonnummer")
        self.assertTrue(
            SourceChoice.objects.get(picture=self.picture, dataset=self.est_data).included
        )

    def test_adoption_before_the_period_or_in_the_future_is_refused(self) -> None:
        self.login_as("coordinator")
        for day in ("2024-06-01", "2099-01-01"):
            self.client.post(self.url("adopt"), {"adopted_on": day, "decision_reference": "§4"})
            self.picture.refresh_from_db()
            self.assertEqual(self.picture.status, PictureStatus.DRAFT)

    def test_the_adopted_source_list_does_not_change_with_the_datasets(self) -> None:
        services.adopt(self.picture, dt.date(2026, 2, 10), "§4", self.coordinator)
        title = self.police_data.title
        Dataset.objects.filter(pk=self.police_data.pk).update(title="Omdöpt efteråt")
        names = [s["name"] for s in services.source_list(self.picture, self.coordinator)]
        self.assertIn(title, names)
        self.assertNotIn("Omdöpt efteråt", names)

    def test_versions_are_those_of_the_same_period(self) -> None:
        other_year = services.start_picture(
            self.agreement,
            self.kommun,
            self.kommun,
            dt.date(2024, 1, 1),
            dt.date(2024, 12, 31),
            "Lägesbild 2024",
            self.coordinator,
        )
        self.assertEqual(list(services.versions_of(self.picture)), [self.picture])
        self.login_as("coordinator")
        response = self.client.get(self.url("compare") + f"?med={other_year.pk}")
        self.assertEqual(response.status_code, 404)

    def test_compare_names_problems_whose_causes_changed(self) -> None:
        Problem.objects.create(picture=self.picture, title="Klotter", place="Tunnlar")
        services.adopt(self.picture, dt.date(2026, 2, 10), "§4", self.coordinator)
        draft = services.new_version(self.picture, self.coordinator)
        draft.problems.filter(title="Klotter").update(place="Tunnlar och busskurer")
        changes = services.compare(self.picture, draft, self.coordinator)
        self.assertEqual(changes["problems_changed"], ["Klotter"])
        self.assertEqual(changes["problems_added"], [])

    def test_the_coordinator_chooses_what_is_published(self) -> None:
        services.adopt(self.picture, dt.date(2026, 2, 10), "§4", self.coordinator)
        summary = services.publish_summary(
            self.picture, "Kort sammanfattning", self.coordinator, ["categories"]
        )
        self.assertIn("categories", summary.figures)
        self.assertNotIn("map", summary.figures)
        self.assertNotIn("months", summary.figures)


class WriteDenialTest(WorkspaceTestCase):
    """Every changing view of the workspace refuses those who may only read, and hides the
    picture from those outside the agreement; nothing is changed by either."""

    def test_readers_and_outsiders_change_nothing(self) -> None:
        problem = Problem.objects.create(picture=self.picture, title="Orört")
        evidence = services.pin(
            self.picture,
            problem,
            "months",
            overview.Filters(YEAR_START, YEAR_END),
            self.coordinator,
        )
        other = SourceChoice.objects.create(
            picture=self.picture, name="Skolenkät", included=False, reason="Ej gjord"
        )
        posts = {
            "summary": ({"summary": "Ändrad"},),
            "input_add": ({"kind": "other", "title": "T", "text": "x", "visibility": "shared"},),
            "problem_add": ({"title": "Nytt"},),
            "problem_delete": ({}, problem.pk),
            "evidence_delete": ({}, evidence.pk),
            "other_source_delete": ({}, other.pk),
            "pin": (
                {
                    "figure": "months",
                    "new_problem": "X",
                    "start": "2025-01-01",
                    "end": "2025-12-31",
                },
            ),
            "new_version": ({},),
            "adopt": ({"adopted_on": "2026-02-10", "decision_reference": "§1"},),
            "publish": ({"text": "Offentligt"},),
        }
        for name, (data, *args) in posts.items():
            with self.subTest(view=name):
                for persona, status in (("viewer", 403), ("outsider", 404)):
                    self.login_as(persona)
                    self.assertEqual(
                        self.client.post(self.url(name, *args), data).status_code, status
                    )
        self.picture.refresh_from_db()
        self.assertEqual((self.picture.summary, self.picture.status), ("", PictureStatus.DRAFT))
        self.assertEqual(list(self.picture.problems.values_list("title", flat=True)), ["Orört"])
        self.assertTrue(Evidence.objects.filter(pk=evidence.pk).exists())
        self.assertTrue(SourceChoice.objects.filter(pk=other.pk).exists())
        self.assertEqual(SituationPicture.objects.count(), 1)
        self.assertFalse(QualitativeInput.objects.exists())
        self.assertFalse(PublishedSummary.objects.exists())


class CachedSourcesTest(WorkspaceTestCase):
    """Which datasets a picture may use is cached (issue 12, point 7): a dataset made
    internal leaves the list at the next view, and its figures with it."""

    def test_a_dataset_made_internal_leaves_the_sources_at_once(self) -> None:
        self.login_as("coordinator")
        response = self.client.get(self.url("detail"))
        self.assertContains(response, self.police_data.title)
        self.assertIn(self.police_data.pk, services.used_dataset_ids(self.picture))
        self.police_data.visibility = Visibility.INTERNAL
        self.police_data.save()  # as the administration saves it
        response = self.client.get(self.url("detail"))
        self.assertNotContains(response, self.police_data.title)
        self.assertNotIn(self.police_data.pk, services.used_dataset_ids(self.picture))
