"""The replay provider: the transcript format of COMMON.md / README, played through stream()."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from pairtui.config import Config
from pairtui.errors import ProviderError, UsageError
from pairtui.models.base import (
    Message,
    ProviderAuthError,
    ProviderConnectionError,
    ProviderOverloadedError,
    ProviderRateLimitError,
    Request,
    Stop,
    TextDelta,
    ThinkingDelta,
    ToolCall,
    Usage,
)
from pairtui.models.registry import make_provider
from tests.support_models import collect

REQUEST = Request(system="s" * 400, messages=(Message("user", "u" * 400),))


def write(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    return path


async def test_turns_play_in_order_with_tool_calls_last_and_generated_ids(tmp_path):
    path = write(tmp_path,
                 {"comment": "planner turn"},
                 {"turn": [{"thinking": "Look first."}, {"text": "Reading."},
                           {"tool": "read_file", "args": {"path": "a.py"}},
                           {"text": " And searching."}, {"tool": "search", "args": {"pattern": "x"}}],
                  "usage": {"input_tokens": 1200, "output_tokens": 340}},
                 "",
                 {"turn": [{"text": "All done."}]})
    provider = make_provider(f"replay:{path}", Config())
    first = await collect(provider, REQUEST)
    assert first == [ThinkingDelta("Look first."), TextDelta("Reading."),
                     TextDelta(" And searching."),
                     ToolCall("call_1_1", "read_file", {"path": "a.py"}),
                     ToolCall("call_1_2", "search", {"pattern": "x"}),
                     Usage(1200, 340), Stop("tool_use")]
    second = await collect(provider, REQUEST)
    assert second[0] == TextDelta("All done.") and second[-1] == Stop("end_turn")
    usage = second[-2]
    assert usage.input_tokens == 200 and usage.output_tokens == 2  # estimated, ~4 chars a token


async def test_exhausted_transcript_raises_a_provider_error(tmp_path):
    provider = make_provider(f"replay:{write(tmp_path, {'turn': [{'text': 'hi'}]})}", Config())
    await collect(provider, REQUEST)
    with pytest.raises(ProviderError, match=r"replay transcript t.jsonl exhausted after 1 turns"):
        await collect(provider, REQUEST)


@pytest.mark.parametrize(("name", "kind"), [
    ("auth", ProviderAuthError), ("rate_limit", ProviderRateLimitError),
    ("overloaded", ProviderOverloadedError), ("connection", ProviderConnectionError)])
async def test_scripted_errors_raise_the_matching_provider_error(tmp_path, name, kind):
    path = write(tmp_path, {"error": name}, {"turn": [{"text": "after"}]})
    provider = make_provider(f"replay:{path}", Config())
    with pytest.raises(kind):
        await collect(provider, REQUEST)
    assert TextDelta("after") in await collect(provider, REQUEST)


async def test_pace_streams_text_at_about_the_given_tokens_per_second(tmp_path):
    text = "x" * 160  # 40 tokens at 400 tokens/s: about 0.1 s, in 4-token pieces
    provider = make_provider(f"replay:{write(tmp_path, {'turn': [{'text': text}], 'pace': 400})}",
                             Config())
    started = time.monotonic()
    events = await collect(provider, REQUEST)
    elapsed = time.monotonic() - started
    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert "".join(d.text for d in deltas) == text and len(deltas) == 10
    assert 0.08 < elapsed < 1.0


async def test_paced_replay_stops_promptly_when_cancelled(tmp_path):
    path = write(tmp_path, {"turn": [{"text": "y" * 4000}], "pace": 100})
    provider = make_provider(f"replay:{path}", Config())

    async def consume() -> None:
        async for _ in provider.stream(REQUEST):
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.1)
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 0.2


@pytest.mark.parametrize(("line", "words"), [
    ("not json", "t.jsonl line 2"),
    ('{"turn": "text"}', '"turn" must be a list'),
    ('{"turn": [{"image": 1}]}', "must have text, thinking or tool"),
    ('{"error": "teapot"}', "unknown error 'teapot'"),
    ('{"turn": [], "pace": -1}', '"pace" must be a positive number'),
])
def test_bad_transcript_lines_are_one_line_usage_errors(tmp_path, line, words):
    path = write(tmp_path, {"turn": [{"text": "ok"}]}, line)
    with pytest.raises(UsageError) as info:
        make_provider(f"replay:{path}", Config())
    assert words in str(info.value) and "\n" not in str(info.value)


def test_missing_transcript_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="replay transcript not found: nope.jsonl"):
        make_provider("replay:nope.jsonl", Config())


def test_path_is_relative_to_the_current_directory(tmp_path, monkeypatch):
    write(tmp_path, {"turn": [{"text": "ok"}]})
    monkeypatch.chdir(tmp_path)
    provider = make_provider("replay:t.jsonl", Config())
    assert (provider.name, provider.model) == ("replay", "t.jsonl")


async def test_keyed_turns_answer_by_what_is_asked_and_each_keeps_its_place(tmp_path):
    from pairtui.models.replay import Ask

    path = write(tmp_path,
                 {"for": "comment", "chunk": 1, "match": "TESTS"},
                 {"turn": [{"text": "comment with tests"}]},
                 {"for": "comment", "chunk": 1},
                 {"turn": [{"text": "any comment"}]},
                 {"for": "chunk", "chunk": 1, "turn": [{"text": "chunk one"}]},
                 {"turn": [{"text": "chunk one, more"}]})
    provider = make_provider(f"replay:{path}", Config())
    provider.select(Ask("chunk", 1))
    assert TextDelta("chunk one") in await collect(provider, REQUEST)
    provider.select(Ask("comment", 1, "a.py", "nicer names"))
    assert TextDelta("any comment") in await collect(provider, REQUEST)
    provider.select(Ask("comment", 1, "a.py", "add some tests"))
    assert TextDelta("comment with tests") in await collect(provider, REQUEST)
    provider.select(Ask("chunk", 1))
    assert TextDelta("chunk one, more") in await collect(provider, REQUEST)
    assert provider.position == [1, 1, 2]
    with pytest.raises(ProviderError, match=r"^the scripted model \(t.jsonl\) has no turn for "
                                            r"a comment on chunk 1 \(a.py\); nothing was changed$"):
        provider.select(Ask("comment", 1, "a.py", "again"))
    assert provider.position == [1, 1, 2]


def test_a_bad_key_is_a_usage_error_naming_its_line(tmp_path):
    with pytest.raises(UsageError, match=r"t.jsonl line 2: \"for\" must be one of plan, revise"):
        make_provider(f"replay:{write(tmp_path, {'turn': []}, {'for': 'review'})}", Config())
    with pytest.raises(UsageError, match="the last \"for\" line has no turns after it"):
        make_provider(f"replay:{write(tmp_path, {'turn': []}, {'for': 'plan'})}", Config())
