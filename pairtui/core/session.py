"""Session state machine: values and transitions. (Interface fixed; owned by the core work.)

Per chunk: pending -> executing -> executed -> verifying -> verified | failed -> reviewing
-> landed | rolled-back. Transitions return a new Session; invalid ones raise StateError.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

SCHEMA_VERSION = 1


class ChunkStatus(StrEnum):
    PENDING = "pending"
    EXECUTING = "executing"
    EXECUTED = "executed"
    VERIFYING = "verifying"
    VERIFIED = "verified"
    FAILED = "failed"
    REVIEWING = "reviewing"
    LANDED = "landed"
    ROLLED_BACK = "rolled-back"


class Phase(StrEnum):
    """Where the whole session is, before/after the per-chunk loop."""

    PLANNING = "planning"      # no approved plan yet
    EXECUTING = "executing"    # plan approved; chunks being worked through
    DONE = "done"              # every chunk landed or rolled back


@dataclass(frozen=True)
class ChunkState:
    number: int
    status: ChunkStatus = ChunkStatus.PENDING
    checkpoints: tuple[tuple[str, str], ...] = ()  # (step, checkpoint id) in order taken
    commit: str | None = None  # sha of the landed commit
    fix_rounds: int = 0
    note: str = ""  # last failure / verify summary shown to the person


@dataclass(frozen=True)
class Session:
    id: str
    goal: str
    created: float
    phase: Phase = Phase.PLANNING
    plan_versions: tuple[str, ...] = ()  # plan markdown, oldest first; last is current
    chunks: tuple[ChunkState, ...] = ()
    current: int | None = None  # number of the chunk being worked on
    planner: str = ""
    executor: str = ""
    cost_usd: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    schema_version: int = SCHEMA_VERSION
    extra: dict = field(default_factory=dict, compare=False)
