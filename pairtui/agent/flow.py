"""The engine of one session: the single door the TUI and the headless commands go through.
(Interface fixed; owned by the agent work.)

Every transition is persisted (SessionStore) before it is acted on, and a checkpoint is taken
between steps, so a killed process can be resumed and any chunk rolled back.
Git and model calls happen here, never in the UI; sync methods are meant for a thread worker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from pairtui.agent.events import FlowEvent
from pairtui.config import Config
from pairtui.core.plan import Plan
from pairtui.core.session import Session
from pairtui.diff.model import Patch
from pairtui.git.checkpoints import Checkpoint
from pairtui.git.land import LandResult
from pairtui.models.base import Provider

EventSink = Callable[[FlowEvent], None]
AskPermission = Callable[[str], Awaitable[bool]]  # "run_command: pytest -q" -> allowed?


class Pairing:
    """Drives one session through plan -> execute -> verify -> review -> land."""

    def __init__(
        self,
        repo_root: Path,
        config: Config,
        session: Session,
        planner: Provider,
        executor: Provider,
        on_event: EventSink,
        ask_permission: AskPermission | None = None,
    ) -> None:
        raise NotImplementedError

    @classmethod
    def open(
        cls,
        repo_path: Path,
        config: Config,
        on_event: EventSink,
        goal: str | None = None,
        ask_permission: AskPermission | None = None,
    ) -> Pairing:
        """Resume the repo's open session, or start one for `goal`. Guards the repo state."""
        raise NotImplementedError

    @property
    def session(self) -> Session:
        raise NotImplementedError

    @property
    def plan(self) -> Plan | None:
        raise NotImplementedError

    async def make_plan(self) -> Plan:
        raise NotImplementedError

    async def revise_plan(self, comment: str) -> Plan:
        raise NotImplementedError

    def set_plan_text(self, text: str) -> Plan:
        """The person's own edit of the plan: parsed (PlanError on bad text), kept as a new version."""
        raise NotImplementedError

    def approve_plan(self) -> None:
        raise NotImplementedError

    async def execute(self, chunk: int) -> None:
        raise NotImplementedError

    async def verify(self, chunk: int) -> bool:
        """Run the chunk's check; on failure up to config.max_fix_rounds executor fix rounds."""
        raise NotImplementedError

    def chunk_patch(self, chunk: int) -> Patch:
        """The chunk's change so far: its start checkpoint vs the working tree."""
        raise NotImplementedError

    def hunk_origin(self, chunk: int, path: str) -> str:
        """Which tool call(s) of the chunk changed `path`, e.g. "chunk 2 · edit_file #3"."""
        raise NotImplementedError

    def reject_hunks(self, chunk: int, refs: list[tuple[int, int]]) -> None:
        """Reverse-apply these hunks of chunk_patch(chunk) in the working tree (all-or-nothing)."""
        raise NotImplementedError

    async def send_back(self, chunk: int, ref: tuple[int, int], comment: str) -> None:
        """Send one hunk back to the executor with the person's comment; it revises the tree."""
        raise NotImplementedError

    def land(self, chunk: int) -> LandResult:
        raise NotImplementedError

    def rollback(self, chunk: int) -> Checkpoint:
        raise NotImplementedError

    async def next_step(self) -> str:
        """Do whatever comes next for the current chunk; returns the step done (for `enter`)."""
        raise NotImplementedError
