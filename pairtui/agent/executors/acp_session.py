"""One ACP connection: spawn, `initialize`, `session/new`, `session/prompt`, `session/cancel`.

Started on first use and kept for the pairtui session (a chunk is one ACP session; fix rounds
and hunk comments continue it). The failure modes a person meets are one-line ProviderErrors
(exit 3, the chunk stays resumable and its edits stay in the tree): the agent would not start,
refused `initialize`, needs a login pairtui cannot give (it only uses an auth method whose
key variables the agent was given), exited mid-turn (its stderr's last lines say
why), or did not end its turn within the timeout (then it is killed as a group). A cancelled
turn sends `session/cancel` and returns at once, without waiting for the agent to agree.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path
from typing import Any

import acp
from acp import PROTOCOL_VERSION, RequestError, connect_to_agent, text_block
from acp.schema import (
    ClientCapabilities,
    FileSystemCapabilities,
    Implementation,
    PromptResponse,
)

from pairtui import __version__
from pairtui.agent.executors.acp_client import PairtuiClient
from pairtui.agent.executors.acp_process import AgentProcess
from pairtui.errors import ProviderError
from pairtui.models.acp_agents import AgentSpec

START_TIMEOUT = 60.0  # seconds for spawn + initialize + session/new
AUTH_REQUIRED = -32000
CANCEL_SEND_TIMEOUT = 0.1


_SDK_DIR = os.path.dirname(acp.__file__)


class _QuietSdk(logging.Filter):
    """The SDK logs an agent's bad line or a failed handler with a traceback on the root logger;
    on a TUI (or among headless progress lines) that garbles the screen. What matters reaches
    the person as a one-line error instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.pathname.startswith(_SDK_DIR)


def _quiet_sdk_logs() -> None:
    root = logging.getLogger()
    if not any(isinstance(f, _QuietSdk) for f in root.filters):
        root.addFilter(_QuietSdk())


class AcpConnection:
    """The agent process and the client-side connection to it."""

    def __init__(self, spec: AgentSpec, repo_root: Path, client: PairtuiClient) -> None:
        self.spec = spec
        self.repo_root = Path(repo_root)
        self.client = client
        self._process: AgentProcess | None = None
        self._conn = None
        self._init: Any = None  # the agent's InitializeResponse (its auth methods)
        self.modes: list[str] = []  # session modes the agent offers (e.g. "plan")
        self.mcp_servers: list[Any] = []  # session/new mcpServers (agent/mcp/acp.py)

    @property
    def started(self) -> bool:
        return self._process is not None and self._process.alive

    async def new_session(self) -> str:
        """A fresh ACP session (starting the agent first if needed)."""
        if not self.started:
            await self.close()
            await self._start()
        try:
            try:
                response = await self._new_session()
            except RequestError as err:
                if err.code != AUTH_REQUIRED or not await self._authenticate():
                    raise
                response = await self._new_session()
        except (TimeoutError, RequestError, ConnectionError) as err:
            raise self._failure("session/new failed", err) from None
        if response.modes is not None:
            self.modes = [m.id for m in response.modes.available_modes]
        return response.session_id

    async def set_mode(self, session_id: str, mode: str) -> bool:
        """Switch the session to `mode` if the agent offers it; False if it does not."""
        if mode not in self.modes:
            return False
        with contextlib.suppress(RequestError, ConnectionError, asyncio.TimeoutError):
            await asyncio.wait_for(self._conn.set_session_mode(session_id=session_id, mode_id=mode), 10)
            return True
        return False

    async def prompt(self, session_id: str, text: str, timeout: float) -> PromptResponse:
        """One turn. Cancellation sends session/cancel and re-raises at once."""
        self.client.active = True
        self.client.written = set()
        self.client.mapper.start_turn()
        try:
            return await asyncio.wait_for(
                self._conn.prompt(session_id=session_id, prompt=[text_block(text)]), timeout)
        except asyncio.CancelledError:
            self.client.active = False
            await self._send_cancel(session_id)
            raise
        except TimeoutError:
            self.client.active = False
            await self._send_cancel(session_id)
            await self.close()
            raise ProviderError(f"{self.spec.label}: the agent's turn did not end within "
                                f"{timeout:.0f} s; it was stopped (agent_turn_timeout)") from None
        except (RequestError, ConnectionError) as err:
            await self._reap()
            raise self._failure("the turn failed", err) from None
        finally:
            self.client.active = False

    async def close(self) -> None:
        """Close the connection and kill the agent's process group (idempotent)."""
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 1.0)
        if process is not None:
            await process.close()

    # -- internals -------------------------------------------------------------------------

    async def _start(self) -> None:
        _quiet_sdk_logs()
        try:
            self._process = await AgentProcess.spawn(self.spec, self.repo_root)
        except OSError as err:
            raise ProviderError(f"{self.spec.label}: could not start {self.spec.argv[0]}: "
                                f"{err.strerror or err}") from None
        process = self._process.process
        self._conn = connect_to_agent(self.client, process.stdin, process.stdout)
        capabilities = ClientCapabilities(
            fs=FileSystemCapabilities(read_text_file=True, write_text_file=True), terminal=False)
        try:
            self._init = await asyncio.wait_for(self._conn.initialize(
                protocol_version=PROTOCOL_VERSION, client_capabilities=capabilities,
                client_info=Implementation(name="pairtui", title="pairtui", version=__version__),
            ), START_TIMEOUT)
        except (TimeoutError, RequestError, ConnectionError) as err:
            await self._reap()
            failure = self._failure("initialize failed", err)
            await self.close()
            raise failure from None

    async def _new_session(self) -> Any:
        return await asyncio.wait_for(
            self._conn.new_session(cwd=str(self.repo_root), mcp_servers=self.mcp_servers), START_TIMEOUT)

    async def _authenticate(self) -> bool:
        """Log in with a key the agent was given: the first auth method whose variables are all
        in its environment (e.g. codex-acp's "openai-api-key"). Never a browser login."""
        methods = getattr(self._init, "auth_methods", None) or []
        for method in methods:
            names = [v.name for v in getattr(method, "vars", None) or () if not v.optional]
            if names and all(self.spec.env.get(n) for n in names):
                await asyncio.wait_for(self._conn.authenticate(method_id=method.id), START_TIMEOUT)
                return True
        offered = ", ".join(m.name for m in methods) or "none offered"
        raise ProviderError(f"{self.spec.label}: the agent needs a login ({offered}); set its key "
                            "variable, or log in with the agent's own command first")

    async def _reap(self) -> None:
        """Give a dying agent a moment to exit, so its exit code and last words are known."""
        if self._process is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._process.process.wait(), 0.5)
            await asyncio.sleep(0)

    async def _send_cancel(self, session_id: str) -> None:
        if self._conn is None:
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._conn.cancel(session_id=session_id), CANCEL_SEND_TIMEOUT)

    def _failure(self, what: str, err: BaseException) -> ProviderError:
        """One line: what failed, why (the agent's error or its stderr), and its exit code."""
        process = self._process
        code = process.process.returncode if process is not None else None
        if isinstance(err, RequestError):
            detail = str(err)
            data = err.data if isinstance(err.data, dict) else {}
            extra = data.get("details") or data.get("message")
            if extra:
                detail += f": {extra}"
        elif isinstance(err, asyncio.TimeoutError):
            detail = "no answer in time"
        else:
            detail = "the agent exited" + (f" (exit code {code})" if code is not None else "")
        tail = process.stderr_tail() if process is not None else ""
        return ProviderError(f"{self.spec.label}: {what}: {detail}" + (f"; stderr: {tail}" if tail else ""))
