import strategies


def test_public_surface_is_pinned() -> None:
    assert strategies.__all__ == [
        "DEFAULT_MAX_ITEMS",
        "DOCUMENTED_REASONS",
        "BulkUpdateExample",
        "ClassificationPairs",
        "NoInvalidValueError",
        "SchemaLike",
        "UnsupportedSchemaError",
        "Violation",
        "ViolationKind",
        "bulk_update_requests",
        "bulk_update_schema",
        "from_schema",
        "invalid_bulk_update_requests",
        "invalid_examples",
        "is_documented_pair",
        "is_int32",
        "item_enum_fields",
        "not_strict_json_bulk_requests",
        "render_path",
        "schema_node",
    ]
    assert all(hasattr(strategies, name) for name in strategies.__all__)
