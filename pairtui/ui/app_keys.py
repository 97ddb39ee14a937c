"""Which keys and palette commands PairApp offers now: a mixin of PairApp (ui/app.py).

The footer, the key handlers and the command palette all ask `check_action`, so a key is
shown exactly when pressing it would do something (None: shown dimmed while a step runs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.screen import Screen

from pairtui.ui import session_view as view

if TYPE_CHECKING:
    from pairtui.agent.flow import Pairing
    from pairtui.core.session import Session


class KeyRules:
    """check_action, the chunk u/d act on, and the palette's commands."""

    session: Session | None
    pairing: Pairing | None
    busy: str | None
    _cancellable: bool
    _open_inbox: Callable[[], Any] | None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if len(self.screen_stack) > 1 and action not in ("quit", "command_palette"):
            return False  # a dialog or the plan editor owns the keys
        if action == "step":
            expected = view.expected_step(self.session)
            if parameters[0] != expected:
                return False
            return None if self.busy else True
        planning = self.session is not None and self.session.phase == "planning"
        if action in ("edit_plan", "edit_plan_external", "revise_plan"):
            if self.pairing is None or not planning:
                return False  # the engine only takes plan changes before approval
            if action == "revise_plan" and not self.session.plan_versions:
                return False  # nothing to revise yet
            return None if self.busy else True
        if action in ("verify", "diff", "rollback"):
            if self.session is None or planning or not self._possible(action):
                return False
            return None if self.busy else True
        if action == "cancel":
            return bool(self.busy and self._cancellable)
        if action == "inbox":
            return self._open_inbox is not None and not self.busy
        return True

    def _possible(self, action: str) -> bool:
        """Whether v, d or u would do anything for the chunk it acts on (footer and keys)."""
        assert self.session is not None
        if action == "verify":
            number = view.current_chunk(self.session)
            return view.chunk_status(self.session, number) in view.CHECKABLE
        number = self.target_chunk()
        status = view.chunk_status(self.session, number)
        if action == "rollback":
            return status not in (None, "pending", "rolled-back")
        if self.query("#panes") and self.query_one("#panes").active == "diff-tab" and (
                self.query_one("#review-pane").chunk == number):
            return False  # that diff is on screen already
        return status not in (None, "pending", "rolled-back")

    def target_chunk(self) -> int | None:
        """The chunk `u` and `d` act on: the one under review while its diff is shown, else
        the chunk highlighted in the list, else the current one."""
        if self.session is None:
            return None
        if self.query("#panes") and self.query_one("#panes").active == "diff-tab":
            shown = self.query_one("#review-pane").chunk
            if shown is not None:
                return shown
        chosen = self.query_one("#chunk-list").selected if self.query("#chunk-list") else None
        return chosen or view.current_chunk(self.session)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands (theme, screenshot...) but not its Keys and Quit, which ours
        replace; ours only when possible now, as the footer shows them."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Keys", "Quit"):
                yield command
        if self.session is not None and (step := view.expected_step(self.session)):
            if self.check_action("step", (step,)):
                yield SystemCommand(f"Next step: {view.STEP_LABELS[step]}", "enter",
                                    lambda: self.action_step(step))
        ours = (
            ("edit_plan", "Edit plan", "e · in-app editor", self.action_edit_plan),
            ("edit_plan_external", "Edit plan in $EDITOR", "E", self.action_edit_plan_external),
            ("revise_plan", "Revise plan", "r · ask the planner with a comment",
             self.action_revise_plan),
            ("verify", "Run check", "v · the current chunk's check", self.action_verify),
            ("diff", "Show diff", "d · the chunk's change", self.action_diff),
            ("rollback", "Roll back chunk", "u · asks first", self.action_rollback),
            ("cancel", "Cancel", "esc · stop the model call or check", self.action_cancel),
            ("inbox", "Inbox", "i · finished runs: review them and land chunks", self.action_inbox),
        )
        for action, title, help_text, callback in ours:
            if self.check_action(action, ()):
                yield SystemCommand(title, help_text, callback)
        if self.pairing is not None:
            yield SystemCommand("Checkpoints", "every save point of this session, and how to "
                                "restore one", self.action_checkpoints)
        yield SystemCommand("Keys", "? · every key, on one screen", self.action_help)
        yield SystemCommand("Quit", "q · the session stays resumable", self.action_quit_session)
