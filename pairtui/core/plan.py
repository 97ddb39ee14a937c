"""Plan markdown <-> Plan/Chunk values. (Interface fixed; parser owned by the core work.)

`render_plan(parse_plan(text)) == text` for canonical plans a person wrote.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    """One small step of a plan."""

    number: int
    title: str
    files: tuple[str, ...] = ()
    verify: str | None = None
    body: str = ""
    line: int = 0  # 1-based line of the chunk heading in the source text


@dataclass(frozen=True)
class Plan:
    """A goal broken into chunks. `source` keeps the person's exact text for round trips."""

    goal: str
    chunks: tuple[Chunk, ...]
    context: str = ""
    source: str = ""

    def chunk(self, number: int) -> Chunk:
        for chunk in self.chunks:
            if chunk.number == number:
                return chunk
        raise KeyError(number)


def parse_plan(text: str) -> Plan:
    """Parse plan markdown; raises PlanError naming the line on bad input."""
    raise NotImplementedError


def render_plan(plan: Plan) -> str:
    """Render a Plan back to markdown (canonical form)."""
    raise NotImplementedError
