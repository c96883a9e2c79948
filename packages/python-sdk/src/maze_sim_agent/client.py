"""A client of the maze model: the classic routes and episodes (API.md), standard library only.

One keep-alive connection per client (an agent makes one request at a time). ``503``, ``502``,
``504`` and ``429`` are retried, honouring ``Retry-After`` (seconds or an HTTP date): before the model
has answered once, until the start-up wait is over (a model still generating its maze answers
``503``); afterwards a few times, each wait bounded. Failures to connect are retried the same way.
A ``4xx`` raises :class:`ModelError` with the server's stable code; a model that never answers raises
:class:`ModelUnreachableError`; an answer that breaks the contract :class:`BadResponseError`.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import socket
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any, Final, Literal

from .errors import BadResponseError, ModelError, ModelUnreachableError
from .strategy import DIRECTION_NAMES, Direction, Label, Observation, Point

DEFAULT_URL: Final = "http://127.0.0.1:5555"
DEFAULT_STARTUP_TIMEOUT_S: Final = 60.0
DEFAULT_REQUEST_TIMEOUT_S: Final = 10.0
#: Retries of one request once the model has answered (a model that dies mid-run fails fast).
RETRIES_AFTER_START: Final = 3
#: The longest a Retry-After is honoured once the model has answered (the start-up wait bounds it before).
MAX_RETRY_AFTER_S: Final = 10.0
RETRIED_STATUSES: Final = frozenset({429, 502, 503, 504})
LABELS: Final = frozenset({"S", "E", "K", " "})


@dataclass(frozen=True, slots=True)
class Cell:
    """``GET /maze/pos/:y/:x``: the label and the four sides (True = wall)."""

    here: Label
    walls: tuple[bool, bool, bool, bool]


@dataclass(frozen=True, slots=True)
class Meta:
    """``GET /maze/meta`` (an extension): the model's own maze."""

    width: int
    height: int
    seed: int | None
    optimal_steps: int | None


@dataclass(frozen=True, slots=True)
class EpisodeObservation:
    """An episode's ``OBS``: the sensed cell plus the referee's figures."""

    observation: Observation
    done: bool
    solved: bool


@dataclass(frozen=True, slots=True)
class Episode:
    """``POST /episodes`` answered ``201``."""

    id: str
    seed: int | None
    width: int
    height: int
    max_steps: int
    optimal_steps: int | None
    first: EpisodeObservation


@dataclass(frozen=True, slots=True)
class MovesAnswer:
    """``POST /episodes/:id/moves``."""

    applied: int
    bumped: bool
    observations: tuple[EpisodeObservation, ...]


def _count(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadResponseError(f"{what} is not a whole number: {value!r}")
    return value


def _nullable_count(value: object, what: str) -> int | None:
    return None if value is None else _count(value, what)


def _flag(value: object, what: str) -> bool:
    if value not in (0, 1) or isinstance(value, bool):
        raise BadResponseError(f"{what} is not 0 or 1: {value!r}")
    return value == 1


def _label(value: object) -> Label:
    if not isinstance(value, str) or value not in LABELS:
        raise BadResponseError(f"here is not a label (S, E, K or a space): {value!r}")
    return value  # type: ignore[return-value]


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadResponseError(f"{what}: expected a JSON object, got {str(value)[:100]!r}")
    return value


def parse_observation(raw: object) -> EpisodeObservation:
    """An episode's ``OBS`` as the runner and strategies see it (``open`` is the negation of the wall flags)."""
    o = _object(raw, "observation")
    walls = tuple(_flag(o.get(side), side) for side in DIRECTION_NAMES)
    has_key, done, solved = o.get("hasKey"), o.get("done"), o.get("solved")
    if not isinstance(has_key, bool) or not isinstance(done, bool) or not isinstance(solved, bool):
        raise BadResponseError(f"observation: hasKey, done and solved must be booleans: {o!r}")
    observation = Observation(
        x=_count(o.get("x"), "x"),
        y=_count(o.get("y"), "y"),
        here=_label(o.get("here")),
        open=(not walls[0], not walls[1], not walls[2], not walls[3]),
        has_key=has_key,
        steps=_count(o.get("steps"), "steps"),
    )
    return EpisodeObservation(observation, done, solved)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A ``Retry-After`` header in seconds: a number of seconds or an HTTP date; None when absent or unreadable."""
    if value is None or value.strip() == "":
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(slots=True)
class _Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class ModelClient:
    """One connection to the maze model. Use it as a context manager, or call :meth:`close`."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        startup_timeout_s: float = DEFAULT_STARTUP_TIMEOUT_S,
        request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S,
        retries: int = RETRIES_AFTER_START,
        max_retry_after_s: float = MAX_RETRY_AFTER_S,
    ) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.url = url.rstrip("/")
        self._scheme = parsed.scheme
        self._host = parsed.hostname
        self._port = parsed.port
        self._prefix = parsed.path.rstrip("/")
        self.startup_timeout_s = startup_timeout_s
        self.request_timeout_s = request_timeout_s
        self.retries = retries
        self.max_retry_after_s = max_retry_after_s
        self._conn: http.client.HTTPConnection | None = None
        self._answered = False
        self._started_at: float | None = None
        self._episodes: bool | None = None
        #: Requests answered by the model (retries not counted), and the waits on 503/429/... honoured.
        self.requests = 0
        self.waits = 0

    def __enter__(self) -> ModelClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # --- the wire --------------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            self._conn = cls(self._host, self._port, timeout=self.request_timeout_s)
        return self._conn

    def _once(self, method: str, path: str, body: bytes | None) -> _Answer:
        conn = self._connection()
        headers = {"accept": "application/json"}
        if body is not None:
            headers["content-type"] = "application/json"
        try:
            conn.request(method, self._prefix + path, body=body, headers=headers)
            res = conn.getresponse()
            data = res.read()
        except BaseException:
            self.close()
            raise
        if res.will_close:
            self.close()
        return _Answer(res.status, res.headers, data)

    def request(self, method: str, path: str, body: object = None, *, idempotent: bool = True) -> _Answer:
        """One request with the retry policy; a 4xx raises ModelError. ``idempotent=False``: not resent after a failure that may have reached the model."""
        payload = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        if self._started_at is None:
            self._started_at = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            wait: float | None
            try:
                answer = self._once(method, path, payload)
            except (ConnectionRefusedError, socket.gaierror) as err:
                last = f"{type(err).__name__}: {err}"
                wait = None
            except (OSError, http.client.HTTPException) as err:
                last = f"{type(err).__name__}: {err}"
                if not idempotent and self._answered:
                    raise ModelUnreachableError(f"{method} {path} at {self.url} failed ({last}); not resent, it may have reached the model") from err
                wait = None
            else:
                if answer.status not in RETRIED_STATUSES:
                    self._answered = True
                    self.requests += 1
                    return self._checked(method, path, answer)
                last = f"{answer.status} {self._error_code(answer) or ''}".strip()
                wait = retry_after_seconds(answer.headers.get("retry-after"))
                if answer.status == 429:
                    # The model is up and busy (its limit of live episodes): its Retry-After may be long
                    # (an idle episode's timeout), so the wait is bounded as after any first answer.
                    self._answered = True
            delay = self._delay(attempt, wait)
            if delay is None:
                raise ModelUnreachableError(self._gave_up(method, path, last))
            self.waits += 1
            time.sleep(delay)

    def _delay(self, attempt: int, retry_after: float | None) -> float | None:
        """How long to wait before the next attempt, or None to give up."""
        backoff = min(1.0, 0.05 * 2.0 ** (attempt - 1))
        if not self._answered:
            assert self._started_at is not None
            left = self._started_at + self.startup_timeout_s - time.monotonic()
            if left <= 0:
                return None
            return min(left, backoff if retry_after is None else retry_after)
        if attempt > self.retries:
            return None
        return backoff if retry_after is None else min(retry_after, self.max_retry_after_s)

    def _gave_up(self, method: str, path: str, last: str) -> str:
        if not self._answered:
            return (
                f"the maze model at {self.url} did not answer {method} {path} within the start-up wait of "
                f"{self.startup_timeout_s:g} s (last: {last})"
            )
        return f"the maze model at {self.url} did not answer {method} {path} after {self.retries} retries (last: {last})"

    @staticmethod
    def _error_code(answer: _Answer) -> str | None:
        try:
            body = json.loads(answer.body)
        except ValueError:
            return None
        return body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), str) else None

    def _checked(self, method: str, path: str, answer: _Answer) -> _Answer:
        if 400 <= answer.status < 600:
            code, message = f"HTTP_{answer.status}", answer.body.decode("utf-8", "replace")[:200]
            try:
                body = json.loads(answer.body)
                if isinstance(body, dict) and isinstance(body.get("error"), str):
                    code, message = body["error"], str(body.get("message", ""))
            except ValueError:
                pass
            raise ModelError(answer.status, code, message, method, path)
        return answer

    def _json(self, method: str, path: str, body: object = None, *, idempotent: bool = True) -> Any:
        answer = self.request(method, path, body, idempotent=idempotent)
        try:
            # Whatever the content type says (the original model sends JSON as text/html).
            return json.loads(answer.body)
        except ValueError as err:
            raise BadResponseError(f"{method} {path}: the answer is not JSON: {answer.body[:100]!r}") from err

    # --- the classic routes ----------------------------------------------------------------------

    def size(self) -> tuple[int, int]:
        """``GET /maze/size``: (width, height)."""
        o = _object(self._json("GET", "/maze/size"), "GET /maze/size")
        return _count(o.get("width"), "width"), _count(o.get("height"), "height")

    def start(self) -> Point:
        """``GET /maze/start``."""
        o = _object(self._json("GET", "/maze/start"), "GET /maze/start")
        return Point(_count(o.get("x"), "x"), _count(o.get("y"), "y"))

    def pos(self, x: int, y: int) -> Cell:
        """``GET /maze/pos/:y/:x`` (y before x in the path)."""
        o = _object(self._json("GET", f"/maze/pos/{y}/{x}"), "GET /maze/pos")
        walls = tuple(_flag(o.get(side), side) for side in DIRECTION_NAMES)
        return Cell(_label(o.get("here")), (walls[0], walls[1], walls[2], walls[3]))

    def map(self) -> str:
        """``GET /maze/map``: the ASCII map, without the ``<pre>`` tags."""
        text = self.request("GET", "/maze/map").body.decode()
        return text.removeprefix("<pre>").removesuffix("</pre>")

    def post_map(self, cells: list[tuple[int, int]]) -> str:
        """``POST /maze/map``: the map with ``*`` on every visited cell that has no label."""
        return self.request("POST", "/maze/map", [[x, y] for x, y in cells]).body.decode()

    def meta(self) -> Meta | None:
        """``GET /maze/meta`` (an extension): None when the model does not have it."""
        try:
            answer = self.request("GET", "/maze/meta")
        except ModelError:
            return None
        try:
            o = json.loads(answer.body)
        except ValueError:
            return None
        if not isinstance(o, dict):
            return None
        return Meta(
            _count(o.get("width"), "width"),
            _count(o.get("height"), "height"),
            _nullable_count(o.get("seed"), "seed"),
            _nullable_count(o.get("optimalSteps"), "optimalSteps"),
        )

    # --- episodes --------------------------------------------------------------------------------

    def has_episodes(self) -> bool:
        """Whether the model offers episodes (asked once): ``GET /episodes?limit=1`` answers the list
        (a scoreboard when sealed), or 401/403 (the route is there behind a token; POST /episodes needs
        none). 404/405, any other answer, or a 200 that is not the list (some other server): not offered."""
        if self._episodes is None:
            try:
                answer = self.request("GET", "/episodes?limit=1")
            except ModelError as err:
                self._episodes = err.status in (401, 403)
            else:
                try:
                    body = json.loads(answer.body)
                except ValueError:
                    body = None
                self._episodes = answer.status == 200 and isinstance(body, dict) and isinstance(body.get("episodes"), list)
        return self._episodes

    def create_episode(
        self,
        *,
        seed: int | None = None,
        width: int | None = None,
        height: int | None = None,
        max_steps: int | None = None,
        agent: str | None = None,
    ) -> Episode:
        """``POST /episodes``; a ``202`` (a large maze being generated) is waited for, within the start-up wait."""
        body = {k: v for k, v in (("seed", seed), ("width", width), ("height", height), ("maxSteps", max_steps), ("agent", agent)) if v is not None}
        answer = self.request("POST", "/episodes", body)
        if answer.status == 202:
            placeholder = _object(json.loads(answer.body), "POST /episodes").get("id")
            deadline = time.monotonic() + self.startup_timeout_s
            while True:
                time.sleep(retry_after_seconds(answer.headers.get("retry-after")) or 0.2)
                record = self.record(str(placeholder))
                if record.get("status") != "generating":
                    break
                if time.monotonic() > deadline:
                    raise ModelUnreachableError(f"episode {placeholder} was still generating after {self.startup_timeout_s:g} s")
            # The maze is cached now: the same episode again answers 201 with its first observation.
            self.delete_episode(str(placeholder))
            answer = self.request("POST", "/episodes", body)
        o = _object(json.loads(answer.body), "POST /episodes")
        if answer.status != 201 or not isinstance(o.get("id"), str):
            raise BadResponseError(f"POST /episodes answered {answer.status}: {answer.body[:200]!r}")
        return Episode(
            id=o["id"],
            seed=_nullable_count(o.get("seed"), "seed"),
            width=_count(o.get("width"), "width"),
            height=_count(o.get("height"), "height"),
            max_steps=_count(o.get("maxSteps"), "maxSteps"),
            optimal_steps=_nullable_count(o.get("optimalSteps"), "optimalSteps"),
            first=parse_observation(o.get("observation")),
        )

    def moves(self, episode_id: str, directions: list[Direction]) -> MovesAnswer:
        """``POST /episodes/:id/moves``: applied in order by the model; never resent after an ambiguous failure."""
        path = f"/episodes/{urllib.parse.quote(episode_id, safe='')}/moves"
        o = _object(self._json("POST", path, {"moves": [DIRECTION_NAMES[d] for d in directions]}, idempotent=False), path)
        observations = o.get("observations")
        if not isinstance(observations, list) or not isinstance(o.get("bumped"), bool):
            raise BadResponseError(f"POST {path}: not a moves answer: {str(o)[:200]}")
        return MovesAnswer(_count(o.get("applied"), "applied"), o["bumped"], tuple(parse_observation(ob) for ob in observations))

    def record(self, episode_id: str) -> dict[str, Any]:
        """``GET /episodes/:id``: the referee's record."""
        return _object(self._json("GET", f"/episodes/{urllib.parse.quote(episode_id, safe='')}"), "GET /episodes/:id")

    def replay(self, episode_id: str) -> list[dict[str, Any]]:
        """``GET /episodes/:id/replay``: one object per applied move."""
        body = self.request("GET", f"/episodes/{urllib.parse.quote(episode_id, safe='')}/replay").body.decode()
        return [json.loads(line) for line in body.splitlines() if line.strip()]

    def delete_episode(self, episode_id: str) -> None:
        """``DELETE /episodes/:id``: abandoned and freed."""
        self.request("DELETE", f"/episodes/{urllib.parse.quote(episode_id, safe='')}")

    def list_episodes(self, limit: int | None = None) -> list[dict[str, Any]]:
        """``GET /episodes``: the live and recently ended episodes, newest first."""
        o = _object(self._json("GET", "/episodes" if limit is None else f"/episodes?limit={limit}"), "GET /episodes")
        episodes = o.get("episodes")
        if not isinstance(episodes, list):
            raise BadResponseError("GET /episodes: no episodes list")
        return episodes


Protocol = Literal["auto", "classic", "episodes"]
