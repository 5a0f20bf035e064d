"""What scripts need beyond CRUD: ETag and If-Match, the audit of their changes, notifications."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from predictu_console.api.app import create_app
from predictu_console.core import audit
from predictu_console.db.session import session_scope
from predictu_console.db.tables import AuditEntry
from tests.factories import operator_payload

BASE = "/api/s2s"


@pytest.fixture
def operator_url(client, auth):
    created = client.post(f"{BASE}/operators", json=operator_payload(), headers=auth).json()
    return f"{BASE}/operators/{created['operator']['id']}"


def test_a_patch_with_a_stale_etag_is_412_and_changes_nothing(client, auth, operator_url):
    read = client.get(operator_url, headers=auth)
    tag = read.headers["ETag"]
    assert tag == f'"v{read.json()["version"]}"'

    first = client.patch(
        operator_url, json={"revenue_share_predictu": 35}, headers={**auth, "If-Match": tag}
    )
    assert first.status_code == 200 and first.headers["ETag"] != tag
    stale = client.patch(
        operator_url, json={"revenue_share_predictu": 40}, headers={**auth, "If-Match": tag}
    )
    assert (stale.status_code, stale.json()["error"]["code"]) == (412, "PRECONDITION_FAILED")
    assert client.get(operator_url, headers=auth).json()["revenue_share_predictu"] == 35

    fresh = client.patch(
        operator_url,
        json={"revenue_share_predictu": 40},
        headers={**auth, "If-Match": first.headers["ETag"]},
    )
    assert fresh.status_code == 200


@pytest.mark.parametrize("header", ["v3", '"3"', '"v-1"', "banana"])
def test_a_malformed_if_match_is_a_validation_error(client, auth, operator_url, header):
    response = client.patch(
        operator_url, json={"revenue_share_predictu": 35}, headers={**auth, "If-Match": header}
    )
    assert response.status_code == 400
    assert "If-Match" in response.json()["error"]["fields"]


def test_if_match_star_and_no_header_always_apply(client, auth, operator_url):
    for headers in ({**auth, "If-Match": "*"}, auth):
        assert (
            client.patch(
                operator_url, json={"name": "Renamed " + str(len(headers))}, headers=headers
            ).status_code
            == 200
        )


def test_a_script_reads_the_audit_of_its_changes(client, auth, operator_url, god):
    client.patch(operator_url, json={"revenue_share_predictu": 35}, headers=auth)
    client.post(f"{operator_url}/keys", headers=auth)

    page = client.get(f"{operator_url}/audit", params={"limit": 2}, headers=auth).json()
    assert page["chain"] == {
        "ok": True,
        "checked": page["chain"]["checked"],
        "broken_seq": None,
        "reason": None,
        "unkeyed": 0,
    }
    assert page["total"] >= 4 and len(page["entries"]) == 2
    assert page["entries"][0]["action"] in ("KEY_ROTATED", "onboarding.step_completed")
    entries = client.get(f"{operator_url}/audit", headers=auth).json()["entries"]
    updated = next(entry for entry in entries if entry["action"] == "operator.updated")
    assert updated["changes"]["revenue_share_predictu"] == {"from": 30, "to": 35}
    assert updated["actor_email"] == god.email


def test_reading_the_audit_again_verifies_only_the_rows_written_since(
    client, auth, operator_url, monkeypatch
):
    hashed: list[int] = []
    real = audit.entry_hash

    def counting(entry, **kwargs):
        hashed.append(entry.seq)
        return real(entry, **kwargs)

    monkeypatch.setattr(audit, "entry_hash", counting)
    first = client.get(f"{operator_url}/audit", headers=auth).json()["chain"]
    assert first["ok"] and len(hashed) == first["checked"]

    hashed.clear()
    for _ in range(3):
        assert client.get(f"{operator_url}/audit", headers=auth).json()["chain"]["ok"]
    assert hashed == []

    client.patch(operator_url, json={"contact_email": "new@example.com"}, headers=auth)
    hashed.clear()
    latest = client.get(f"{operator_url}/audit", headers=auth).json()["chain"]
    assert (latest["ok"], hashed) == (True, [latest["checked"]])


def test_notifications_marked_read_leave_an_audit_row(client, auth, operator_url, session_factory):
    client.patch(operator_url, json={"revenue_share_predictu": 35}, headers=auth)
    assert client.post(f"{BASE}/notifications/read", headers=auth).json()["marked_read"] == 1

    with session_scope(session_factory, write=False) as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (last.action, last.changes) == (
        "notifications.read",
        {"notifications.unread": {"from": 1, "to": 0}},
    )


def test_audit_of_an_unknown_operator_is_404_and_bad_paging_400(client, auth, operator_url):
    assert client.get(f"{BASE}/operators/op_nope/audit", headers=auth).status_code == 404
    bad = client.get(f"{operator_url}/audit", params={"limit": 0}, headers=auth)
    assert (bad.status_code, list(bad.json()["error"]["fields"])) == (400, ["limit"])


def test_notifications_list_sensitive_changes_and_mark_them_read(client, auth, operator_url):
    client.patch(operator_url, json={"revenue_share_predictu": 35}, headers=auth)

    unread = client.get(f"{BASE}/notifications", params={"unread": True}, headers=auth).json()
    [notice] = unread["notifications"]
    assert notice["kind"] == "operator.sensitive_change" and notice["read_at"] is None
    marked = client.post(f"{BASE}/notifications/read", headers=auth).json()
    assert marked == {"success": True, "marked_read": 1}
    after = client.get(f"{BASE}/notifications", params={"unread": True}, headers=auth).json()
    assert after["notifications"] == []
    everything = client.get(f"{BASE}/notifications", headers=auth).json()["notifications"]
    assert everything[0]["read_at"] is not None


def test_every_response_names_its_request_and_the_access_log_has_it(
    settings, session_factory, clock, auth, caplog
):
    app = create_app(settings, session_factory=session_factory, clock=clock, json_access_log=True)
    with TestClient(app) as client, caplog.at_level("INFO", logger="predictu_console.access"):
        mine = client.get(f"{BASE}/operators", headers={**auth, "X-Request-ID": "job-42.7"})
        made_up = client.get(f"{BASE}/operators/op_nope", headers={"X-Request-ID": "bad id!"})
    assert mine.headers["X-Request-ID"] == "job-42.7"
    assert made_up.headers["X-Request-ID"] != "bad id!"
    lines = [json.loads(record.getMessage()) for record in caplog.records]
    assert [(line["request_id"], line["status"]) for line in lines] == [
        ("job-42.7", 200),
        (made_up.headers["X-Request-ID"], 401),
    ]
    assert lines[0]["path"] == "/api/s2s/operators" and lines[0]["duration_ms"] >= 0
