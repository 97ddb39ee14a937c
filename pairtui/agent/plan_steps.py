"""The planning phase of a session: the goal, the planner's plan and its revisions, the
person's own edits, approval. A mixin of Pairing (agent/flow.py), kept apart so the flow
reads in one sitting; Pairing supplies the model rounds, the store and the events.
"""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeVar

from pairtui.agent import imported_checks, plan_keeper
from pairtui.agent import session_edits as edits
from pairtui.agent.events import FlowEvent, StepStarted
from pairtui.agent.workspace import Workspace
from pairtui.config import Config
from pairtui.core.plan import Chunk, Plan, parse_plan
from pairtui.core.session import Phase, Session
from pairtui.errors import StateError, UsageError
from pairtui.models.replay import Ask

T = TypeVar("T")


class PlanSteps:
    """Everything that happens before the first chunk runs."""

    repo_root: Path
    config: Config
    _session: Session
    _work: Workspace
    _planner: Any  # crew's planner side (agent/crew.py)

    @property
    def plan(self) -> Plan | None:
        return self._session.plan

    # Pairing's: saving, events, model rounds, the plan's chunks
    def _save(self, session: Session) -> None:
        raise NotImplementedError

    def _emit(self, event: FlowEvent) -> None:
        raise NotImplementedError

    def notify(self, text: str, level: str = "info") -> None:
        raise NotImplementedError

    def _ready(self, role: str, ask: Ask) -> None:
        raise NotImplementedError

    async def _model_round(self, work: Awaitable[T], role: str, ask: Ask) -> T:
        raise NotImplementedError

    def _chunk(self, chunk: int) -> Chunk:
        raise NotImplementedError

    def set_goal(self, goal: str) -> None:
        """Give a session that has no plan yet its goal."""
        if self._session.plan_versions:
            raise StateError("this session already has a plan; start a new session for a new goal")
        self._save(edits.with_goal(self._session, goal.strip()))

    async def make_plan(self) -> Plan:
        goal = self._session.goal.strip()
        if not goal:
            raise UsageError("no goal yet: say what you want done")
        self._require_planning()
        self._ready("planner", Ask("plan"))
        self._emit(StepStarted(None, "planning"))
        plan = await self._model_round(self._planner.make_plan(goal, self._work.planning_context(goal)),
                                       "planner", Ask("plan"))
        self._save(self._session.with_plan(plan.source))
        return plan

    async def revise_plan(self, comment: str) -> Plan:
        current = self._require_plan()
        self._require_planning()
        ask = Ask("revise", text=comment)
        self._ready("planner", ask)
        self._emit(StepStarted(None, "revising"))
        plan = await self._model_round(self._planner.revise(current, comment, self._work.mentions(comment)),
                                       "planner", ask)
        self._save(self._session.with_plan(plan.source))
        return plan

    def set_plan_text(self, text: str) -> Plan:
        """The person's own edit of the plan: parsed (PlanError on bad text), kept as a new version."""
        self._require_planning()
        plan = parse_plan(text)
        session = self._session if self._session.goal else edits.with_goal(self._session, plan.goal)
        self._save(session.with_plan(text))
        return plan

    def approve_plan(self) -> None:
        """Approve the plan; when plans are kept in the repo, write (and maybe commit) its file."""
        imported_checks.require_no_flagged(self._require_plan())
        keep_at = plan_keeper.planned_path(self.repo_root, self._session, self.config)
        self._save(self._session.approve())
        if keep_at:
            record, told = plan_keeper.write(self.repo_root, self._session, keep_at, self.config)
            self._save(edits.with_extra(self._session, plan_file=record))
            self.notify(told)

    def confirm_check(self, chunk: int) -> None:
        """The person accepts the check imported from another tool's plan for `chunk`."""
        item = self._chunk(chunk)
        self._save(imported_checks.with_confirmed(self._session, item))
        self.notify(f"chunk {chunk}: check confirmed: {item.verify}")

    def _require_plan(self) -> Plan:
        plan = self.plan
        if plan is None:
            raise StateError("there is no plan yet")
        return plan

    def _require_planning(self) -> None:
        if self._session.phase != Phase.PLANNING:
            raise StateError("the plan is already approved; roll back or start a new session to change it")
