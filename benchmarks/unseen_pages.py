"""How well the parsers read pages written without seeing them: the share of fields read right.

    .venv/bin/python benchmarks/unseen_pages.py [--folder benchmarks/unseen] [-v]

Each round of unseen pages (``pages/`` for articles, gallery views and archives, ``section_pages/`` for
videos and events, in the format of tests/pages and tests/section_pages) is read with the same runners the
page tests use, field by field, and scored: the share of expected fields read right, and the pages whose
record was dropped (the parser returned nothing where a person sees an article, a video or an event).
A page that reads right is moved into tests/ by hand, where it pins its rule; the rest stay here as the
measure of what the parsers do not read yet. Timing-free: a benchmark, not a test, so a failing page never
fails the build.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests import test_pages, test_section_pages  # noqa: E402
from tests.fixture_pages import load_page  # noqa: E402


def leaves(value) -> int:
    if isinstance(value, dict):
        return sum(leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(leaves(v) for v in value) or 1
    return 1


def score_page(module, folder: Path, name: str) -> tuple[int, int, bool, list[str]]:
    """(fields right, fields, dropped, the wrong fields' names) of one page."""
    meta, body = load_page(folder, name)
    results: list[tuple[str, bool]] = []

    def check(field, actual, expected):
        results.append((field, actual == expected))

    try:
        module.RUNNERS[meta["kind"]](check, name, meta, body)
    except AssertionError:  # the runner's "returned None": the record is dropped
        total = leaves(meta["expected"])
        return 0, total, True, ["(dropped)"]
    right = sum(ok for _, ok in results)
    return right, len(results), False, [field for field, ok in results if not ok]


def score_folder(module, folder: Path, verbose: bool) -> tuple[int, int, list[str]]:
    module.PAGES = folder  # a gallery view's base page is in the same round
    right = total = 0
    dropped = []
    for path in sorted(folder.glob("*.json")):
        page_right, page_total, was_dropped, wrong = score_page(module, folder, path.stem)
        right, total = right + page_right, total + page_total
        if was_dropped:
            dropped.append(path.stem)
        if verbose or wrong:
            shown = f"  wrong: {', '.join(wrong[:8])}" if wrong else ""
            print(f"  {page_right:3}/{page_total:<3} {path.stem}{shown}")
    return right, total, dropped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=PROJECT_ROOT / "benchmarks" / "unseen")
    parser.add_argument("-v", "--verbose", action="store_true", help="every page, not only those with errors")
    args = parser.parse_args()
    right = total = 0
    dropped: list[str] = []
    for sub, module in (("pages", test_pages), ("section_pages", test_section_pages)):
        folder = args.folder / sub
        if folder.is_dir():
            print(f"{folder}:")
            r, t, d = score_folder(module, folder, args.verbose)
            right, total, dropped = right + r, total + t, dropped + d
            print(f"  {r}/{t} fields right ({r / max(t, 1):.3f})")
    print(f"all: {right}/{total} fields right ({right / max(total, 1):.3f}); records dropped: {len(dropped)}"
          + (f" ({', '.join(dropped)})" if dropped else ""))


if __name__ == "__main__":
    main()
