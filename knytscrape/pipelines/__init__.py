"""Item pipelines, one job per module, run in the order of ITEM_PIPELINES (settings.py).

Every repair, drop or problem increments a named crawl stat under ``knyt/`` instead of passing silently.
"""
