import pytest

from strategies.formats import is_int32, matches_pattern

NUMERIC = r"^-?(?:0|[1-9]\d*)$"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(2**31 - 1, True, id="int-max"),
        pytest.param(-(2**31), True, id="int-min"),
        pytest.param(2**31, False, id="int-over"),
        pytest.param(-(2**31) - 1, False, id="int-under"),
        pytest.param("2147483647", True, id="string-max"),
        pytest.param("2147483648", False, id="string-over"),
        pytest.param("-2147483649", False, id="string-under"),
        pytest.param("4O0", True, id="non-numeric-string-is-left-to-pattern"),
        pytest.param(400.0, True, id="whole-float"),
        pytest.param(True, True, id="boolean-not-a-number"),
    ],
)
def test_int32_format(value: object, expected: bool) -> None:
    assert is_int32(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("400", True, id="number"),
        pytest.param("-0", True, id="negative-zero"),
        pytest.param("400\n", False, id="final-newline"),
        pytest.param("٤٠٠", False, id="arabic-indic-digits"),
        pytest.param("0400", False, id="leading-zero"),
    ],
)
def test_patterns_are_read_strictly(value: str, expected: bool) -> None:
    assert matches_pattern(NUMERIC, value) is expected


def test_an_escaped_dollar_is_a_literal() -> None:
    assert matches_pattern(r"cost\$", "cost$")
