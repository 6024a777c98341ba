"""`site-builder import`: Word reports (.docx) with pasted photos → article bundles (issue #11).

Stages, each in its own module: `docx` reads the file (mammoth's HTML, the pictures as embedded,
the document properties), `blocks` turns the HTML into cleaned blocks of Markdown, `chinese`
detects and converts Traditional Chinese, `frontmatter_guess` infers title, date, credits and
captions, `bundle` writes the folder, and `pipeline` runs them per file and collects the results.
Nothing here imports MkDocs: the command line and the 写作台 call `pipeline` with `SiteSettings`.
"""
