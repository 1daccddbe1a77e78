"""Classification of spec differences: one crafted change of the vendored spec per case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conformance.openapi import ChangeClass, SpecDifference, count_by_class, load_document
from conformance.openapi.diff import diff_documents

Mutation = Callable[[dict[str, Any]], None]

OPERATION = "/paths/~1api~1v2~1incidents~1across-workspaces~1bulk-update/post"
SCHEMAS = "/components/schemas"


def _schemas(document: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


def _operation(document: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][
        "/api/v2/incidents/across-workspaces/bulk-update"
    ]["post"]
    return operation


def _update_request(document: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = _schemas(document)["UpdateIncidentRequest"]
    return schema


def remove_sentinelone(doc: dict[str, Any]) -> None:
    _schemas(doc)["IncidentSource"]["enum"].remove("SentinelOne")


def add_enum_value(doc: dict[str, Any]) -> None:
    _schemas(doc)["IncidentSource"]["enum"].append("Tanium")


def reword_description(doc: dict[str, Any]) -> None:
    _schemas(doc)["BulkUpdateIncidentsRequest"]["description"] = "Bulk update request."


def reword_summary(doc: dict[str, Any]) -> None:
    _operation(doc)["summary"] = "Update many incidents"


def remove_property(doc: dict[str, Any]) -> None:
    del _update_request(doc)["properties"]["comment"]


def add_required_property(doc: dict[str, Any]) -> None:
    _update_request(doc)["properties"]["reason"] = {"type": "string"}
    _update_request(doc)["required"].append("reason")


def require_existing_property(doc: dict[str, Any]) -> None:
    _update_request(doc)["required"].append("workspace")


def unrequire_property(doc: dict[str, Any]) -> None:
    _update_request(doc)["required"].remove("id")


def add_optional_property(doc: dict[str, Any]) -> None:
    _update_request(doc)["properties"]["severity"] = {"type": ["null", "string"]}


def narrow_type(doc: dict[str, Any]) -> None:
    _update_request(doc)["properties"]["comment"]["type"] = "string"


def widen_type(doc: dict[str, Any]) -> None:
    _update_request(doc)["properties"]["removeAssignee"]["type"] = ["null", "boolean"]


def drop_null_alternative(doc: dict[str, Any]) -> None:
    _update_request(doc)["properties"]["status"]["oneOf"].pop(0)


def remove_status(doc: dict[str, Any]) -> None:
    del _operation(doc)["responses"]["404"]


def add_status(doc: dict[str, Any]) -> None:
    _operation(doc)["responses"]["429"] = {"description": "Too many requests"}


def change_response_media_type(doc: dict[str, Any]) -> None:
    content = _operation(doc)["responses"]["200"]["content"]
    content["application/vnd.api+json"] = content.pop("application/json")


def remove_request_media_type(doc: dict[str, Any]) -> None:
    _operation(doc)["requestBody"]["content"] = {}


def add_request_media_type(doc: dict[str, Any]) -> None:
    content = _operation(doc)["requestBody"]["content"]
    content["application/merge-patch+json"] = dict(content["application/json"])


def remove_operation(doc: dict[str, Any]) -> None:
    doc["paths"] = {}


def add_max_items(doc: dict[str, Any]) -> None:
    _schemas(doc)["BulkUpdateIncidentsRequest"]["properties"]["items"]["maxItems"] = 100


def forbid_additional_properties(doc: dict[str, Any]) -> None:
    _update_request(doc)["additionalProperties"] = False


def rename_component(doc: dict[str, Any]) -> None:
    schemas = _schemas(doc)
    schemas["IncidentOrigin"] = schemas.pop("IncidentSource")
    _update_request(doc)["properties"]["incidentSource"]["$ref"] = (
        "#/components/schemas/IncidentOrigin"
    )


def add_unused_operation(doc: dict[str, Any]) -> None:
    doc["paths"]["/api/v2/gamebooks"] = {"get": {"responses": {"200": {"description": "OK"}}}}
    _schemas(doc)["Gamebook"] = {"type": "object"}


def change_unused_component(doc: dict[str, Any]) -> None:
    _schemas(doc)["Unused"] = {"enum": ["A"]}


def require_request_body(doc: dict[str, Any]) -> None:
    _operation(doc)["requestBody"]["required"] = True


def change_pattern(doc: dict[str, Any]) -> None:
    _schemas(doc)["ApiProblemDetails"]["properties"]["status"]["pattern"] = "^[0-9]+$"


def change_unknown_keyword(doc: dict[str, Any]) -> None:
    _update_request(doc)["properties"]["id"]["readOnly"] = True


CASES: list[tuple[str, Mutation, list[str]]] = [
    (
        "enum-value-removed",
        remove_sentinelone,
        [f"breaking  enum value removed  {SCHEMAS}/IncidentSource/enum  'SentinelOne'"],
    ),
    (
        "enum-value-added",
        add_enum_value,
        [f"additive  enum value added  {SCHEMAS}/IncidentSource/enum  'Tanium'"],
    ),
    (
        "description-changed",
        reword_description,
        [
            f"cosmetic  description changed  {SCHEMAS}/BulkUpdateIncidentsRequest/description  "
            "'v2 request body for the cross-workspace bulk incident update endpoint.' -> "
            "'Bulk update request.'"
        ],
    ),
    (
        "summary-changed",
        reword_summary,
        [
            f"cosmetic  summary changed  {OPERATION}/summary  "
            "'Bulk update incidents across workspaces' -> 'Update many incidents'"
        ],
    ),
    (
        "property-removed",
        remove_property,
        [
            "breaking  property removed  "
            f"{SCHEMAS}/UpdateIncidentRequest/properties/comment  'comment'"
        ],
    ),
    (
        "new-required-property",
        add_required_property,
        [
            "breaking  new required property  "
            f"{SCHEMAS}/UpdateIncidentRequest/properties/reason  'reason'"
        ],
    ),
    (
        "existing-property-now-required",
        require_existing_property,
        [f"breaking  new required property  {SCHEMAS}/UpdateIncidentRequest/required  'workspace'"],
    ),
    (
        "property-no-longer-required",
        unrequire_property,
        [f"additive  property no longer required  {SCHEMAS}/UpdateIncidentRequest/required  'id'"],
    ),
    (
        "optional-property-added",
        add_optional_property,
        [
            "additive  optional property added  "
            f"{SCHEMAS}/UpdateIncidentRequest/properties/severity  'severity'"
        ],
    ),
    (
        "type-narrowed-nullable-loses-null",
        narrow_type,
        [
            "breaking  type narrowed  "
            f"{SCHEMAS}/UpdateIncidentRequest/properties/comment/type  "
            "['null', 'string'] -> ['string']"
        ],
    ),
    (
        "type-widened",
        widen_type,
        [
            "additive  type widened  "
            f"{SCHEMAS}/UpdateIncidentRequest/properties/removeAssignee/type  "
            "['boolean'] -> ['boolean', 'null']"
        ],
    ),
    (
        "null-alternative-removed",
        drop_null_alternative,
        [
            "breaking  alternative removed  "
            f'{SCHEMAS}/UpdateIncidentRequest/properties/status/oneOf/0  {{"type": "null"}}'
        ],
    ),
    (
        "response-status-removed",
        remove_status,
        [f"breaking  response status removed  {OPERATION}/responses/404  '404'"],
    ),
    (
        "response-status-added",
        add_status,
        [f"additive  response status added  {OPERATION}/responses/429  '429'"],
    ),
    (
        "response-media-type-changed",
        change_response_media_type,
        [
            "breaking  media type changed  "
            f"{OPERATION}/responses/200/content/application~1json  "
            "'application/json' -> 'application/vnd.api+json'"
        ],
    ),
    (
        "request-media-type-removed",
        remove_request_media_type,
        [
            "breaking  media type removed  "
            f"{OPERATION}/requestBody/content/application~1json  'application/json'"
        ],
    ),
    (
        "request-media-type-added",
        add_request_media_type,
        [
            "additive  media type added  "
            f"{OPERATION}/requestBody/content/application~1merge-patch+json  "
            "'application/merge-patch+json'"
        ],
    ),
    (
        "request-body-now-required",
        require_request_body,
        [f"breaking  request body now required  {OPERATION}/requestBody/required  false -> true"],
    ),
    (
        "operation-removed",
        remove_operation,
        [f"breaking  operation removed  {OPERATION}  'v2-bulk-update-incidents-across-workspaces'"],
    ),
    (
        "constraint-added",
        add_max_items,
        [
            "breaking  constraint narrowed  "
            f"{SCHEMAS}/BulkUpdateIncidentsRequest/properties/items/maxItems  (absent) -> 100"
        ],
    ),
    (
        "additional-properties-forbidden",
        forbid_additional_properties,
        [
            "breaking  constraint narrowed  "
            f"{SCHEMAS}/UpdateIncidentRequest/additionalProperties  true -> false"
        ],
    ),
    (
        "pattern-changed",
        change_pattern,
        [
            "breaking  constraint narrowed  "
            f"{SCHEMAS}/ApiProblemDetails/properties/status/pattern  "
            "'^-?(?:0|[1-9]\\\\d*)$' -> '^[0-9]+$'"
        ],
    ),
    (
        "unclassified-keyword",
        change_unknown_keyword,
        [
            "breaking  unclassified change  "
            f"{SCHEMAS}/UpdateIncidentRequest/properties/id/readOnly  (absent) -> true"
        ],
    ),
    (
        "component-renamed",
        rename_component,
        [
            "cosmetic  reference renamed  "
            f"{SCHEMAS}/UpdateIncidentRequest/properties/incidentSource/$ref  "
            "'#/components/schemas/IncidentSource' -> '#/components/schemas/IncidentOrigin'"
        ],
    ),
    ("unused-operation-added", add_unused_operation, []),
    ("unused-component-changed", change_unused_component, []),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_one_change_is_classified(mutate: Mutation, expected: list[str]) -> None:
    old = load_document()
    new = load_document()
    mutate(new)

    assert [str(difference) for difference in diff_documents(old, new)] == expected


def test_identical_documents_have_no_differences() -> None:
    assert diff_documents(load_document(), load_document()) == []


def test_a_shared_component_is_reported_once() -> None:
    # ApiProblemDetails is used by five responses; its change is one difference.
    old, new = load_document(), load_document()
    del _schemas(new)["ApiProblemDetails"]["properties"]["code"]

    assert diff_documents(old, new) == [
        SpecDifference(
            ChangeClass.BREAKING,
            "property removed",
            f"{SCHEMAS}/ApiProblemDetails/properties/code",
            "'code'",
        )
    ]


def test_recursive_schemas_terminate() -> None:
    old, new = load_document(), load_document()
    for document in (old, new):
        _schemas(document)["UserSummary"]["properties"]["manager"] = {
            "$ref": "#/components/schemas/UserSummary"
        }
    _schemas(new)["UserSummary"]["properties"]["email"]["type"] = "string"

    assert [str(difference) for difference in diff_documents(old, new)] == [
        "breaking  type narrowed  "
        f"{SCHEMAS}/UserSummary/properties/email/type  ['null', 'string'] -> ['string']"
    ]


def test_inlined_reference_compares_the_target() -> None:
    old, new = load_document(), load_document()
    inlined = dict(_schemas(new)["IncidentSource"], enum=["Sentinel"])
    _update_request(new)["properties"]["incidentSource"] = inlined

    removed = [d.values for d in diff_documents(old, new) if d.kind == "enum value removed"]

    assert removed == ["'DefenderXDR'", "'QRadar'", "'Splunk'", "'CrowdStrike'", "'SentinelOne'"]


def test_count_by_class_counts_every_class() -> None:
    old, new = load_document(), load_document()
    remove_sentinelone(new)
    add_enum_value(new)
    add_status(new)

    assert count_by_class(diff_documents(old, new)) == {
        ChangeClass.BREAKING: 1,
        ChangeClass.ADDITIVE: 2,
        ChangeClass.COSMETIC: 0,
    }


# -- cases that need the old side changed too (the vendored spec has no parameters) ----------

PATH_ITEM = "/paths/~1api~1v2~1incidents~1across-workspaces~1bulk-update"


def _with_parameters(*parameters: dict[str, Any]) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        _operation(doc)["parameters"] = [dict(parameter) for parameter in parameters]

    return mutate


def _nothing(doc: dict[str, Any]) -> None:
    pass


DRY_RUN = {"in": "query", "name": "dryRun", "schema": {"type": "boolean"}}
TENANT = {"in": "header", "name": "X-Tenant", "required": True, "schema": {"type": "string"}}


def path_level_tenant(doc: dict[str, Any]) -> None:
    doc["paths"]["/api/v2/incidents/across-workspaces/bulk-update"]["parameters"] = [
        {**TENANT, "schema": {"type": ["string", "null"]}}
    ]


def drop_request_body(doc: dict[str, Any]) -> None:
    del _operation(doc)["requestBody"]


def require_security(doc: dict[str, Any]) -> None:
    doc["security"] = [{"basic": []}]


def deprecate(doc: dict[str, Any]) -> None:
    _operation(doc)["deprecated"] = True


def reword_response(doc: dict[str, Any]) -> None:
    _operation(doc)["responses"]["500"]["description"] = "Server error."


def enum_to_string(doc: dict[str, Any]) -> None:
    _schemas(doc)["Status"] = {"type": "string"}


def enum_to_integer(doc: dict[str, Any]) -> None:
    _schemas(doc)["Status"] = {"type": "integer", "enum": [0, 1, 2]}


def add_min_length(doc: dict[str, Any]) -> None:
    _schemas(doc)["UserSummary"]["properties"]["email"]["minLength"] = 3


def add_vendor_extension(doc: dict[str, Any]) -> None:
    _schemas(doc)["UserSummary"]["x-internal"] = True


def add_status_alternative(doc: dict[str, Any]) -> None:
    _update_request(doc)["properties"]["status"]["oneOf"].append({"type": "string"})


def forbid_empty_items(doc: dict[str, Any]) -> None:
    _schemas(doc)["BulkUpdateIncidentsRequest"]["properties"]["items"]["not"] = {"maxItems": 0}


def change_items_schema(doc: dict[str, Any]) -> None:
    items = _schemas(doc)["BulkUpdateIncidentResultDto"]["properties"]["accepted"]["items"]
    items["format"] = "uuid"


TWO_SIDED: list[tuple[str, Mutation, Mutation, list[str]]] = [
    (
        "parameter-removed",
        _with_parameters(DRY_RUN),
        _nothing,
        [f"breaking  parameter removed  {OPERATION}/parameters/0  query parameter 'dryRun'"],
    ),
    (
        "optional-parameter-added",
        _nothing,
        _with_parameters(DRY_RUN),
        [f"additive  optional parameter added  {OPERATION}/parameters/-  query parameter 'dryRun'"],
    ),
    (
        "required-parameter-added",
        _nothing,
        _with_parameters(TENANT),
        [
            "breaking  new required parameter  "
            f"{OPERATION}/parameters/-  header parameter 'X-Tenant'"
        ],
    ),
    (
        "parameter-now-required",
        _with_parameters(DRY_RUN),
        _with_parameters({**DRY_RUN, "required": True}),
        [f"breaking  parameter now required  {OPERATION}/parameters/0  query parameter 'dryRun'"],
    ),
    (
        "parameter-moved-to-path-item-and-widened",
        _with_parameters(TENANT),
        path_level_tenant,
        [
            f"additive  type widened  {OPERATION}/parameters/0/schema/type  "
            "['string'] -> ['null', 'string']"
        ],
    ),
    (
        "request-body-removed",
        _nothing,
        drop_request_body,
        [f"breaking  request body removed  {OPERATION}/requestBody  ['application/json']"],
    ),
    (
        "request-body-added",
        drop_request_body,
        _nothing,
        [f"additive  request body added  {OPERATION}/requestBody  required: false"],
    ),
    (
        "security-required",
        _nothing,
        require_security,
        [f'breaking  security requirements changed  {OPERATION}/security  [] -> [{{"basic": []}}]'],
    ),
    ("deprecated", _nothing, deprecate, [f"additive  operation deprecated  {OPERATION}  true"]),
    (
        "response-description",
        _nothing,
        reword_response,
        [
            f"cosmetic  description changed  {OPERATION}/responses/500/description  "
            "'Internal server error.' -> 'Server error.'"
        ],
    ),
    (
        "enum-constraint-removed",
        _nothing,
        enum_to_string,
        [
            f"additive  enum constraint removed  {SCHEMAS}/Status/enum  "
            "['Active', 'New', 'Closed']",
        ],
    ),
    (
        "enum-retyped",
        _nothing,
        enum_to_integer,
        [
            f"breaking  type narrowed  {SCHEMAS}/Status/type  ['string'] -> ['integer']",
            f"breaking  enum value removed  {SCHEMAS}/Status/enum  'Active'",
            f"breaking  enum value removed  {SCHEMAS}/Status/enum  'New'",
            f"breaking  enum value removed  {SCHEMAS}/Status/enum  'Closed'",
            f"additive  enum value added  {SCHEMAS}/Status/enum  0",
            f"additive  enum value added  {SCHEMAS}/Status/enum  1",
            f"additive  enum value added  {SCHEMAS}/Status/enum  2",
        ],
    ),
    (
        "lower-bound-added",
        _nothing,
        add_min_length,
        [
            "breaking  constraint narrowed  "
            f"{SCHEMAS}/UserSummary/properties/email/minLength  (absent) -> 3"
        ],
    ),
    (
        "lower-bound-removed",
        add_min_length,
        _nothing,
        [
            "additive  constraint widened  "
            f"{SCHEMAS}/UserSummary/properties/email/minLength  3 -> (absent)"
        ],
    ),
    (
        "vendor-extension",
        _nothing,
        add_vendor_extension,
        [f"cosmetic  x-internal added  {SCHEMAS}/UserSummary/x-internal  (absent) -> true"],
    ),
    (
        "alternative-added",
        _nothing,
        add_status_alternative,
        [
            "additive  alternative added  "
            f'{SCHEMAS}/UpdateIncidentRequest/properties/status/oneOf/-  {{"type": "string"}}'
        ],
    ),
    (
        "not-added",
        _nothing,
        forbid_empty_items,
        [
            "breaking  constraint added  "
            f'{SCHEMAS}/BulkUpdateIncidentsRequest/properties/items/not  {{"maxItems": 0}}'
        ],
    ),
    (
        "array-items-format",
        _nothing,
        change_items_schema,
        [
            "breaking  constraint narrowed  "
            f"{SCHEMAS}/BulkUpdateIncidentResultDto/properties/accepted/items/format  "
            "(absent) -> 'uuid'"
        ],
    ),
]


@pytest.mark.parametrize(
    ("mutate_old", "mutate_new", "expected"),
    [case[1:] for case in TWO_SIDED],
    ids=[case[0] for case in TWO_SIDED],
)
def test_a_change_between_two_variants_is_classified(
    mutate_old: Mutation, mutate_new: Mutation, expected: list[str]
) -> None:
    old, new = load_document(), load_document()
    mutate_old(old)
    mutate_new(new)

    assert [str(difference) for difference in diff_documents(old, new)] == expected
