"""The offline mirror of Knytpunkt: invented content served on 127.0.0.1 in several markup variants
and encodings. It is the demo, the test fixture and the benchmark target; see docs/mirror.md.

Public API::

    render(path_with_query, layout=None, encoding=None, extra_articles=0) -> MirrorResponse
    load_articles(extra_articles=0) -> list[dict]      # the truth
    LAYOUTS, ENCODINGS
    MirrorServer(host="127.0.0.1", port=0, layout=None, encoding=None, extra_articles=0)
    serve_forever(host, port, layout, encoding, extra_articles)
"""

from knytscrape.mirror.app import MirrorResponse, render
from knytscrape.mirror.model import ENCODINGS, LAYOUTS, load_articles, load_site_config
from knytscrape.mirror.server import MirrorServer, serve_forever

__all__ = [
    "ENCODINGS",
    "LAYOUTS",
    "MirrorResponse",
    "MirrorServer",
    "load_articles",
    "load_site_config",
    "render",
    "serve_forever",
]
