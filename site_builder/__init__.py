"""site_builder: turns a 关工委's Markdown articles into a public web site.

The core (content model, publication rules, URLs, listings, images, feeds) lives in plain
modules that never import MkDocs; `site_builder.mkdocs_plugin` adapts it to MkDocs.
"""

__version__ = "0.1.0"
