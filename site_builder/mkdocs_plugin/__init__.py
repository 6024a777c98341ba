"""The MkDocs adapter: the only package of site_builder that imports `mkdocs`.

Moving to another engine means replacing this package; the core stays as it is.
"""
