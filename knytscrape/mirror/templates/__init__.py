"""One renderer module per markup variant of the site: ``div``, ``table`` and ``flat``.

Each module has the same four functions, ``home``, ``article``, ``archive`` and ``about``, taking a
:class:`~knytscrape.mirror.templates.common.Page` and model objects and returning the page as text.
"""

from __future__ import annotations

from types import ModuleType

from knytscrape.mirror.templates import div, flat, table

RENDERERS: dict[str, ModuleType] = {"div": div, "table": table, "flat": flat}
