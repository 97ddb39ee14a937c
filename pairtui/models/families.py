"""What request parameters an OpenAI-style model accepts, by model family (name prefix).

Reasoning models (o1, o3, o4, gpt-5, codex) refuse `temperature` and take a reasoning effort;
in Chat Completions they want `max_completion_tokens`. Unknown names (local models behind
Ollama, vLLM, LM Studio, llama.cpp) get the plain, widely supported parameters.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelFamily:
    temperature: bool = True   # may send `temperature`
    effort: bool = False       # may send a reasoning effort
    max_tokens_param: str = "max_tokens"  # Chat Completions' name for the output limit


PLAIN = ModelFamily()
REASONING = ModelFamily(temperature=False, effort=True, max_tokens_param="max_completion_tokens")
OPEN_REASONING = ModelFamily(temperature=True, effort=True)

# Longest matching prefix wins; checked against the name after any "vendor/" part.
FAMILIES: tuple[tuple[str, ModelFamily], ...] = (
    ("gpt-5-chat", ModelFamily(max_tokens_param="max_completion_tokens")),
    ("gpt-5", REASONING),
    ("o1", REASONING),
    ("o3", REASONING),
    ("o4", REASONING),
    ("codex", REASONING),
    ("gpt-4", ModelFamily(max_tokens_param="max_completion_tokens")),
    ("gpt-oss", OPEN_REASONING),
)


def family_of(model: str) -> ModelFamily:
    name = model.lower().rsplit("/", 1)[-1]
    best: tuple[int, ModelFamily] = (0, PLAIN)
    for prefix, family in FAMILIES:
        if name.startswith(prefix) and len(prefix) > best[0]:
            best = (len(prefix), family)
    return best[1]
