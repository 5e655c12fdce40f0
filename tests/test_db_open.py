"""Opening the database a user names: a new one may live in a folder not made yet."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import SAMPLES, Cli


def test_new_database_in_a_missing_folder_creates_the_folder(tmp_path):
    run = Cli(tmp_path / "desk" / "2026" / "transdesk.db")
    result = run("import", str(SAMPLES / "ru-budget.txt"))
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(tmp_path / "desk" / "2026" / "transdesk.db")
    assert conn.execute("SELECT count(*) FROM units").fetchone() == (12,)


@pytest.mark.english
def test_a_folder_that_cannot_be_made_is_named_in_one_line(tmp_path):
    (tmp_path / "plain-file").write_text("not a folder")
    run = Cli(tmp_path / "plain-file" / "desk" / "transdesk.db")
    result = run("import", str(SAMPLES / "ru-budget.txt"))  # import creates a database
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"Error: cannot create the folder '{tmp_path}/plain-file/desk' for"
                             f" the database '{tmp_path}/plain-file/desk/transdesk.db': "
                             "Not a directory\n")
