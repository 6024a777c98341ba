"""Full-text search of the published articles: a sharded index of character bigrams and its client.

`analyse` defines words and terms (shared with `search.js` through a test fixture); `index` builds
and writes the files; `search.js` queries them in the browser. No engine imports here: the MkDocs
adapter collects each article's text and calls `write_search_index` after the build.
"""

from site_builder.search.analyse import text_of_html
from site_builder.search.index import SearchStats, write_search_index

__all__ = ["SearchStats", "text_of_html", "write_search_index"]
