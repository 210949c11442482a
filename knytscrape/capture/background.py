"""The WARC files written by a thread of their own, so that compressing a page does not hold the crawl up.

The crawl builds each exchange's records (cheap) and hands them over with their ``captures`` row; the thread
compresses them (zlib lets go of the GIL, so this runs on another core beside the crawl's Python), appends
them to the files and fills in where they lie. The crawl collects what was written, or failed, with
``collect``. At most ``MAX_WAITING`` exchanges wait: a slow disk slows the crawl down instead of filling the
memory, and a crawl killed at any moment loses at most those few copies (the next run asks for their pages
whole, as it does for any page the files do not hold).
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from knytscrape.capture.warc_files import Stored, WarcWriterFiles

MAX_WAITING = 16


@dataclass
class Job:
    raws: list[bytes]  # the records' bytes before compression
    row: dict  # its captures row, without where it lies
    on_written: Callable[[dict, int], None]  # (row, bytes written), called by ``collect`` in the crawl's thread
    on_failed: Callable[[dict, BaseException], None]
    stored: list[Stored] = field(default_factory=list)
    error: BaseException | None = None


class BackgroundWriter:
    """One thread appending the jobs handed to it, in order, to one folder's WARC files."""

    def __init__(self, files: WarcWriterFiles, max_waiting: int = MAX_WAITING):
        self.files = files
        self.jobs: queue.Queue[Job | None] = queue.Queue(maxsize=max_waiting)
        self.finished: deque[Job] = deque()
        self.thread = threading.Thread(target=self._run, name="knyt-warc-writer", daemon=True)
        self.thread.start()

    def submit(self, job: Job) -> None:
        if not self.thread.is_alive():
            raise RuntimeError("the WARC writer thread has stopped")
        self.jobs.put(job)  # waits while MAX_WAITING jobs wait: memory stays bounded

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            try:
                job.stored = self.files.write_raw(job.raws)
            except BaseException as error:  # a full disk: this job fails, the next ones are tried
                job.error = error
            job.raws = []
            self.finished.append(job)
            self.jobs.task_done()
        self.jobs.task_done()

    def collect(self) -> int:
        """Report the jobs finished since the last call to their callbacks; how many."""
        count = 0
        while self.finished:
            job = self.finished.popleft()
            count += 1
            if job.error is not None:
                job.on_failed(job.row, job.error)
                continue
            response = job.stored[0]
            job.row.update(warc_file=response.warc_file, offset=response.offset, length=response.length)
            job.on_written(job.row, sum(place.length for place in job.stored))
        return count

    def wait(self) -> None:
        """Until every job handed over is written (or failed); then collect them."""
        if self.thread.is_alive():
            self.jobs.join()
        self.collect()

    def close(self) -> None:
        if self.thread.is_alive():
            self.jobs.put(None)
            self.thread.join()
        self.collect()
