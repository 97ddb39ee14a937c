"""What the engine reports while it works; the UI and the headless printer both consume these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pairtui.core.session import Session

if TYPE_CHECKING:  # a type only: importing events must not pull in git plumbing (start-up time)
    from pairtui.git.checkpoints import Checkpoint


@dataclass(frozen=True)
class StepStarted:
    chunk: int | None
    step: str  # "planning" | "revising" | "executing" | "verifying" | "fixing" | "landing" | "rolling-back"


@dataclass(frozen=True)
class ModelText:
    text: str
    thinking: bool = False


@dataclass(frozen=True)
class ToolStarted:
    call_id: str
    name: str
    summary: str  # one line, e.g. "edit_file shop/cart.py"


@dataclass(frozen=True)
class ToolFinished:
    call_id: str
    name: str
    result: str
    is_error: bool = False


@dataclass(frozen=True)
class CheckpointTaken:
    checkpoint: Checkpoint


@dataclass(frozen=True)
class VerifyOutput:
    text: str


@dataclass(frozen=True)
class VerifyFinished:
    chunk: int
    passed: bool
    command: str | None  # None: chunk has no check ("unverified")
    exit_code: int | None = None
    output_tail: str = ""
    timed_out: bool = False
    python: str = ""  # which interpreter the check found, e.g. "python: /r/.venv/bin/python (repo .venv)"


@dataclass(frozen=True)
class UsageUpdated:
    tokens_in: int
    tokens_out: int
    cost_usd: float


@dataclass(frozen=True)
class ChunkLanded:
    chunk: int
    commit: str | None
    message: str


@dataclass(frozen=True)
class ChunkRolledBack:
    chunk: int
    checkpoint: Checkpoint
    undo: str = ""  # how to undo the rollback, e.g. "`pairtui restore ID` brings back ..."


@dataclass(frozen=True)
class SessionChanged:
    session: Session


@dataclass(frozen=True)
class Notice:
    text: str
    level: str = "info"  # "info" | "warning" | "error"


FlowEvent = (
    StepStarted | ModelText | ToolStarted | ToolFinished | CheckpointTaken | VerifyOutput
    | VerifyFinished | UsageUpdated | ChunkLanded | ChunkRolledBack | SessionChanged | Notice
)
