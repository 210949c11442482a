"""Running a measured command: its wall time and its peak resident memory, read from /proc while it runs."""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from knytscrape.cli import LOCAL_SETTINGS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The date every crawl of the benchmark takes as today (as the tests do): the same pages every time.
TODAY = "2026-11-25"
CRAWL_ENV = {**os.environ, "KNYT_TODAY": TODAY, "KNYT_PROGRESS": "0", "PYTHONPATH": str(PROJECT_ROOT)}
TIMEOUT_S = 3 * 3600  # a guard against a hang, far above any run


class BenchError(Exception):
    """A benchmark that cannot go on: reported in a few lines, no traceback."""


# The mirror dates all its generated articles in one year, so at 20,000 articles a yearly archive of one
# category lists about 5,000 of them: more than KNYT_MAX_LINKS_PER_PAGE (2,000) allows, which a crawl reports
# as unhealthy. The real site's yearly archives are far smaller; the benchmark's crawls follow every link.
BENCH_MAX_LINKS_PER_PAGE = 25_000
# Every crawl of the benchmarks (the parts and memory_crawl.py): politeness lifted, every link followed
BENCH_SETTINGS = {**LOCAL_SETTINGS, "KNYT_MAX_LINKS_PER_PAGE": BENCH_MAX_LINKS_PER_PAGE}


def crawl_command(base_url: str, db_path: Path) -> list[str]:
    """``knytscrape crawl`` of a local copy of the site, politeness lifted (as the demo and the tests do)."""
    command = [sys.executable, "-m", "knytscrape.cli", "crawl", "--base-url", base_url, "--db", str(db_path)]
    for name, value in BENCH_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    return [*command, "-s", "LOG_LEVEL=WARNING"]


def tail(log: Path, characters: int = 2000) -> str:
    try:
        return log.read_text(errors="replace")[-characters:]
    except OSError:
        return "(no output)"


def status_kb(pid: int, field: str) -> int:
    """A ``kB`` field of /proc/<pid>/status (VmRSS, VmHWM), 0 when the process is gone or has no memory."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """``pid`` and its children, grandchildren ... as /proc shows them now."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                todo += [int(child) for child in (task / "children").read_text().split()]
    return found


class PeakMemory:
    """The largest high-water mark of resident memory (VmHWM) of any process of a tree, sampled every
    ``interval`` seconds while it runs.

    VmHWM belongs to the address space a process has since its exec, so it is the command's own peak. The
    ``ru_maxrss`` of wait4/getrusage is not: Linux carries it across exec, so a command started by a large
    process (this benchmark, which may hold a big database) would report the parent's size."""

    def __init__(self, pid: int, interval: float = 0.02):
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def sample(self) -> None:
        for pid in descendants(self.pid):
            self.peak_kb = max(self.peak_kb, status_kb(pid, "VmHWM"), status_kb(pid, "VmRSS"))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def stop(self) -> int:
        """Stops sampling; the peak in bytes."""
        self._stop.set()
        self._thread.join()
        return self.peak_kb * 1024


@dataclass
class Measured:
    seconds: float
    peak_rss: int  # bytes
    cpu_seconds: float  # user + system time of the command and the children it waited for
    log: Path
    status: int = 0

    def unhealthy(self) -> list[str]:
        """The reasons a crawl or reparse that ended with status 1 gave (its ``UNHEALTHY:`` lines)."""
        return [line.removeprefix("UNHEALTHY:").strip() for line in tail(self.log, 20_000).splitlines()
                if line.startswith("UNHEALTHY:")]


def run_measured(command: list[str], log: Path, what: str, heartbeat=None, every: float = 30.0,
                 accept: tuple[int, ...] = (0,)) -> Measured:
    """Run ``command`` to its end (output into ``log``): its wall time, start-up included, its peak memory and
    its CPU time; ``heartbeat(seconds so far)`` is called every ``every`` seconds while it runs. A command
    that ends with a status not in ``accept`` stops the benchmark with the end of its output."""
    with open(log, "wb") as out:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=CRAWL_ENV, stdout=out, stderr=subprocess.STDOUT)
        memory = PeakMemory(process.pid)
        try:
            status, usage = wait(process, started, heartbeat, every)
        except BaseException:  # Ctrl-C: the command must not outlive the benchmark
            process.kill()
            process.wait()
            raise
        finally:
            seconds = time.monotonic() - started
            peak = memory.stop()
    if status not in accept:
        raise BenchError(f"{what} failed (exit status {status}); the end of its output ({log}):\n{tail(log)}")
    return Measured(seconds, peak, usage.ru_utime + usage.ru_stime, log, status)


def wait(process: subprocess.Popen, started: float, heartbeat=None, every: float = 30.0,
         poll: float = 0.01) -> tuple[int | str, resource.struct_rusage | None]:
    """The exit status of ``process`` and its resource usage (wait4: CPU times are the command's own, unlike
    its ru_maxrss), calling ``heartbeat(seconds so far)`` every ``every`` seconds until it ends."""
    next_beat = started + every
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage
        now = time.monotonic()
        if now - started > TIMEOUT_S:
            process.kill()
            process.wait()
            return "killed after its time limit", None
        if heartbeat is not None and now >= next_beat:
            heartbeat(now - started)
            next_beat += every
        time.sleep(poll)
