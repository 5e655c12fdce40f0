"""The CI gate behind `transdesk check`: completeness and quality findings in one report.

The report (`report.py`) is built either from the database (`database.check_database`:
a few set-oriented queries per language, findings recorded between runs) or from gettext
catalogs laid out as `po export` writes them (`catalogs.check_catalogs`: no database at
all), and rendered by `render.render(report, format)` as text, JSON, JUnit XML or GitHub
workflow annotations. Accepted exceptions (`exceptions.accept_finding`) silence one check
on one unit and language for as long as the accepted translation stays unchanged. Big
runs share the work between two processes (`parallel.py`).

Importing this package loads nothing else: import the module you need.
"""
