"""Throttling of repeated credential failures without locking the real owner out.

Two counters over a sliding window. A client address that fails too often is refused for the rest
of the window, whatever it sends. An account attacked from many addresses is protected by refusing
only addresses that have not authenticated to it successfully in the last day, so its owner keeps
working while the attack goes on. State is per instance and in memory; every instance enforces the
limits on its own share of the traffic.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import timedelta

from charter.domain.clock import Clock

_KNOWN_GOOD = timedelta(days=1)
_MAX_TRACKED = 100_000


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    per_source: int
    per_account: int
    window_seconds: int


class _Window:
    """Timestamps of failures inside the window, oldest first."""

    __slots__ = ("times",)

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def count(self, now: float, window: float) -> int:
        while self.times and self.times[0] <= now - window:
            self.times.popleft()
        return len(self.times)


class AuthThrottle:
    """Decides whether a credential check from `source` against `account` may be attempted."""

    def __init__(self, limits: ThrottleLimits, clock: Clock) -> None:
        self._limits = limits
        self._clock = clock
        self._sources: OrderedDict[str, _Window] = OrderedDict()
        self._accounts: OrderedDict[str, _Window] = OrderedDict()
        self._good: OrderedDict[tuple[str, str], float] = OrderedDict()

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def retry_after(self, source: str, account: str) -> int | None:
        """Seconds to wait before trying again, or None when the attempt may go ahead."""
        now, window = self._now(), float(self._limits.window_seconds)
        src = self._sources.get(source)
        if src is not None and src.count(now, window) >= self._limits.per_source:
            return max(1, int(src.times[0] + window - now) + 1)
        acct = self._accounts.get(account)
        if acct is not None and acct.count(now, window) >= self._limits.per_account:
            seen = self._good.get((source, account))
            if seen is None or seen < now - _KNOWN_GOOD.total_seconds():
                return max(1, int(acct.times[0] + window - now) + 1)
        return None

    def failed(self, source: str, account: str) -> None:
        now = self._now()
        for table, key in ((self._sources, source), (self._accounts, account)):
            window = table.get(key)
            if window is None:
                window = table[key] = _Window()
                if len(table) > _MAX_TRACKED:
                    table.popitem(last=False)
            window.times.append(now)

    def succeeded(self, source: str, account: str) -> None:
        key = (source, account)
        if key in self._good:
            self._good.move_to_end(key)
        self._good[key] = self._now()
        if len(self._good) > _MAX_TRACKED:
            self._good.popitem(last=False)
