"""One process pool per site_builder process, shared by the image and search stages.

Created on first use and kept across `serve` rebuilds (the plugin defines `on_startup`).
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor


class WorkerPool:
    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._executor: Executor | None = None

    @property
    def is_parallel(self) -> bool:
        return self.workers > 1

    def resize(self, workers: int | None) -> None:
        """Use `workers` processes from now on (the pool restarts only if the number changes)."""
        workers = workers or os.cpu_count() or 1
        if workers != self.workers:
            self.close()
            self.workers = workers

    def executor(self) -> Executor:
        """The pool, started on first use."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(max_workers=self.workers)
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
