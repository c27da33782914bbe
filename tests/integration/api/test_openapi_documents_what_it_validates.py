"""The API documents what it validates (issue 16, item 6).

django-ninja names a schema in ``components`` after its class; two classes of one name
overwrite each other there, and the documentation then shows one route the other route's
body (a caller following it gets 422). These tests read the routes' own body classes, as
django-ninja validates with them, and compare them with what ``/api/openapi.json`` says.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from smolny.api.main import api


def body_classes() -> list[tuple[str, str, type[BaseModel]]]:
    """(method, path, class) for every operation that takes a body, as its route validates."""
    found: list[tuple[str, str, type[BaseModel]]] = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for model in operation.models:
                    if getattr(model, "__ninja_param_source__", None) != "body":
                        continue
                    for field in model.model_fields.values():
                        kind = field.annotation
                        if isinstance(kind, type) and issubclass(kind, BaseModel):
                            for method in operation.methods:
                                found.append((method.lower(), "/api" + prefix + path, kind))
    return found


def reachable(kind: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    """Every schema class *kind* documents, itself and those nested in its fields."""
    if kind in seen:
        return
    seen.add(kind)
    for field in kind.model_fields.values():
        stack: list[Any] = [field.annotation]
        while stack:
            current = stack.pop()
            if isinstance(current, type) and issubclass(current, BaseModel):
                reachable(current, seen)
            stack.extend(getattr(current, "__args__", ()))


def shape(schema: dict[str, Any]) -> tuple[list[str], list[str]]:
    return sorted(schema.get("properties", {})), sorted(schema.get("required", []))


def test_every_schema_name_belongs_to_one_class() -> None:
    seen: set[type[BaseModel]] = set()
    for _, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in operation.models:
                    reachable(model, seen)
                for response in (operation.response_models or {}).values():
                    if isinstance(response, type) and issubclass(response, BaseModel):
                        reachable(response, seen)
    by_name: dict[str, set[str]] = {}
    for kind in seen:
        if kind.__module__.startswith("smolny."):
            by_name.setdefault(kind.__name__, set()).add(f"{kind.__module__}.{kind.__qualname__}")
    shared = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert shared == {}
    assert len(by_name) > 50  # the walk found the API's schemas, not nothing


def test_every_operation_documents_the_body_its_route_validates() -> None:
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    wrong: list[str] = []
    operations = body_classes()
    for method, path, kind in operations:
        body = document["paths"][path][method]["requestBody"]["content"]
        (schema,) = [content["schema"] for content in body.values()][:1]
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            documented = components[name]
            if name != kind.__name__:
                wrong.append(f"{method} {path}: documents {name}, validates {kind.__name__}")
        else:
            documented = schema
        validated = kind.model_json_schema()
        if shape(documented) != shape(validated):
            wrong.append(
                f"{method} {path}: documents {shape(documented)}, validates {shape(validated)}"
            )
    assert wrong == []
    assert len(operations) >= 60  # every write route with a body was compared
    routes = {(m, p) for m, p, _ in operations}
    for named in (
        ("post", "/api/organs/{organ_id}/sessions"),
        ("post", "/api/councils/{council_id}/representation-rule"),
        ("post", "/api/elections/{election_id}/deputies"),
        ("post", "/api/elections/{election_id}/ballots"),
        ("post", "/api/recall/votes/{vote_id}/ballots"),
    ):
        assert named in routes  # the five routes are among those compared


def test_the_rules_endpoint_answers_json_not_python_reprs(world: Any) -> None:
    answer = world.client("admin").post(
        f"/api/organs/{world.plenum.pk}/rules",
        {"notice_hours": 48, "quorum": "2/3", "majority": "qualified", "fraction": "2/3"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    rules = answer.json()
    assert "Fraction(" not in answer.content.decode()
    assert "Quorum(" not in answer.content.decode()
    assert rules["quorum"] == {
        "kind": "share of the seated",
        "threshold": "2/3",
        "more_than": True,
        "described": "more than 2/3 of the seated members",
    }
    assert rules["majority"]["kind"] == "qualified"
    assert rules["majority"]["fraction"] == "2/3"
    assert rules["notice_seconds"] == 48 * 3600
