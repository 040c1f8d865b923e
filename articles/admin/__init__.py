"""The editorial admin, one module per job.

- ``article``: the article list and page (``ArticleAdmin``), who may change what, its forms and inlines;
- ``stories``: the story list and page (``StoryAdmin``): merge, move, split, lead and headline through the services;
- ``changelist``: lists that cost the same at any size (capped counts, checked parameters, the date drill-down);
- ``filters``: the list filters; ``widgets``: the article list's editable cells;
- ``public_edit``: edits of what readers see move the public pages' validators;
- ``audit``: the editorial audit trail; ``topics``, ``providers``, ``article_parts``: the rest of the catalogue;
- ``dashboard``: the index page's numbers and charts (drawn by ``templatetags/newsdesk_admin.py``).
"""

from . import article, article_parts, audit, providers, stories, topics  # noqa: F401  (each registers its models)
