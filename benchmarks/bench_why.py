"""`pairtui why` against `git blame` on a 2,000-line file with 50 pairtui commits.

Target (issue 17): `pairtui why FILE` answers in <= 1.5x the time `git blame FILE` takes, both
measured here in the same run as whole commands (process start, imports and output included),
interleaved, medians. The file is 2,000 lines; 50 landed chunks (10 sessions of 5) each rewrote
40 lines, with real Pairtui-* trailers and session stores (state with call marks, transcripts),
so `why` does all of its work: blame, commit messages, stores and call matching. Rows also
show a single line (`why FILE:LINE`, with the transcript read) against `git blame FILE` and the
much cheaper `git blame -L`, and the floor any `pairtui why` stands on: starting pairtui
(`pairtui --version`: interpreter, imports, argument parsing) and the porcelain blame it runs.

    .venv/bin/python benchmarks/bench_why.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pairtui.core.line_marks import line_marks
from pairtui.git.trailers import compose

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}
LINES, SESSIONS, CHUNKS, CHANGED = 2000, 10, 5, 40
PAIRTUI = Path(sys.executable).parent / "pairtui"


def git(repo: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env=ENV, input=input).stdout


def make_repo(root: Path) -> Path:
    """The person's 2,000-line file, then 50 landed chunks with trailers and stores."""
    repo = root / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    rng = random.Random(17)
    lines = [f"value_{i} = compute({i}) + {i * 7}  # written by the person" for i in range(LINES)]
    (repo / "big.py").write_text("\n".join(lines) + "\n")
    git(repo, "add", "big.py")
    git(repo, "commit", "-q", "-m", "The person's file")
    sessions = repo / ".git" / "pairtui" / "sessions"
    for s in range(SESSIONS):
        sid = f"20261130-{s:06d}-be{s:02d}"
        plan = f"# Goal: Goal {s}\n\n" + "".join(
            f"## Chunk {c}: Rewrite part {c}\nFiles: big.py\nVerify: true\n\nRewrite part {c}.\n\n"
            for c in range(1, CHUNKS + 1))
        chunks, calls, transcript = [], {}, []
        for c in range(1, CHUNKS + 1):
            picked = rng.sample(range(LINES), CHANGED)
            new = {i: f"value_{i} = chunk_{s}_{c}({i}) + {rng.random():.6f}" for i in picked}
            for i, text in new.items():
                lines[i] = text
            (repo / "big.py").write_text("\n".join(lines) + "\n")
            git(repo, "add", "big.py")
            trailers = [("Session", sid), ("Chunk", f"{c}/{CHUNKS} Rewrite part {c}"),
                        ("Verify", "true passed"), ("Executor", "anthropic:claude-sonnet-4-5"),
                        ("Planner", "anthropic:claude-opus-4-1"), ("Cost", "$0.0123 (4,000 tokens in, 300 out)")]
            git(repo, "commit", "-q", "-F", "-", input=compose(f"Rewrite part {c}", f"Rewrite part {c}.", trailers))
            commit = git(repo, "rev-parse", "HEAD").strip()
            body = "\n".join(new.values())
            calls[str(c)] = [[1, "write_file", ["big.py"], False, list(line_marks(body)), []]]
            chunks.append({"number": c, "status": "landed", "checkpoints": [], "commit": commit,
                           "fix_rounds": 0, "note": "verified: true"})
            transcript += [
                {"kind": "round", "chunk": c, "first_call": 1, "round": "execute"},
                {"kind": "assistant", "model": "anthropic:claude-sonnet-4-5", "text": "Rewriting.",
                 "tool_calls": [{"id": "t1", "name": "write_file", "arguments": {"path": "big.py", "content": body}}]},
                {"kind": "tool_result", "id": "t1", "name": "write_file", "call": 1, "is_error": False,
                 "content": "wrote big.py", "changed": ["big.py"]},
                {"kind": "verify", "chunk": c, "command": "true", "passed": True, "exit_code": 0, "output_tail": ""},
            ]
        state = {"schema_version": 1, "id": sid, "goal": f"Goal {s}", "created": 0.0, "phase": "done",
                 "plan_versions": [plan], "chunks": chunks, "current": None,
                 "planner": "anthropic:claude-opus-4-1", "executor": "anthropic:claude-sonnet-4-5",
                 "cost_usd": 0.06, "tokens_in": 20000, "tokens_out": 1500, "extra": {"calls": calls}}
        (sessions / sid).mkdir(parents=True)
        (sessions / sid / "state.json").write_text(json.dumps(state))
        (sessions / sid / "transcript.jsonl").write_text("".join(json.dumps(r) + "\n" for r in transcript))
    return repo


def timed(repo: Path, argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=repo, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def row(name: str, value: float, reference: float) -> None:
    print(f"{name:<44} {value * 1000:8.1f} ms {reference * 1000:8.1f} ms {value / reference:6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pairtui-bench-why-") as tmp:
        repo = make_repo(Path(tmp))
        out = subprocess.run([str(PAIRTUI), "why", "big.py"], cwd=repo, capture_output=True, text=True, env=ENV)
        pairtui_rows = sum("written by pairtui" in line for line in out.stdout.splitlines())
        assert out.returncode == 0 and pairtui_rows > 100, out.stderr  # it really traced the file
        middle = LINES // 2
        blame = ["git", "blame", "big.py"]
        cases = {
            "why FILE vs git blame FILE": ([str(PAIRTUI), "why", "big.py"], blame),
            "why FILE --json vs git blame FILE": ([str(PAIRTUI), "why", "big.py", "--json"], blame),
            "why FILE:LINE vs git blame FILE": ([str(PAIRTUI), "why", f"big.py:{middle}"], blame),
            "why FILE:LINE vs git blame -L LINE,LINE FILE": (
                [str(PAIRTUI), "why", f"big.py:{middle}"], ["git", "blame", "-L", f"{middle},{middle}", "big.py"]),
            "floor: pairtui --version vs git blame FILE": ([str(PAIRTUI), "--version"], blame),
            "floor: why's own blame (--porcelain) vs git blame FILE": (
                ["git", "blame", "--porcelain", "big.py"], blame),
        }
        samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in cases}
        for _ in range(args.rounds):
            for name, (ours, reference) in cases.items():
                samples[name][1].append(timed(repo, reference))
                samples[name][0].append(timed(repo, ours))
        print(f"file: {LINES} lines, {SESSIONS * CHUNKS} pairtui commits ({SESSIONS} sessions); "
              f"{args.rounds} rounds, interleaved, whole commands; target <= 1.5x")
        print(f"{'name':<44} {'value':>11} {'reference':>11} {'ratio':>7}")
        for name, (ours, reference) in samples.items():
            row(name + " (median)", statistics.median(ours), statistics.median(reference))
            row(name + " (best)", min(ours), min(reference))


if __name__ == "__main__":
    main()
