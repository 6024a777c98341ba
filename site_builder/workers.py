"""One process pool per site_builder process, shared by the image and search stages.

Created on first use and kept across `serve` rebuilds (the plugin defines `on_startup`). Every
worker exits on its own when its parent dies, even by `kill -9`: an orphaned worker would keep
running and, forked from `serve`, keep the preview's port open.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor

PARENT_POLL_SECONDS = 0.5


def new_process_pool(max_workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers die with the process that created it."""
    return ProcessPoolExecutor(max_workers=max_workers, initializer=_exit_with_parent, initargs=(os.getpid(),))


def _exit_with_parent(parent: int) -> None:
    """Runs in each worker: a daemon thread that ends the worker once `parent` is gone.

    Polling the parent id works on every system and for every way a parent ends; Linux's
    PR_SET_PDEATHSIG would instead fire when the *thread* that forked the worker ends.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


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
            self._executor = new_process_pool(self.workers)
        return self._executor

    def close(self) -> None:
        """Stop the workers; queued jobs are cancelled."""
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None


def process_is_running(pid: int) -> bool:
    """True while process `pid` exists (a build that left its folder may still be running).

    POSIX: signal 0 checks without signalling. Not on Windows, where `os.kill(pid, 0)` sends
    CTRL_C_EVENT to the process group `pid`: there the process is opened and its exit code read.
    """
    if os.name == "nt":
        return _windows_process_is_running(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _windows_process_is_running(pid: int) -> bool:
    import ctypes

    query_limited_information, still_active, access_denied = 0x1000, 259, 5
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return bool(kernel32.GetLastError() == access_denied)
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) and code.value == still_active)
    finally:
        kernel32.CloseHandle(handle)
