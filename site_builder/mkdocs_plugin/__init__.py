"""The engine adapter: the only package of site_builder that imports the engine (`mkdocs.*`, which
ProperDocs serves when installed: see `engine`) and its theme.

Moving to another engine means replacing this package; the core stays as it is.
"""

from site_builder.mkdocs_plugin.engine import select_engine

select_engine()
