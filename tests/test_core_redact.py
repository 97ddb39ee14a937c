"""Secrets are masked in anything pairtui writes: given secrets, key shapes, credential fields."""

from __future__ import annotations

from pairtui.core.redact import REDACTED, redact

ANTHROPIC = "sk-ant-api03-" + "Zx9_Yw8-" * 8
OPENAI = "sk-proj-" + "q1W2e3R4t5" * 4
LEGACY_OPENAI = "sk-" + "T3BlbkFJ" * 6


def test_given_secret_is_masked_everywhere_in_nested_values():
    value = {"a": ["x hunter2hunter2 y", ("hunter2hunter2",)], "b": {"c": "hunter2hunter2"}, "n": 3}
    assert redact(value, ["hunter2hunter2"]) == {
        "a": [f"x {REDACTED} y", (REDACTED,)],
        "b": {"c": REDACTED},
        "n": 3,
    }


def test_input_is_not_modified():
    value = {"a": ["hunter2hunter2"]}
    redact(value, ["hunter2hunter2"])
    assert value == {"a": ["hunter2hunter2"]}


def test_short_secrets_are_not_masked_so_words_survive():
    assert redact("the cat sat", ["cat", "", None]) == "the cat sat"


def test_key_shapes_are_masked_without_being_listed():
    text = f"a={ANTHROPIC} b={OPENAI} c={LEGACY_OPENAI}."
    assert redact(text) == f"a={REDACTED} b={REDACTED} c={REDACTED}."


def test_ordinary_words_with_sk_are_left_alone():
    text = "sk-learn; sk-learn-compatible-estimator-api-v2; task-runner; risk-free"
    assert redact(text) == text


def test_values_of_credential_fields_are_masked():
    value = {"api_key": "abc", "Authorization": "Bearer xyz", "x-api-key": "k", "input_tokens": 5}
    assert redact(value) == {
        "api_key": REDACTED,
        "Authorization": REDACTED,
        "x-api-key": REDACTED,
        "input_tokens": 5,
    }


def test_overlapping_secrets_mask_the_longer_first():
    assert redact("abcdefgh12345678", ["abcdefgh", "abcdefgh12345678"]) == REDACTED
