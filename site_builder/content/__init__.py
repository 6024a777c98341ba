"""Reading the content folder: scan → front matter → articles (typed model)."""
