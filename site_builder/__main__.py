"""`python -m site_builder` is the same as the `site-builder` command."""

from site_builder.cli import main

raise SystemExit(main())
