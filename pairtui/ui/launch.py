"""`pairtui` and `pairtui demo` open the TUI here: the engine's factories handed to PairApp (each
imported in a worker, so the first paint stays fast), the run, and the line printed after it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pairtui.errors import PairtuiError
from pairtui.ui.app import PairApp
from pairtui.ui.error_hints import one_line

if TYPE_CHECKING:
    from pairtui.agent.flow import AskPermission, EventSink, Pairing
    from pairtui.config import Config


def run_tui(repo_root: Path, config: Config, goal: str | None = None,
            model_problem: str | None = None) -> int:
    """Open the app on `repo_root`; returns the exit code. The terminal is always restored."""
    def open_pairing(sink: EventSink, goal: str | None, ask: AskPermission) -> Pairing:
        from pairtui.agent.flow import Pairing  # imported in the worker: first paint stays fast

        return Pairing.open(repo_root, config, sink, goal=goal, ask_permission=ask)

    def mcp_trust() -> Any:
        from pairtui.agent.mcp.servers import RepoServersTrust

        return RepoServersTrust(repo_root, config)

    def inbox() -> Any:
        from pairtui.agent.runs.inbox_land import InboxEngine

        return InboxEngine(repo_root, config)

    import shlex

    app = PairApp(open_pairing, goal, planner=config.planner, executor=config.executor,
                  verify_timeout=config.verify_timeout, model_problem=model_problem,
                  mcp_trust=mcp_trust, inbox=inbox)
    try:
        code = app.run()
    except Exception as err:  # noqa: BLE001 - the terminal is restored by Textual on the way out
        raise PairtuiError(f"the app stopped: {one_line(err)}") from err
    if app.session is not None and app.session.phase != "done":
        print(f"pairtui: session {app.session.id} is saved; resume it with: "
              f"pairtui {shlex.quote(str(repo_root))}")
    elif app.session is not None:
        print(f"pairtui: session {app.session.id} done; see the commits with: "
              f"git -C {shlex.quote(str(repo_root))} log --oneline")
    from pairtui.ui.exit_code import exit_code

    return exit_code(app, code)

