"""Polling the live Police events API (https://polisen.se/api/events) politely.

The API's rules: a User-Agent is required; at most one call per 10 s and 60 an hour
(1,440 a day); past that it answers 429; it returns at most the 500 newest events.
Each response is folded by :func:`services.import_police_poll` into one rolling
dataset per selection of kommuner and month (not a dataset per response: polling every
five minutes would make up to 288 a day): an id seen before is updated or left alone,
an identical response changes nothing, and each response that changed something is
recorded with its time and SHA-256 (:class:`~samverka.sources.models.PollRecord`).

Everything that touches the outside world (``fetch``, ``sleep``, ``clock``, ``now``) is
injectable so that tests run instantly and never open a socket.
"""

from __future__ import annotations

import datetime as dt
import difflib
import email.utils
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata

from django.db import close_old_connections, connection
from django.utils import timezone

from samverka.organizations.models import Organization, OrganizationKind
from samverka.sources import services
from samverka.sources.models import Dataset, PollRecord
from samverka.tenancy.access import Visibility

API_URL = "https://polisen.se/api/events"
MIN_SPACING = 10.0  # seconds between two calls, whatever is asked
HOURLY_LIMIT = 60  # calls in any hour
MAX_EVENTS = 500  # the API never returns more than this
DEFAULT_TIMEOUT = 30.0

Headers = Mapping[str, str]
Response = tuple[int, Headers, bytes]  # (HTTP status, headers, body)
Fetch = Callable[[str, Headers], Response]
Report = Callable[[str], None]


class PollError(Exception):
    """Base of the errors of one call."""


class EndpointGone(PollError):
    """HTTP 404: the API is not where it was. Stop, do not retry."""


class RateLimited(PollError):
    """Still HTTP 429 after the bounded number of retries."""


class FetchFailed(PollError):
    """A network error or an unexpected HTTP status: try again next round."""


class UnknownKommun(ValueError):
    """A kommun name not among the Organization rows of kind kommun."""


def urllib_fetch(url: str, headers: Headers, timeout: float = DEFAULT_TIMEOUT) -> Response:
    """GET ``url`` with urllib; an HTTP error status is returned, not raised."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers=dict(headers), method="GET")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        headers_ = dict(exc.headers.items()) if exc.headers is not None else {}
        return exc.code, headers_, exc.read() or b""


def user_agent(contact: str) -> str:
    """``samverka/<version> (+<contact>)``, as the API asks of its callers."""
    try:
        version = metadata.version("samverka")
    except metadata.PackageNotFoundError:
        version = "dev"
    contact = contact.strip()
    return f"samverka/{version} (+{contact})" if contact else f"samverka/{version}"


def contact_address(contact: str) -> str:
    """The e-mail address in ``"samverka <ops@example.se>"``, or the text as given."""
    _name, address = email.utils.parseaddr(contact)
    return address or contact.strip()


def resolve_kommuner(names: Iterable[str]) -> list[str]:
    """The kommun names as stored (case-insensitive match); :class:`UnknownKommun` if not."""
    known = {
        name.lower(): name
        for name in Organization.objects.filter(kind=OrganizationKind.KOMMUN).values_list(
            "name", flat=True
        )
    }
    resolved: list[str] = []
    for raw in names:
        name = raw.strip()
        stored = known.get(name.lower())
        if stored is None:
            close = difflib.get_close_matches(name.lower(), list(known), n=3)
            hint = (
                "; did you mean " + " or ".join(known[c] for c in close) + "?"
                if close
                else " (kommuner come from load_reference_data)"
            )
            raise UnknownKommun(f"Unknown kommun {name!r}{hint}")
        if stored not in resolved:
            resolved.append(stored)
    if not resolved:
        raise UnknownKommun("No kommun given.")
    return resolved


def events_url(kommuner: Iterable[str], base_url: str = API_URL) -> str:
    """``…/api/events?locationname=Oskarshamn;V%C3%A4stervik`` (``;`` left as is)."""
    names = ";".join(kommuner)
    return f"{base_url}?locationname={urllib.parse.quote(names, safe=';')}"


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)


def _header(headers: Headers, name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


@dataclass
class RoundResult:
    url: str
    file_name: str = ""
    dataset: Dataset | None = None
    poll: PollRecord | None = None  # what this response did; None when identical
    already_imported: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class PollSummary:
    rounds: int = 0
    failed: int = 0
    last: RoundResult | None = None


class PoliceEventsClient:
    """Fetches the Police events API for some kommuner and imports each response."""

    def __init__(
        self,
        owner: Organization,
        *,
        contact: str,
        fetch: Fetch | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        now: Callable[[], dt.datetime] | None = None,
        report: Report | None = None,
        base_url: str = API_URL,
        max_retries: int = 4,
        backoff: float = MIN_SPACING,
        max_wait: float = 3600.0,
    ) -> None:
        self.owner = owner
        self.headers = {"User-Agent": user_agent(contact), "Accept": "application/json"}
        self.fetch = fetch or urllib_fetch
        self.sleep = sleep or time.sleep
        self.clock = clock or time.monotonic
        self.now = now or timezone.now
        self.report = report or (lambda message: None)
        self.base_url = base_url
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait
        self._calls: deque[float] = deque(maxlen=HOURLY_LIMIT)  # clock() of recent calls

    # --- one call, within the API's limits -------------------------------------------

    def _wait_for_turn(self) -> None:
        """Sleep until a call is allowed: 10 s after the last, 60 in any hour."""
        if not self._calls:
            return
        earliest = self._calls[-1] + MIN_SPACING
        if len(self._calls) == HOURLY_LIMIT:
            earliest = max(earliest, self._calls[0] + 3600.0)
        delay = earliest - self.clock()
        if delay > 0:
            self.sleep(delay)

    def _call(self, url: str) -> Response:
        self._wait_for_turn()
        self._calls.append(self.clock())
        try:
            return self.fetch(url, self.headers)
        except (OSError, ValueError) as exc:  # URLError and timeouts are OSErrors
            reason = getattr(exc, "reason", None) or exc
            raise FetchFailed(f"network error: {reason}") from exc

    def get(self, url: str) -> bytes:
        """The body of a 200 answer; backs off and retries on 429, a bounded number of times."""
        for attempt in range(self.max_retries + 1):
            status, headers, body = self._call(url)
            if status == 200:
                return body
            if status == 404:
                raise EndpointGone(
                    f"HTTP 404 from {url}: the Police events API is not there any more "
                    "(moved or withdrawn). Stopping; check polisen.se for its new address."
                )
            if status != 429:
                raise FetchFailed(f"unexpected HTTP {status} from {url}")
            if attempt == self.max_retries:
                break
            given = retry_after_seconds(_header(headers, "Retry-After"), self.now())
            if given is not None:
                delay, why = given, "as Retry-After asks"
            else:
                delay, why = min(self.backoff * 2**attempt, self.max_wait), "backing off"
            if delay > self.max_wait:
                raise RateLimited(
                    f"HTTP 429 (too many requests) and Retry-After asks for {delay:.0f} s, "
                    f"more than {self.max_wait:.0f} s; giving up this round"
                )
            self.report(
                f"HTTP 429 (too many requests): waiting {delay:.0f} s ({why}), "
                f"then retry {attempt + 1} of {self.max_retries}"
            )
            self.sleep(delay)
        raise RateLimited(
            f"still HTTP 429 (too many requests) after {self.max_retries} retries; "
            "giving up this round"
        )

    # --- rounds ----------------------------------------------------------------------

    def poll_once(self, kommuner: list[str]) -> RoundResult:
        """One fetch and import. :class:`EndpointGone` propagates; other failures are kept."""
        url = events_url(kommuner, self.base_url)
        result = RoundResult(url=url)
        try:
            body = self.get(url)
        except (RateLimited, FetchFailed) as exc:
            result.error = str(exc)
            return result
        polled_at = self.now()
        result.file_name = f"polisen-api-{polled_at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}.json"
        try:
            imported = services.import_police_poll(
                body,
                kommuner=kommuner,
                owner=self.owner,
                polled_at=polled_at,
                file_name=result.file_name,
            )
        except services.ImportError_ as exc:
            result.error = f"the response could not be imported: {exc}"
            return result
        result.dataset = imported.dataset
        result.poll = imported.poll
        result.already_imported = imported.already_imported
        if not imported.already_imported:
            publish(imported.dataset)
        return result

    def poll(
        self,
        kommuner: list[str],
        *,
        rounds: int | None = None,
        interval: float = 300.0,
        on_round: Callable[[int, RoundResult], None] | None = None,
    ) -> PollSummary:
        """Poll ``rounds`` times (forever if None), a round every ``interval`` s (≥ 10 s).

        A failed round (network error, repeated 429, unreadable body) is reported and
        the next round goes on; HTTP 404 raises :class:`EndpointGone`.
        """
        interval = max(interval, MIN_SPACING)
        summary = PollSummary()
        started: float | None = None
        while rounds is None or summary.rounds < rounds:
            if started is not None:
                delay = started + interval - self.clock()
                if delay > 0:
                    self.sleep(delay)
                if not connection.in_atomic_block:
                    # A long-running process drops stale connections between rounds
                    # (never inside a transaction, as in a test).
                    close_old_connections()
            started = self.clock()
            result = self.poll_once(kommuner)
            summary.rounds += 1
            summary.failed += 0 if result.ok else 1
            summary.last = result
            if on_round is not None:
                on_round(summary.rounds, result)
        return summary


def publish(dataset: Dataset) -> None:
    """Police events are public information (as in the import_police_events command)."""
    if dataset.published_at is None:
        dataset.visibility = Visibility.PUBLIC
        dataset.published_at = timezone.now()
        dataset.save(update_fields=["visibility", "published_at", "updated_at"])
