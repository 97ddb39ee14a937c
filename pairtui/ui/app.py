"""PairApp: the pairing session on screen. It renders what the engine reports and sends intents.

Every engine call runs in a Textual worker (async methods in an async worker, git-bound sync
methods in a thread worker); the engine's FlowEvents come back through an EventInbox. The app
never calls git or a model itself, and no exception from a step escapes as a traceback: each
becomes a notification saying what happened and what to do.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.notifications import Notify, SeverityLevel
from textual.widgets import Static
from textual.worker import Worker

from pairtui.errors import PairtuiError
from pairtui.ui import session_view as view
from pairtui.ui.app_dialogs import DialogActions
from pairtui.ui.app_events import EventRendering
from pairtui.ui.app_keys import KeyRules
from pairtui.ui.app_review import ReviewActions
from pairtui.ui.error_hints import describe, one_line
from pairtui.ui.event_inbox import EventInbox
from pairtui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.widgets import TabbedContent

    from pairtui.agent.flow import AskPermission, EventSink, Pairing
    from pairtui.core.session import Session
    from pairtui.ui.screens.checkpoints import Checkpoint
    from pairtui.ui.widgets.chunk_list import ChunkList

OpenPairing = Callable[["EventSink", "str | None", "AskPermission"], "Pairing"]



class PairApp(KeyRules, EventRendering, DialogActions, ReviewActions, App[int]):
    """One session in one repo. `open_pairing` builds the engine (tests pass a fake)."""

    STYLES = Path(__file__).with_name("styles.tcss")  # read with the workspace, after frame 1
    TITLE = "pairtui"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        *[Binding("enter", f"step('{kind}')", label, priority=True)
          for kind, label in view.STEP_KEYS.items()],
        Binding("e", "edit_plan", "Edit plan"),
        Binding("E", "edit_plan_external", "$EDITOR", show=False),
        Binding("r", "revise_plan", "Revise"),
        Binding("v", "verify", "Check"),
        Binding("C", "confirm_checks", "Confirm checks", show=False),
        Binding("d", "diff", "Diff"),
        Binding("u", "rollback", "Rollback"),
        Binding("t", "trace_hunk", "Trace hunk", show=False),
        Binding("i", "inbox", "Inbox", show=False),
        Binding("escape", "cancel", "Cancel", show=True),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit_session", "Quit"),
        Binding("1", "pane('plan-tab')", "Plan", show=False),
        Binding("2", "pane('model-tab')", "Model", show=False),
        Binding("3", "pane('verify-tab')", "Verify log", show=False),
        Binding("4", "pane('diff-tab')", "Diff pane", show=False),
    ]

    def __init__(
        self,
        open_pairing: OpenPairing,
        goal: str | None = None,
        *,
        planner: str = "",
        executor: str = "",
        verify_timeout: float | None = None,
        model_problem: str | None = None,
        mcp_trust: Callable[[], Any] | None = None,
        inbox: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__()
        self._open_inbox = inbox  # builds agent.runs.inbox_land.InboxEngine, in a worker
        self._mcp_trust = mcp_trust  # builds agent.mcp.servers.RepoServersTrust, in the worker
        self.model_problem = model_problem  # e.g. a missing key: said first, before any question
        self._checkpoints: list[Checkpoint] = []
        self._open_pairing = open_pairing
        self._goal = goal
        self._planner, self._executor = planner, executor
        self._verify_timeout = verify_timeout
        self.pairing: Pairing | None = None
        self.session: Session | None = None
        self.busy: str | None = None
        self._flow_worker: Worker | None = None
        self._cancel_requested = 0.0
        self._cancellable = True
        self.cancel_latency: float | None = None  # seconds from esc to the step stopping
        self._inbox = EventInbox(self, self._on_events)
        self.workspace_ready = asyncio.Event()
        self.always_allowed: set[str] = set()  # requests the person allowed for the session
        self._resume_gc = False  # gc paused during start-up (on_load)

    # -- toasts -------------------------------------------------------------------------------

    TOAST_SECONDS = {"information": 3.0, "warning": 5.0, "error": 8.0}

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Toasts are brief (what they say is also in the panes) and capped by severity."""
        limit = self.TOAST_SECONDS.get(severity, 3.0)
        super().notify(message, title=title, severity=severity,
                       timeout=limit if timeout is None else min(timeout, limit), markup=markup)

    def _on_notify(self, event: Notify) -> None:
        """A new toast replaces the one before rather than stacking over the panes; an error
        stays until its time is up unless another error replaces it."""
        for old in list(self._notifications):
            if old.severity != "error" or event.notification.severity == "error":
                self._unnotify(old, refresh=False)
        super()._on_notify(event)

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The header and a splash only: the first frame costs what a hello-world app's does.
        The workspace (the panes, their imports and the stylesheet) follows on `Ready`."""
        bar = StatusBar(id="status-bar")
        bar.planner, bar.executor, bar.goal = self._planner, self._executor, self._goal or ""
        yield bar
        yield Static("opening the session…", id="splash")

    def on_load(self) -> None:
        """No garbage collection until the panes are up: a full collection scans the whole
        heap (Textual and every import, ~12 ms), and one used to land in the middle of
        start-up. Collection resumes with the panes (or on quitting before them)."""
        if gc.isenabled():
            gc.disable()
            self._resume_gc = True

    def _gc_after_start(self) -> None:
        if self._resume_gc:
            self._resume_gc = False
            gc.enable()

    def on_mount(self) -> None:
        self.screen.set_class(self.size.width < 100, "-narrow")
        self.screen.set_class(self.size.width >= 200, "-wide")
        if self.model_problem:
            self.notify(f"{self.model_problem}\nSet it, then reopen pairtui.",
                        title="A model cannot be used", severity="error", timeout=12)

    async def on_ready(self) -> None:
        """The first frame is out (Textual sends Ready right after it): mount the panes now,
        rather than after the next refresh, which waits a frame's tick on an idle loop."""
        from pairtui.ui.widgets.workspace import Workspace

        if not self.screen.is_attached:
            return  # quitting already
        self._load_styles()
        splash = self.query("#splash")
        with self.batch_update():  # one layout and paint for all of it, not one per level
            await self.mount(Workspace(id="body"), before=splash.first() if splash else None)
            await splash.remove()

    def _load_styles(self) -> None:
        """Add the stylesheet. Only the new file is parsed: the widgets' DEFAULT_CSS parsed for
        the first frame is reused (refresh_css would parse every source again)."""
        if not self.stylesheet.has_source(str(self.STYLES)):
            self.stylesheet.read(self.STYLES)
            self.stylesheet.update(self, animate=False)

    async def on_unmount(self) -> None:
        """Quitting stops what the session started (MCP servers, an ACP agent)."""
        self._gc_after_start()  # quit before the panes were up
        close = getattr(self.pairing, "aclose", None)
        if close is not None:
            try:
                await asyncio.wait_for(close(), 15)
            except (TimeoutError, OSError):
                pass

    # -- opening / resuming -------------------------------------------------------------------

    @work(thread=True, group="open", exit_on_error=False)
    def _open(self, goal: str | None) -> None:
        try:
            if self._mcp_trust is not None and not self._ask_mcp_trust(self._mcp_trust()):
                return  # the app quit while asking; asked before the session builds its servers
            pairing = self._open_pairing(self._inbox.put, goal, self.ask_permission)
        except PairtuiError as err:
            self.call_from_thread(self._open_failed, err, goal)
            return
        except Exception as err:  # noqa: BLE001 - shown, never a traceback
            self.call_from_thread(self._show_error, err)
            return
        self.call_from_thread(self._opened, pairing)
        # The model's words render as markdown (markdown-it, ~25 ms to load): load it now, off
        # the event loop, rather than under the first streamed token.
        import pairtui.ui.widgets.markdown_text  # noqa: F401

    def _open_failed(self, err: PairtuiError, goal: str | None) -> None:
        """No open session and no goal: ask for one. Anything else: say what is wrong."""
        from pairtui.errors import RepoStateError

        if goal is None and not isinstance(err, RepoStateError):
            self._ask_goal()
        else:
            self._show_error(err)
            if self.query("#chunk-list"):
                self.query_one("#chunk-list").set_step("could not open the session · q quits")

    async def _opened(self, pairing: Pairing) -> None:
        await self.workspace_ready.wait()  # the panes mount right after the first frame
        self._inbox.drain()  # what opening reported (a resume notice...) comes first
        self.pairing = pairing
        await self._show_session(pairing.session)
        session = pairing.session
        if not session.goal.strip() and not session.plan_versions:
            self._ask_goal()
            return
        await self._show_history(pairing)
        if session.plan_versions or session.phase != "planning":
            step = view.expected_step(session)
            self.notify(f"Session {session.id} opened"
                        + (f" · next: {view.STEP_LABELS[step].lower()}" if step else ""),
                        timeout=4)
        if view.expected_step(session) in ("land", "recheck"):
            self._load_diff(view.current_chunk(session))
        elif session.phase == "planning" and session.plan_versions:
            self.action_pane("plan-tab")

    async def _show_history(self, pairing: Pairing) -> None:
        """A reopened session shows what was said so far and the checkpoints taken."""
        try:
            events, checkpoints = await self._thread_call(
                lambda: (pairing.history(), pairing.checkpoints()))
        except Exception as err:  # noqa: BLE001 - shown, never a traceback
            self._show_error(err)
            return
        from pairtui.agent.session_history import EarlierStep

        model = self.query_one("#model-pane")
        for event in events:
            if isinstance(event, EarlierStep):
                model.begin_step(f"earlier in this session · {event.model}")
            else:
                self._render_event(event)
        self._checkpoints = list(checkpoints)  # all of them, those reported while opening too
        self.query_one("#chunk-list").set_checkpoints(
            [view.checkpoint_label(cp.step, cp.n, cp.files_changed) for cp in reversed(checkpoints)])

    # -- running engine steps ----------------------------------------------------------------

    def _run_flow(self, label: str, call: Callable[[], Awaitable[Any]],
                  after: Callable[[Any], Awaitable[None] | None] | None = None,
                  cancellable: bool = True) -> None:
        """Run one engine coroutine as the (only) flow worker; errors become notifications.
        `cancellable=False` for git work in a thread, which esc could not really stop."""
        if self.pairing is None or self.busy:
            return
        self._cancellable = cancellable
        self.busy = label
        self.query_one("#status-bar").activity = f"● {label}"
        self.refresh_bindings()
        self._flow_worker = self.run_worker(
            self._flow_body(label, call, after), group="flow", exclusive=True, exit_on_error=False
        )

    async def _flow_body(self, label: str, call: Callable[[], Awaitable[Any]],
                         after: Callable[[Any], Awaitable[None] | None] | None) -> None:
        try:
            result = await call()
            self._inbox.drain()
            if after is not None:
                maybe = after(result)
                if asyncio.iscoroutine(maybe):
                    await maybe
        except asyncio.CancelledError:
            self.cancel_latency = time.monotonic() - self._cancel_requested
            self._step_ended()
            self.query_one("#model-pane").note("■ cancelled · what arrived is kept · enter retries",
                                           "warning")
            if self.query_one("#verify-pane").state == "running":
                self.query_one("#verify-pane").cancelled()
            self.notify(f"Cancelled {label}. What arrived is kept.", severity="warning")
            raise
        except Exception as err:  # noqa: BLE001 - every failure is shown, never a traceback
            self._show_error(err)
        finally:
            self._inbox.drain()  # render what the step reported before saying it ended
            self._step_ended()
            if self.pairing is not None:
                await self._show_session(self.pairing.session)

    def _step_ended(self) -> None:
        self.busy = None
        self._flow_worker = None
        self.query_one("#status-bar").activity = ""
        self.refresh_bindings()

    def _thread_call(self, fn: Callable[[], Any]) -> Awaitable[Any]:
        """A sync engine call (git-bound) off the event loop."""
        return asyncio.to_thread(fn)

    def _show_error(self, err: BaseException) -> None:
        if self.workspace_ready.is_set():
            self._inbox.drain()  # what the step reported comes before its error
        title, hint = describe(err)
        message = one_line(err)
        self.notify(f"{message}\n{hint}", title=title, severity="error", timeout=12)
        if self.query("#model-pane"):
            self.query_one("#model-pane").note(f"✗ {title}: {message} · {hint}", "error")

    # -- actions ------------------------------------------------------------------------------

    def action_step(self, kind: str) -> None:
        pairing = self.pairing
        if pairing is None:
            return
        label = view.STEP_LABELS.get(kind, kind).lower()
        number = view.current_chunk(pairing.session)
        if kind == "land" and number is not None:
            # Landing is git work (and commit hooks): a thread, so the screen stays live.
            self._run_flow(label, lambda: self._thread_call(lambda: pairing.land(number)),
                           lambda _: self._after_step("landed"), cancellable=False)
            return
        self._run_flow(label, pairing.next_step, self._after_step)

    async def _after_step(self, step: object) -> None:
        session = self.pairing.session if self.pairing else None
        if session is None:
            return
        number = view.current_chunk(session)
        if view.expected_step(session) == "land" and number is not None:
            self._load_diff(number)
        elif view.expected_step(session) == "recheck":  # its check failed: back to the review
            if not self.query("#diff-view"):
                self._load_diff(number)
                return
            self.query_one("#panes").active = "diff-tab"
            self.query_one("#diff-view").focus()
        elif session.phase == "planning" and session.plan_versions:
            self.action_pane("plan-tab")
        elif str(step) in ("land", "landing", "landed"):
            self.action_pane("plan-tab")

    def action_pane(self, tab: str) -> None:
        """Show a pane. Focus inside the pane being hidden is let go first: TabbedContent
        follows focus, so a widget there taking it back would show its pane again."""
        panes = self.query_one("#panes")
        if panes.active == tab:
            return
        if self.focused is not None and panes in self.focused.ancestors:
            self.screen.set_focus(None)
        panes.active = tab
        self.call_after_refresh(self._focus_after_switch, tab)

    def _focus_after_switch(self, tab: str) -> None:
        if tab == "diff-tab" and self.query("#diff-view"):
            self.query_one("#diff-view").focus()
        elif self.focused is None and self.query("#chunk-options"):
            self.query_one("#chunk-options").focus()

    def action_help(self) -> None:
        from pairtui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_inbox(self) -> None:
        from pairtui.ui.screens.inbox import InboxScreen

        if self._open_inbox is not None:
            self.push_screen(InboxScreen(self._open_inbox))

    def action_cancel(self) -> None:
        if not self._cancellable:
            return
        if self._flow_worker is not None and self._flow_worker.is_running:
            self._cancel_requested = time.monotonic()
            self._flow_worker.cancel()

    async def action_quit_session(self) -> None:
        self.action_cancel()
        self.exit(0)

    def action_verify(self) -> None:
        pairing, session = self.pairing, self.session
        number = view.current_chunk(session) if session else None
        if pairing is None or number is None:
            return
        self.action_pane("verify-tab")
        self._run_flow(f"verifying chunk {number}", lambda: pairing.verify(number))

    def on_resize(self) -> None:
        self.screen_stack[0].set_class(self.size.width < 100, "-narrow")
        self.screen_stack[0].set_class(self.size.width >= 200, "-wide")
        self._fit_footer()

    def _fit_footer(self) -> None:
        """Below 100 columns the footer's room goes to keys, not to the palette hint."""
        if not self.workspace_ready.is_set():
            return  # no footer yet (and its module is not loaded before the first frame)
        from textual.widgets import Footer

        for footer in self.screen_stack[0].query(Footer):
            footer.show_command_palette = self.size.width >= 100

    def on_workspace_ready(self) -> None:
        if self.workspace_ready.is_set():
            return  # once: a subclass's handler may also call this one
        self.call_later(self._gc_after_start)  # its first collection comes after this frame
        self.workspace_ready.set()
        self._fit_footer()
        if self.focused is None:
            self.query_one("#chunk-options").focus()
        # Opening imports the engine in a thread; started now, it does not hold the GIL while
        # the panes mount (a Python thread slows the event loop's work as much as it takes).
        self._open(self._goal)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.screen.set_class(event.pane.id == "diff-tab", "-reviewing")
        self.refresh_bindings()

    def on_chunk_list_chunk_chosen(self, event: ChunkList.ChunkChosen) -> None:
        self.query_one("#plan-pane").scroll_to_chunk(event.number)
        self.refresh_bindings()
