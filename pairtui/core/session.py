"""Session state machine: values and transitions.

Per chunk: pending -> executing -> executed -> verifying -> verified | failed -> reviewing
-> landed | rolled-back (the full table is `ALLOWED`). Every transition returns a new Session;
an invalid one raises StateError saying what is allowed instead. Invariants kept:
at most one chunk is in flight (started but neither landed nor rolled back); the session is
DONE exactly when every chunk is landed or rolled back; `current` names the chunk in flight or
the next one to start.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any

from pairtui.core.plan import Plan, parse_plan
from pairtui.errors import StateError

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

    PLANNING = "planning"  # no approved plan yet
    EXECUTING = "executing"  # plan approved; chunks being worked through
    DONE = "done"  # every chunk landed or rolled back


_S = ChunkStatus
ALLOWED: dict[ChunkStatus, frozenset[ChunkStatus]] = {
    _S.PENDING: frozenset({_S.EXECUTING, _S.ROLLED_BACK}),
    _S.EXECUTING: frozenset({_S.EXECUTED, _S.FAILED, _S.ROLLED_BACK}),
    _S.EXECUTED: frozenset({_S.VERIFYING, _S.REVIEWING, _S.ROLLED_BACK}),  # reviewing: no check
    _S.VERIFYING: frozenset({_S.VERIFIED, _S.FAILED, _S.ROLLED_BACK}),
    _S.VERIFIED: frozenset({_S.REVIEWING, _S.ROLLED_BACK}),
    _S.FAILED: frozenset({_S.EXECUTING, _S.ROLLED_BACK}),  # executing again = a fix round
    _S.REVIEWING: frozenset({_S.VERIFYING, _S.EXECUTING, _S.LANDED, _S.ROLLED_BACK}),
    _S.LANDED: frozenset({_S.ROLLED_BACK}),
    _S.ROLLED_BACK: frozenset({_S.EXECUTING}),  # retry from the start
}
FINAL = frozenset({_S.LANDED, _S.ROLLED_BACK})


@dataclass(frozen=True)
class ChunkState:
    number: int
    status: ChunkStatus = ChunkStatus.PENDING
    checkpoints: tuple[tuple[str, str], ...] = ()  # (step, checkpoint id) in order taken
    commit: str | None = None  # sha of the landed commit (kept after a rollback, for undoing it)
    fix_rounds: int = 0
    note: str = ""  # last failure / verify summary shown to the person

    @property
    def in_flight(self) -> bool:
        return self.status not in FINAL and self.status is not ChunkStatus.PENDING

    def checkpoint(self, step: str) -> str | None:
        """The id of the latest checkpoint taken at `step` (e.g. "start"), if any."""
        for taken_step, checkpoint_id in reversed(self.checkpoints):
            if taken_step == step:
                return checkpoint_id
        return None


@lru_cache(maxsize=16)
def _parsed(text: str) -> Plan:
    return parse_plan(text)


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

    # -- reading -------------------------------------------------------------------------

    @property
    def plan(self) -> Plan | None:
        """The current plan, parsed (None before the planner wrote one)."""
        return _parsed(self.plan_versions[-1]) if self.plan_versions else None

    def chunk_state(self, number: int) -> ChunkState:
        for state in self.chunks:
            if state.number == number:
                return state
        raise StateError(f"chunk {number} is not in the plan")

    def next_chunk(self) -> int | None:
        """The chunk in flight, else the first (in plan order) not yet landed or rolled back."""
        in_flight = [s.number for s in self.chunks if s.in_flight]
        if in_flight:
            return in_flight[0]
        return next((s.number for s in self.chunks if s.status not in FINAL), None)

    # -- transitions ---------------------------------------------------------------------

    def with_plan(self, text: str) -> Session:
        """Append a plan version (PlanError if it does not parse).

        Chunks already started keep their state; new chunk numbers start pending. A chunk in
        flight cannot be dropped from the plan; a landed or rolled-back one that is dropped is
        kept after the plan's chunks, so its history (commit, checkpoints) is not lost.
        """
        plan = parse_plan(text)
        old = {state.number: state for state in self.chunks}
        numbers = [chunk.number for chunk in plan.chunks]
        for state in self.chunks:
            if state.in_flight and state.number not in numbers:
                raise StateError(
                    f"chunk {state.number} is {state.status}; land or roll it back "
                    "before removing it from the plan"
                )
        kept = [old[n] if n in old else ChunkState(n) for n in numbers]
        kept += [s for s in self.chunks if s.number not in numbers and s.status in FINAL]
        versions = (
            self.plan_versions
            if self.plan_versions[-1:] == (text,)
            else (*self.plan_versions, text)
        )
        return replace(self, plan_versions=versions, chunks=tuple(kept))._settled()

    def approve(self) -> Session:
        """PLANNING -> EXECUTING, starting at the plan's first chunk."""
        if self.phase is not Phase.PLANNING:
            raise StateError(f"the plan is already approved (session is {self.phase})")
        if not self.chunks:
            raise StateError("there is no plan to approve yet")
        return replace(self, phase=Phase.EXECUTING, current=self.chunks[0].number)._settled()

    def advance(self, number: int, status: ChunkStatus | str, note: str = "") -> Session:
        """Move chunk `number` to `status`.

        A non-empty `note` replaces the chunk's note; an empty one keeps it (so a landed chunk
        still says "unverified"), except that (re)starting execution clears it.
        """
        try:
            status = ChunkStatus(status)
        except ValueError:
            raise StateError(f"chunk {number}: no such status {status!r}") from None
        state = self.chunk_state(number)
        if self.phase is Phase.PLANNING:
            raise StateError(f"chunk {number}: the plan is not approved yet")
        if status not in ALLOWED[state.status]:
            allowed = ", ".join(s.value for s in ChunkStatus if s in ALLOWED[state.status])
            raise StateError(
                f"chunk {number}: cannot go from {state.status} to {status}; allowed: {allowed}"
            )
        if status is _S.EXECUTING:
            busy = next((s for s in self.chunks if s.in_flight and s.number != number), None)
            if busy is not None:
                raise StateError(
                    f"chunk {number}: chunk {busy.number} is still {busy.status}; "
                    "land or roll it back first"
                )
        changes: dict[str, Any] = {"status": status}
        if note or status is _S.EXECUTING:
            changes["note"] = note
        if status is _S.EXECUTING and state.status is _S.FAILED:
            changes["fix_rounds"] = state.fix_rounds + 1
        elif status is _S.EXECUTING and state.status in (_S.PENDING, _S.ROLLED_BACK):
            changes.update(fix_rounds=0, commit=None)
        session = self._with_chunk(replace(state, **changes))
        if status is _S.EXECUTING:
            session = replace(session, current=number)
        return session._settled()

    def landed(self, number: int, commit: str | None) -> Session:
        """REVIEWING -> LANDED, recording the commit the chunk landed as."""
        session = self.advance(number, ChunkStatus.LANDED)
        return session._with_chunk(replace(session.chunk_state(number), commit=commit))

    def record_checkpoint(self, number: int, step: str, checkpoint_id: str) -> Session:
        state = self.chunk_state(number)
        return self._with_chunk(
            replace(state, checkpoints=(*state.checkpoints, (step, checkpoint_id)))
        )

    def add_usage(self, tokens_in: int, tokens_out: int, cost: float) -> Session:
        return replace(
            self,
            tokens_in=self.tokens_in + tokens_in,
            tokens_out=self.tokens_out + tokens_out,
            cost_usd=self.cost_usd + cost,
        )

    def _with_chunk(self, new: ChunkState) -> Session:
        return replace(
            self, chunks=tuple(new if s.number == new.number else s for s in self.chunks)
        )

    def _settled(self) -> Session:
        """Re-derive phase and `current` after a change (PLANNING is left alone)."""
        if self.phase is Phase.PLANNING:
            return self
        if all(s.status in FINAL for s in self.chunks):
            return replace(self, phase=Phase.DONE, current=None)
        current = self.current
        states = {s.number: s for s in self.chunks}
        if current not in states or states[current].status in FINAL:
            current = self.next_chunk()
        return replace(self, phase=Phase.EXECUTING, current=current)

    # -- persistence -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "goal": self.goal,
            "created": self.created,
            "phase": self.phase.value,
            "plan_versions": list(self.plan_versions),
            "chunks": [
                {
                    "number": s.number,
                    "status": s.status.value,
                    "checkpoints": [list(pair) for pair in s.checkpoints],
                    "commit": s.commit,
                    "fix_rounds": s.fix_rounds,
                    "note": s.note,
                }
                for s in self.chunks
            ],
            "current": self.current,
            "planner": self.planner,
            "executor": self.executor,
            "cost_usd": self.cost_usd,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Session:
        """Rebuild a Session; StateError (never KeyError/TypeError) for anything malformed."""
        if not isinstance(data, dict):
            raise StateError("session state is malformed: not a JSON object")
        version = data.get("schema_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise StateError("session state is malformed: no schema_version")
        if version > SCHEMA_VERSION:
            raise StateError(
                f"session state was written by a newer pairtui (schema {version}; this one reads "
                f"up to {SCHEMA_VERSION}); upgrade pairtui to open it"
            )
        try:
            chunks = tuple(
                ChunkState(
                    number=_typed(c, "number", int),
                    status=ChunkStatus(_typed(c, "status", str)),
                    checkpoints=tuple(
                        (str(step), str(cid)) for step, cid in _typed(c, "checkpoints", list)
                    ),
                    commit=_typed(c, "commit", str, optional=True),
                    fix_rounds=_typed(c, "fix_rounds", int),
                    note=_typed(c, "note", str),
                )
                for c in _typed(data, "chunks", list)
            )
            return cls(
                id=_typed(data, "id", str),
                goal=_typed(data, "goal", str),
                created=float(_typed(data, "created", (int, float))),
                phase=Phase(_typed(data, "phase", str)),
                plan_versions=tuple(_text(v) for v in _typed(data, "plan_versions", list)),
                chunks=chunks,
                current=_typed(data, "current", int, optional=True),
                planner=_typed(data, "planner", str),
                executor=_typed(data, "executor", str),
                cost_usd=float(_typed(data, "cost_usd", (int, float))),
                tokens_in=_typed(data, "tokens_in", int),
                tokens_out=_typed(data, "tokens_out", int),
                schema_version=SCHEMA_VERSION,
                extra=dict(_typed(data, "extra", dict, optional=True) or {}),
            )
        except (ValueError, TypeError, AttributeError) as exc:
            raise StateError(f"session state is malformed: {exc}") from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a plan version is not text")
    return value


def _typed(data: Any, key: str, kind: type | tuple[type, ...], optional: bool = False) -> Any:
    if not isinstance(data, dict):
        raise TypeError(f"expected an object holding {key!r}")
    if key not in data:
        if optional:
            return None
        raise ValueError(f"missing {key!r}")
    value = data[key]
    if value is None and optional:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise TypeError(f"{key!r} has the wrong type")
    return value


def new_session(goal: str, planner: str, executor: str, now: float | None = None) -> Session:
    """A fresh session in PLANNING; its id (e.g. "20261125-143501-a1b2", UTC) sorts by age."""
    created = time.time() if now is None else now
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(created))
    return Session(
        id=f"{stamp}-{secrets.token_hex(2)}",
        goal=goal,
        created=created,
        planner=planner,
        executor=executor,
    )
