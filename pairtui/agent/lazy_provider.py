"""A provider built on first use."""

from __future__ import annotations

from collections.abc import AsyncIterator

from pairtui.config import Config
from pairtui.models.base import Event, Provider, Request


class LazyProvider:
    """A provider built on first use, so a run that needs no planner (a plan file given) needs
    no planner key; a bad spec or a missing key still fails with the provider's one-line error."""

    def __init__(self, spec: str, config: Config) -> None:
        from pairtui.models.registry import parse_spec

        self.name, self.model = parse_spec(spec)
        self._spec, self._config = spec, config
        self._provider: Provider | None = None

    def stream(self, request: Request) -> AsyncIterator[Event]:
        return self._built().stream(request)

    @property
    def position(self) -> int | list[int] | None:
        """A replay model's position (see agent/replay_cursor.py); None for real providers."""
        return getattr(self._built(), "position", None) if self.name == "replay" else None

    @position.setter
    def position(self, value: int | list[int]) -> None:
        self._built().position = value  # type: ignore[attr-defined]

    def select(self, ask: object) -> None:
        """Tell a replay model what the coming round asks (see models/replay.py)."""
        if self.name == "replay":
            self._built().select(ask)  # type: ignore[attr-defined]

    def _built(self) -> Provider:
        if self._provider is None:
            from pairtui.models.registry import make_provider

            self._provider = make_provider(self._spec, self._config)
        return self._provider
