"""The mirror's fault mode and intercept hook: repeatable decisions, each fault kind on the wire, hostile
answers sent as given, and the command-line flags."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import math
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from knytscrape import cli
from knytscrape.mirror import __main__ as mirror_main
from knytscrape.mirror import load_articles
from knytscrape.mirror import server as mirror_server
from knytscrape.mirror.app import MirrorResponse
from knytscrape.mirror.faults import FAULT_KINDS, Faults, with_body
from knytscrape.mirror.server import MirrorServer

ARTICLE = "/artiklar.php?id=986"
TARGETS = [f"/artiklar.php?id={n}" for n in range(1, 2001)] + [
    f"/art_ar.php?ar={year}&kat_id=1" for year in range(2007, 2026)
]
PAGES = [f"/artiklar.php?id={a['id']}{view}" for a in load_articles() for view in ("", "&img=1", "&img=2")]  # all 200


def decisions(faults: Faults, attempts: int = 3) -> list[str | None]:
    return [faults.decide(target, attempt) for target in TARGETS for attempt in range(attempts)]


def get(mirror: MirrorServer, target: str, method: str = "GET", headers: dict | None = None, timeout: float = 10):
    """(status, headers, body) of one request on a fresh connection; errors of the connection propagate."""
    connection = http.client.HTTPConnection(mirror.host, mirror.port, timeout=timeout)
    try:
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def raw_request(mirror: MirrorServer, target: str, timeout: float = 10) -> socket.socket:
    sock = socket.create_connection((mirror.host, mirror.port), timeout=timeout)
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {mirror.host}:{mirror.port}\r\n\r\n".encode("ascii"))
    return sock


def wait_for(condition, what: str, limit: float = 10) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.01)


# -- decisions ---------------------------------------------------------------------------------------


def test_same_seed_same_decisions_and_another_seed_others():
    first = decisions(Faults(rate=0.3, seed=11))
    assert first == decisions(Faults(rate=0.3, seed=11))
    other = decisions(Faults(rate=0.3, seed=12))
    assert other != first
    assert sum(a != b for a, b in zip(first, other, strict=True)) > len(first) // 10


def test_rate_zero_none_and_rate_one_all():
    assert set(decisions(Faults(rate=0.0, seed=5))) == {None}
    assert set(decisions(Faults(seed=5))) == {None}  # the default rate is 0
    assert set(decisions(Faults(rate=1.0, seed=5))) == set(FAULT_KINDS)


def test_kinds_are_respected():
    assert set(decisions(Faults(rate=1, seed=2, kinds=("reset", "hang")))) == {"reset", "hang"}
    assert set(decisions(Faults(rate=0.4, seed=2, kinds=("cut_html",)))) == {None, "cut_html"}


def test_share_of_faults_is_near_the_rate_and_kinds_share_it():
    for rate in (0.05, 0.25, 0.6):
        made = decisions(Faults(rate=rate, seed=3))
        share = sum(kind is not None for kind in made) / len(made)
        assert abs(share - rate) < 0.02, (rate, share)
    kinds = Counter(kind for kind in decisions(Faults(rate=1, seed=3)))
    assert all(abs(count / kinds.total() - 1 / len(FAULT_KINDS)) < 0.02 for count in kinds.values()), kinds


def test_attempts_get_decisions_of_their_own():
    faults = Faults(rate=0.5, seed=9)
    by_attempt = [[faults.decide(target, attempt) for target in TARGETS] for attempt in range(3)]
    assert by_attempt[0] != by_attempt[1] != by_attempt[2]


def test_paths_rule():
    only_articles = Faults(rate=1, seed=1, paths=r"^/artiklar\.php")
    assert only_articles.decide(ARTICLE, 0) is not None
    assert only_articles.decide("/robots.txt", 0) is None
    by_function = Faults(rate=1, seed=1, paths=lambda target: target.endswith(".png"))
    assert by_function.decide("/bilder/logo.png", 4) is not None
    assert by_function.decide(ARTICLE, 4) is None


def test_cut_point_lies_inside_the_page():
    faults = Faults(rate=1, seed=4)
    for length in (2, 3, 10, 997, 20000):
        cuts = [faults.cut_at(target, 0, length) for target in TARGETS[:300]]
        assert all(1 <= cut < length for cut in cuts)
        if length >= 100:
            assert all(0.3 * length - 1 <= cut <= 0.9 * length for cut in cuts)
            assert len(set(cuts)) > 10


@pytest.mark.parametrize(
    "arguments",
    [
        {"rate": -0.1},
        {"rate": 1.5},
        {"rate": math.nan},
        {"rate": "0.5"},
        {"seed": 1.5},
        {"kinds": ()},
        {"kinds": ("500", "boom")},
        {"hang_seconds": -1},
        {"hang_seconds": math.inf},
        {"paths": "("},
        {"paths": 3},
    ],
)
def test_bad_arguments_are_value_errors(arguments):
    with pytest.raises(ValueError):
        Faults(**arguments)


def test_kinds_may_be_given_as_a_list():
    assert Faults(rate=1, kinds=["500", "503"]).kinds == ("500", "503")


# -- each kind on the wire ---------------------------------------------------------------------------


def test_500_and_503():
    with MirrorServer(faults=Faults(rate=1, kinds=("500",))) as mirror:
        status, headers, body = get(mirror, ARTICLE)
        assert status == 500 and b"Internal Server Error" in body
        assert int(headers["Content-Length"]) == len(body) and headers["Content-Type"].startswith("text/html")
        mirror.faults = Faults(rate=1, kinds=("503",))
        status, headers, body = get(mirror, "/robots.txt")
        assert status == 503 and b"Service Unavailable" in body and headers["Retry-After"] == "1"
        assert mirror.fault_log == [(ARTICLE, "500"), ("/robots.txt", "503")]
        assert [(r.path, r.status) for r in mirror.request_log] == [(ARTICLE, 500), ("/robots.txt", 503)]


def test_reset_closes_the_connection_with_a_reset():
    with MirrorServer(faults=Faults(rate=1, kinds=("reset",))) as mirror:
        for target in (ARTICLE, "/robots.txt", "/bilder/logo.png"):
            with raw_request(mirror, target) as sock, pytest.raises(ConnectionResetError):
                sock.recv(65536)  # a closed connection would give b"": only a reset raises
        with pytest.raises(ConnectionError):
            get(mirror, ARTICLE)
        assert [kind for _, kind in mirror.fault_log] == ["reset"] * 4
        assert {r.status for r in mirror.request_log} == {0}


def test_short_body_sends_half_the_body_and_closes():
    with MirrorServer(faults=Faults(rate=1, kinds=("short_body",))) as mirror:
        clean = mirror.render(ARTICLE).body
        with pytest.raises(http.client.IncompleteRead) as error:
            get(mirror, ARTICLE)
        assert error.value.partial == clean[: len(clean) // 2]
        assert error.value.expected == len(clean) - len(clean) // 2  # the Content-Length was the full one
        assert mirror.fault_log == [(ARTICLE, "short_body")] and mirror.request_log[0].status == 0


def test_cut_html_is_a_complete_answer_with_a_cut_page():
    with MirrorServer(faults=Faults(rate=1, seed=6, kinds=("cut_html",))) as mirror:
        for target in (ARTICLE, "/index.php", "/art_ar.php?ar=2012&kat_id=1"):
            clean = mirror.render(target)
            status, headers, body = get(mirror, target)
            assert status == 200 and int(headers["Content-Length"]) == len(body)
            assert clean.body.startswith(body) and 0.3 * len(clean.body) - 1 <= len(body) < 0.9 * len(clean.body)
            assert headers["Content-Type"] == clean.headers["Content-Type"]
            assert headers["ETag"] == '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        assert [kind for _, kind in mirror.fault_log] == ["cut_html"] * 3


def test_cut_html_becomes_500_where_it_cannot_show():
    with MirrorServer() as mirror:
        _, headers, _ = get(mirror, ARTICLE)
        mirror.faults = Faults(rate=1, kinds=("cut_html",))
        assert get(mirror, ARTICLE, headers={"If-None-Match": headers["ETag"]})[0] == 500  # never a cut 304
        assert get(mirror, "/bilder/logo.png")[0] == 500  # not HTML
        assert get(mirror, "/robots.txt")[0] == 500
        assert get(mirror, "/artiklar.php?id=120")[0] == 500  # a 404 page
        assert get(mirror, ARTICLE, method="HEAD")[0] == 500
        assert [kind for _, kind in mirror.fault_log] == ["500"] * 5
        mirror.faults = Faults(rate=1, kinds=("short_body",))
        assert get(mirror, ARTICLE, method="HEAD")[0] == 500  # a HEAD has no body to cut short
        assert mirror.fault_log[-1] == (ARTICLE, "500")


def test_a_hang_times_out_the_client_and_the_server_goes_on():
    with MirrorServer(faults=Faults(rate=1, kinds=("hang",), hang_seconds=1.5)) as mirror:
        with pytest.raises(TimeoutError):
            get(mirror, ARTICLE, timeout=0.5)
        assert mirror.fault_log == [(ARTICLE, "hang")] and mirror.request_log[0].status == 0
        mirror.faults = None
        status, _, body = get(mirror, ARTICLE)
        assert status == 200 and body == mirror.render(ARTICLE).body


def test_stopping_the_server_ends_a_hang():
    mirror = MirrorServer(faults=Faults(rate=1, kinds=("hang",), hang_seconds=600)).start()
    try:
        sock = raw_request(mirror, ARTICLE, timeout=30)
        wait_for(lambda: mirror.fault_log, "the request arrived")
        mirror.faults = None
        assert get(mirror, "/robots.txt")[0] == 200  # answered while the other one hangs
    finally:
        mirror.stop()
    with sock:
        assert sock.recv(65536) == b""  # closed without an answer, long before 600 s (else: TimeoutError)


# -- attempts ----------------------------------------------------------------------------------------


def find_target(faults: Faults, wanted: list[str | None]) -> str:
    """A page whose attempts 0, 1, ... get the ``wanted`` decisions."""
    return next(t for t in PAGES if [faults.decide(t, a) for a in range(len(wanted))] == wanted)


def test_a_retry_gets_the_next_decision():
    faults = Faults(rate=0.5, seed=21, kinds=("500", "503"))
    target = find_target(faults, ["503", "500", None])
    other = find_target(faults, [None, "500"])
    with MirrorServer(faults=faults) as mirror:
        statuses = [get(mirror, target)[0], get(mirror, other)[0], get(mirror, target)[0], get(mirror, target)[0]]
        assert statuses == [503, 200, 500, 200]
        assert mirror.fault_log == [(target, "503"), (target, "500")]


def test_attempts_are_counted_across_crawls_of_one_server():
    faults = Faults(rate=0.5, seed=8, kinds=("500",))
    target = find_target(faults, [None, None, "500", None])
    with MirrorServer() as mirror:
        assert [get(mirror, target)[0], get(mirror, target, method="HEAD")[0]] == [200, 200]  # a clean crawl
        mirror.faults = faults
        assert [get(mirror, target)[0], get(mirror, target)[0]] == [500, 200]  # attempts 2 and 3
        assert mirror.fault_log == [(target, "500")]


def test_concurrent_requests_meet_the_same_faults():
    faults = Faults(rate=0.5, seed=5, kinds=("500", "503"))
    targets = TARGETS[:40] * 2
    expected = Counter((t, k) for t in TARGETS[:40] for a in range(2) if (k := faults.decide(t, a)) is not None)
    with MirrorServer(faults=faults) as mirror, ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda t: get(mirror, t)[0], targets))
        assert Counter(mirror.fault_log) == expected
        assert statuses.count(500) + statuses.count(503) == sum(expected.values())


def test_post_is_never_faulted():
    with MirrorServer(faults=Faults(rate=1, kinds=("reset",))) as mirror:
        assert get(mirror, "/index.php", method="POST")[0] == 405
        assert mirror.fault_log == []


# -- intercepts --------------------------------------------------------------------------------------


def test_intercepts_answer_as_given():
    with MirrorServer(faults=Faults(rate=1, kinds=("reset",))) as mirror:
        clean = mirror.render(ARTICLE)
        packed = gzip.compress(clean.body)
        asked = []

        @mirror.intercept
        def first(target, headers):
            asked.append((target, headers.get("X-Test")))
            if target == "/moved":
                return MirrorResponse(302, {"Location": "/om.php"})
            return None

        def second(target, headers):
            if target == "/moved":
                raise AssertionError("the first answer wins")
            if target == ARTICLE:
                return MirrorResponse(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, packed)
            return None

        assert mirror.intercept(second) is second
        status, headers, body = get(mirror, "/moved", headers={"X-Test": "yes"})
        assert (status, headers["Location"], headers["Content-Length"], body) == (302, "/om.php", "0", b"")
        status, headers, body = get(mirror, ARTICLE)
        assert status == 200 and headers["Content-Encoding"] == "gzip" and body == packed
        assert gzip.decompress(body) == clean.body and int(headers["Content-Length"]) == len(packed)
        assert asked == [("/moved", "yes"), (ARTICLE, None)]
        assert mirror.fault_log == []  # intercepted answers are never faulted
        with pytest.raises(ConnectionResetError):
            get(mirror, "/robots.txt")  # not intercepted: the faults apply
        mirror.clear_intercepts()
        mirror.faults = None
        assert get(mirror, ARTICLE)[2] == clean.body
        assert [(r.method, r.path, r.status) for r in mirror.request_log] == [
            ("GET", "/moved", 302), ("GET", ARTICLE, 200), ("GET", "/robots.txt", 0), ("GET", ARTICLE, 200),
        ]  # fmt: skip


def test_an_intercept_may_lie_about_the_length_and_change_a_page():
    with MirrorServer() as mirror:
        mirror.intercept(lambda target, headers: MirrorResponse(200, {"Content-Length": "100"}, b"0123456789")
                         if target == "/liar" else None)
        changed = mirror.render(ARTICLE).body.replace(b"</body>", b"<p>hostile</p></body>")
        mirror.intercept(lambda target, headers: with_body(mirror.render(target), changed)
                         if target == ARTICLE else None)
        with pytest.raises(http.client.IncompleteRead) as error:
            get(mirror, "/liar")
        assert error.value.partial == b"0123456789"
        status, headers, body = get(mirror, ARTICLE)
        assert (status, body, int(headers["Content-Length"])) == (200, changed, len(changed))
        assert "ETag" not in headers


# -- the command line --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fault-rate", "2"], "must be from 0 to 1"),
        (["--fault-rate", "lots"], "not a number"),
        (["--fault-kinds", "500,boom"], "unknown fault kind 'boom'"),
        (["--fault-kinds", ","], "no fault kinds"),
        (["--hang-seconds", "-1"], "must be 0 seconds or more"),
        (["--fault-seed", "x"], "not a whole number"),
    ],
)
@pytest.mark.parametrize("command", ["knytscrape", "python -m knytscrape.mirror"])
def test_bad_fault_flags_exit_2_with_a_message(command, args, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        if command == "knytscrape":
            cli.main(["mirror", "--port", "0", *args])
        else:
            mirror_main.main(["--port", "0", *args])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error


def test_knytscrape_mirror_passes_the_faults(monkeypatch):
    seen = {}
    monkeypatch.setattr(mirror_server, "serve_forever", lambda *args, **kwargs: seen.update(kwargs))
    assert cli.main(["mirror", "--port", "0", "--fault-rate", "0.3", "--fault-seed", "4",
                     "--fault-kinds", "500,reset", "--hang-seconds", "2"]) == 0  # fmt: skip
    assert seen["faults"] == Faults(rate=0.3, seed=4, kinds=("500", "reset"), hang_seconds=2.0)
    assert cli.main(["mirror", "--port", "0"]) == 0
    assert seen["faults"] is None


def test_python_m_mirror_serves_faults():
    command = [sys.executable, "-m", "knytscrape.mirror", "--port", "0", "--fault-rate", "1", "--fault-kinds", "503"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True)
        reader.start()
        wait_for(lambda: any("Faults:" in line for line in lines), "the mirror printed its faults", limit=30)
        url = next(line.split(" on ")[1].split()[0] for line in lines if "mirror on" in line)
        host, port = url.removeprefix("http://").rstrip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", "/robots.txt")
        assert connection.getresponse().status == 503
        connection.close()
        assert any("rate 1, seed 0, kinds 503" in line for line in lines)
    finally:
        process.terminate()
        process.wait(timeout=30)
