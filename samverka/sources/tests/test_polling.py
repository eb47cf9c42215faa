"""Polling the Police events API: limits, back-off, 404, network errors. Never the network."""

import datetime as dt
import hashlib
import json
import urllib.error
import urllib.parse
from io import BytesIO, StringIO
from itertools import pairwise
from typing import Any, ClassVar
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from samverka.organizations.models import County, Organization, OrganizationKind
from samverka.sources import polling, services
from samverka.sources.models import Dataset, Event, PollRecord
from samverka.tenancy.access import Visibility
from samverka.testing import make_kommun

START = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def rec(id_: int, place: str = "Oskarshamn", **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": id_,
        "datetime": "2026-11-22 9:48:12 +01:00",
        "name": f"22 november 08.15, Stöld, {place}",
        "summary": "En cykel stals.",
        "url": "/",
        "type": "Stöld",
        "location": {"name": place, "gps": "57.264,16.448"},
    }
    base.update(extra)
    return base


def ok(records: list[dict[str, object]]) -> polling.Response:
    return 200, {"Content-Type": "application/json"}, json.dumps(records).encode()


class FakeWorld:
    """A clock that only moves when slept on, and a fetch answering from a script."""

    def __init__(self, *responses: polling.Response | Exception) -> None:
        self.time = 5000.0
        self.responses = list(responses)
        self.calls: list[tuple[float, str, dict[str, str]]] = []
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.time += seconds

    def now(self) -> dt.datetime:
        return START + dt.timedelta(seconds=self.time - 5000.0)

    def fetch(self, url: str, headers: polling.Headers) -> polling.Response:
        self.calls.append((self.time, url, dict(headers)))
        self.time += 0.5  # the answer takes a moment
        answer = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def call_times(self) -> list[float]:
        return [t for t, _url, _headers in self.calls]

    def injected(self) -> dict[str, Any]:
        return {"fetch": self.fetch, "sleep": self.sleep, "clock": self.clock, "now": self.now}


class PollingTest(TestCase):
    owner: ClassVar[Organization]

    @classmethod
    def setUpTestData(cls) -> None:
        kalmar = County.objects.create(code="08", name="Kalmar län")
        make_kommun("Oskarshamn", "0882", kalmar)
        make_kommun("Västervik", "0883", kalmar)
        cls.owner = Organization.objects.create(
            name="Polismyndigheten", slug="polismyndigheten", kind=OrganizationKind.NATIONAL
        )

    def setUp(self) -> None:
        # No test may sleep for real or open a socket.
        for target in ("time.sleep", "socket.socket.connect", "urllib.request.urlopen"):
            patcher = mock.patch(target, side_effect=AssertionError(f"{target} called"))
            patcher.start()
            self.addCleanup(patcher.stop)

    def command(self, world: FakeWorld, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command(
            "poll_police_events",
            *args,
            "--contact",
            "trygghet@oskarshamn.example",
            stdout=out,
            stderr=err,
            **world.injected(),
        )
        return out.getvalue(), err.getvalue()

    def poller(self, world: FakeWorld, **extra: Any) -> polling.PoliceEventsClient:
        return polling.PoliceEventsClient(
            self.owner, contact="trygghet@oskarshamn.example", **world.injected(), **extra
        )

    # --- the request ------------------------------------------------------------------

    def test_once_sends_the_user_agent_and_the_kommuner_and_imports(self) -> None:
        world = FakeWorld(ok([rec(1), rec(2, place="Västervik"), rec(3)]))
        out, err = self.command(world, "--kommun", "oskarshamn", "--kommun", "VÄSTERVIK", "--once")
        self.assertEqual(len(world.calls), 1)
        _t, url, headers = world.calls[0]
        self.assertRegex(
            headers["User-Agent"], r"^samverka/\S+ \(\+trygghet@oskarshamn\.example\)$"
        )
        parts = urllib.parse.urlsplit(url)
        self.assertEqual(f"{parts.scheme}://{parts.netloc}{parts.path}", polling.API_URL)
        self.assertIn("locationname=Oskarshamn;V%C3%A4stervik", url)  # ";" not escaped
        self.assertEqual(
            urllib.parse.parse_qs(parts.query), {"locationname": ["Oskarshamn;Västervik"]}
        )
        self.assertIn("3 read, 3 new, 0 updated", out)
        self.assertEqual(err, "")
        dataset = Dataset.objects.get()
        self.assertEqual(dataset.file_name, "polisen-api-2026-11-22T10:00:00Z.json")
        self.assertEqual(dataset.visibility, Visibility.PUBLIC)
        self.assertIsNotNone(dataset.published_at)
        self.assertEqual(
            sorted(Event.objects.values_list("kommun__name", flat=True)),
            ["Oskarshamn", "Oskarshamn", "Västervik"],
        )

    def test_an_unknown_kommun_is_named(self) -> None:
        world = FakeWorld(ok([]))
        with self.assertRaisesMessage(CommandError, "Unknown kommun 'Oskarshamm'"):
            self.command(world, "--kommun", "Västervik", "--kommun", "Oskarshamm", "--once")
        with self.assertRaisesMessage(CommandError, "did you mean Oskarshamn?"):
            self.command(world, "--kommun", "Oskarshamm", "--once")
        self.assertEqual(world.calls, [])

    def test_an_unknown_owner_is_an_error(self) -> None:
        world = FakeWorld(ok([]))
        with self.assertRaisesMessage(CommandError, "No organization 'nobody'"):
            self.command(world, "--kommun", "Oskarshamn", "--once", "--owner", "nobody")
        self.assertEqual(world.calls, [])

    # --- the limits -------------------------------------------------------------------

    def test_calls_are_ten_seconds_apart_even_if_asked_for_less(self) -> None:
        world = FakeWorld(ok([rec(1)]))
        out, err = self.command(world, "--kommun", "Oskarshamn", "--rounds", "4", "--interval", "2")
        self.assertIn("below the API's limit", err)
        self.assertEqual(len(world.calls), 4)
        gaps = [b - a for a, b in pairwise(world.call_times)]
        self.assertTrue(all(gap >= 10 for gap in gaps), gaps)
        self.assertIn("4 rounds, 0 failed.", out)

    def test_rounds_follow_the_interval(self) -> None:
        world = FakeWorld(ok([rec(1)]))
        self.poller(world).poll(["Oskarshamn"], rounds=3, interval=600)
        self.assertEqual(world.call_times, [5000.0, 5600.0, 6200.0])

    def test_at_most_sixty_calls_an_hour(self) -> None:
        world = FakeWorld(ok([]))
        client = self.poller(world)
        for _ in range(61):
            client.get(polling.events_url(["Oskarshamn"]))
        self.assertTrue(all(b - a >= 10 for a, b in pairwise(world.call_times)))
        self.assertGreaterEqual(world.call_times[60] - world.call_times[0], 3600)
        self.assertLess(world.call_times[59] - world.call_times[0], 3600)

    # --- 429 --------------------------------------------------------------------------

    def test_429_waits_as_retry_after_asks_then_succeeds(self) -> None:
        world = FakeWorld((429, {"Retry-After": "45"}, b""), ok([rec(1)]))
        out, _err = self.command(world, "--kommun", "Oskarshamn", "--once")
        self.assertEqual(world.sleeps, [45])
        self.assertGreaterEqual(world.call_times[1] - world.call_times[0], 45)
        self.assertIn("HTTP 429 (too many requests): waiting 45 s (as Retry-After asks)", out)
        self.assertIn("1 read, 1 new", out)

    def test_429_without_retry_after_backs_off_exponentially(self) -> None:
        world = FakeWorld((429, {}, b""), (429, {}, b""), (429, {}, b""), ok([rec(1)]))
        self.command(world, "--kommun", "Oskarshamn", "--once")
        self.assertEqual(world.sleeps, [10, 20, 40])
        self.assertEqual(Event.objects.count(), 1)

    def test_retry_after_as_an_http_date(self) -> None:
        when = "Sun, 22 Nov 2026 10:02:00 GMT"
        self.assertEqual(polling.retry_after_seconds(when, START), 120)
        self.assertEqual(polling.retry_after_seconds("soon", START), None)
        self.assertEqual(polling.retry_after_seconds(None, START), None)

    def test_repeated_429_gives_up_after_the_bound(self) -> None:
        world = FakeWorld((429, {}, b""))
        with self.assertRaisesMessage(CommandError, "The fetch failed; nothing was imported."):
            self.command(world, "--kommun", "Oskarshamn", "--once")
        self.assertEqual(len(world.calls), 5)  # the call and 4 retries
        self.assertEqual(world.sleeps, [10, 20, 40, 80])
        self.assertFalse(Dataset.objects.exists())

    def test_repeated_429_in_a_loop_goes_on_next_round(self) -> None:
        world = FakeWorld(*[(429, {}, b"")] * 5, ok([rec(1)]))
        out, err = self.command(world, "--kommun", "Oskarshamn", "--rounds", "2")
        self.assertIn(
            "round 1: still HTTP 429 (too many requests) after 4 retries; giving up this round; "
            "trying again next round",
            err,
        )
        self.assertIn("round 2: dataset", out)
        self.assertIn("2 rounds, 1 failed.", out)

    def test_a_retry_after_longer_than_the_bound_gives_up_at_once(self) -> None:
        world = FakeWorld((429, {"Retry-After": "86400"}, b""))
        result = self.poller(world).poll_once(["Oskarshamn"])
        self.assertIn("Retry-After asks for 86400 s", result.error)
        self.assertEqual(world.sleeps, [])

    # --- 404 and network errors -------------------------------------------------------

    def test_404_stops_with_an_error(self) -> None:
        world = FakeWorld((404, {}, b"Not found"), ok([rec(1)]))
        with self.assertRaisesMessage(CommandError, "HTTP 404") as caught:
            self.command(world, "--kommun", "Oskarshamn", "--rounds", "3")
        self.assertIn("not there any more", str(caught.exception))
        self.assertEqual(len(world.calls), 1)
        self.assertFalse(Dataset.objects.exists())

    def test_a_network_error_is_reported_and_the_next_round_goes_on(self) -> None:
        world = FakeWorld(
            urllib.error.URLError("Name or service not known"),
            TimeoutError("timed out"),
            ok([rec(1)]),
        )
        out, err = self.command(world, "--kommun", "Oskarshamn", "--rounds", "3")
        self.assertIn(
            "round 1: network error: Name or service not known; trying again next round", err
        )
        self.assertIn("round 2: network error: timed out", err)
        self.assertIn("round 3: dataset", out)
        self.assertIn("3 rounds, 2 failed.", out)
        self.assertEqual(Event.objects.count(), 1)

    def test_a_network_error_with_once_exits_non_zero(self) -> None:
        world = FakeWorld(ConnectionResetError("reset by peer"))
        with self.assertRaisesMessage(CommandError, "The fetch failed"):
            self.command(world, "--kommun", "Oskarshamn", "--once")

    def test_an_unexpected_status_or_body_is_a_failed_round(self) -> None:
        world = FakeWorld((503, {}, b""), (200, {}, b"<html>maintenance</html>"), ok([rec(1)]))
        out, err = self.command(world, "--kommun", "Oskarshamn", "--rounds", "3")
        self.assertIn("round 1: unexpected HTTP 503", err)
        self.assertIn("round 2: the response could not be imported", err)
        self.assertIn("round 3: dataset", out)

    # --- repeated responses -----------------------------------------------------------

    def test_a_second_identical_response_imports_nothing_new(self) -> None:
        world = FakeWorld(ok([rec(1), rec(2)]))
        out, _err = self.command(world, "--kommun", "Oskarshamn", "--rounds", "2")
        self.assertIn("round 1: dataset", out)
        self.assertIn("2 read, 2 new", out)
        self.assertIn("round 2: response identical to dataset", out)
        self.assertIn("0 new rows, nothing changed", out)
        self.assertEqual(Dataset.objects.count(), 1)
        self.assertEqual(Event.objects.count(), 2)

    def test_an_overlapping_response_adds_only_what_is_new(self) -> None:
        world = FakeWorld(
            ok([rec(1), rec(2)]),
            ok([rec(3), rec(2, datetime="2026-11-22 10:15:00 +01:00", summary="Gripen."), rec(1)]),
        )
        out, _err = self.command(world, "--kommun", "Oskarshamn", "--rounds", "2")
        self.assertIn("3 read, 1 new, 1 updated, 1 unchanged", out)
        self.assertEqual(Event.objects.count(), 3)
        self.assertEqual(Dataset.objects.count(), 1)

    def test_polls_of_a_month_fold_into_one_dataset_with_a_log_of_each_response(self) -> None:
        first, second = [rec(1), rec(2)], [rec(3), rec(2, datetime="2026-11-22 10:15:00 +01:00")]
        world = FakeWorld(ok(first), ok(second), ok(second))
        self.command(world, "--kommun", "Oskarshamn", "--rounds", "3", "--interval", "300")
        dataset = Dataset.objects.get()
        self.assertEqual(
            (dataset.rows_read, dataset.rows_imported, dataset.rows_updated), (4, 3, 1)
        )
        self.assertEqual(dataset.rows_unchanged, 0)
        self.assertEqual(dataset.title, "Police events API: Oskarshamn, 2026-11")
        self.assertEqual(dataset.file_name, "polisen-api-2026-11-22T10:05:00Z.json")
        self.assertEqual(dataset.sha256, hashlib.sha256(ok(second)[2]).hexdigest())
        polls = list(PollRecord.objects.order_by("polled_at"))
        self.assertEqual(
            [(p.sha256, p.rows_new, p.rows_updated, p.polled_at) for p in polls],
            [
                # polled_at is when the answer came (the fake fetch takes 0.5 s)
                (hashlib.sha256(ok(first)[2]).hexdigest(), 2, 0, START + dt.timedelta(seconds=0.5)),
                (
                    hashlib.sha256(ok(second)[2]).hexdigest(),
                    1,
                    1,
                    START + dt.timedelta(seconds=300.5),
                ),
            ],
        )
        self.assertEqual({p.dataset_id for p in polls}, {dataset.pk})
        self.assertEqual(set(Event.objects.values_list("dataset", flat=True)), {dataset.pk})

    def test_a_new_month_or_a_withdrawn_dataset_starts_a_new_dataset(self) -> None:
        world = FakeWorld(ok([rec(1)]))
        client = self.poller(world)
        november = client.poll_once(["Oskarshamn"]).dataset
        world.time += 40 * 86400  # into December
        world.responses = [ok([rec(1), rec(2)])]
        december = client.poll_once(["Oskarshamn"]).dataset
        self.assertNotEqual(november, december)
        assert december is not None
        self.assertEqual(december.title, "Police events API: Oskarshamn, 2027-01")
        services.withdraw(december, reason="test")
        world.responses = [ok([rec(3)])]
        again = client.poll_once(["Oskarshamn"]).dataset
        self.assertNotIn(again, (november, december))
        # Another selection of kommuner has its own dataset.
        world.responses = [ok([rec(4, place="Västervik")])]
        other = client.poll_once(["Västervik"]).dataset
        self.assertNotIn(other, (november, december, again))
        self.assertEqual(Dataset.objects.count(), 4)

    def test_a_full_response_warns_that_events_may_be_missed(self) -> None:
        world = FakeWorld(ok([rec(n) for n in range(1, polling.MAX_EVENTS + 1)]))
        _out, err = self.command(world, "--kommun", "Oskarshamn", "--once")
        self.assertIn("older events may have been missed", err)


class UrllibFetchTest(TestCase):
    """The default fetch, with urlopen replaced: statuses come back, they are not raised."""

    def test_a_200_and_an_http_error(self) -> None:
        response = mock.MagicMock()
        response.__enter__.return_value = response
        response.status = 200
        response.headers.items.return_value = [("Content-Type", "application/json")]
        response.read.return_value = b"[]"
        with mock.patch("urllib.request.urlopen", return_value=response) as urlopen:
            status, headers, body = polling.urllib_fetch(
                "https://polisen.se/api/events", {"User-Agent": "samverka/test"}
            )
        self.assertEqual((status, body), (200, b"[]"))
        request = urlopen.call_args.args[0]
        self.assertEqual(request.get_header("User-agent"), "samverka/test")
        self.assertEqual(urlopen.call_args.kwargs["timeout"], polling.DEFAULT_TIMEOUT)

        error = urllib.error.HTTPError(
            "https://polisen.se/api/events",
            429,
            "Too Many Requests",
            {"Retry-After": "30"},  # type: ignore[arg-type]
            BytesIO(b""),
        )
        with mock.patch("urllib.request.urlopen", side_effect=error):
            status, headers, _body = polling.urllib_fetch("https://polisen.se/api/events", {})
        self.assertEqual((status, headers), (429, {"Retry-After": "30"}))

    def test_only_http_urls(self) -> None:
        with self.assertRaises(ValueError):
            polling.urllib_fetch("file:///etc/passwd", {})
