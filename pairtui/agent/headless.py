"""The headless face of the engine: a progress line per step on stderr, and with --json one
JSON object per event on stdout (streamed model text coalesced into one event per stretch).

Lines are flushed as written, so a person tailing a log or a script reading stdout sees each
step as it happens. Everything written is redacted first (the given secrets, pairtui's key
variables and credential-shaped text; see core/redact.py).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Iterable
from typing import IO, Any

from pairtui.agent.events import (
    CheckpointTaken,
    ChunkLanded,
    ChunkRolledBack,
    FlowEvent,
    ModelText,
    Notice,
    SessionChanged,
    StepStarted,
    ToolFinished,
    ToolStarted,
    UsageUpdated,
    VerifyFinished,
    VerifyOutput,
)
from pairtui.core.redact import env_secrets, redact

_STEP_WORDS = {
    "planning": "planning with the planner model",
    "revising": "revising the plan",
    "executing": "executing",
    "verifying": "verifying",
    "fixing": "check failed; fix round by the executor",
    "landing": "landing",
    "rolling-back": "rolling back",
}


def event_record(event: FlowEvent) -> dict[str, Any]:
    """A JSON-ready dict for an event: {"event": "<kind>", ...fields}."""
    kind = type(event).__name__
    if isinstance(event, SessionChanged):
        s = event.session
        return {"event": kind, "session": s.id, "phase": str(s.phase), "current": s.current,
                "chunks": [{"number": c.number, "status": str(c.status), "commit": c.commit}
                           for c in s.chunks],
                "tokens_in": s.tokens_in, "tokens_out": s.tokens_out, "cost_usd": s.cost_usd}
    fields = {k: v._asdict() if hasattr(v, "_asdict") else v  # a Checkpoint: an object, not a list
              for k, v in dataclasses.asdict(event).items()}
    return {"event": kind, **fields}


class HeadlessPrinter:
    """An EventSink for `pairtui run`, `plan` and `demo --headless`."""

    def __init__(self, err: IO[str] | None = None, out: IO[str] | None = None, json_events: bool = False,
                 show_verify_output: bool = False, secrets: Iterable[str | None] = ()) -> None:
        self._secrets = (*secrets, *env_secrets(os.environ))
        self._err = err or sys.stderr
        self._out = out or sys.stdout
        self._json = json_events
        self._show_verify = show_verify_output
        self._text: list[str] = []
        self._thinking = False
        self.usage: UsageUpdated | None = None

    def __call__(self, event: FlowEvent) -> None:
        if self._json:
            self._json_event(event)
        self._progress(event)

    def close(self) -> None:
        """Flush coalesced model text (call when the run ends)."""
        if self._json:
            self._flush_text()

    def finish(self, exit_code: int, error: str = "") -> None:
        """With --json, a last event a script can rely on: {"event": "RunFinished", ...}."""
        if self._json:
            self._flush_text()
            record: dict[str, Any] = {"event": "RunFinished", "exit_code": exit_code}
            if error:
                record["error"] = error
            if self.usage is not None:
                record.update(tokens_in=self.usage.tokens_in, tokens_out=self.usage.tokens_out,
                              cost_usd=self.usage.cost_usd)
            self._write_json(record)

    def usage_line(self) -> str | None:
        """"tokens 12,345 in / 678 out, $0.0123" once a model was used, else None."""
        if self.usage is None:
            return None
        u = self.usage
        return f"pairtui: tokens {u.tokens_in:,} in / {u.tokens_out:,} out, ${u.cost_usd:.4f}"

    def line(self, text: str) -> None:
        """A line of the story outside the event stream (e.g. the demo's own steps)."""
        self._err.write(redact(text, self._secrets) + "\n")
        self._err.flush()

    # -- json ------------------------------------------------------------------------------

    def _json_event(self, event: FlowEvent) -> None:
        if isinstance(event, ModelText):
            if self._text and event.thinking != self._thinking:
                self._flush_text()
            self._thinking = event.thinking
            self._text.append(event.text)
            return
        self._flush_text()
        self._write_json(event_record(event))

    def _flush_text(self) -> None:
        if self._text:
            self._write_json({"event": "ModelText", "text": "".join(self._text), "thinking": self._thinking})
            self._text = []

    def _write_json(self, record: dict[str, Any]) -> None:
        safe = redact(json.loads(json.dumps(record, default=str)), self._secrets)
        self._out.write(json.dumps(safe) + "\n")
        self._out.flush()

    # -- progress lines --------------------------------------------------------------------

    def _progress(self, event: FlowEvent) -> None:
        text = self._progress_text(event)
        if text is not None:
            self.line(text)

    def _progress_text(self, event: FlowEvent) -> str | None:
        if isinstance(event, StepStarted):
            where = f"chunk {event.chunk}: " if event.chunk is not None else ""
            return f"pairtui: {where}{_STEP_WORDS.get(event.step, event.step)}"
        if isinstance(event, ToolStarted):
            return f"  - {event.summary}"
        if isinstance(event, ToolFinished) and event.is_error:
            first = event.result.splitlines()[0] if event.result else "error"
            return f"    ! {first[:160]}"
        if isinstance(event, CheckpointTaken):
            cp = event.checkpoint
            return f"  checkpoint {cp.id} ({cp.step})"
        if isinstance(event, VerifyOutput):
            return f"    | {event.text}" if self._show_verify else None
        if isinstance(event, VerifyFinished):
            return _verify_line(event)
        if isinstance(event, ChunkLanded):
            sha = event.commit[:10] if event.commit else "nothing to commit"
            return f"pairtui: chunk {event.chunk} landed: {sha} ({event.message})"
        if isinstance(event, ChunkRolledBack):
            if event.checkpoint.step == "pre-revert":
                return (f"pairtui: chunk {event.chunk} reverted by a new commit "
                        f"(the state before is checkpoint {event.checkpoint.id})")
            return f"pairtui: chunk {event.chunk} rolled back to checkpoint {event.checkpoint.id}"
        if isinstance(event, Notice):
            return f"pairtui: {event.level}: {event.text}" if event.level != "info" else f"pairtui: {event.text}"
        if isinstance(event, UsageUpdated):
            self.usage = event
        return None


def _verify_line(event: VerifyFinished) -> str:
    if event.command is None:
        return f"pairtui: chunk {event.chunk}: no check (unverified)"
    where = f"\n    {event.python}" if event.python else ""
    if event.passed:
        return f"pairtui: chunk {event.chunk}: check passed: {event.command}{where}"
    why = "timed out" if event.timed_out else f"exit code {event.exit_code}"
    tail = "\n".join(f"    | {line}" for line in event.output_tail.splitlines()[-15:])
    return f"pairtui: chunk {event.chunk}: check failed ({why}): {event.command}{where}\n{tail}".rstrip()
