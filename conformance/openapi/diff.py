"""Classifying how another copy of the spec differs from the vendored one, from a client's view.

Only what the suite uses is compared: the operations of the old (vendored) document and
every schema reachable from them through ``$ref``. Other operations the vendor publishes do
not matter to the suite, so they are never reported.

Differences are named by JSON pointers into the *old* document, because that is the file a
reader has open: a changed component is reported once, at ``/components/schemas/<Name>/...``,
however many places use it. A property or status that only the new document has is named by
where it would sit in the old one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from conformance.openapi.json_types import json_type_of
from conformance.openapi.pointer import follow_refs, join, resolve, split

__all__ = ["ChangeClass", "SpecDifference", "count_by_class", "diff_documents"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class ChangeClass(StrEnum):
    BREAKING = "breaking"
    """A client written against the old document may fail against the new one."""
    ADDITIVE = "additive"
    """The new document allows more; the old clients keep working."""
    COSMETIC = "cosmetic"
    """Documentation only: descriptions, summaries, titles, examples."""


@dataclass(frozen=True)
class SpecDifference:
    change: ChangeClass
    kind: str
    """What changed, in words: ``enum value removed``, ``response status added``, ..."""
    pointer: str
    """Where, as a JSON pointer into the old document."""
    values: str
    """The values involved: ``'SentinelOne'`` or ``'old' -> 'new'``."""

    def __str__(self) -> str:
        return f"{self.change.value:<9} {self.kind}  {self.pointer}  {self.values}".rstrip()


def diff_documents(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[SpecDifference]:
    """Every difference in the operations of ``old`` and the schemas they reach, in walk order."""
    walker = _Walker(old, new)
    for path, item in (old.get("paths") or {}).items():
        if isinstance(item, dict):
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    walker.operation(path, method)
    return walker.differences


def count_by_class(differences: Sequence[SpecDifference]) -> dict[ChangeClass, int]:
    counts = Counter(difference.change for difference in differences)
    return {change: counts[change] for change in ChangeClass}


# Keywords that only document: a change is cosmetic. ``x-`` extensions count too.
_ANNOTATIONS = frozenset(
    {"description", "summary", "title", "example", "examples", "$comment", "externalDocs"}
)
_ANNOTATIONS_OR_DEFAULT = _ANNOTATIONS | {"default", "deprecated"}
# Numeric bounds: a lower upper bound (or a new one) narrows; a higher lower bound narrows.
_UPPER_BOUNDS = frozenset(
    {"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains"}
)
_LOWER_BOUNDS = frozenset(
    {"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains"}
)
# Constraints that are there or not: adding or changing one narrows, removing one widens.
_EXACT_CONSTRAINTS = frozenset({"pattern", "format", "const", "multipleOf", "uniqueItems"})
# Sub-schemas where "absent" means "anything": true > a schema > false.
_SUBSCHEMAS = (
    "items",
    "additionalProperties",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
# Compared by dedicated methods (or, for $defs, through the $ref that uses them).
_DEDICATED = frozenset(
    {"$ref", "type", "nullable", "enum", "properties", "required", "oneOf", "anyOf", "allOf"}
    | {"not", "$defs", "definitions", *_SUBSCHEMAS}
)
_ABSENT = object()


class _Walker:
    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old = old
        self.new = new
        self.differences: list[SpecDifference] = []
        # Pairs of schema locations already compared: shared components are reported once,
        # and recursive schemas terminate.
        self._seen: set[tuple[str, str]] = set()

    def report(self, change: ChangeClass, kind: str, pointer: str, values: str) -> None:
        self.differences.append(SpecDifference(change, kind, pointer, values))

    # -- operations ----------------------------------------------------------------------

    def operation(self, path: str, method: str) -> None:
        pointer = join("paths", path, method)
        old_item = self.old["paths"][path]
        old_op = old_item[method]
        new_item = (self.new.get("paths") or {}).get(path)
        new_op = new_item.get(method) if isinstance(new_item, dict) else None
        if not isinstance(new_item, dict) or not isinstance(new_op, dict):
            name = old_op.get("operationId") or f"{method.upper()} {path}"
            self.report(ChangeClass.BREAKING, "operation removed", pointer, _show(name))
            return
        self.annotations(pointer, old_op, new_op, keys=("summary", "description", "operationId"))
        if new_op.get("deprecated") and not old_op.get("deprecated"):
            self.report(ChangeClass.ADDITIVE, "operation deprecated", pointer, "true")
        old_security = old_op.get("security", self.old.get("security"))
        new_security = new_op.get("security", self.new.get("security"))
        if old_security != new_security:
            self.report(
                ChangeClass.BREAKING,
                "security requirements changed",
                f"{pointer}/security",
                _change(old_security, new_security),
            )
        self.parameters(pointer, old_item, old_op, new_item, new_op)
        self.request_body(pointer, old_op.get("requestBody"), new_op.get("requestBody"))
        self.responses(pointer, old_op.get("responses") or {}, new_op.get("responses") or {})

    def parameters(
        self,
        pointer: str,
        old_item: Mapping[str, Any],
        old_op: Mapping[str, Any],
        new_item: Mapping[str, Any],
        new_op: Mapping[str, Any],
    ) -> None:
        old_params = self._parameters(self.old, old_item, old_op, pointer)
        new_params = self._parameters(self.new, new_item, new_op, pointer)
        for key, (at, old_param) in old_params.items():
            label = f"{key[0]} parameter {key[1]!r}"
            if key not in new_params:
                self.report(ChangeClass.BREAKING, "parameter removed", at, label)
                continue
            new_at, new_param = new_params[key]
            if new_param.get("required") and not old_param.get("required"):
                self.report(ChangeClass.BREAKING, "parameter now required", at, label)
            elif old_param.get("required") and not new_param.get("required"):
                self.report(ChangeClass.ADDITIVE, "parameter now optional", at, label)
            self.annotations(at, old_param, new_param, keys=("description",))
            if "schema" in old_param or "schema" in new_param:
                self.schema(
                    old_param.get("schema", {}),
                    f"{at}/schema",
                    new_param.get("schema", {}),
                    f"{new_at}/schema",
                )
        for key, (_, new_param) in new_params.items():
            if key not in old_params:
                at = f"{pointer}/parameters/-"
                label = f"{key[0]} parameter {key[1]!r}"
                if new_param.get("required"):
                    self.report(ChangeClass.BREAKING, "new required parameter", at, label)
                else:
                    self.report(ChangeClass.ADDITIVE, "optional parameter added", at, label)

    def _parameters(
        self,
        document: Mapping[str, Any],
        item: Mapping[str, Any],
        operation: Mapping[str, Any],
        operation_at: str,
    ) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
        """Parameters by (in, name), each with its pointer; an operation's own override the
        path item's, as OpenAPI says."""
        item_at = operation_at.rsplit("/", 1)[0]
        found: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        for at, raws in (
            (item_at, item.get("parameters")),
            (operation_at, operation.get("parameters")),
        ):
            for index, raw in enumerate(raws or ()):
                param = follow_refs(document, raw)
                if isinstance(param, dict):
                    found[(str(param.get("in")), str(param.get("name")))] = (
                        f"{at}/parameters/{index}",
                        param,
                    )
        return found

    def request_body(self, pointer: str, old_raw: Any, new_raw: Any) -> None:
        at = f"{pointer}/requestBody"
        old_body, new_body = follow_refs(self.old, old_raw), follow_refs(self.new, new_raw)
        if not isinstance(old_body, dict) and not isinstance(new_body, dict):
            return
        if not isinstance(new_body, dict):
            media = list(old_body.get("content") or {})
            self.report(ChangeClass.BREAKING, "request body removed", at, _show(media))
            return
        if not isinstance(old_body, dict):
            required = bool(new_body.get("required"))
            change = ChangeClass.BREAKING if required else ChangeClass.ADDITIVE
            self.report(change, "request body added", at, f"required: {_show(required)}")
            return
        old_required, new_required = bool(old_body.get("required")), bool(new_body.get("required"))
        if new_required and not old_required:
            self.report(
                ChangeClass.BREAKING, "request body now required", f"{at}/required", "false -> true"
            )
        elif old_required and not new_required:
            self.report(
                ChangeClass.ADDITIVE, "request body now optional", f"{at}/required", "true -> false"
            )
        self.annotations(at, old_body, new_body, keys=("description",))
        self.content(at, old_body.get("content") or {}, new_body.get("content") or {})

    def responses(
        self, pointer: str, old_responses: Mapping[str, Any], new_responses: Mapping[str, Any]
    ) -> None:
        at = f"{pointer}/responses"
        for status, old_raw in old_responses.items():
            status_at = join(*split(at), str(status))
            if status not in new_responses:
                self.report(
                    ChangeClass.BREAKING, "response status removed", status_at, _show(str(status))
                )
                continue
            old_response = follow_refs(self.old, old_raw)
            new_response = follow_refs(self.new, new_responses[status])
            if isinstance(old_response, dict) and isinstance(new_response, dict):
                self.annotations(status_at, old_response, new_response, keys=("description",))
                self.content(
                    status_at, old_response.get("content") or {}, new_response.get("content") or {}
                )
        for status in new_responses:
            if status not in old_responses:
                self.report(
                    ChangeClass.ADDITIVE,
                    "response status added",
                    join(*split(at), str(status)),
                    _show(str(status)),
                )

    def content(
        self, pointer: str, old_content: Mapping[str, Any], new_content: Mapping[str, Any]
    ) -> None:
        at = f"{pointer}/content"
        removed = [media for media in old_content if media not in new_content]
        added = [media for media in new_content if media not in old_content]
        # A removed media type paired with an added one reads as "changed", and the schemas
        # under the pair are still compared.
        for old_media, new_media in zip(removed, added, strict=False):
            self.report(
                ChangeClass.BREAKING,
                "media type changed",
                join(*split(at), old_media),
                _change(old_media, new_media),
            )
            self._media(join(*split(at), old_media), old_content[old_media], new_content[new_media])
        for media in removed[len(added) :]:
            self.report(
                ChangeClass.BREAKING, "media type removed", join(*split(at), media), _show(media)
            )
        for media in added[len(removed) :]:
            self.report(
                ChangeClass.ADDITIVE, "media type added", join(*split(at), media), _show(media)
            )
        for media, old_media_object in old_content.items():
            if media in new_content:
                self._media(join(*split(at), media), old_media_object, new_content[media])

    def _media(self, pointer: str, old_media: Any, new_media: Any) -> None:
        if not isinstance(old_media, dict) or not isinstance(new_media, dict):
            return
        if "schema" in old_media or "schema" in new_media:
            at = f"{pointer}/schema"
            self.schema(old_media.get("schema", {}), at, new_media.get("schema", {}), at)

    # -- schemas -------------------------------------------------------------------------

    def schema(self, old: Any, old_at: str, new: Any, new_at: str) -> None:
        if (old_at, new_at) in self._seen:
            return
        self._seen.add((old_at, new_at))
        if isinstance(old, bool) or isinstance(new, bool):
            if old != new:
                self.report(ChangeClass.BREAKING, "unclassified change", old_at, _change(old, new))
            return
        if not isinstance(old, dict) or not isinstance(new, dict):
            return
        old_ref, new_ref = old.get("$ref"), new.get("$ref")
        if isinstance(old_ref, str) and isinstance(new_ref, str):
            # Siblings of $ref (OpenAPI 3.1 allows a description next to it) belong here;
            # the referenced schema is compared at its own location.
            self.keywords(_without_ref(old), old_at, _without_ref(new), new_at)
            if old_ref != new_ref:
                self.report(
                    ChangeClass.COSMETIC,
                    "reference renamed",
                    f"{old_at}/$ref",
                    _change(old_ref, new_ref),
                )
            self._follow(old_ref, new_ref, old_at)
            return
        self.keywords(
            self._inline(self.old, old, old_at), old_at, self._inline(self.new, new, new_at), new_at
        )

    def _follow(self, old_ref: str, new_ref: str, at: str) -> None:
        old_target, new_target = _target(self.old, old_ref), _target(self.new, new_ref)
        if old_target is _ABSENT:
            return  # the vendored document's own dangling or external reference: not drift
        if new_target is _ABSENT:
            self.report(
                ChangeClass.BREAKING, "referenced schema missing", f"{at}/$ref", _show(new_ref)
            )
            return
        self.schema(old_target, old_ref[1:], new_target, new_ref[1:])

    def _inline(self, document: Mapping[str, Any], schema: dict[str, Any], at: str) -> Any:
        """``schema`` with a lone ``$ref`` replaced by its target merged with the siblings."""
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            return schema
        target = _target(document, ref)
        if not isinstance(target, dict):
            return schema
        return {**target, **_without_ref(schema)}

    def keywords(self, old: dict[str, Any], old_at: str, new: dict[str, Any], new_at: str) -> None:
        self.types(old, new, old_at)
        self.enums(old, new, old_at)
        self.properties(old, old_at, new, new_at)
        for keyword in _SUBSCHEMAS:
            self.subschema(keyword, old, old_at, new, new_at)
        for keyword in ("oneOf", "anyOf", "allOf"):
            self.alternatives(keyword, old, old_at, new, new_at)
        if "not" in old or "not" in new:
            if "not" in old and "not" in new:
                self.schema(old["not"], f"{old_at}/not", new["not"], f"{new_at}/not")
            elif "not" in new:
                self.report(
                    ChangeClass.BREAKING, "constraint added", f"{old_at}/not", _show(new["not"])
                )
            else:
                self.report(
                    ChangeClass.ADDITIVE, "constraint removed", f"{old_at}/not", _show(old["not"])
                )
        for keyword in [*old, *(key for key in new if key not in old)]:
            self.keyword(keyword, old.get(keyword, _ABSENT), new.get(keyword, _ABSENT), old_at)

    def keyword(self, keyword: str, old: Any, new: Any, at: str) -> None:
        if keyword in _DEDICATED or old == new:
            return
        where = f"{at}/{keyword}"
        if keyword in _ANNOTATIONS_OR_DEFAULT or keyword.startswith("x-"):
            self.report(
                ChangeClass.COSMETIC, _annotation_kind(keyword, old, new), where, _change(old, new)
            )
        elif keyword in _UPPER_BOUNDS or keyword in _LOWER_BOUNDS:
            narrowed = _bound_narrowed(keyword in _UPPER_BOUNDS, old, new)
            self._constraint(narrowed, where, old, new)
        elif keyword in _EXACT_CONSTRAINTS:
            if keyword == "uniqueItems":
                old, new = old is True or _ABSENT, new is True or _ABSENT
                if old == new:
                    return
            self._constraint(new is not _ABSENT, where, old, new)
        else:
            # A keyword this walker has no rule for: flagged as breaking so that a person
            # looks at it rather than the suite quietly testing against a changed schema.
            self.report(ChangeClass.BREAKING, "unclassified change", where, _change(old, new))

    def _constraint(self, narrowed: bool, where: str, old: Any, new: Any) -> None:
        if narrowed:
            self.report(ChangeClass.BREAKING, "constraint narrowed", where, _change(old, new))
        else:
            self.report(ChangeClass.ADDITIVE, "constraint widened", where, _change(old, new))

    def annotations(
        self, at: str, old: Mapping[str, Any], new: Mapping[str, Any], *, keys: Sequence[str]
    ) -> None:
        for key in keys:
            old_value, new_value = old.get(key, _ABSENT), new.get(key, _ABSENT)
            if old_value != new_value:
                self.report(
                    ChangeClass.COSMETIC,
                    _annotation_kind(key, old_value, new_value),
                    f"{at}/{key}",
                    _change(old_value, new_value),
                )

    def types(self, old: Mapping[str, Any], new: Mapping[str, Any], at: str) -> None:
        old_types, new_types = _types(old), _types(new)
        if old_types == new_types:
            return
        where = f"{at}/type"
        if old_types is None or new_types is None:
            narrowed = old_types is None
        else:
            narrowed = any(not _type_covered(kind, new_types) for kind in old_types)
        values = _change(_type_list(old_types), _type_list(new_types))
        if narrowed:
            self.report(ChangeClass.BREAKING, "type narrowed", where, values)
        elif new_types is None or any(not _type_covered(kind, old_types) for kind in new_types):
            self.report(ChangeClass.ADDITIVE, "type widened", where, values)

    def enums(self, old: Mapping[str, Any], new: Mapping[str, Any], at: str) -> None:
        old_enum, new_enum = old.get("enum"), new.get("enum")
        where = f"{at}/enum"
        if old_enum is None and new_enum is None:
            return
        if new_enum is None:
            self.report(ChangeClass.ADDITIVE, "enum constraint removed", where, _show(old_enum))
            return
        if old_enum is None:
            self.report(ChangeClass.BREAKING, "enum constraint added", where, _show(new_enum))
            return
        for value in old_enum:
            if value not in new_enum:
                self.report(ChangeClass.BREAKING, "enum value removed", where, _show(value))
        for value in new_enum:
            if value not in old_enum:
                self.report(ChangeClass.ADDITIVE, "enum value added", where, _show(value))

    def properties(
        self, old: dict[str, Any], old_at: str, new: dict[str, Any], new_at: str
    ) -> None:
        old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
        old_required, new_required = set(old.get("required") or ()), set(new.get("required") or ())
        for name, old_schema in old_props.items():
            where = join(*split(old_at), "properties", name)
            if name not in new_props:
                self.report(ChangeClass.BREAKING, "property removed", where, _show(name))
            else:
                self.schema(
                    old_schema, where, new_props[name], join(*split(new_at), "properties", name)
                )
        for name in new_props:
            if name not in old_props:
                where = join(*split(old_at), "properties", name)
                if name in new_required:
                    self.report(ChangeClass.BREAKING, "new required property", where, _show(name))
                else:
                    self.report(ChangeClass.ADDITIVE, "optional property added", where, _show(name))
        for name in new.get("required") or ():
            # A new property that is required was reported above, with its own pointer.
            if name not in old_required and (name in old_props or name not in new_props):
                self.report(
                    ChangeClass.BREAKING, "new required property", f"{old_at}/required", _show(name)
                )
        for name in old.get("required") or ():
            if name not in new_required and name in new_props:
                self.report(
                    ChangeClass.ADDITIVE,
                    "property no longer required",
                    f"{old_at}/required",
                    _show(name),
                )

    def subschema(
        self, keyword: str, old: Mapping[str, Any], old_at: str, new: Mapping[str, Any], new_at: str
    ) -> None:
        # Absent means "anything", the same as true.
        old_value, new_value = old.get(keyword, True), new.get(keyword, True)
        if isinstance(old_value, dict) and isinstance(new_value, dict):
            self.schema(old_value, f"{old_at}/{keyword}", new_value, f"{new_at}/{keyword}")
            return
        if old_value == new_value:
            return
        narrowed = _openness(new_value) < _openness(old_value)
        self._constraint(narrowed, f"{old_at}/{keyword}", old_value, new_value)

    def alternatives(
        self, keyword: str, old: Mapping[str, Any], old_at: str, new: Mapping[str, Any], new_at: str
    ) -> None:
        old_list, new_list = list(old.get(keyword) or ()), list(new.get(keyword) or ())
        if not old_list and not new_list:
            return
        pairs, old_left, new_left = _pair_alternatives(old_list, new_list)
        for old_index, new_index in pairs:
            self.schema(
                old_list[old_index],
                f"{old_at}/{keyword}/{old_index}",
                new_list[new_index],
                f"{new_at}/{keyword}/{new_index}",
            )
        # For oneOf/anyOf fewer alternatives accept less; for allOf fewer members accept more.
        removed_narrows = keyword != "allOf"
        for index in old_left:
            change = ChangeClass.BREAKING if removed_narrows else ChangeClass.ADDITIVE
            kind = "alternative removed" if removed_narrows else "constraint removed"
            self.report(change, kind, f"{old_at}/{keyword}/{index}", _show(old_list[index]))
        for index in new_left:
            change = ChangeClass.ADDITIVE if removed_narrows else ChangeClass.BREAKING
            kind = "alternative added" if removed_narrows else "constraint added"
            self.report(change, kind, f"{old_at}/{keyword}/-", _show(new_list[index]))


def _pair_alternatives(
    old_list: list[Any], new_list: list[Any]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs of (old, new) indexes: same ``$ref`` or equal first, then the rest in order."""
    pairs: list[tuple[int, int]] = []
    new_free = list(range(len(new_list)))
    old_left: list[int] = []
    for old_index, old_item in enumerate(old_list):
        match = next((j for j in new_free if _same_alternative(old_item, new_list[j])), None)
        if match is None:
            old_left.append(old_index)
        else:
            pairs.append((old_index, match))
            new_free.remove(match)
    # Leftovers pair up by position: a reworded alternative is a change, not a remove + add.
    paired_by_position = list(zip(old_left, new_free, strict=False))
    pairs.extend(paired_by_position)
    count = len(paired_by_position)
    return pairs, old_left[count:], new_free[count:]


def _same_alternative(old: Any, new: Any) -> bool:
    if isinstance(old, dict) and isinstance(new, dict) and "$ref" in old:
        return bool(old.get("$ref") == new.get("$ref"))
    return bool(old == new)


def _types(schema: Mapping[str, Any]) -> frozenset[str] | None:
    """The declared types, ``None`` for "any"; OpenAPI 3.0 ``nullable`` adds null.

    An untyped enum (the vendor writes its enums that way) has the types of its values, so
    replacing ``enum: [A, B]`` by ``type: string`` reads as a widening, which it is.
    """
    declared = schema.get("type")
    if declared is None:
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return frozenset(json_type_of(value) for value in enum)
        return None
    types = {declared} if isinstance(declared, str) else {str(kind) for kind in declared}
    if schema.get("nullable") is True:
        types.add("null")
    return frozenset(types)


def _type_covered(kind: str, types: frozenset[str] | None) -> bool:
    return types is None or kind in types or (kind == "integer" and "number" in types)


def _type_list(types: frozenset[str] | None) -> Any:
    return "any" if types is None else sorted(types)


def _bound_narrowed(upper: bool, old: Any, new: Any) -> bool:
    if new is _ABSENT:
        return False
    if old is _ABSENT:
        return True
    try:
        return bool(new < old) if upper else bool(new > old)
    except TypeError:
        return True


def _openness(value: Any) -> int:
    if value is False:
        return 0
    return 2 if value is True else 1


def _annotation_kind(keyword: str, old: Any, new: Any) -> str:
    if old is _ABSENT:
        return f"{keyword} added"
    if new is _ABSENT:
        return f"{keyword} removed"
    return f"{keyword} changed"


def _target(document: Mapping[str, Any], ref: str) -> Any:
    if not ref.startswith("#"):
        return _ABSENT
    try:
        return resolve(document, ref[1:])
    except (KeyError, ValueError):
        return _ABSENT


def _without_ref(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if key != "$ref"}


def _change(old: Any, new: Any) -> str:
    return f"{_show(old)} -> {_show(new)}"


def _show(value: Any, limit: int = 72) -> str:
    if value is _ABSENT:
        return "(absent)"
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        text = "[" + ", ".join(repr(item) for item in value) + "]"
    else:
        text = json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
