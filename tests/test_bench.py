"""``python -m benchmarks``: the parts that are logic, not timing (figures as text, the document, the arguments,
the recorded site's server, the pages' cheap reading), and one tiny real run that must write every figure."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from benchmarks import bench, report
from benchmarks.extract import extract
from benchmarks.published_timing import percentile
from benchmarks.runner import Measured
from benchmarks.static_site import SiteServer, write_recording
from knytscrape.mirror import load_articles, render

PROJECT_ROOT = Path(__file__).resolve().parent.parent


# -- figures as text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "kind", "expected"), [
    ([185.2, 190.4, 180.1], "rate", "185 (180–190)"),
    ([1529.4], "rate", "1,529"),
    ([124e6, 130.4e6, 118e6], "bytes", "124 (118–130) MB"),
    ([0.0201, 0.0123, 0.0456], "seconds", "20.1 (12.3–45.6) ms"),
    ([0.35, 1.2, 0.4], "seconds", "400 (350–1,200) ms"),
    ([0.121, 0.2449], "ratio", "0.18 (0.12–0.24)"),
    ([0.00051, 0.0034, 0.00062], "cpu", "0.62 (0.51–3.40) ms"),
    ([1.0, 1.0, 1.0], "complete", "complete"),
    ([1.0, 0.0, 1.0], "complete", "complete in 2 of 3 runs"),
    ([], "rate", "not measured"),
])
def test_measured_is_the_median_with_min_and_max(values, kind, expected):
    assert report.measured(values, kind) == expected


def test_percentiles_are_nearest_rank():
    times = [float(n) for n in range(50, 0, -1)]  # 1 .. 50, in no order that helps
    assert percentile(times, 0.50) == 25.0
    assert percentile(times, 0.99) == 50.0  # of 50 requests, p99 is the slowest
    assert percentile([3.0], 0.99) == 3.0
    assert percentile([float(n) for n in range(1, 201)], 0.99) == 198.0


def test_goals_are_judged_on_the_median():
    at_least = report.Goal(">=", 0.25, "≥ 0.25")
    assert at_least.met([0.1, 0.3, 0.26])
    assert not at_least.met([0.1, 0.3, 0.24])
    at_most = report.Goal("<=", 250e6, "≤ 250 MB")
    assert at_most.met([100e6, 250e6, 900e6])
    assert not at_most.met([251e6])
    every = report.Goal("all", 1.0, "every row")
    assert every.met([1.0, 1.0]) and not every.met([1.0, 0.0])
    figure = report.Figure("c.rss", "crawl", "bytes", at_most)
    assert report.verdict(figure, [300e6]) == "**no**"
    assert report.verdict(figure, []) == "not measured"
    assert report.verdict(report.Figure("x", "x", "rate"), [1.0]) == ""


# -- the document ---------------------------------------------------------------------------------------


def results_of(sizes: list[int], runs: int = 3) -> report.Results:
    results = report.Results(sizes=sizes, runs=runs, parts=list(bench.PARTS), command="python -m benchmarks",
                             machine={"CPU": "2 cores, Testprocessor", "Python": "3.11.0"}, seconds=754)
    for size in sizes:
        scale = 1 if size == sizes[0] else 1.25
        for run in range(runs):
            for key, value in {"a.pages_per_s": 1500 + run, "b.pages_per_s": 700 + run, "c.pages_per_s": 300 + run,
                               "d.pages_per_s": 400 + run, "c/a": 0.2 + run / 100, "c/b": 0.43, "a.rss": 45e6,
                               "b.rss": 90e6, "c.rss": 200e6 * scale + run * 1e6, "d.rss": 180e6,
                               "datasette.table.p50": 0.04, "datasette.table.p99": 0.35,
                               "datasette.search.p50": 0.01, "datasette.search.p99": 0.02,
                               "datasette.reading.p50": 0.03, "datasette.reading.p99": 0.05,
                               "datasette.csv.p50": 0.09, "datasette.csv.p99": 0.12,
                               "datasette.csv.complete": 1.0, "a.cpu_per_page": 0.0005, "b.cpu_per_page": 0.0021,
                               "c.cpu_per_page": 0.0064, "d.cpu_per_page": 0.005, "c/a by CPU": 0.078,
                               "c/b by CPU": 0.33}.items():
                results.add(size, key, value)
        results.context[size] = {"requests": 11_234, "pages": {"article pages": 2046, "answered 404": 310},
                                 "recorded_in": 233.4,
                                 "database": {"articles": 2046, "images": 9091}}
    return results


def row_of(text: str, label: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {label} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_the_document_has_every_figure_with_its_goal_and_verdict():
    text = report.document(results_of([2000]), existing=None)
    for figure in report.size_figures():
        assert row_of(text, figure.label)[1] != "not measured", figure.label
    assert row_of(text, "crawl / ceiling (c/a)") == ["crawl / ceiling (c/a)", "0.21 (0.20–0.22)",
                                                     "≥ 0.25 (then ≥ 0.35)", "**no**"]
    assert row_of(text, "(c) crawl, peak RSS")[1:] == ["201 (200–202) MB", "≤ 250 MB", "yes"]
    table_p99 = row_of(text, "Datasette: articles table, first page, p99")
    assert table_p99[1:] == ["350 (350–350) ms", "≤ 300 ms", "**no**"]
    assert "| figure | measured, median (min–max) of 3 runs | goal | met? |" in text
    assert "2 cores, Testprocessor" in text and "took 12 min 34 s" in text
    assert "11,234 requests a run (2,046 article pages, 310 answered 404); recording it took 3 min 53 s" in text
    assert "need `--large`" in text  # one size: the goals between sizes are named, not judged
    assert "## How to run" in text and "--only a,b,c,d,datasette" in text


def test_an_unhealthy_crawl_is_measured_and_named(tmp_path):
    log = tmp_path / "c.log"
    log.write_text("articles: finished (full), 12,000 pages\nUNHEALTHY: articles: 2 pages still missing after "
                   "retries: http://127.0.0.1:1/artiklar.php?id=7\nDatabase: x.db\n")
    measured = Measured(seconds=60.0, peak_rss=120 * 10**6, cpu_seconds=50.0, log=log, status=1)
    assert measured.unhealthy() == ["articles: 2 pages still missing after retries: "
                                    "http://127.0.0.1:1/artiklar.php?id=7"]
    results = results_of([2000], runs=1)
    results.context[2000]["unhealthy"] = ["2,000 articles, run 1/1, the crawl: " + measured.unhealthy()[0]]
    text = report.document(results, existing=None)
    assert ("- **Unhealthy** (measured all the same): 2,000 articles, run 1/1, the crawl: articles: 2 pages still "
            "missing after retries") in text


def test_two_sizes_give_the_goals_between_them():
    text = report.document(results_of([2000, 20000]), existing=None)
    assert "## 2,000 generated articles" in text and "## 20,000 generated articles" in text
    rss = row_of(text, "crawl peak RSS at 20,000 / at 2,000 articles")
    assert rss[1:] == ["1.25 (1.25–1.25)", "≤ 1.3", "yes"]
    speed = row_of(text, "crawl pages/s at 20,000 / at 2,000 articles")
    assert speed[1:] == ["1.00 (1.00–1.00)", "≥ 0.9", "yes"]
    assert "need `--large`" not in text


def test_a_part_left_out_shows_its_goals_as_not_measured():
    results = results_of([2000], runs=1)
    results.samples[2000] = {key: value for key, value in results.samples[2000].items() if key.startswith("datasette")}
    text = report.document(results, existing=None)
    assert row_of(text, "crawl / ceiling (c/a)")[1:] == ["not measured", "≥ 0.25 (then ≥ 0.35)", "not measured"]
    assert not any(line.startswith("| (a) ceiling client") for line in text.splitlines())  # no goal: no row
    assert "| figure | measured, 1 run | goal | met? |" in text


def test_the_hand_written_section_is_kept():
    first = report.document(results_of([2000]), existing=None)
    assert report.WHERE_PLACEHOLDER in first
    edited = first.replace(report.WHERE_PLACEHOLDER, "Parsing takes 40 % of the crawl (profile of 1 May).\n")
    edited += "\n## Notes\n\nSomething else.\n"
    second = report.document(results_of([2000]), existing=edited)
    section = second.split(report.WHERE_THE_TIME_GOES, 1)[1]
    assert "Parsing takes 40 % of the crawl (profile of 1 May)." in section
    assert report.WHERE_PLACEHOLDER not in second
    assert "Something else" not in second  # only that section is carried over


# -- arguments ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    (["--runs", "0"], "argument --runs: expected 1 to 20, got 0"),
    (["--articles", "many"], "argument --articles: expected a whole number, got 'many'"),
    (["--only", "a,x"], "argument --only: unknown part x; the parts are a,b,c,d,datasette"),
    (["--requests", "-5"], "argument --requests: expected 1 to 10,000, got -5"),
    (["--frobnicate"], "unrecognized arguments: --frobnicate"),
])
def test_a_bad_argument_is_named(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        bench.main(argv)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_keep_and_output_must_be_usable(tmp_path, capsys):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "someone's.db").write_text("x")
    for argv, message in (
        (["--keep", str(tmp_path / "full")], "give a folder that is empty or does not exist yet"),
        (["--reuse", str(tmp_path / "nowhere")], "no such folder (give the --keep folder of an earlier run)"),
        (["--output", str(tmp_path / "missing" / "bench.md")], "does not exist"),
        (["--output", str(tmp_path)], "is a folder"),
    ):
        with pytest.raises(SystemExit) as stopped:
            bench.main(argv)
        assert stopped.value.code == 2
        assert message in capsys.readouterr().err
    assert (tmp_path / "full" / "someone's.db").read_text() == "x"


def test_the_command_shown_leaves_out_local_paths():
    assert bench.shown_command(["--runs", "1", "--keep", "/tmp/x", "--output=/tmp/b.md", "--reuse", "/tmp/y",
                                "--only", "c,d"]) == "python -m benchmarks --runs 1 --only c,d"


def test_parts_run_in_their_order_and_sizes_with_large():
    arguments = bench.parse_arguments(["--only", "datasette,a", "--large", "--articles", "300"])
    assert arguments.only == ["a", "datasette"]
    assert bench.sizes_of(arguments) == [300, 20000]
    assert bench.sizes_of(bench.parse_arguments(["--articles", "20000", "--large"])) == [20000]
    assert bench.parse_arguments([]).articles == 2000 and bench.parse_arguments([]).runs == 3


def test_the_command_line_gives_no_traceback():
    finished = subprocess.run([sys.executable, "-m", "benchmarks", "--only", "e"], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode == 2
    assert "python -m benchmarks: error: argument --only: unknown part e" in finished.stderr
    assert "Traceback" not in finished.stderr


# -- the recorded site and the cheap reading -----------------------------------------------------------


def test_the_recorded_site_answers_as_the_mirror_did(tmp_path):
    targets = ["/robots.txt", "/artiklar.php?id=986", "/artiklar.php?id=986&img=2", "/artiklar.php?id=3", "/robots.txt"]
    recording = write_recording(tmp_path, targets, render)
    assert recording.requests == targets
    assert recording.summary()["article pages"] == 1 and recording.summary()["gallery views"] == 1
    with SiteServer(recording) as server:
        for target in dict.fromkeys(targets):
            expected = render(target)
            try:
                with urllib.request.urlopen(server.base_url + target, timeout=10) as answer:
                    status, headers, body = answer.status, answer.headers, answer.read()
            except urllib.error.HTTPError as error:
                status, headers, body = error.code, error.headers, error.read()
            assert (status, body) == (expected.status, expected.body), target
            assert headers["Content-Type"] == expected.headers["Content-Type"]
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server.base_url + "/artiklar.php?id=999999", timeout=10)
        assert missing.value.code == 404
        counts = server.count(reset=True)
        assert counts == {"served": 5, "unrecorded": 1, "sample": ["/artiklar.php?id=999999"]}
        assert server.count()["served"] == 0


def test_the_cheap_reading_finds_title_date_and_links():
    article = next(a for a in load_articles() if a["id"] == 986)
    page = render("/artiklar.php?id=986")
    found = extract(page.body, page.headers["Content-Type"])
    assert article["title"] in found["title"]
    assert found["published"].startswith("Publicerat")
    assert any("img=1" in link for link in found["links"])
    assert extract(b"", "text/html") == {"title": "", "published": "", "links": []}
    assert extract(b"\x89PNG", "image/png")["links"] == []


def test_a_run_on_a_reused_recording_measures_the_ceiling(tmp_path, capsys):
    site = tmp_path / "earlier" / "articles-7" / "site"
    site.mkdir(parents=True)
    targets = ["/robots.txt", "/", "/artiklar.php?id=986", "/artiklar.php?id=986&img=1", "/artiklar.php?id=2"]
    write_recording(site, targets * 4, render)
    output = tmp_path / "bench.md"
    assert bench.main(["--articles", "7", "--runs", "2", "--only", "a", "--reuse", str(tmp_path / "earlier"),
                       "--output", str(output)]) == 0
    text = output.read_text()
    speed = row_of(text, "(a) ceiling client (aiohttp, 64 connections, lxml), pages/s")[1]
    assert speed != "not measured" and "(" in speed  # two runs: a median with its range
    assert ("20 requests a run (4 article pages, 4 gallery views, 8 other pages (front page, robots.txt), "
            "4 answered 404); the recording of an earlier run") in text  # no article 2: its 404s apart
    assert row_of(text, "(c) crawl, peak RSS")[1:] == ["not measured", "≤ 250 MB", "not measured"]
    out, err = capsys.readouterr()
    assert "reusing the recorded site" in err and "(a) the ceiling client" in err
    assert "| (a) peak RSS |" in out


# -- one real run ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_tiny_run_writes_every_figure(tmp_path):
    output = tmp_path / "benchmarks.md"
    finished = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--articles", "10", "--runs", "1", "--requests", "3",
         "--output", str(output), "--keep", str(tmp_path / "kept")],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=1200)
    assert finished.returncode == 0, finished.stderr[-3000:]
    text = output.read_text()
    for figure in report.size_figures():
        assert row_of(text, figure.label)[1] not in ("", "not measured"), figure.label
    assert row_of(text, "crawl / ceiling (c/a)")[3] in ("yes", "**no**")
    assert "## 10 generated articles" in text and "## The machine" in text
    assert "(c) `knytscrape crawl`, every pipeline, pages/s" in finished.stdout  # the same tables on stdout
    assert "(a) the ceiling client" in finished.stderr and "done in" in finished.stderr  # progress
    kept = json.loads((tmp_path / "kept" / "results.json").read_text())
    assert kept["samples"]["10"]["datasette.csv.complete"] == [1.0]
    assert "the recording did not hold" not in text and "not recorded" not in finished.stderr


def test_the_benchmarks_crawls_follow_every_article_of_the_largest_generated_yearly_archive():
    from collections import Counter

    from benchmarks.runner import BENCH_MAX_LINKS_PER_PAGE, crawl_command
    from knytscrape.mirror import load_articles

    listed = Counter((a["published"][:4], a["category"]) for a in load_articles(20_000)
                     if a["in_archive"] and a["published"])
    largest = max(listed.values())
    assert largest > 2000  # beyond the crawl's own bound: without the benchmark's, the crawl stops following
    # an entry links its article, its comments and its picture: the bound must hold three links an entry
    assert 3 * largest < BENCH_MAX_LINKS_PER_PAGE
    command = crawl_command("http://127.0.0.1:1", Path("knytpunkt.db"))
    assert f"KNYT_MAX_LINKS_PER_PAGE={BENCH_MAX_LINKS_PER_PAGE}" in command
