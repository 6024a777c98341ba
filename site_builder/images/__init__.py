"""Photos: probe (header only) → plan (pure) → process (worker pool, cached) → html (pure).

The design follows eleventy-img (STYLE.md §5): outputs are named by the source's content hash
and the settings that change pixels, so an existing output file *is* the cache hit.
"""
