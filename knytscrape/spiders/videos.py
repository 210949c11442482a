"""The ``videos`` spider: the Video section, found from the menu and the video sidebar."""

from __future__ import annotations

from knytscrape.parsers import landmarks as lm
from knytscrape.parsers.chrome import video_sidebar
from knytscrape.parsers.video import VideoParser
from knytscrape.spiders.section import SectionSpider


class VideosSpider(SectionSpider):
    name = "videos"
    section = "video"
    table = "videos"
    menu_labels = (lm.VIDEO_MENU,)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parser = VideoParser()

    def sidebar_urls(self, flow) -> list[str]:
        return [entry.url for entry in video_sidebar(flow) if entry.url]

    def parse_page(self, response):
        return self.parser.parse(response.text, response.url)
