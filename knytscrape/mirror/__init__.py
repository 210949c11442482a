"""The offline mirror of Knytpunkt: invented content served on 127.0.0.1 in several markup variants
and encodings. It is the demo, the test fixture and the benchmark target; see docs/mirror.md.

Public API::

    render(path_with_query, layout=None, encoding=None, extra_articles=0, scheme="a") -> MirrorResponse
    load_articles(extra_articles=0) -> list[dict]      # the truth
    load_videos() -> list[dict]; load_events() -> list[dict]
    LAYOUTS, ENCODINGS, SCHEMES
    MirrorServer(host="127.0.0.1", port=0, layout=None, encoding=None, extra_articles=0, verbose=False, scheme="a",
                 conditional=True)
        .truth(), .mutate(fn), .add_article(...), .remove_article(id), ...   # change the site while it runs
        .requests, .request_log                                             # what was asked, and answered
    serve_forever(host, port, layout, encoding, extra_articles, verbose, scheme, conditional)
    mutations: the edits mutate() functions are made of (add_article(truth, ...), make_comment(...), ...)
"""

from knytscrape.mirror import mutations
from knytscrape.mirror.app import MirrorResponse, render
from knytscrape.mirror.model import (
    ENCODINGS,
    LAYOUTS,
    load_articles,
    load_events,
    load_site_config,
    load_videos,
)
from knytscrape.mirror.mutations import make_comment
from knytscrape.mirror.schemes import SCHEMES
from knytscrape.mirror.server import MirrorServer, RequestRecord, serve_forever

__all__ = [
    "ENCODINGS",
    "LAYOUTS",
    "MirrorResponse",
    "MirrorServer",
    "RequestRecord",
    "SCHEMES",
    "load_articles",
    "load_events",
    "load_site_config",
    "load_videos",
    "make_comment",
    "mutations",
    "render",
    "serve_forever",
]
