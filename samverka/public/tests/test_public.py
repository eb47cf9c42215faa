"""The public face, as a resident meets it: a kommun's page with what is published and
nothing else, the national index and its search, the feed, the card a kommun's website
embeds, and pages a browser or a proxy may keep (ETag, 304)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from defusedxml import ElementTree as ET
from django.urls import reverse
from django.utils import timezone

from samverka.agreements.models import Agreement
from samverka.plans.models import Measure
from samverka.promises import services
from samverka.promises.models import CitizenPromise, Commitment, Giver
from samverka.promises.tests import test_promises as base
from samverka.situation import services as situation
from samverka.taxonomy.models import Category

ATOM = "{http://www.w3.org/2005/Atom}"


class PublicTestCase(base.PromiseTestCase):
    published: ClassVar[CitizenPromise]
    draft: ClassVar[CitizenPromise]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        year = timezone.localdate().year
        cls.area.categories.set([Category.objects.current().get(code="traffic.speeding")])
        helper = cls("run")
        cls.published = helper.start(year)
        services.save_commitment(
            Commitment(
                promise=cls.published,
                giver=Giver.KOMMUN,
                text="Kommunen ska sänka hastigheten vid skolorna.",
                priority_area=cls.area,
            ),
            cls.coordinator,
        )
        helper.commit(cls.published, Giver.BOTH, "Vi ska lysa upp gångtunneln.", cls.coordinator)
        helper.agreed(cls.published)
        services.adopt(cls.published, timezone.localdate(), "Styrgruppen §2", cls.coordinator)
        services.publish(cls.published)
        cls.draft = helper.start(year + 1)
        helper.commit(cls.draft, Giver.KOMMUN, "Hemligt utkastlöfte.", cls.coordinator)
        Measure.objects.filter(pk=cls.police_measure.pk).update(title="Intern polisinsats")

    def kommun_url(self, name: str = "kommun") -> str:
        return reverse(f"public:{name}", args=[self.kommun.slug])


class KommunPageTest(PublicTestCase):
    def test_the_public_sees_the_published_promise_and_nothing_internal(self) -> None:
        for persona in ("anonymous", "outsider", "coordinator"):
            self.login_as(persona)
            page = self.client.get(self.kommun_url())
            self.assertContains(page, "Kommunen ska sänka hastigheten vid skolorna.")
            self.assertContains(page, "Vi ska lysa upp gångtunneln.")
            self.assertNotContains(page, "Hemligt utkastlöfte")
            self.assertNotContains(page, "Intern polisinsats")
            self.assertNotContains(page, "Bättre belysning i Centrum")
            # The agreement is signed but not published: its priority areas are not shown.
            self.assertNotContains(page, "Trygg stadskärna")
        self.assertContains(page, "Löftet har inte följts upp ännu.")

    def test_a_kommun_without_anything_published_has_no_page(self) -> None:
        self.client.logout()
        url = reverse("public:kommun", args=[self.other_kommun.slug])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("public:kommun", args=["nowhere"])).status_code, 404
        )

    def test_a_published_agreement_shows_its_priority_areas(self) -> None:
        Agreement.objects.filter(pk=self.agreement.pk).update(published_at=timezone.now())
        self.assertContains(self.client.get(self.kommun_url()), "Trygg stadskärna")

    def test_only_the_responsible_organization_shows_a_measure(self) -> None:
        edit = reverse("plans:measure_edit", args=[self.plan.pk, self.measure.pk])
        self.client.force_login(self.police)  # a party, not responsible for the measure
        self.assertIn(self.client.get(edit).status_code, (403, 404))
        self.client.force_login(self.coordinator)
        form = self.client.get(edit).context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update(
            goals=[], participants=[], starts_on="2026-01-01", ends_on="2026-06-30", public="on"
        )
        self.assertEqual(self.client.post(edit, data).status_code, 302)
        self.assertTrue(Measure.objects.get(pk=self.measure.pk).public)
        detail = reverse("plans:measure", args=[self.plan.pk, self.measure.pk])
        self.assertContains(self.client.get(detail), "Visas för invånarna")
        self.client.logout()
        page = self.client.get(self.kommun_url())
        self.assertContains(page, "Bättre belysning i Centrum")
        self.assertContains(page, "2026-01-01 – 2026-06-30")
        self.assertNotContains(page, "Intern polisinsats")

    def test_the_published_summary_is_shown(self) -> None:
        situation.publish_summary(self.picture, "Inbrotten har minskat i år.", self.coordinator)
        self.assertContains(self.client.get(self.kommun_url()), "Inbrotten har minskat i år.")

    def test_open_graph_and_the_embed_snippet(self) -> None:
        page = self.client.get(self.kommun_url())
        self.assertContains(page, 'property="og:title"')
        self.assertContains(page, f'content="http://testserver{self.kommun_url()}"')
        self.assertContains(page, '&lt;iframe src="http://testserver' + self.kommun_url("card"))
        self.assertEqual(page["X-Frame-Options"], "DENY")


class CachingTest(PublicTestCase):
    def test_public_pages_are_cacheable_and_set_no_cookie(self) -> None:
        for url in (
            self.kommun_url(),
            self.kommun_url("feed"),
            self.kommun_url("card"),
            reverse("public:index"),
            reverse("public:commitments") + "?q=trafik",
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertIn("public", response["Cache-Control"], url)
            self.assertIn("max-age=300", response["Cache-Control"], url)
            self.assertTrue(response.has_header("ETag"), url)
            self.assertFalse(response.cookies, url)
            again = self.client.get(url, headers={"if-none-match": response["ETag"]})
            self.assertEqual(again.status_code, 304, url)

    def test_a_change_of_the_data_changes_the_etag_and_last_modified_answers_304(self) -> None:
        first = self.client.get(self.kommun_url())
        self.assertTrue(first.has_header("Last-Modified"))
        since = self.client.get(
            self.kommun_url(), headers={"if-modified-since": first["Last-Modified"]}
        )
        self.assertEqual(since.status_code, 304)
        Measure.objects.filter(pk=self.measure.pk).update(public=True)
        changed = self.client.get(self.kommun_url(), headers={"if-none-match": first["ETag"]})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], first["ETag"])
        self.assertContains(changed, "Bättre belysning i Centrum")

    def test_only_the_card_may_be_framed(self) -> None:
        card = self.client.get(self.kommun_url("card"))
        self.assertFalse(card.has_header("X-Frame-Options"))
        self.assertIn("frame-ancestors *", card["Content-Security-Policy"])
        self.assertContains(card, self.published.title)
        page = self.client.get(self.kommun_url())
        self.assertIn("frame-ancestors 'none'", page["Content-Security-Policy"])


class FeedTest(PublicTestCase):
    def test_the_feed_is_atom_with_the_promise_its_follow_up_and_the_summary(self) -> None:
        situation.publish_summary(self.picture, "Inbrotten har minskat.", self.coordinator)
        CitizenPromise.objects.filter(pk=self.published.pk).update(
            followed_up_on=timezone.localdate()
        )
        response = self.client.get(self.kommun_url("feed"))
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        root = ET.fromstring(response.content)
        self.assertEqual(root.tag, f"{ATOM}feed")
        for required in ("id", "title", "updated"):
            self.assertIsNotNone(root.find(f"{ATOM}{required}"), required)
        entries = root.findall(f"{ATOM}entry")
        titles = [e.findtext(f"{ATOM}title") for e in entries]
        self.assertEqual(len(entries), 3, titles)
        for entry in entries:
            for required in ("id", "title", "updated"):
                self.assertTrue(entry.findtext(f"{ATOM}{required}"), required)
            dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
            self.assertIsNotNone(entry.find(f"{ATOM}link"))
        self.assertTrue(any("Lägesbild" in (t or "") for t in titles))
        self.assertNotIn("Hemligt", response.content.decode())


class IndexAndSearchTest(PublicTestCase):
    def test_the_search_finds_a_commitment_by_its_words_and_its_theme(self) -> None:
        url = reverse("public:commitments")
        by_word = self.client.get(url, {"q": "hastigheten"})
        self.assertContains(by_word, "Kommunen ska sänka hastigheten vid skolorna.")
        self.assertNotContains(by_word, "gångtunneln")
        # "trafik" is not in the words: the commitment is found by its category.
        by_category = self.client.get(url, {"q": "trafik"})
        self.assertContains(by_category, "Kommunen ska sänka hastigheten vid skolorna.")
        by_theme = self.client.get(url, {"tema": "traffic"})
        self.assertContains(by_theme, "sänka hastigheten")
        self.assertNotContains(by_theme, "gångtunneln")
        self.assertNotContains(self.client.get(url, {"q": "utkastlöfte"}), "Hemligt")
        nothing = self.client.get(url, {"q": "hastigheten", "tema": "person"})
        self.assertNotContains(nothing, "sänka hastigheten")

    def test_the_index_searches_by_name_filters_by_theme_and_maps_the_promises(self) -> None:
        url = reverse("public:index")
        everything = self.client.get(url)
        self.assertContains(everything, self.kommun_url())
        self.assertContains(everything, "Lessebo")
        self.assertContains(everything, 'class="kommun-current"')
        self.assertContains(everything, "<table>")
        by_name = self.client.get(url, {"q": "OSKARS"})
        self.assertContains(by_name, "Oskarshamn")
        self.assertNotContains(by_name, ">Lessebo<")
        by_theme = self.client.get(url, {"tema": "traffic"})
        self.assertContains(by_theme, "Oskarshamn")
        self.assertNotContains(by_theme, ">Lessebo<")
        self.assertNotContains(self.client.get(url, {"tema": "person"}), ">Oskarshamn<")
