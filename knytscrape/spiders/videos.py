"""The ``videos`` spider: the Video section, found from the menu and the video sidebar."""

from __future__ import annotations

from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.chrome import video_sidebar
from knytscrape.parsers.site_chrome import SiteChrome
from knytscrape.parsers.video import VideoParser
from knytscrape.spiders.section import SectionSpider


class VideosSpider(SectionSpider):
    name = "videos"
    section = "video"
    table = "videos"
    menu_labels = (lm.VIDEO_MENU,)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_chrome = SiteChrome()  # lines the site prints on many video pages: not description
        self.parser = VideoParser(self.site_chrome)

    def sidebar_urls(self, flow) -> list[str]:
        return [entry.url for entry in video_sidebar(flow) if entry.url]

    def parse_page(self, response):
        return self.parser.parse(response.text, response.url)
