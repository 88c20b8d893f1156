"""The hostile-input table (_hostile_table.py) through decide() and the WSGI, ASGI, Flask and Django adapters."""

from __future__ import annotations

import pytest

from ._hostile_table import ALLOWED, NOT_CORS, POLICY, REFUSED, ROWS, STEP_REFUSED, Row
from ._runners import RUNNERS, Answer, environ_for

_ALLOW_PREFIX = "access-control-allow-"


#: Frameworks whose request method is upper-cased before anything sees it (Django's WSGIRequest.method):
#: there 'options' is OPTIONS, and the CORS answer follows what the framework does with the request.
_UPPER_CASES_METHOD = {"django"}


def _is_preflight(row: Row, runner: str) -> bool:
    """R1 on the fields as the application sees them (after the server's name mapping)."""
    if runner == "asgi":  # ASGI keeps each field's own name: 'Access_Control_Request_Method' is another header
        names = {name.lower() for name, _ in row.fields}
        return row.method == "OPTIONS" and "origin" in names and "access-control-request-method" in names
    environ = environ_for(row.method, "/", row.fields)
    method = row.method.upper() if runner in _UPPER_CASES_METHOD else row.method
    return method == "OPTIONS" and "HTTP_ORIGIN" in environ and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ


def check(row: Row, answer: Answer, runner: str) -> None:
    """The expected answer of one row; shared by every runner."""
    for name, value in answer.fields:  # R35: whatever came in, what goes out is clean
        assert value.isascii() and value.isprintable() and len(value) < 4096, (name, value[:100])
    cors = {n.lower(): v for n, v in answer.fields if n.lower().startswith("access-control-")}
    preflight = _is_preflight(row, runner)
    assert answer.app_ran is not preflight, "a preflight reached the app, or a request did not"
    if row.expect == ALLOWED:
        sent = (
            next(v for n, v in row.fields if n.lower() == "origin")
            if runner == "asgi"
            else environ_for(row.method, "/", row.fields)["HTTP_ORIGIN"]
        )
        assert answer.getlist("Access-Control-Allow-Origin") == [sent]  # R10, R11: one field, the Origin bytes
        assert answer.getlist("Access-Control-Allow-Credentials") == ["true"]
        if preflight:
            assert answer.status == POLICY.preflight_status
    elif row.expect == STEP_REFUSED and preflight:  # R23 revised: the browser's console must name the method or header
        fields = dict(row.fields)
        assert answer.status == POLICY.preflight_status
        assert answer.getlist("Access-Control-Allow-Origin") == [fields["Origin"]]
        assert answer.getlist("Access-Control-Allow-Credentials") == ["true"]
        assert not answer.getlist("Access-Control-Max-Age")
        methods = [m.strip() for m in ",".join(answer.getlist("Access-Control-Allow-Methods")).split(",")]
        # present (a missing one reads as allowing the method, Fetch 7.3), the configured list: never '*', never the refused one
        assert methods == list(POLICY.allow_methods), methods
        listed = {h.strip().lower() for h in ",".join(answer.getlist("Access-Control-Allow-Headers")).split(",")} - {""}
        assert listed <= {h.lower() for h in POLICY.allow_headers}, listed  # only allowed names, never '*'
    else:
        assert not [n for n in cors if n.startswith(_ALLOW_PREFIX)], cors  # R23
        if preflight:
            assert answer.status == 403
        if row.expect == REFUSED:
            vary = ",".join(answer.getlist("Vary")).lower()
            assert "origin" in vary  # R30: the answer depends on the Origin
    for name in row.absent:
        assert not answer.getlist(name), name


def test_the_table_is_big_and_ids_unique() -> None:
    assert len(ROWS) >= 60
    assert len({r.id for r in ROWS}) == len(ROWS)
    assert {r.expect for r in ROWS} == {ALLOWED, REFUSED, NOT_CORS, STEP_REFUSED}


@pytest.mark.parametrize("runner", sorted(RUNNERS))
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_hostile_request(runner: str, row: Row) -> None:
    check(row, RUNNERS[runner](POLICY, row.method, "/resource", row.fields), runner)
