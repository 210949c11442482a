"""Every page as the site sent it, in WARC files (ISO 28500), and the index of them in the database.

* warc_files.py: writing records (gzip per record, rotated by size, a torn tail cut off) and reading them;
* index.py: the ``captures`` table, and bringing it up to date with what the files hold;
* the crawl writes them through knytscrape/middlewares/warc.py; ``knytscrape reparse`` reads them back
  (knytscrape/reparse.py) through the replay download handler (replay.py).
"""
