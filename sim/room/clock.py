"""The room's clock: paused, or simulated minutes per real second; a
time-boxed pause for discussion.

Real time comes from a ``TimeSource`` so tests drive it by hand and never race
the wall clock. The drill advances by the real time elapsed since the last
tick times the speed, so a slow screen never slows the drill down, and one
stalled tick never jumps more than ``MAX_STEP_S`` of real time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

# simulated minutes per real second: real time (1:1), 1 min per 10 s, then 1/5/15/60 per second
SPEEDS: tuple[float, ...] = (1 / 60, 1 / 10, 1.0, 5.0, 15.0, 60.0)
DEFAULT_SPEED = 5.0
MAX_STEP_S = 1.0


class TimeSource(Protocol):
    def __call__(self) -> float:
        """Seconds of real time (monotonic)."""
        ...


class ManualTime:
    """Real time that moves only when a test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


def monotonic() -> float:
    return time.monotonic()


def speed_label(speed: float, lang: str) -> str:
    """1/60 → "1:1" (real time), 0.1 → "1 min/10 s", 5 → "×5"."""
    if abs(speed - 1 / 60) < 1e-9:
        return "实时" if lang == "zh" else "real time"
    if speed < 1:
        secs = round(1 / speed)
        return f"每{secs}秒1分钟" if lang == "zh" else f"1 min/{secs} s"
    return f"×{speed:g}"


@dataclass(frozen=True)
class ClockState:
    """What every seat shows of the clock."""

    paused: bool
    speed: float  # simulated minutes per real second when running
    discussion_left_s: float | None  # a discussion pause: real seconds left


class RoomClock:
    def __init__(self, now: TimeSource = monotonic, speed: float = DEFAULT_SPEED) -> None:
        self.now = now
        self.speed = speed
        self.paused = True
        self._last = now()
        self._discussion_until: float | None = None
        self._resume_after_discussion = False

    def state(self) -> ClockState:
        left = None
        if self._discussion_until is not None:
            left = max(0.0, self._discussion_until - self.now())
        return ClockState(self.paused, self.speed, left)

    def pause(self) -> None:
        self.paused = True
        self._discussion_until = None

    def play(self) -> None:
        self.paused = False
        self._discussion_until = None
        self._last = self.now()

    def set_speed(self, speed: float) -> None:
        """Change the speed; a paused clock stays paused (the speed is for when it runs)."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        if not self.paused:
            self.elapsed_minutes()  # time so far at the old speed
        self.speed = speed

    def discuss(self, seconds: float) -> None:
        """Pause for a discussion of ``seconds`` real seconds, then go on as before."""
        self._resume_after_discussion = not self.paused or (
            self._discussion_until is not None and (self._resume_after_discussion)
        )
        self.paused = True
        self._discussion_until = self.now() + seconds

    def end_discussion(self) -> None:
        if self._discussion_until is None:
            return
        resume = self._resume_after_discussion
        self._discussion_until = None
        if resume:
            self.play()

    def elapsed_minutes(self) -> float:
        """Simulated minutes due since the last call (0 while paused)."""
        now = self.now()
        if self._discussion_until is not None and now >= self._discussion_until:
            self.end_discussion()
            now = self.now()
        if self.paused:
            self._last = now
            return 0.0
        real = min(max(now - self._last, 0.0), MAX_STEP_S)
        self._last = now
        return real * self.speed
