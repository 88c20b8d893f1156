"""The migration corpus's plumbing: what a configuration is, the fetches a frontend makes, and how one is judged.

Every configuration is one app written once, the way people write them, and built twice: with the
peer library (flask-cors / django-cors-headers) and with our drop-in. Both run on real servers on
127.0.0.1; one page per origin in real Chromium issues the fetches; what the page could read
(blocked, or status + body + the response header names it may see) must be the same, except where
the configuration names a documented difference of the migration guide.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: The page's origin host and the origin of a site that is not allowed (both resolve to loopback in Chromium).
APP_HOST = "app.localhost"
EVIL_HOST = "evil.localhost"
TOKEN = "Bearer t0ken"


@dataclass(frozen=True)
class Origins:
    """The two page origins of a run, known once the page server has its port."""

    app: str
    evil: str


@dataclass(frozen=True)
class Call:
    """One fetch the app's frontend makes: from which page, what, with which headers, body and credentials mode."""

    page: str  # "app" or "evil"
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    credentials: bool = False


JSON = ("Content-Type", "application/json")
CALLS: dict[str, Call] = {
    "get": Call("app", "GET", "/api/items"),
    "post-json": Call("app", "POST", "/api/items", (JSON,), '{"name": "x"}'),
    "put-custom": Call("app", "PUT", "/api/items/1", (JSON, ("X-Requested-With", "XMLHttpRequest"), ("X-Custom", "1")), '{"name": "y"}'),
    "bearer": Call("app", "GET", "/api/me", (("Authorization", TOKEN),)),
    "delete": Call("app", "DELETE", "/api/items/1"),
    "cred-get": Call("app", "GET", "/api/items", credentials=True),
    "cred-bearer": Call("app", "GET", "/api/me", (("Authorization", TOKEN),), credentials=True),
    "cred-put": Call("app", "PUT", "/api/items/1", (JSON,), '{"name": "z"}', credentials=True),
    "missing": Call("app", "GET", "/api/missing"),
    "boom": Call("app", "GET", "/api/boom"),
    "stream": Call("app", "GET", "/api/stream"),
    "file": Call("app", "GET", "/api/file"),
    "public": Call("app", "GET", "/public/info"),
    "forbidden": Call("app", "GET", "/api/forbidden"),
    "patch-405": Call("app", "PATCH", "/api/items", (JSON,), "{}"),
    "slash-redirect": Call("app", "GET", "/api/slashed"),
    "drf-anonymous": Call("app", "GET", "/api/drf/me"),
    "drf-bearer": Call("app", "GET", "/api/drf/me", (("Authorization", TOKEN),)),
    "drf-post": Call("app", "POST", "/api/drf/items", (JSON, ("Authorization", TOKEN)), '{"name": "d"}'),
    "drf-bad-token": Call("app", "GET", "/api/drf/me", (("Authorization", "Bearer wrong"),)),
    "evil-get": Call("evil", "GET", "/api/items"),
    "evil-post-json": Call("evil", "POST", "/api/items", (JSON,), '{"name": "x"}'),
    "evil-cred-get": Call("evil", "GET", "/api/items", credentials=True),
}
#: What every configuration's frontend does; a configuration adds what its app is about.
DEFAULT_CALLS = ("get", "post-json", "put-custom", "bearer", "delete", "evil-get", "evil-post-json")
CREDENTIALED_CALLS = ("cred-get", "cred-bearer", "cred-put", "evil-cred-get")


@dataclass(frozen=True)
class Differ:
    """A documented difference: the guide's D-number, and what the page reads under our library instead."""

    difference: str  # e.g. "D13 (migrating-from-flask-cors.md)"
    ours: str  # the start of our outcome's summary, e.g. "200" or "blocked"


@dataclass(frozen=True)
class Config:
    """One configuration of the corpus (Flask or Django)."""

    name: str
    source: str  # where this shape comes from (the peer's README, a tutorial shape, an issue)
    build: Callable[..., Any]  # Flask: build(lib, origins) -> app; Django: build(lib, origins) -> settings dict
    calls: tuple[str, ...] = DEFAULT_CALLS
    differs: dict[str, Differ] = field(default_factory=dict)
    #: We refuse it at start-up: (D-number, words the message must contain: the setting and what to write).
    refused: tuple[str, tuple[str, ...]] | None = None


def registry(configs: list[Config]) -> Any:
    """The ``@config(name, source, calls, differs, refused)`` decorator that adds a build function to *configs*."""

    def config(
        name: str,
        source: str,
        calls: tuple[str, ...] = DEFAULT_CALLS,
        differs: dict[str, Differ] | None = None,
        refused: tuple[str, tuple[str, ...]] | None = None,
    ) -> Callable[[Any], Any]:
        def register(build: Any) -> Any:
            configs.append(Config(name, source, build, calls, differs or {}, refused))
            return build

        return register

    return config


def summary(seen: dict[str, Any]) -> str:
    """What the page could read: 'blocked', or status, body and the names of the headers it may see."""
    if not seen.get("ok"):
        return "blocked"
    headers = sorted(h for h in seen["headers"] if h not in ("date",))
    return f"{seen['status']} {seen['body'][:300]!r} headers={','.join(headers)}"


# Runs in a page: every call of one list, a few at a time, each a fetch() reporting what the script could read.
RUN_CALLS_JS = """
async (specs) => {
  const out = new Array(specs.length);
  let next = 0;
  async function worker() {
    while (next < specs.length) {
      const i = next++;
      const s = specs[i];
      try {
        const r = await fetch(s.url, {method: s.method, headers: s.headers, body: s.body,
          credentials: s.credentials ? "include" : "same-origin", cache: "no-store"});
        const body = await r.text();
        out[i] = {ok: true, status: r.status, body, headers: [...r.headers.keys()]};
      } catch (e) {
        out[i] = {ok: false, error: String(e)};
      }
    }
  }
  await Promise.all([worker(), worker(), worker(), worker(), worker(), worker()]);
  return out;
}
"""


def fetch_spec(call: Call, api_port: int, prefix: str, n: int) -> dict[str, Any]:
    """The fetch() arguments of *call* against the configuration mounted at */prefix* (a unique URL per call)."""
    return {
        "url": f"http://localhost:{api_port}/{prefix}{call.path}?n={n}",
        "method": call.method,
        "headers": [list(h) for h in call.headers],
        "body": call.body,
        "credentials": call.credentials,
    }


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
