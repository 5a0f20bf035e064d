"""`/healthz` says whether the database answers and where rate limits count."""

from __future__ import annotations

from fastapi.testclient import TestClient

from predictu_console.api.app import create_app
from predictu_console.db.session import make_session_factory

CLOSED_PORT = 18299  # nothing listens here during the tests


def test_health_names_the_database_and_the_rate_limit_storage(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "rate_limits": "off"}


def test_a_database_that_does_not_answer_is_503(settings):
    gone = settings.model_copy(
        update={
            "database_url": f"postgresql+psycopg://postgres@127.0.0.1:{CLOSED_PORT}/none",
            "rate_limits": True,
        }
    )
    app = create_app(gone, session_factory=make_session_factory(gone))
    with TestClient(app) as client:
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["rate_limits"]) == (
        "unavailable",
        "down",
        "memory",
    )
    assert body["error"]["code"] == "SERVICE_UNAVAILABLE"
