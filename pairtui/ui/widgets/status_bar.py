"""The one-line header: goal, session, models, running cost, and what the engine is doing now."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


def _short_model(spec: str) -> str:
    """`replay:/tmp/x/assets/demo/planner.jsonl` -> `replay:planner`; others unchanged."""
    provider, _, model = spec.partition(":")
    if provider == "replay" and model:
        name = model.replace("\\", "/").rsplit("/", 1)[-1]
        return f"replay:{name.removesuffix('.jsonl')}"
    return spec


class StatusBar(Widget):
    """Docked at the top. Reactive fields so the app just assigns what changed."""

    DEFAULT_CSS = """
    StatusBar {
        dock: top;
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
    }
    """

    goal: reactive[str] = reactive("")
    session_id: reactive[str] = reactive("")
    planner: reactive[str] = reactive("")
    executor: reactive[str] = reactive("")
    cost_usd: reactive[float] = reactive(0.0)
    activity: reactive[str] = reactive("")
    progress: reactive[str] = reactive("")

    def render(self) -> Content:
        """What matters most keeps its place as the bar narrows: name, what is happening now
        (activity or progress) and cost always; then the goal (cut with …), the models, and
        the session id, in that order."""
        width = self.size.width
        now = (Content.from_markup("[$warning]$t[/]  ", t=self.activity) if self.activity
               else Content.from_markup("[$success]$t[/]  ", t=self.progress) if self.progress
               else Content(""))
        cost = Content.from_markup("[$accent]$c[/] ", c=f"${self.cost_usd:.4f}")
        models = Content.from_markup(
            "[$text-muted]$m[/]  ",
            m=f"{_short_model(self.planner)} → {_short_model(self.executor)}")
        name = Content.from_markup(" [b $accent]pairtui[/] ")
        sid = Content.from_markup("[$text-muted]$s[/] ", s=self.session_id or "—")
        goal_text = self.goal or "no goal yet"
        fixed = name.cell_length + now.cell_length + cost.cell_length + 1
        want_goal = min(len(goal_text), 6)  # the goal keeps this much before models show
        show_models = width - fixed - models.cell_length >= want_goal
        if show_models:
            fixed += models.cell_length
        show_sid = show_models and width - fixed - sid.cell_length >= min(len(goal_text), 40)
        if show_sid:
            fixed += sid.cell_length
        room = max(width - fixed, 0)
        goal = goal_text if len(goal_text) <= room else goal_text[: max(room - 1, 0)] + "…"
        if room < 4:
            goal = ""
        middle = Content.from_markup("[b]$g[/]", g=goal).pad_right(max(room - len(goal), 0) + 1)
        return (name + (sid if show_sid else Content("")) + middle + now
                + (models if show_models else Content("")) + cost)
