"""``python -m knytscrape.mirror [--host H] [--port N] [--layout L] [--encoding E] [--articles N] [--scheme S]
[--no-conditional] [--fault-rate R --fault-seed S --fault-kinds K,K --hang-seconds N]``."""

from __future__ import annotations

import argparse

from knytscrape.mirror import faults
from knytscrape.mirror.model import ENCODINGS, LAYOUTS
from knytscrape.mirror.schemes import SCHEMES
from knytscrape.mirror.server import serve_forever


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m knytscrape.mirror", description="Serve the offline mirror.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--layout", choices=LAYOUTS, help="force every page into one markup variant")
    parser.add_argument("--encoding", choices=ENCODINGS, help="force every page into one encoding")
    parser.add_argument("--articles", type=int, default=0, help="add N generated articles")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument(
        "--scheme", choices=SCHEMES, default="a", help="URL scheme of the Video and Kalender sections (default a)"
    )
    parser.add_argument(
        "--no-conditional",
        dest="conditional",
        action="store_false",
        help="no ETag / Last-Modified headers and no 304 answers (a server without conditional requests)",
    )
    faults.add_arguments(parser)
    args = parser.parse_args(argv)
    serve_forever(
        args.host,
        args.port,
        args.layout,
        args.encoding,
        args.articles,
        args.verbose,
        args.scheme,
        args.conditional,
        faults.from_arguments(args),
    )


if __name__ == "__main__":
    main()
