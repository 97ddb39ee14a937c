"""Settings: defaults < user config < repo config (.pairtui.toml) < environment < flags.
(Interface fixed; owned by the core work.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Config:
    planner: str = "anthropic:claude-opus-4-1"
    executor: str = "anthropic:claude-sonnet-4-5"
    verify: str | None = None          # repo's default check for chunks without Verify:
    max_fix_rounds: int = 2
    verify_timeout: float = 300.0
    allow_run_command_headless: bool = False
    max_turns: int = 40                # executor turn limit per chunk
    prices: dict[str, tuple[float, float]] = field(default_factory=dict)  # model -> ($/Mtok in, out)
    anthropic_api_key: str | None = field(default=None, repr=False)
    openai_api_key: str | None = field(default=None, repr=False)
    anthropic_base_url: str | None = None
    openai_base_url: str | None = None


def load_config(repo_root: Path | None, flags: dict | None = None) -> Config:
    raise NotImplementedError
