"""Who does the work in a session: the planner and the executor, each with its tools.

Kept apart from the flow so `flow.py` reads as the steps of a session, not as wiring. The same
rules hold for every kind of model: the planner researches read-only (pairtui's read tools plus
MCP tools marked read-only); the executor gets the writing tools, `run_command` only where a
person can be asked or the config allows it headless, and every MCP tool; an ACP agent plans
and executes with its own tools, served through pairtui's confinement (executors/acp_*.py), and
is handed the trusted MCP servers to start itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pairtui.agent.executor import Executor
from pairtui.agent.planner import Planner
from pairtui.agent.tool_loop import UsageMeter
from pairtui.agent.tools import Toolbox
from pairtui.config import Config
from pairtui.models.base import Provider

if TYPE_CHECKING:
    from pairtui.agent.call_trace import CallRecord
    from pairtui.agent.events import FlowEvent
    from pairtui.agent.executors.acp_executor import AcpExecutor

AskPermission = Callable[[str], Awaitable[bool]]  # "run_command: pytest -q" -> allowed?


@dataclass
class Crew:
    planner: Planner
    executor: Executor | AcpExecutor
    mcp: Any | None  # the session's MCP hub (agent/mcp), None without servers

    async def aclose(self) -> None:
        """Release what the models hold (an ACP agent's process group, MCP servers); idempotent."""
        await self.executor.aclose()
        if self.mcp is not None:  # MCP servers' processes end with the session
            await self.mcp.aclose()
        close_planner = getattr(self.planner.provider, "aclose", None)
        if close_planner is not None:
            await close_planner()


def assemble(
    root: Path,
    config: Config,
    planner: Provider,
    executor: Provider,
    *,
    read_roots: list[Path],
    emit: Callable[[FlowEvent], None],
    meter: UsageMeter,
    record: Callable[[dict], None],
    note_call: Callable[[CallRecord], None],
    ask_permission: AskPermission | None,
) -> Crew:
    """The session's planner and executor with their tools (see the module docstring)."""
    headless_commands = ask_permission is None and config.allow_run_command_headless
    research = Toolbox(root, read_only=True, read_roots=read_roots)
    tools = Toolbox(root, ask_permission=ask_permission, allow_commands=headless_commands,
                    read_roots=read_roots, command_timeout=config.verify_timeout,
                    command_env=config.verify_env)
    if planner.name == "acp":  # an ACP agent plans read-only through the same Planner
        from pairtui.agent.executors.acp_planner import AcpPlannerModel

        planner = AcpPlannerModel(planner, root, emit, config.agent_turn_timeout)
    commands_possible = ask_permission is not None or config.allow_run_command_headless
    specs = tuple(t for t in tools.specs if commands_possible or t.name != "run_command")
    from pairtui.agent.mcp.session import mcp_tools

    mcp, research_tools, exec_tools = mcp_tools(root, config, emit, ask_permission,
                                                (research.specs, research.call), (specs, tools.call))
    secrets = (*config.secrets, *(mcp.secrets if mcp else ()))
    if planner.name == "acp":  # an ACP planner uses its own tools: start no server for it
        research_tools = (research.specs, research.call)
    the_planner = Planner(planner, research_tools[0], research_tools[1], emit, meter,
                          config.max_turns, record, secrets=secrets)
    if executor.name != "acp":
        return Crew(the_planner, Executor(executor, exec_tools[0], exec_tools[1], emit, meter,
                                          config.max_turns, record, on_call=note_call,
                                          secrets=secrets), mcp)
    from pairtui.agent.executors.acp_executor import AcpExecutor
    from pairtui.agent.mcp.acp import acp_mcp_servers

    agent = AcpExecutor(executor, root, emit, meter, config.agent_turn_timeout, ask_permission,
                        headless_commands, on_call=note_call, record=record, secrets=secrets,
                        mcp_servers=acp_mcp_servers(mcp.servers) if mcp is not None else [])
    return Crew(the_planner, agent, mcp)
