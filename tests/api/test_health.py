"""`/healthz` says whether the database answers and where rate limits count."""

from __future__ import annotations

import shutil

from fastapi.testclient import TestClient

from predictu_console.api.app import create_app
from predictu_console.db.session import make_session_factory
from predictu_console.settings import Settings
from tests.factories import actor_for_new_admin, token_for

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


def test_an_unreachable_database_is_a_neutral_database_error_not_an_internal_one(settings):
    gone = settings.model_copy(
        update={"database_url": f"postgresql+psycopg://postgres@127.0.0.1:{CLOSED_PORT}/none"}
    )
    app = create_app(gone, session_factory=make_session_factory(gone))
    with TestClient(app) as client:
        response = client.get("/api/s2s/operators", headers={"Authorization": "Bearer tok_x.y"})

    assert response.status_code == 500
    assert response.json()["error"] == {
        "code": "DATABASE_ERROR",
        "message": "The database failed this request; the reason is in the server log",
    }


def test_a_deleted_sqlite_file_is_503_database_unavailable(tmp_path, sqlite_template, clock):
    # Only a file can vanish under a running server; PostgreSQL's faults are covered above.
    database_file = tmp_path / "predictu.db"
    shutil.copyfile(sqlite_template, database_file)
    settings = Settings(home=tmp_path / "home", database_url=f"sqlite:///{database_file}")
    factory = make_session_factory(settings)
    actor_for_new_admin(factory, clock)
    auth = {"Authorization": f"Bearer {token_for(factory, clock, 'god@predictu.com')}"}
    with TestClient(create_app(settings, session_factory=factory, clock=clock)) as client:
        assert client.get("/api/s2s/operators", headers=auth).status_code == 200
        database_file.unlink()
        response = client.get("/api/s2s/operators", headers=auth)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "DATABASE_UNAVAILABLE"
    assert str(database_file) not in response.text
    assert not database_file.exists()
