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
        width = self.size.width
        models = f"{_short_model(self.planner)} → {_short_model(self.executor)}"
        right = Content.from_markup(
            "[$text-muted]$models[/]  [$accent]$cost[/] ",
            models=models,
            cost=f"${self.cost_usd:.4f}",
        )
        if self.activity:
            right = Content.from_markup("[$warning]$act[/]  ", act=self.activity) + right
        elif self.progress:
            right = Content.from_markup("[$success]$p[/]  ", p=self.progress) + right
        left = Content.from_markup(
            " [b $accent]pairtui[/] [$text-muted]$sid[/] ", sid=self.session_id or "—"
        )
        room = width - left.cell_length - right.cell_length - 1
        goal = self.goal or "no goal yet"
        if room < 12:
            # Narrow: drop the models first, keep goal and cost.
            right = Content.from_markup("[$accent]$cost[/] ", cost=f"${self.cost_usd:.4f}")
            room = width - left.cell_length - right.cell_length - 1
        if len(goal) > max(room, 0):
            goal = goal[: max(room - 1, 0)] + "…"
        middle = Content(goal).pad_right(max(room - len(goal), 0) + 1)
        return left + Content.from_markup("[b]$g[/]", g=middle.plain) + right
