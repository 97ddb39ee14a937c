"""The app's conversations with the person: the goal, plan edits, revisions, rollbacks and
command permissions. A mixin of PairApp, kept apart so each file reads in one sitting."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from textual import work

from pairtui.errors import PairtuiError, PlanError
from pairtui.ui import session_view as view

if TYPE_CHECKING:
    from pairtui.ui.app import PairApp

    _Base = PairApp
else:
    _Base = object


class DialogActions(_Base):
    """Actions that ask the person something before the engine is called."""

    @work(group="dialog")
    async def _ask_goal(self) -> None:
        from pairtui.ui.screens.prompt import PromptScreen

        body = ("Describe the change in plain English. The planner breaks it into small chunks "
                "you can read, edit and approve before anything runs.")
        if self.model_problem:
            body = f"First: {self.model_problem}. Set it, then reopen pairtui.\n\n{body}"
        inbox = getattr(self, "_open_inbox", None) is not None
        if inbox:
            body += "\n\nOnly here for finished runs? esc, then i opens the inbox."
        goal = await self.push_screen_wait(PromptScreen(
            "What do you want done?",
            body,
            placeholder="e.g. Split the billing helpers out of shop/utils.py",
        ))
        if goal is None:
            self.query_one("#chunk-list").set_step("no goal · i inbox · q quits" if inbox
                                                   else "no goal · q quits")
            self.notify("No goal given. " + ("i opens the inbox of finished runs; " if inbox else "")
                        + "quit with q; `pairtui open --goal TEXT` starts with one.",
                        severity="warning", timeout=4)
            return
        self._goal = goal
        self.query_one("#status-bar").goal = goal
        if self.pairing is None:
            self._open(goal)
            return
        pairing = self.pairing
        try:
            await self._thread_call(lambda: pairing.set_goal(goal))
        except Exception as err:  # noqa: BLE001
            self._show_error(err)
            return
        await self._show_session(pairing.session)
        self.notify("Goal set. Press enter and the planner writes the plan.", timeout=5)

    @work(group="dialog")
    async def action_edit_plan(self) -> None:
        if self.pairing is None or self.busy:
            return
        plan = self.pairing.plan
        text = plan.source if plan and plan.source else (
            self.session.plan_versions[-1] if self.session and self.session.plan_versions
            else f"# Goal: {self._goal or ''}\n\n## Chunk 1: \nVerify: \n\n")
        from pairtui.ui.screens.plan_editor import PlanEditorScreen

        saved = await self.push_screen_wait(PlanEditorScreen(text, self._save_plan))
        if saved is not None:
            self.notify("Plan saved as a new version.", timeout=3)
            self.action_pane("plan-tab")

    async def _save_plan(self, text: str) -> str | None:
        """Hand the person's text to the engine; the parse error to show, or None when kept."""
        assert self.pairing is not None
        try:
            await self._thread_call(lambda: self.pairing.set_plan_text(text))
        except PlanError as err:
            return err.message
        except PairtuiError as err:
            return err.message
        await self._show_session(self.pairing.session)
        return None

    async def action_edit_plan_external(self) -> None:
        if self.pairing is None or self.busy:
            return
        plan = self.pairing.plan
        from pairtui.ui.screens.plan_editor import PlanEditorScreen, edit_in_external_editor

        text = edit_in_external_editor(self, plan.source if plan else "")
        if text is None:
            return
        problem = await self._save_plan(text)
        if problem is not None:
            self.notify(f"{problem}. Opening it in the editor so you can fix it.",
                        title="The plan does not parse", severity="error")
            self.push_screen(PlanEditorScreen(text, self._save_plan))

    @work(group="dialog")
    async def action_revise_plan(self) -> None:
        if self.pairing is None or self.busy:
            return
        from pairtui.ui.screens.prompt import PromptScreen

        comment = await self.push_screen_wait(PromptScreen(
            "Ask the planner to revise the plan",
            "Say what should change, e.g. 'merge chunks 2 and 3' or 'add tests first'.",
        ))
        if comment:
            pairing = self.pairing
            self._run_flow("revising plan", lambda: pairing.revise_plan(comment),
                           self._after_step)

    @work(group="dialog")
    async def action_rollback(self) -> None:
        if self.pairing is None or self.session is None or self.busy:
            return
        number = self.target_chunk()
        if number is None:
            return
        status = view.chunk_status(self.session, number) or "pending"
        if status in ("pending", "rolled-back"):
            self.notify(f"Chunk {number} is {status}: there is nothing to roll back.",
                        severity="warning")
            return
        if status == "landed":
            body = (f"Chunk {number} is landed. It is undone with a new commit "
                    f"'Revert \"{self._chunk_title(number)}\"' on your branch; history is not "
                    "rewritten and your uncommitted edits stay as they are. If later work "
                    "touches the same lines, nothing changes and you are told why.")
        else:
            body = (f"Chunk {number} ({status}): the working tree goes back to the "
                    f"checkpoint taken before chunk {number} started, removing its changes. "
                    "What is there now is snapshotted first, so `pairtui restore` can bring "
                    "it back.")
        from pairtui.ui.screens.confirm import ConfirmScreen

        if not await self.push_screen_wait(
            ConfirmScreen(f"Roll back chunk {number}?", body, yes="Roll back")
        ):
            return
        pairing = self.pairing
        self._run_flow(f"rolling back chunk {number}",
                       lambda: self._thread_call(lambda: pairing.rollback(number)),
                       lambda _: self.action_pane("plan-tab"), cancellable=False)

    @work(group="dialog")
    async def action_confirm_checks(self) -> None:
        """Confirm the checks read from another tool's plan (after showing each one)."""
        from pairtui.agent import imported_checks
        from pairtui.ui.screens.confirm import ConfirmScreen

        pairing = self.pairing
        if pairing is None or pairing.plan is None or self.busy:
            return
        pending = imported_checks.unconfirmed(pairing.plan, pairing.session)
        runnable = [c for c in pending if not c.flagged]
        if not runnable:
            self.notify("no imported checks wait for confirming"
                        + (" (flagged ones need an edit: e)" if pending else ""))
            return
        body = "\n".join(f"  chunk {c.number}: {c.verify}" for c in runnable)
        flagged = [c for c in pending if c.flagged]
        if flagged:
            body += "\n\nNot run, edit the plan instead:\n" + "\n".join(
                f"  chunk {c.number}: {imported_checks.flagged_text(c)}" for c in flagged)
        if not await self.push_screen_wait(ConfirmScreen(
                "Run these checks from the plan?", f"Each runs in your repo after its chunk:\n\n{body}\n",
                yes="Confirm")):
            return

        def confirm_all() -> None:
            for chunk in runnable:
                pairing.confirm_check(chunk.number)

        try:
            await self._thread_call(confirm_all)
        except PairtuiError as err:
            self.notify(err.message, severity="error")
        await self._show_session(pairing.session)

    def _chunk_title(self, number: int) -> str:
        plan = self.pairing.plan if self.pairing else None
        try:
            return plan.chunk(number).title if plan else ""
        except KeyError:
            return ""

    def _ask_mcp_trust(self, trust: Any) -> bool:
        """From the opening thread: list what the repo's `.mcp.json` would start and let the
        person trust it (yes) or leave its servers off (no, esc). Blocks only that thread,
        never the screen; False when the app quit meanwhile (nothing more to open)."""
        from pairtui.ui.screens.confirm import ConfirmScreen

        pending = trust.pending()
        if not pending:
            return True
        answered = threading.Event()
        answers: list[bool] = []

        def got(yes: bool | None) -> None:
            answers.append(bool(yes))
            answered.set()

        body = ("This repository's .mcp.json starts these programs as MCP servers:\n\n"
                + "\n".join(f"  {line}" for line in pending)
                + "\n\nTrust the file and start them? Its hash is remembered; an edit to it asks "
                  "again. `pairtui trust --revoke` forgets it.")
        self.call_from_thread(self.push_screen, ConfirmScreen(
            "Start this repo's MCP servers?", body, yes="Trust and start", no="Not now"), got)
        while not answered.wait(0.1):
            if not self.is_running:
                return False
        if answers[0]:
            trust.trust()
        return True

    async def ask_permission(self, what: str) -> bool:
        """The executor wants to run a command or an MCP tool: the person decides, once or for
        the rest of this session. "Always" covers the exact same command, or an MCP tool
        (`mcp__SERVER__TOOL {args}`) with any arguments."""
        from pairtui.ui.screens.permission import PermissionScreen

        key = what.split(" ", 1)[0] if what.startswith("mcp__") else what
        if key in self.always_allowed:
            return True
        answer = await self.push_screen_wait(PermissionScreen(what))
        if answer == "always":
            self.always_allowed.add(key)
        return answer in ("once", "always")

    @work(group="dialog", exit_on_error=False)
    async def action_checkpoints(self) -> None:
        pairing = self.pairing
        if pairing is None:
            return
        try:
            self._checkpoints = list(await self._thread_call(pairing.checkpoints))
        except Exception as err:  # noqa: BLE001 - shown, never a traceback
            self._show_error(err)
            return
        from pairtui.ui.screens.checkpoints import CheckpointsScreen

        self.push_screen(CheckpointsScreen(self._checkpoints))
