"""Cached figures are never stale (issue 13, point 6): the overview is cached with the
real cache, and every write of one of its inputs that is not a dataset's own save — a
re-categorised source type, an imported population — is read at once, on the page and
in pinned evidence."""

from __future__ import annotations

import re
from typing import Any

from django.core.cache import cache
from django.db.models import Count

from samverka.situation import overview, services
from samverka.situation.models import Evidence, Problem
from samverka.situation.tests.test_workspace import YEAR_END, YEAR_START, WorkspaceTestCase
from samverka.sources import services as sources
from samverka.sources.models import Event
from samverka.taxonomy.models import Category


class FreshFiguresTest(WorkspaceTestCase):
    filters = overview.Filters(YEAR_START, YEAR_END)

    def fresh(self) -> dict[str, Any]:
        """The overview computed now, past every cache."""
        return overview.build(self.kommun, services.used_dataset_ids(self.picture), self.filters)

    def remap(self) -> tuple[str, str]:
        """Re-categorise the police's most common type of 2025 into another category (the
        lpo's own mapping, as its coordinator would); returns (type, new category code)."""
        common = (
            Event.objects.filter(dataset=self.police_data, occurred_at__year=2025)
            .values("source_type", "category__code")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        assert common is not None
        group = common["category__code"].split(".")[0]  # the overview's rows are main groups
        target = (
            Category.objects.current()
            .filter(parent__isnull=True)
            .exclude(code=group)
            .order_by("code")
            .first()
        )
        assert target is not None
        changed = sources.map_type(
            self.police_data.kind, common["source_type"], target, None, owner=self.lpo
        )
        self.assertGreater(changed, 0)
        return common["source_type"], target.code

    @staticmethod
    def counts(figures: dict[str, Any]) -> dict[str, int]:
        return {row["code"]: row["count"] for row in figures["categories"]["rows"]}

    def test_a_remapped_type_is_read_at_once_by_the_overview_and_the_page(self) -> None:
        self.login_as("coordinator")
        self.assertEqual(self.client.get(self.url("detail")).status_code, 200)  # cached
        before = services.live_figures(self.picture, self.filters)
        _type, code = self.remap()
        after = services.live_figures(self.picture, self.filters)
        self.assertGreater(self.counts(after)[code], self.counts(before).get(code, 0))
        self.assertEqual(after, self.fresh())
        self.assertEqual(self.client.get(self.url("detail")).context["figures"], after)

    def test_an_imported_population_changes_the_rates_at_once(self) -> None:
        before = services.live_figures(self.picture, self.filters)
        inhabitants = before["categories"]["population"] * 2 + 1000
        sources.import_population(
            f"kommunkod;folkmängd\n{self.kommun.municipality_code};{inhabitants}\n".encode(),
            file_name="folkmangd-2025.csv",
            owner=self.kommun,
            year=2025,
        )
        after = services.live_figures(self.picture, self.filters)
        self.assertEqual(after["categories"]["population"], inhabitants)
        self.assertNotEqual(after["categories"]["rows"], before["categories"]["rows"])
        self.assertEqual(after, self.fresh())

    def test_evidence_pinned_after_a_remap_keeps_the_fresh_numbers(self) -> None:
        problem = Problem.objects.create(picture=self.picture, title="Stölder")
        services.live_figures(self.picture, self.filters)  # the old figures, cached
        self.remap()
        evidence = services.pin(self.picture, problem, "categories", self.filters, self.coordinator)
        evidence = Evidence.objects.get(pk=evidence.pk)
        self.assertEqual(evidence.data["categories"], self.fresh()["categories"])

    def test_withdrawing_a_population_restores_the_rates_at_once(self) -> None:
        before = services.live_figures(self.picture, self.filters)
        result = sources.import_population(
            f"kommunkod;folkmängd\n{self.kommun.municipality_code};123456\n".encode(),
            file_name="folkmangd.csv",
            owner=self.kommun,
            year=2025,
        )
        self.assertEqual(
            services.live_figures(self.picture, self.filters)["categories"]["population"], 123456
        )
        sources.withdraw(result.dataset, reason="Fel år")
        self.assertEqual(services.live_figures(self.picture, self.filters), before)


class CachedOverviewHtmlTest(WorkspaceTestCase):
    """The overview's rendered figures are cached once for every reader of the same
    figures; what belongs to one reader (the pin forms with the CSRF token and the
    picture's problems) is put in per request, and the HTML follows the data."""

    def overview(self) -> str:
        response = self.client.get(self.url("detail") + "?partial=overview")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_a_viewer_after_a_coordinator_gets_no_pin_forms_and_back(self) -> None:
        Problem.objects.create(picture=self.picture, title="Cykelstölder vid stationen")
        self.login_as("coordinator")
        coordinator = self.overview()
        pins = coordinator.count('class="pin-form"')
        self.assertGreaterEqual(pins, 4)  # categories, months, weekday and hour, places
        self.assertIn("Cykelstölder vid stationen", coordinator)
        token = self.client.cookies["csrftoken"].value
        self.login_as("viewer")
        viewer = self.overview()
        self.assertNotIn("pin-form", viewer)
        self.assertNotIn("csrfmiddlewaretoken", viewer)
        self.assertNotIn("Cykelstölder vid stationen", viewer)
        self.assertNotIn("pin-slot", viewer)
        self.login_as("coordinator")
        again = self.overview()
        self.assertEqual(again.count('class="pin-form"'), pins)
        self.assertNotIn(token, viewer)
        # The same figures for both: only the pin forms differ.
        pin_forms = re.compile(
            r'<form method="post" action="[^"]*" class="pin-form">.*?</form>\n', re.S
        )
        self.assertEqual(pin_forms.sub("", again), viewer)

    def test_the_cached_html_is_the_html_of_fresh_figures_after_a_remap(self) -> None:
        self.login_as("viewer")
        before = self.overview()
        FreshFiguresTest.remap(self)  # type: ignore[arg-type]
        after = self.overview()
        self.assertNotEqual(after, before)
        cache.clear()
        self.assertEqual(self.overview(), after)
