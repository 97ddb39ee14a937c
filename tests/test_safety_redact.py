"""Credentials in free text (tool output, command output, events) are masked by name and shape,
while ordinary code around them stays readable."""

from __future__ import annotations

import pytest

from pairtui.core.redact import REDACTED, env_secrets, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ANTHROPIC_API_KEY=abc123def456", f"ANTHROPIC_API_KEY={REDACTED}"),
        ("PASSWORD=hunterhunter", f"PASSWORD={REDACTED}"),
        ('export OPENAI_API_KEY="hunterhunter"', f'export OPENAI_API_KEY="{REDACTED}"'),
        ("db_password: s3cr3t!", f"db_password: {REDACTED}"),
        ('{"client_secret": "xyz", "tokens_in": 1200}', f'{{"client_secret": "{REDACTED}", "tokens_in": 1200}}'),
        ("GITHUB_TOKEN=ghp_abc123XYZ", f"GITHUB_TOKEN={REDACTED}"),
        ('anthropic_api_key = "sk-ant-xyz"', f'anthropic_api_key = "{REDACTED}"'),
        ("Authorization: Bearer abcdefghijklmnop1234", f"Authorization: Bearer {REDACTED}"),
    ],
)
def test_values_after_credential_names_are_masked_and_names_kept(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "max_tokens=4096",
        "token: str",
        'api_key = os.environ.get("X")',
        "password = form.password",
        "password=None",
        'x = {"api_key": key}',
        "sk-learn-compatible-estimator-api-v2",
    ],
)
def test_ordinary_code_is_left_alone(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    "key", ["sk_live_abcdefghijklmnopqrstuvwxyz", "sk-abcdefghijklmnopqrstuvwx", "sk_test_51HabcdefghijklmnopQRST"]
)
def test_key_shapes_are_masked_whatever_their_characters(key):
    assert redact(f"key {key} here") == f"key {REDACTED} here"


def test_env_secrets_are_the_key_variables_pairtui_reads():
    env = {"ANTHROPIC_API_KEY": "a" * 20, "OPENAI_API_KEY": "", "HOME": "/home/x"}
    assert env_secrets(env) == ("a" * 20,)
