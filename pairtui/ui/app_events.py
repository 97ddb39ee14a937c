"""How the app shows what the engine reports: FlowEvents into panes, Session into the chunk
list, header and plan. A mixin of PairApp, kept apart so each file reads in one sitting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pairtui.ui import session_view as view

if TYPE_CHECKING:
    from pairtui.agent import events as ev
    from pairtui.core.session import Session
    from pairtui.ui.app import PairApp

    _Base = PairApp
else:
    _Base = object

STEP_TABS = {"planning": "plan-tab", "revising": "plan-tab", "executing": "model-tab",
             "fixing": "model-tab", "verifying": "verify-tab"}
STREAMING_STEPS = {"planning", "revising", "executing", "fixing"}


class EventRendering(_Base):
    """Renders FlowEvent batches from the EventInbox and Session values."""

    # -- rendering engine events -------------------------------------------------------------

    def _on_events(self, batch: list[ev.FlowEvent]) -> None:
        if not self.workspace_ready.is_set():  # panes not mounted yet: show these a moment later
            self.set_timer(0.02, lambda: self._on_events(batch))
            return
        for event in batch:
            self._render_event(event)

    def _render_event(self, event: ev.FlowEvent) -> None:
        from pairtui.agent import events as ev  # after first paint: it pulls in the git layer

        model = self.query_one("#model-pane")
        if isinstance(event, ev.ModelText):
            model.write(event.text, event.thinking)
        elif isinstance(event, ev.ToolStarted):
            model.tool_started(event.call_id, event.name, event.summary)
        elif isinstance(event, ev.ToolFinished):
            model.tool_finished(event.call_id, event.result, event.is_error)
        elif isinstance(event, ev.StepStarted):
            self._step_started(event)
        elif isinstance(event, ev.CheckpointTaken):
            cp = event.checkpoint
            self._checkpoints.append(cp)
            label = view.checkpoint_label(cp.step, cp.n, cp.files_changed)
            self.query_one("#chunk-list").add_checkpoint(label)
            model.note(f"⚑ checkpoint {cp.id} ({cp.step})", "checkpoint")
        elif isinstance(event, ev.VerifyOutput):
            self.query_one("#verify-pane").write(event.text)
        elif isinstance(event, ev.VerifyFinished):
            self.query_one("#verify-pane").finish(
                event.chunk, event.passed, event.command, event.exit_code, event.timed_out,
                event.output_tail, self._verify_timeout,
            )
            if event.python:
                self.query_one("#verify-pane").write(event.python)
        elif isinstance(event, ev.UsageUpdated):
            self.query_one("#status-bar").cost_usd = event.cost_usd
        elif isinstance(event, ev.ChunkLanded):
            self.notify(f"Chunk {event.chunk}: {event.message}", title="Landed", timeout=5)
        elif isinstance(event, ev.ChunkRolledBack):
            undo = event.undo or f"`pairtui restore {event.checkpoint.id}` can undo this"
            self.notify(f"Chunk {event.chunk} rolled back. {undo}.", title="Rolled back",
                        timeout=8)
        elif isinstance(event, ev.SessionChanged):
            self.run_worker(self._show_session(event.session), group="render", exclusive=False)
        elif isinstance(event, ev.Notice):
            severity = {"warning": "warning", "error": "error"}.get(event.level, "information")
            self.notify(event.text, severity=severity)  # type: ignore[arg-type]

    def _step_started(self, event: ev.StepStarted) -> None:
        what = event.step if event.chunk is None else f"{event.step} chunk {event.chunk}"
        if self.busy:  # a late event after the step ended must not mark the app busy again
            self.busy = what
            self.query_one("#status-bar").activity = f"● {what}"
            self.query_one("#chunk-list").set_step(view.step_line(self.session, what))
        if event.step in STREAMING_STEPS:
            self.query_one("#model-pane").begin_step(what)
        if event.step == "verifying":
            command = None
            if self.pairing is not None and self.pairing.plan is not None and event.chunk:
                command = self.pairing.plan.chunk(event.chunk).verify
            self.query_one("#verify-pane").start(event.chunk, command)
        tab = STEP_TABS.get(event.step) if self.busy else None  # late events do not move tabs
        if tab == "plan-tab":
            tab = "model-tab"  # the plan streams in the model pane, then shows in the plan pane
        if tab:
            self.action_pane(tab)
        self.refresh_bindings()

    async def _show_session(self, session: Session) -> None:
        self.session = session
        plan = self.pairing.plan if self.pairing is not None else None
        current = view.current_chunk(session) if plan and session.phase != "planning" else None
        bar = self.query_one("#status-bar")
        bar.session_id, bar.goal = session.id, session.goal or bar.goal
        bar.planner = session.planner or bar.planner
        bar.executor = session.executor or bar.executor
        bar.cost_usd = session.cost_usd
        bar.progress = view.progress(session)
        chunks = self.query_one("#chunk-list")
        chunks.show(view.chunk_rows(session, plan), current)
        chunks.set_step(view.step_line(session, self.busy))
        pane = self.query_one("#plan-pane")
        await pane.show(plan.source if plan and plan.source else None,
                        view.heading_lines(plan), current)
        pane.set_banner(view.plan_banner(session, getattr(self.pairing, "repo_root", None)),
                        done=session.phase == "done")
        from pairtui.agent import imported_checks

        pane.set_checks(imported_checks.display_lines(plan, session) if plan else [])
        self.refresh_bindings()
