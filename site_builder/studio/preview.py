"""Preview builds in one background thread, rapid saves folded into one build (issue #16).

A save asks for a build (`request`); the worker builds until it has caught up with the last
request, and the page waits for the generation it needs (`wait`) before reloading its frames.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("mkdocs.plugins.site_builder.studio")


class PreviewWorker:
    def __init__(self, build: Callable[[], list[str]]) -> None:
        self._build = build
        self._condition = threading.Condition()
        self.requested = 0
        self.built = 0
        self.problems: list[str] = []
        self.seconds = 0.0
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="studio-preview", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request(self) -> int:
        """Ask for a build that includes every change made so far; returns its generation."""
        with self._condition:
            self.requested += 1
            self._condition.notify_all()
            return self.requested

    def wait(self, generation: int, timeout: float) -> bool:
        """True once a build at least as new as `generation` has finished."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self.built < generation and not self._stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(remaining)
            return self.built >= generation

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=120)

    def _run(self) -> None:
        while True:
            with self._condition:
                while self.built >= self.requested and not self._stopping:
                    self._condition.wait()
                if self._stopping:
                    return
                target = self.requested
            started = time.perf_counter()
            try:
                problems = self._build()
            except Exception as error:  # the preview must survive anything a build hits
                log.exception("预览生成失败")
                problems = [f"预览生成失败：{error}"]
            with self._condition:
                self.problems = problems
                self.seconds = time.perf_counter() - started
                self.built = target
                self._condition.notify_all()
