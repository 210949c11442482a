"""A server process and its children, as /proc shows them: the tree, its memory, its peak memory (Linux)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading

from benchmarks.runner import descendants, status_kb

MB = 1024 * 1024


# The benchmark measures memory the same way: one reading of /proc for both
tree = descendants


class MemoryWatch:
    """Samples the resident memory of a process tree; kills the tree when one process passes ``kill_at``.

    The kill keeps a server that balloons (as the archive did before its bounds) from taking the test
    machine down with it; ``peak`` is then at least ``kill_at`` and the test fails on it.
    """

    def __init__(self, process: subprocess.Popen, kill_at: int, interval: float = 0.02):
        self.process, self.kill_at, self.interval = process, kill_at, interval
        self.peak, self.killed = 0, False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> int:
        """The largest resident size (bytes) of any process of the tree now, and of its high-water mark."""
        pids = tree(self.process.pid)
        now = max((status_kb(pid, "VmRSS") for pid in pids), default=0) * 1024
        high = max((status_kb(pid, "VmHWM") for pid in pids), default=0) * 1024
        self.peak = max(self.peak, now, high)
        return now

    def _run(self) -> None:
        while not self._stop.is_set() and self.process.poll() is None:
            if self.sample() > self.kill_at:
                self.killed = True
                for pid in reversed(tree(self.process.pid)):
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
                return
            self._stop.wait(self.interval)


def stop(process: subprocess.Popen) -> None:
    """Stop a server started by a test and its children (SIGTERM, then SIGKILL)."""
    children = tree(process.pid)[1:]
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
