"""Each wire format, through the real SDK against the loopback fake server: what streams out
and what is sent."""

from __future__ import annotations

import json

import pytest

from pairtui.models.base import (
    Message,
    Request,
    Stop,
    TextDelta,
    ThinkingDelta,
    ToolCall,
    ToolResult,
    ToolSpec,
    Usage,
)
from tests.fake_llm_server import FakeLLMServer, Reply, Text, Thinking, Tool
from tests.fake_llm_server import Usage as FakeUsage
from tests.support_models import WIRES, collect, provider_for, turn, user

READ_FILE = ToolSpec("read_file", "Read a file", {"type": "object", "properties": {
    "path": {"type": "string"}}, "required": ["path"]})


@pytest.fixture
def server():
    with FakeLLMServer() as fake:
        yield fake


@pytest.mark.parametrize("wire", WIRES)
async def test_plain_text_streams_as_deltas_then_usage_then_stop(server, wire):
    server.push(Reply([Text("Hello, pair!", pieces=4)]))
    events = await collect(provider_for(wire, server), user("hi"))
    texts = [e.text for e in events if isinstance(e, TextDelta)]
    assert "".join(texts) == "Hello, pair!"
    assert len(texts) == 4
    assert isinstance(events[-2], Usage)
    assert events[-1] == Stop("end_turn")


@pytest.mark.parametrize("wire", WIRES)
async def test_thinking_streams_separately_from_text(server, wire):
    server.push(Reply([Thinking("Let me think.", pieces=3), Text("Answer.")]))
    events = await collect(provider_for(wire, server), user("hi"))
    thinking = "".join(e.text for e in events if isinstance(e, ThinkingDelta))
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert (thinking, text) == ("Let me think.", "Answer.")
    first_text = next(i for i, e in enumerate(events) if isinstance(e, TextDelta))
    assert all(not isinstance(e, ThinkingDelta) for e in events[first_text:])


@pytest.mark.parametrize("wire", WIRES)
async def test_parallel_tool_calls_arrive_whole_with_arguments_split_over_many_deltas(server, wire):
    args_a = {"path": "shop/cart.py", "offset": 10, "note": "ünïcode ✓ \"quoted\""}
    args_b = {"pattern": "def total", "glob": "**/*.py"}
    server.push(Reply([Text("Looking."), Tool("read_file", args_a, id="call_a", pieces=17),
                       Tool("search", args_b, id="call_b", pieces=9)]))
    events = await collect(provider_for(wire, server), user("find total"))
    calls = [e for e in events if isinstance(e, ToolCall)]
    assert calls == [ToolCall("call_a", "read_file", args_a), ToolCall("call_b", "search", args_b)]
    assert events[-1].reason == "tool_use"
    # complete tool calls come after all text, just before usage and stop
    assert [type(e) for e in events[-4:]] == [ToolCall, ToolCall, Usage, Stop]


@pytest.mark.parametrize("wire", WIRES)
async def test_usage_is_reported_with_cache_reads_apart_from_fresh_input(server, wire):
    server.push(Reply([Text("ok")], usage=FakeUsage(input_tokens=1200, output_tokens=340,
                                                    cache_read_tokens=800)))
    events = await collect(provider_for(wire, server), user("hi"))
    usage = next(e for e in events if isinstance(e, Usage))
    assert (usage.input_tokens, usage.output_tokens, usage.cache_read_tokens) == (1200, 340, 800)


async def test_anthropic_usage_counts_cache_writes(server):
    server.push(Reply([Text("ok")], usage=FakeUsage(100, 7, cache_read_tokens=0,
                                                    cache_write_tokens=5000)))
    events = await collect(provider_for("anthropic", server), user("hi"))
    assert Usage(100, 7, 0, 5000) in events


async def test_anthropic_marks_system_prefix_and_last_turn_for_prompt_caching(server):
    server.push(Reply([Text("ok")]))
    request = Request(system="SYSTEM", cache_prefix="REPO CONTEXT AND PLAN",
                      messages=(Message("user", "goal"),), tools=(READ_FILE,))
    await collect(provider_for("anthropic", server), request)
    body = server.requests[0].body
    assert body["system"] == [
        {"type": "text", "text": "SYSTEM", "cache_control": {"type": "ephemeral"}},
        {"type": "text", "text": "REPO CONTEXT AND PLAN", "cache_control": {"type": "ephemeral"}},
    ]
    assert body["messages"][-1]["content"][-1]["cache_control"] == {"type": "ephemeral"}
    assert body["tools"][0]["input_schema"]["required"] == ["path"]
    assert body["stream"] is True


async def test_anthropic_sends_signed_thinking_back_with_tool_results(server):
    server.push(Reply([Thinking("plan it", signature="SIG-123"), Text("Reading."),
                       Tool("read_file", {"path": "a.py"}, id="toolu_1")]),
                Reply([Text("Done.")]))
    provider = provider_for("anthropic", server)
    first = await turn(provider, Request(system="s", messages=(Message("user", "go"),),
                                         tools=(READ_FILE,), reasoning="medium"))
    assistant = first.message()
    assert assistant.tool_calls == (ToolCall("toolu_1", "read_file", {"path": "a.py"}),)
    history = (Message("user", "go"), assistant,
               Message("user", tool_results=(ToolResult("toolu_1", "print(1)"),)))
    await collect(provider, Request(system="s", messages=history, tools=(READ_FILE,),
                                    reasoning="medium"))
    sent = server.requests[1].body
    assert sent["thinking"]["type"] == "enabled"
    assert "temperature" not in sent
    blocks = sent["messages"][1]["content"]
    assert blocks[0] == {"type": "thinking", "thinking": "plan it", "signature": "SIG-123"}
    assert [b["type"] for b in blocks] == ["thinking", "text", "tool_use"]
    result = sent["messages"][2]["content"][0]
    assert (result["type"], result["tool_use_id"], result["content"]) == (
        "tool_result", "toolu_1", "print(1)")


async def test_openai_responses_sends_function_call_outputs_and_reasoning_items_back(server):
    server.push(Reply([Thinking("hmm", signature="ENC"), Tool("read_file", {"path": "a"},
                                                              id="call_9")]),
                Reply([Text("ok")]))
    provider = provider_for("openai", server, model="o4-mini")
    request = Request(system="s", cache_prefix="ctx", messages=(Message("user", "go"),),
                      tools=(READ_FILE,), temperature=0.3, reasoning="high")
    first = await turn(provider, request)
    history = (Message("user", "go"), first.message(),
               Message("user", tool_results=(ToolResult("call_9", "no such file", True),)))
    await collect(provider, Request(system="s", messages=history, tools=(READ_FILE,)))
    body0, body1 = server.requests[0].body, server.requests[1].body
    assert body0["reasoning"] == {"effort": "high"}
    assert "temperature" not in body0  # reasoning family: not accepted
    assert body0["instructions"] == "s\n\nctx"
    assert body0["tools"][0]["name"] == "read_file"
    types = [item.get("type", "message") for item in body1["input"]]
    assert types == ["message", "reasoning", "function_call", "function_call_output"]
    assert body1["input"][1]["encrypted_content"] == "ENC"
    assert body1["input"][3] == {"type": "function_call_output", "call_id": "call_9",
                                 "output": "Error: no such file"}


async def test_openai_chat_sends_tool_messages_and_asks_for_usage(server):
    server.push(Reply([Tool("read_file", {"path": "a"}, id="c1")]), Reply([Text("ok")]))
    provider = provider_for("openai-chat", server, model="qwen2.5-coder")
    request = Request(system="s", messages=(Message("user", "go"),), tools=(READ_FILE,),
                      temperature=0.2, reasoning="low")
    first = await turn(provider, request)
    history = (Message("user", "go"), first.message(),
               Message("user", tool_results=(ToolResult("c1", "x = 1"),)))
    await collect(provider, Request(system="s", messages=history, tools=(READ_FILE,)))
    body0, body1 = server.requests[0].body, server.requests[1].body
    assert body0["stream_options"] == {"include_usage": True}
    assert body0["temperature"] == 0.2 and body0["max_tokens"] == 8192
    assert "reasoning_effort" not in body0  # plain local model: not sent
    assert body0["tools"][0]["function"]["name"] == "read_file"
    assistant, tool = body1["messages"][2], body1["messages"][3]
    assert assistant["tool_calls"][0]["function"] == {"name": "read_file",
                                                      "arguments": json.dumps({"path": "a"})}
    assert tool == {"role": "tool", "tool_call_id": "c1", "content": "x = 1"}


async def test_openai_chat_reasoning_model_gets_effort_and_no_temperature(server):
    server.push(Reply([Text("ok")]))
    provider = provider_for("openai-chat", server, model="o3-mini")
    await collect(provider, Request(system="s", messages=(Message("user", "go"),),
                                    temperature=0.7, reasoning="medium"))
    body = server.requests[0].body
    assert body["reasoning_effort"] == "medium"
    assert "temperature" not in body and body["max_completion_tokens"] == 8192


@pytest.mark.parametrize("wire", WIRES)
async def test_malformed_tool_json_is_reported_on_the_call_not_raised(server, wire):
    server.push(Reply([Tool("edit_file", {}, id="c1", raw='{"path": "a.py", "old', pieces=3)]))
    events = await collect(provider_for(wire, server), user("go"))
    call = next(e for e in events if isinstance(e, ToolCall))
    assert (call.name, call.arguments, call.invalid_arguments) == (
        "edit_file", {}, '{"path": "a.py", "old')


@pytest.mark.parametrize("wire", WIRES)
async def test_output_cut_by_the_token_limit_stops_with_max_tokens(server, wire):
    server.push(Reply([Text("A long answ", pieces=2)], stop="max_tokens"))
    events = await collect(provider_for(wire, server), user("hi"))
    assert events[-1].reason == "max_tokens"
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "A long answ"


async def test_anthropic_never_sends_empty_blocks(server):
    server.push(Reply([Text("ok")]))
    history = (Message("user", "go"),
               Message("assistant", "  ", tool_calls=(ToolCall("t1", "list_files", {}),)),
               Message("user", tool_results=(ToolResult("t1", ""),)))
    await collect(provider_for("anthropic", server), Request(system="", messages=history))
    body = server.requests[0].body
    assert "system" not in body
    assert body["messages"][1]["content"] == [
        {"type": "tool_use", "id": "t1", "name": "list_files", "input": {}}]
    assert body["messages"][2]["content"][0]["content"] == "(empty)"


async def test_opaque_content_goes_back_only_to_the_model_that_made_it(server):
    server.push(Reply([Thinking("t", signature="S"), Text("hi")]), Reply([Text("ok")]))
    first = await turn(provider_for("anthropic", server, model="claude-a"), user("go"))
    history = (Message("user", "go"), first.message(), Message("user", "more"))
    await collect(provider_for("anthropic", server, model="claude-b"),
                  Request(system="s", messages=history))
    assert server.requests[1].body["messages"][1]["content"] == [{"type": "text", "text": "hi"}]
