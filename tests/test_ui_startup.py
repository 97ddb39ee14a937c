"""What the app loads before its first frame and before its panes are ready: the header is up at
the cost of a hello-world app, the panes follow without the engine, the model SDKs or Rich's
markdown, and the session still opens and shows. Counted in a fresh interpreter (the test
process has everything loaded already); DESIGN.md's start-up targets are timed by
benchmarks/startup_bench.py, never here.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

CHILD = """
import json, sys
from tests.support_ui import fake_app
from pairtui.ui.app import PairApp

seen = {}

class Watched(PairApp):  # Textual runs PairApp's handlers of the same events after these
    def on_ready(self):  # Textual's Ready: right after the first frame
        seen["first_frame"] = sorted(sys.modules)

    def on_workspace_ready(self):
        seen["panes"] = sorted(sys.modules)
        seen["pane_ids"] = [w.id for w in self.query("#chunk-list, #plan-pane, #model-pane, "
                                                     "#verify-pane, #review-pane")]

    async def _opened(self, pairing):
        await super()._opened(pairing)
        seen["goal_shown"] = self.query_one("#status-bar").goal
        self.exit()

app, _ = fake_app(goal="Put the pricing rules in one place")
app.__class__ = Watched
app.run(headless=True, size=(120, 40))
print(json.dumps(seen))
"""

HEAVY = ("markdown_it", "rich.markdown", "anthropic", "openai", "pairtui.agent.flow")


def _start_up() -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_start_up_paints_before_loading_the_panes_then_opens_the_session():
    seen = _start_up()
    first = set(seen["first_frame"])
    assert not first & {"pairtui.ui.widgets.workspace", "textual.widgets._tabbed_content",
                        "textual.widgets._footer", *HEAVY}
    panes = set(seen["panes"])
    assert "pairtui.ui.widgets.workspace" in panes
    assert not panes & set(HEAVY)
    assert seen["pane_ids"] == ["chunk-list", "plan-pane", "model-pane", "verify-pane",
                                "review-pane"]
    assert seen["goal_shown"] == "Put the pricing rules in one place"


def test_quitting_as_the_first_frame_shows_is_clean_and_resumes_gc():
    """q can arrive before the panes are up: no traceback, and garbage collection (paused
    during start-up) is back on."""
    import gc

    from tests.support_ui import fake_app

    app, _ = fake_app()

    class QuitAtOnce(type(app)):
        def on_ready(self) -> None:  # runs before PairApp's, which would mount the panes
            self.exit(0)

    app.__class__ = QuitAtOnce
    app.run(headless=True, size=(120, 40))
    assert app.return_code == 0  # 1 when Textual stopped on an error (it printed a traceback)
    assert gc.isenabled()
