"""The verify pane: the chunk's check command, its output as it arrives, and pass / fail."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Log, Static


class VerifyPane(Vertical):
    """A status line over a Log (line-based, so long outputs stay cheap)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = "idle"  # "idle" | "running" | "passed" | "failed" | "timed-out" | "unverified"

    def compose(self) -> ComposeResult:
        yield Static(
            Content.from_markup("[$text-muted]No check has run yet. [b]v[/b] runs the current chunk's check.[/]"),
            id="verify-status",
        )
        yield Log(id="verify-log", highlight=False, auto_scroll=True)

    @property
    def log(self) -> Log:  # type: ignore[override]
        return self.query_one("#verify-log", Log)

    def _status(self, content: Content, state: str) -> None:
        self.state = state
        status = self.query_one("#verify-status", Static)
        status.update(content)
        for name in ("running", "passed", "failed", "timed-out", "unverified"):
            status.set_class(name == state, f"-{name}")

    def start(self, chunk: int | None, command: str | None, round_label: str = "") -> None:
        self.log.clear()
        what = f"chunk {chunk}" if chunk is not None else "check"
        cmd = command or "the chunk's check"
        self._status(
            Content.from_markup(
                "[$warning]●[/] running [b]$cmd[/] for $what $round  [$text-muted](esc cancels)[/]",
                cmd=cmd, what=what, round=round_label,
            ),
            "running",
        )

    def write(self, text: str) -> None:
        """A line of output (the engine sends lines without their newline) or a raw chunk."""
        if text.endswith("\n"):
            self.log.write(text)
        else:
            self.log.write_line(text)

    def finish(
        self,
        chunk: int,
        passed: bool,
        command: str | None,
        exit_code: int | None,
        timed_out: bool,
        output_tail: str = "",
        timeout_seconds: float | None = None,
    ) -> None:
        if output_tail and not self.log.line_count:
            self.log.write(output_tail)
        if command is None:
            self._status(
                Content.from_markup(
                    "[$warning]◌[/] chunk $n has no check: [b]unverified[/]. "
                    "Review the diff with care (add a [b]Verify:[/] line to the plan to get one).",
                    n=str(chunk),
                ),
                "unverified",
            )
        elif timed_out:
            limit = f" after {timeout_seconds:g}s" if timeout_seconds else ""
            self._status(
                Content.from_markup(
                    "[$error]⏱[/] [b]$cmd[/] timed out$limit. "
                    "Press [b]v[/b] to run it again, or raise verify_timeout in .pairtui.toml.",
                    cmd=command, limit=limit,
                ),
                "timed-out",
            )
        elif passed:
            self._status(
                Content.from_markup(
                    "[$success]✓ passed[/] [b]$cmd[/] (exit $code)",
                    cmd=command, code=str(exit_code if exit_code is not None else 0),
                ),
                "passed",
            )
        else:
            self._status(
                Content.from_markup(
                    "[$error]✗ failed[/] [b]$cmd[/] (exit $code). "
                    "Press [b]d[/b] to look at the change, [b]u[/b] to roll it back.",
                    cmd=command, code=str(exit_code if exit_code is not None else "?"),
                ),
                "failed",
            )

    def cancelled(self) -> None:
        self._status(
            Content.from_markup("[$warning]■[/] check cancelled; output so far kept below. [b]v[/b] runs it again."),
            "idle",
        )
