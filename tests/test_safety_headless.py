"""`--json` events on stdout and progress lines on stderr never carry a key."""

from __future__ import annotations

import io
import json

from pairtui.agent.events import ModelText, Notice, ToolFinished, VerifyOutput
from pairtui.agent.headless import HeadlessPrinter
from pairtui.core.redact import REDACTED

CONFIG_KEY = "config-file-key-5555555555"
ENV_KEY = "env-anthropic-key-0123456789"


def test_json_events_and_progress_lines_are_redacted(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", ENV_KEY)
    out, err = io.StringIO(), io.StringIO()
    printer = HeadlessPrinter(err=err, out=out, json_events=True, show_verify_output=True,
                              secrets=(CONFIG_KEY,))
    printer(ModelText(f"the key is {ENV_KEY}"))
    printer(ToolFinished("c1", "read_file", f"{CONFIG_KEY}\nSTRIPE_SECRET=abc123xyz", is_error=True))
    printer(VerifyOutput(f"token {ENV_KEY}"))
    printer(Notice(f"provider said {CONFIG_KEY}", "error"))
    printer.finish(1, error=f"failed with {ENV_KEY}")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    written = out.getvalue() + err.getvalue()
    assert CONFIG_KEY not in written and ENV_KEY not in written and "abc123xyz" not in written
    assert [r["event"] for r in records] == ["ModelText", "ToolFinished", "VerifyOutput", "Notice",
                                            "RunFinished"]
    assert records[1]["result"] == f"{REDACTED}\nSTRIPE_SECRET={REDACTED}"
    assert records[-1]["error"] == f"failed with {REDACTED}"
    assert f"! {REDACTED}" in err.getvalue()
