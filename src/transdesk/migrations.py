"""The database schema as numbered migrations, recorded in the database itself.

Never edit a migration once it has landed: add a new one. Numbers are reserved by
concern so that parallel work does not collide: m001-m009 core, m010-m019 workflow,
m020-m029 drafts and memory, m030-m039 gettext and export, m040-m049 checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

MIGRATION_SET = "transdesk"


def m001_core(db: Database) -> None:
    """Articles, units, one translation row per unit and target language, history."""
    db.executescript(
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            source_lang TEXT NOT NULL,
            targets TEXT NOT NULL,          -- comma-separated target languages
            title TEXT NOT NULL DEFAULT '',
            layout TEXT NOT NULL,           -- JSON template: literal chunks and unit keys
            encoding TEXT NOT NULL,         -- of the imported file, for byte-exact export
            bom INTEGER NOT NULL DEFAULT 0,
            source_sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE units (
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            key TEXT NOT NULL,              -- date, category, title, p<N>.s<M>
            kind TEXT NOT NULL CHECK (kind IN ('date', 'category', 'title', 'sentence')),
            paragraph INTEGER,
            position INTEGER NOT NULL,      -- order within the article
            source TEXT NOT NULL,
            words INTEGER NOT NULL,
            obsolete INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX units_live_key ON units(article_id, key) WHERE obsolete = 0;
        CREATE INDEX units_article_position ON units(article_id, position);
        CREATE TABLE translations (
            unit_id INTEGER NOT NULL REFERENCES units(id),
            lang TEXT NOT NULL,
            article_id TEXT NOT NULL,       -- copied from the unit: work queues need no join
            position INTEGER NOT NULL,      -- copied from the unit
            obsolete INTEGER NOT NULL DEFAULT 0,
            text TEXT,
            status TEXT NOT NULL DEFAULT 'untranslated'
                CHECK (status IN ('untranslated', 'draft', 'translated', 'approved')),
            origin TEXT,                    -- human, tm, mt:<provider>, cldr, po-import, previous
            score REAL,                     -- translation-memory match score, 0-100
            translator TEXT,
            claimed_by TEXT,
            claim_expires TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (unit_id, lang)
        ) WITHOUT ROWID;
        CREATE INDEX translations_queue
            ON translations(lang, status, article_id, position) WHERE obsolete = 0;
        CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            lang TEXT NOT NULL,             -- target language; source language: source edits
            at TEXT NOT NULL,
            translator TEXT,
            origin TEXT,
            action TEXT NOT NULL,
            old_text TEXT,
            new_text TEXT,
            old_status TEXT,
            new_status TEXT,
            note TEXT
        );
        CREATE INDEX history_unit ON history(unit_id, lang, id);
        """
    )


def m010_claims_index(db: Database) -> None:
    """Finding a translator's own claim (`next` gives it back first) without a scan."""
    db.execute(
        "CREATE INDEX translations_claimed ON translations(claimed_by, lang)"
        " WHERE claimed_by IS NOT NULL"
    )


def m040_check_exceptions(db: Database) -> None:
    """Quality-check findings accepted as known exceptions, per unit, language and check.

    `text` is the translation that was accepted: once the translation changes, the
    exception no longer applies and the check speaks again.
    """
    db.executescript(
        """
        CREATE TABLE check_exceptions (
            unit_id INTEGER NOT NULL REFERENCES units(id),
            lang TEXT NOT NULL,
            check_name TEXT NOT NULL,       -- a name from transdesk.checks.CHECK_NAMES
            text TEXT NOT NULL,             -- the translation accepted
            note TEXT,
            accepted_by TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (unit_id, lang, check_name)
        ) WITHOUT ROWID;
        """
    )


def register(migrations) -> None:
    """Register every migration, in order."""
    for fn in (m001_core, m010_claims_index, m040_check_exceptions):
        migrations()(fn)
