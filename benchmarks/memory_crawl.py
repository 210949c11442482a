"""The crawl's memory as the archive grows: peak RSS of a first crawl of the mirror with N generated articles.

    .venv/bin/python benchmarks/memory_crawl.py --articles 2000 [--dir DIR] [--spiders articles]
    .venv/bin/python benchmarks/memory_crawl.py --articles 10000 --snapshots 2000,5000,9000   # tracemalloc
    .venv/bin/python benchmarks/memory_crawl.py --compare DIR/snapshot-2000.tm DIR/snapshot-9000.tm

Starts the offline mirror with N generated articles in this process, crawls it with ``knytscrape crawl`` (the
politeness lifted, as the demo does) into a fresh database in a child process, and samples the child's
resident memory from /proc (VmRSS and its high-water mark VmHWM; not ``ru_maxrss``, which Linux carries over
exec). It prints the resident size when the database reached 500, 1,000, 2,000, 5,000 ... stored articles,
the crawl's peak, and the records stored against the mirror's truth (articles, images, comments, videos,
events): nothing may be lost to a memory bound. The mirror's own memory is not measured: it lives here.

``--snapshots A,B,...`` runs the crawl under tracemalloc and dumps a snapshot (``snapshot-A.tm``) plus the
live objects counted by type (``objects-A.txt``) when A articles are stored (the child does it on SIGUSR1);
``--compare OLD NEW`` prints what grew between two snapshots, by line. Timing lives here, not in tests.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.runner import BENCH_SETTINGS, status_kb  # noqa: E402

MB = 1024 * 1024
MILESTONES = (500, 1000, 2000, 5000, 10000, 15000, 20000, 50000)
SNAPSHOT_DIR_ENV = "KNYT_MEMORY_SNAPSHOTS"


# -- the child: the crawl, with a SIGUSR1 that dumps what it holds -------------------------------------


def child(argv: list[str]) -> int:
    folder = os.environ.get(SNAPSHOT_DIR_ENV)
    if folder:
        import tracemalloc

        tracemalloc.start(int(os.environ.get("KNYT_MEMORY_FRAMES", "8")))

        def dump(_signum, _frame):
            label = Path(folder, "next-label").read_text().strip()
            tracemalloc.take_snapshot().dump(str(Path(folder, f"snapshot-{label}.tm")))
            counts = Counter(type(o).__qualname__ for o in gc.get_objects())
            lines = [f"{n:>9} {name}" for name, n in counts.most_common(60)]
            Path(folder, f"objects-{label}.txt").write_text("\n".join(lines) + "\n")
            Path(folder, f"done-{label}").touch()

        signal.signal(signal.SIGUSR1, dump)
    from knytscrape.cli import main

    return main(argv)


# -- the parent: the mirror, the samples, the counts ----------------------------------------------------


def stored_articles(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.2)
        try:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def crawl_command(base_url: str, db_path: Path, spiders: list[str], settings: list[str]) -> list[str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "crawl", *spiders, "--base-url", base_url,
               "--db", str(db_path)]
    for name, value in BENCH_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    for setting in settings:
        command += ["-s", setting]
    return [*command, "-s", "LOG_LEVEL=WARNING", "-s", "KNYT_PROGRESS=0"]


def snapshot(process: subprocess.Popen, folder: Path, label: int) -> None:
    (folder / "next-label").write_text(str(label))
    process.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 600
    while not (folder / f"done-{label}").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)


def counts(db_path: Path) -> dict[str, int]:
    db = sqlite3.connect(db_path)
    try:
        return {table: db.execute(f"SELECT count(*) FROM [{table}] WHERE removed_at IS NULL").fetchone()[0]
                for table in ("articles", "images", "comments", "videos", "events")}
    finally:
        db.close()


def truth_counts(truth: dict) -> dict[str, int]:
    articles = truth["articles"]
    return {"articles": len(articles), "images": sum(len(a["images"]) for a in articles),
            "comments": sum(len(a["comments"] or []) for a in articles), "videos": len(truth["videos"]),
            "events": len(truth["events"])}


def measure(args) -> int:
    from knytscrape.mirror import MirrorServer

    folder = args.dir or Path(tempfile.mkdtemp(prefix="knyt-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "knytpunkt.db"
    if db_path.exists() and not args.again:
        sys.exit(f"{db_path} exists: give a fresh --dir (or --again for a second run on it)")
    snapshots = sorted(int(n) for n in args.snapshots.split(",")) if args.snapshots else []
    env = {**os.environ, "KNYT_TODAY": "2026-11-25"}
    if snapshots:
        env[SNAPSHOT_DIR_ENV] = str(folder)
    with MirrorServer(extra_articles=args.articles) as mirror:
        expected = truth_counts(mirror.truth())
        command = crawl_command(mirror.base_url, db_path, args.spiders, args.setting)
        if args.full:
            command.append("--full")
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL)
        peak = rss = 0
        at: dict[int, tuple[int, float]] = {}
        last_count = last_line = 0.0
        while process.poll() is None:
            rss = status_kb(process.pid, "VmRSS") * 1024
            peak = max(peak, rss, status_kb(process.pid, "VmHWM") * 1024)
            now = time.monotonic()
            if now - last_count >= 1.0:
                last_count = now
                stored = stored_articles(db_path)
                for mark in MILESTONES:
                    if stored >= mark and mark not in at:
                        at[mark] = (rss, now - started)
                        print(f"  {mark:>6} articles stored: RSS {rss / MB:6.1f} MB (peak so far {peak / MB:.1f} MB), "
                              f"{now - started:.0f} s", flush=True)
                if args.every and now - last_line >= args.every:
                    last_line = now
                    print(f"  {now - started:5.0f} s: {stored:>6} articles stored, RSS {rss / MB:6.1f} MB", flush=True)
                while snapshots and stored >= snapshots[0]:
                    snapshot(process, folder, snapshots.pop(0))
            time.sleep(0.05)
        elapsed = time.monotonic() - started
    stored = counts(db_path)
    print(f"articles in the mirror: {expected['articles']}; crawl exit status {process.returncode}; "
          f"{elapsed:.0f} s; database {db_path}")
    print(f"peak RSS of the crawl: {peak / MB:.1f} MB")
    lost = {k: (stored[k], expected[k]) for k in expected if stored[k] != expected[k]
            and (k in ("articles", "images", "comments") or k in args.spiders or not args.spiders)}
    print("stored / truth: " + ", ".join(f"{k} {stored[k]}/{expected[k]}" for k in expected))
    if lost:
        print(f"MISMATCH: {lost}")
    return 1 if lost or process.returncode else 0


def compare(old: str, new: str, top: int) -> None:
    import tracemalloc

    before, after = tracemalloc.Snapshot.load(old), tracemalloc.Snapshot.load(new)
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__),
              tracemalloc.Filter(False, "<frozen importlib._bootstrap>")]
    before, after = before.filter_traces(ignore), after.filter_traces(ignore)
    print(f"traced: {sum(s.size for s in before.statistics('filename')) / MB:.1f} MB -> "
          f"{sum(s.size for s in after.statistics('filename')) / MB:.1f} MB")
    for stat in after.compare_to(before, "lineno")[:top]:
        print(f"{stat.size_diff / 1024:+10.0f} kB {stat.count_diff:+8d} blocks  {stat.traceback[0]}")
    print("\nby traceback:")
    for stat in after.compare_to(before, "traceback")[:max(5, top // 3)]:
        print(f"{stat.size_diff / 1024:+10.0f} kB {stat.count_diff:+8d} blocks")
        for line in stat.traceback.format(limit=8):
            print("    " + line)


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        return child(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="generated articles in the mirror")
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: a temporary folder)")
    parser.add_argument("--spiders", nargs="*", default=[], help="only these spiders (default: all)")
    parser.add_argument("--full", action="store_true", help="crawl with --full")
    parser.add_argument("--again", action="store_true", help="crawl into an existing database (a second run)")
    parser.add_argument("-s", dest="setting", action="append", default=[], help="NAME=VALUE for the crawl")
    parser.add_argument("--snapshots", default="", help="tracemalloc snapshots at these stored-article counts")
    parser.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="what grew between two snapshots")
    parser.add_argument("--every", type=float, default=0, help="print the RSS every this many seconds too")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare, args.top)
        return 0
    return measure(args)


if __name__ == "__main__":
    sys.exit(main())
