"""The project's Scrapy commands (COMMANDS_MODULE in knytscrape/settings.py); ``crawl`` replaces Scrapy's."""
