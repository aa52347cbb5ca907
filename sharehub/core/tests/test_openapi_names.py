"""Every component schema of the OpenAPI document names one class (issue 19).

django-ninja keeps one component per schema name for the whole API: when two apps define a
schema class with the same name, the last one documented wins, and an operation of the other
app is documented with a body or an answer it does not have (designation's report acceptance
was documented as participation's note, `proposal` and `text`, while it takes `note`). Schema
classes of the API are therefore named after their app (`DesignationReportOut`,
`ProgrammeReportOut`, …). The first test walks every model an operation uses (its parameters,
its body, its answers, and every model and enum they hold) and fails when one component name
stands for two classes; the second rebuilds each operation's schemas as django-ninja does and
fails when the document holds another schema under one of their names.
"""

from __future__ import annotations

import enum
import typing
from collections import defaultdict

from ninja.openapi.schema import REF_TEMPLATE, NinjaGenerateJsonSchema
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from sharehub.api import api
from sharehub.core.api_errors import ErrorOut

_NAMES = GenerateJsonSchema()


def component_name(cls: type) -> str:
    """The name pydantic gives the class's definition (`ApiPage[X]` is `ApiPage_X_`)."""
    return _NAMES.normalize_name(cls.__name__)


def operations():
    """Every operation with its method and path, walked as django-ninja walks them for the
    document (its bound routers: each app's router and the routers mounted in it)."""
    for router in api._get_bound_routers():
        for path, view in router.path_operations.items():
            for operation in view.operations:
                full = "/".join(
                    part.strip("/") for part in (router.prefix, path) if part.strip("/")
                )
                yield f"{'/'.join(operation.methods)} /{full}", operation


def models_of(operation) -> list[tuple[type[BaseModel], str, bool]]:
    """Each model django-ninja turns into a schema for the operation: (model, mode, by_alias)."""
    used = [(model, "validation", True) for model in operation.models]
    for model in (operation.response_models or {}).values():
        if isinstance(model, type) and issubclass(model, BaseModel):
            used.append((model, "serialization", operation.by_alias))
    return used


def classes_by_name() -> dict[str, dict[str, set[str]]]:
    """Component name -> {class (module.qualname) -> operations using it}."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    seen: set[tuple[type, str]] = set()

    def walk(annotation, where: str) -> None:
        if isinstance(annotation, type) and issubclass(annotation, (BaseModel, enum.Enum)):
            if (annotation, where) in seen:
                return
            seen.add((annotation, where))
            key = f"{annotation.__module__}.{annotation.__qualname__}"
            found[component_name(annotation)][key].add(where)
            if issubclass(annotation, BaseModel):
                for field in annotation.model_fields.values():
                    walk(field.annotation, where)
            return
        for argument in typing.get_args(annotation):
            walk(argument, where)

    walk(ErrorOut, "every error answer")
    for where, operation in operations():
        for model, _mode, _by_alias in models_of(operation):
            # The operation's own wrappers (its parameters, its `response`) are not components:
            # what they hold is.
            for field in model.model_fields.values():
                walk(field.annotation, where)
    return found


def test_the_walk_sees_every_operation_and_the_api_s_schemas():
    """The walk is not empty: it reaches every operation and the schemas they document."""
    document = api.get_openapi_schema()
    documented = sum(
        1
        for item in document["paths"].values()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )
    assert documented == sum(1 for _ in operations()) > 60
    names = classes_by_name()
    components = set(document["components"]["schemas"])
    # Every model or enum met by the walk is a component of the document, and (nearly) every
    # component was met: the walk follows what the document is made of.
    assert set(names) <= components, sorted(set(names) - components)
    assert len(names) > 0.9 * len(components)


def test_every_component_name_stands_for_one_class():
    collisions = {
        name: {cls: sorted(where)[:2] for cls, where in sorted(classes.items())}
        for name, classes in sorted(classes_by_name().items())
        if len(classes) > 1
    }
    assert not collisions, (
        f"{len(collisions)} component schema names stand for more than one class "
        f"(rename the classes after their app): {collisions}"
    )


def test_every_operation_is_documented_with_its_own_schemas():
    """Each operation's schemas, built as django-ninja builds them, are the document's."""
    components = api.get_openapi_schema()["components"]["schemas"]
    wrong: dict[str, list[str]] = defaultdict(list)
    for where, operation in operations():
        for model, mode, by_alias in models_of(operation):
            schema = model.model_json_schema(
                ref_template=REF_TEMPLATE,
                by_alias=by_alias,
                schema_generator=NinjaGenerateJsonSchema,
                mode=mode,
            )
            for name, definition in schema.get("$defs", {}).items():
                if components.get(name) != definition:
                    wrong[name].append(where)
    assert not wrong, (
        "operations documented with another class's schema under the same name: "
        f"{ {name: sorted(set(where))[:3] for name, where in sorted(wrong.items())} }"
    )
