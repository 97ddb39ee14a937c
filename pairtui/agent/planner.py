"""Goal -> plan, and plan + comment -> new plan, with the planner model.

The planner researches with read-only tools, then answers with plan markdown. A reply that does
not parse gets exactly one automatic retry with the parse error fed back; a second bad reply
raises PlanError (the reply was streamed to the person, so they see what came back). A plan is
never accepted without parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pairtui.agent import prompts
from pairtui.agent.events import Notice
from pairtui.agent.tool_loop import Emit, Record, RunTool, Tools, UsageMeter, run_tool_loop
from pairtui.core.plan import Plan, parse_plan
from pairtui.errors import PlanError
from pairtui.models.base import Message, Provider

_FENCE = re.compile(r"^```[\w-]*\s*\n(.*?)\n```\s*$", re.S | re.M)
_HEADING = re.compile(r"^#\s+\S", re.M)


def extract_plan_text(reply: str) -> str:
    """The plan markdown inside a reply: unwrap a code fence, drop chatter before the first
    top-level heading. Returns the reply unchanged when no heading is found."""
    text = reply.strip()
    fenced = _FENCE.search(text)
    if fenced and _HEADING.search(fenced.group(1)):
        text = fenced.group(1).strip()
    heading = _HEADING.search(text)
    if heading:
        text = text[heading.start():]
    return text.rstrip() + "\n"


@dataclass
class Planner:
    """The planner model with its read-only tools."""

    provider: Provider
    tools: Tools  # a tuple, or a list that can grow (MCP servers)
    run_tool: RunTool
    emit: Emit
    meter: UsageMeter
    max_turns: int = 40
    record: Record | None = None
    secrets: tuple[str, ...] = ()  # configured keys, masked in tool results

    async def make_plan(self, goal: str, context: str = "") -> Plan:
        """Research, then plan. Raises PlanError after one failed retry."""
        messages = [Message(role="user", text=prompts.planner_task(goal))]
        return await self._plan_from(messages, prompts.planner_prefix(context))

    async def revise(self, plan: Plan, comment: str, context: str = "") -> Plan:
        """A new version of `plan` from the person's comment (the caller keeps the old one)."""
        text = plan.source or ""
        messages = [Message(role="user", text=prompts.plan_revision(text, comment, context))]
        return await self._plan_from(messages)

    async def _plan_from(self, messages: list[Message], prefix: str = "") -> Plan:
        reply = await self._ask(messages, prefix)
        try:
            return parse_plan(extract_plan_text(reply))
        except PlanError as first:
            self.emit(Notice(f"the plan did not parse ({first.message}); asking the planner again", "warning"))
            messages.append(Message(role="user", text=prompts.plan_retry(first.message)))
        reply = await self._ask(messages, prefix)
        try:
            return parse_plan(extract_plan_text(reply))
        except PlanError as second:
            raise PlanError(f"the planner's reply is not a plan: {second.message}") from None

    async def _ask(self, messages: list[Message], prefix: str) -> str:
        result = await run_tool_loop(
            self.provider, prompts.PLANNER_SYSTEM, messages, self.tools, self.run_tool,
            self.emit, self.meter, self.max_turns, self.record, cache_prefix=prefix,
            secrets=self.secrets,
        )
        return result.text
