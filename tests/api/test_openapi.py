"""The OpenAPI document is one a client generator can rely on."""

from __future__ import annotations

import json


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def test_every_operation_documents_its_errors_in_the_envelope_and_never_422(client):
    schema = client.get("/openapi.json").json()
    assert "422" not in json.dumps(schema["paths"])
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for method, path, operation in _operations(schema):
        if path == "/healthz":
            continue
        errors = {code: body for code, body in operation["responses"].items() if code >= "400"}
        assert errors, f"{method} {path} documents no error"
        for body in errors.values():
            ref = body["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorEnvelope"), (method, path)


def test_bearer_auth_everywhere_but_health_and_the_public_key(client):
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    open_paths = {"/healthz", "/api/s2s/operators/{operator_id}/public-key"}
    for method, path, operation in _operations(schema):
        assert ("security" in operation) == (path not in open_paths), (method, path)


def test_request_bodies_carry_the_specs_examples(client):
    schema = client.get("/openapi.json").json()
    for path, method in (
        ("/api/s2s/operators", "post"),
        ("/api/s2s/operators/{operator_id}", "patch"),
        ("/api/s2s/operators/{operator_id}/keys", "post"),
        ("/api/s2s/operators/{operator_id}/test", "post"),
    ):
        content = schema["paths"][path][method]["requestBody"]["content"]["application/json"]
        assert content["examples"]["spec"]["value"], (method, path)
