"""The database schema as numbered migrations, recorded in the database itself.

Never edit a migration once it has landed: add a new one. Numbers are reserved by
concern so that parallel work does not collide: m001-m009 core, m010-m019 workflow,
m020-m029 drafts and memory, m030-m039 gettext and export, m040-m049 checks,
m050-m059 termbase and spelling, m060-m069 newsroom time (priority, deadlines, post-edit
analysis), m080-m089 import.
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
        -- one index serves every per-article read (by key too: an article has a few
        -- dozen units); live keys are kept unique by the store, which is their one writer
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


def m002_translations_by_article(db: Database) -> None:
    """Per-article reads (units, status, export) without scanning every translation."""
    db.execute("CREATE INDEX translations_article ON translations(article_id, lang)")


def m010_claims_index(db: Database) -> None:
    """Finding a translator's own claim (`next` gives it back first) without a scan."""
    db.execute(
        "CREATE INDEX translations_claimed ON translations(claimed_by, lang)"
        " WHERE claimed_by IS NOT NULL"
    )


def m020_memory(db: Database) -> None:
    """Translation memory: every translated/approved text and its unit's source, indexed.

    ``tm_memory`` holds one row per (group, language): a group is a unit (``grp`` =
    unit id) or an imported TMX unit (``grp`` = minus its id); any two languages of a
    group make a memory pair.  ``key = grp * 4 + language index`` (ru 0, uk 1, en 2).
    Triggers keep it in step with `translations` and `units`, whoever writes them;
    ``tm_fts`` (FTS5, external content) finds fuzzy candidates without a scan.
    """
    lang_index = "(CASE {0} WHEN 'ru' THEN 0 WHEN 'uk' THEN 1 ELSE 2 END)"
    new_idx = lang_index.format("new.lang")
    src_idx = lang_index.format("a.source_lang")
    done = "status IN ('translated', 'approved') AND trim(coalesce(text, '')) != ''"
    refresh = f"""
        DELETE FROM tm_memory WHERE key = new.unit_id * 4 + {new_idx};
        INSERT INTO tm_memory (key, grp, lang, text)
            SELECT new.unit_id * 4 + {new_idx}, new.unit_id, new.lang, new.text
            WHERE new.status IN ('translated', 'approved')
              AND trim(coalesce(new.text, '')) != '';
        DELETE FROM tm_memory WHERE key IN (
                SELECT u.id * 4 + {src_idx} FROM units u JOIN articles a ON a.id = u.article_id
                WHERE u.id = new.unit_id)
            AND NOT EXISTS (SELECT 1 FROM translations WHERE unit_id = new.unit_id AND {done});
        INSERT OR IGNORE INTO tm_memory (key, grp, lang, text)
            SELECT u.id * 4 + {src_idx}, u.id, a.source_lang, u.source
            FROM units u JOIN articles a ON a.id = u.article_id
            WHERE u.id = new.unit_id
              AND EXISTS (SELECT 1 FROM translations WHERE unit_id = new.unit_id AND {done});
    """
    db.executescript(
        f"""
        CREATE TABLE tm_memory (
            key INTEGER PRIMARY KEY,        -- grp * 4 + language index
            grp INTEGER NOT NULL,           -- unit id, or minus a tm_imported id
            lang TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX tm_memory_exact ON tm_memory(lang, substr(text, 1, 40));
        CREATE VIRTUAL TABLE tm_fts USING fts5(
            text, content='tm_memory', content_rowid='key',
            tokenize='unicode61 remove_diacritics 0'
        );
        CREATE VIRTUAL TABLE tm_vocab USING fts5vocab(tm_fts, row);
        CREATE TRIGGER tm_memory_ai AFTER INSERT ON tm_memory BEGIN
            INSERT INTO tm_fts (rowid, text) VALUES (new.key, new.text);
        END;
        CREATE TRIGGER tm_memory_ad AFTER DELETE ON tm_memory BEGIN
            INSERT INTO tm_fts (tm_fts, rowid, text) VALUES ('delete', old.key, old.text);
        END;
        CREATE TRIGGER tm_memory_au AFTER UPDATE ON tm_memory BEGIN
            INSERT INTO tm_fts (tm_fts, rowid, text) VALUES ('delete', old.key, old.text);
            INSERT INTO tm_fts (rowid, text) VALUES (new.key, new.text);
        END;
        CREATE TRIGGER tm_translations_au AFTER UPDATE OF text, status ON translations
        WHEN old.status IN ('translated', 'approved') OR new.status IN ('translated', 'approved')
        BEGIN {refresh} END;
        -- (no INSERT trigger: translation rows are inserted untranslated, by the import)
        CREATE TRIGGER tm_units_source AFTER UPDATE OF source ON units
        WHEN old.source IS NOT new.source
        BEGIN
            UPDATE tm_memory SET text = new.source WHERE key = new.id * 4 + (
                SELECT {src_idx} FROM articles a WHERE a.id = new.article_id);
        END;
        CREATE TABLE tm_imported (
            id INTEGER PRIMARY KEY,
            digest TEXT NOT NULL UNIQUE,    -- of the unit's sorted (lang, text) pairs
            file TEXT,
            imported_at TEXT NOT NULL
        );
        CREATE TABLE tm_imported_variants (
            tu_id INTEGER NOT NULL REFERENCES tm_imported(id),
            lang TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (tu_id, lang)
        ) WITHOUT ROWID;
        INSERT INTO tm_memory (key, grp, lang, text)
            SELECT t.unit_id * 4 + {lang_index.format("t.lang")}, t.unit_id, t.lang, t.text
            FROM translations t WHERE t.{done};
        INSERT OR IGNORE INTO tm_memory (key, grp, lang, text)
            SELECT u.id * 4 + {src_idx}, u.id, a.source_lang, u.source
            FROM units u JOIN articles a ON a.id = u.article_id
            WHERE EXISTS (SELECT 1 FROM translations WHERE unit_id = u.id AND {done});
        """
    )


def m021_mt_cache(db: Database) -> None:
    """Every provider answer, kept even when the run fails: a sentence is never sent twice.

    ``text`` NULL means the provider answered "cannot translate this one" (``reason``).
    """
    db.executescript(
        """
        CREATE TABLE mt_cache (
            provider TEXT NOT NULL,
            source_lang TEXT NOT NULL,
            target_lang TEXT NOT NULL,
            source TEXT NOT NULL,
            text TEXT,
            reason TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (provider, source_lang, target_lang, source)
        ) WITHOUT ROWID;
        """
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


def m041_check_cache(db: Database) -> None:
    """Quality-check results per translation, so that `check` re-runs the checks only on
    text that changed. Triggers drop a row whenever its translation or source changes;
    `check_cache_version` holds a fingerprint of the checks (a new version empties it)."""
    db.executescript(
        """
        CREATE TABLE check_cache (
            unit_id INTEGER NOT NULL,
            lang TEXT NOT NULL,
            findings TEXT NOT NULL,         -- '' when clean, else JSON [[check, message], ...]
            PRIMARY KEY (unit_id, lang)
        ) WITHOUT ROWID;
        CREATE TABLE check_cache_version (version TEXT NOT NULL);
        CREATE TRIGGER check_cache_translation AFTER UPDATE OF text ON translations
        BEGIN
            DELETE FROM check_cache WHERE unit_id = NEW.unit_id AND lang = NEW.lang;
        END;
        CREATE TRIGGER check_cache_source AFTER UPDATE OF source ON units
        BEGIN
            DELETE FROM check_cache WHERE unit_id = NEW.id;
        END;
        """
    )


def m042_check_findings(db: Database) -> None:
    """Replace m041's per-translation cache with what stays small: the findings of
    translations that have any, and the translations whose text (or source) changed
    since the last check. A warm `check` then reads no clean translation at all."""
    db.executescript(
        """
        DROP TRIGGER check_cache_translation;
        DROP TRIGGER check_cache_source;
        DROP TABLE check_cache;
        DELETE FROM check_cache_version;   -- no findings recorded yet: check everything
        CREATE TABLE check_findings (
            unit_id INTEGER NOT NULL,
            lang TEXT NOT NULL,
            findings TEXT NOT NULL,         -- JSON [[check, message], ...]
            PRIMARY KEY (unit_id, lang)
        ) WITHOUT ROWID;
        CREATE TABLE check_dirty (
            unit_id INTEGER NOT NULL,
            lang TEXT NOT NULL,
            marker INTEGER NOT NULL,        -- random(): `check` clears only what it saw
            PRIMARY KEY (unit_id, lang)
        ) WITHOUT ROWID;
        -- no INSERT trigger: translation rows are only ever inserted empty (the store's
        -- import), and a trigger evaluated per row costs the archive import ~14 %
        CREATE TRIGGER check_dirty_translation AFTER UPDATE OF text ON translations
        WHEN NEW.text IS NOT OLD.text
        BEGIN
            INSERT OR REPLACE INTO check_dirty VALUES (NEW.unit_id, NEW.lang, random());
        END;
        CREATE TRIGGER check_dirty_source AFTER UPDATE OF source ON units
        WHEN NEW.source IS NOT OLD.source
        BEGIN
            INSERT OR REPLACE INTO check_dirty SELECT unit_id, lang, random()
            FROM translations WHERE unit_id = NEW.id;
        END;
        """
    )


def m050_terms(db: Database) -> None:
    """The termbase (concepts and their forms per language), the desk word list for the
    spelling check, and their history: the unit `history` table is tied to units, so
    changes to terms and words have a table of their own, `style_history`."""
    db.executescript(
        """
        CREATE TABLE term_concepts (
            id INTEGER PRIMARY KEY,
            note TEXT NOT NULL DEFAULT '',
            case_sensitive INTEGER NOT NULL DEFAULT 0,
            added_by TEXT,
            added_at TEXT NOT NULL
        );
        CREATE TABLE term_forms (
            concept_id INTEGER NOT NULL REFERENCES term_concepts(id) ON DELETE CASCADE,
            lang TEXT NOT NULL CHECK (lang IN ('ru', 'uk', 'en')),
            text TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('preferred', 'admitted', 'forbidden')),
            position INTEGER NOT NULL,      -- order within the concept
            PRIMARY KEY (concept_id, lang, text)
        ) WITHOUT ROWID;
        CREATE TABLE desk_words (
            lang TEXT NOT NULL CHECK (lang IN ('ru', 'uk', 'en')),
            word TEXT NOT NULL,
            added_by TEXT,
            added_at TEXT NOT NULL,
            PRIMARY KEY (lang, word)
        ) WITHOUT ROWID;
        CREATE TABLE style_history (
            id INTEGER PRIMARY KEY,         -- its maximum versions recorded check findings
            kind TEXT NOT NULL CHECK (kind IN ('term', 'word')),
            ref TEXT NOT NULL,              -- concept id, or lang:word
            at TEXT NOT NULL,
            who TEXT,
            action TEXT NOT NULL,           -- add, remove, import
            old TEXT,                       -- JSON of the concept / the word, before
            new TEXT,                       -- and after
            note TEXT
        );
        """
    )


def m060_schedule(db: Database) -> None:
    """Priority and per-language deadlines, the queue `next` walks in their order, and
    what the post-edit analysis needs in the history.

    - `schedule`: one row per article and target language that has been planned
      (`priority` 0 urgent, 1 high, 2 normal, 3 low; `due` UTC or NULL).
    - `translations.priority` / `translations.due` copy it onto every translation row,
      like `article_id` and `position`, so the queue needs no join; `due` without a
      deadline is `9999-12-31T23:59:59.999999Z` so that it sorts last in the index.
      `claimed_at` is when the live claim began.
    - `translations_work` / `translations_review`: partial indexes in `next`'s order
      (priority, due, untranslated before draft, article, position) over the rows that
      need work or a review, so done rows never sit between them.
    - `history.claimed_at` (the submitter's claim began), `old_origin`/`old_score` (the
      origin and memory score of the text replaced: the draft a person post-edited),
      `score` (of the new text); `history_at` for time windows.
    - `postedits`: each post-edit with its chrF, TER, character edit ratio and time
      from claim to submit, computed once by `report` and kept.
    """
    db.executescript(
        """
        CREATE TABLE schedule (
            article_id TEXT NOT NULL REFERENCES articles(id),
            lang TEXT NOT NULL,
            priority INTEGER NOT NULL DEFAULT 2 CHECK (priority BETWEEN 0 AND 3),
            due TEXT,                       -- UTC, db.now() format; NULL: no deadline
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, lang)
        ) WITHOUT ROWID;
        ALTER TABLE translations ADD COLUMN priority INTEGER NOT NULL DEFAULT 2;
        ALTER TABLE translations ADD COLUMN due TEXT NOT NULL
            DEFAULT '9999-12-31T23:59:59.999999Z';
        ALTER TABLE translations ADD COLUMN claimed_at TEXT;
        CREATE INDEX translations_work
            ON translations(lang, priority, due, status DESC, article_id, position)
            WHERE obsolete = 0 AND status IN ('untranslated', 'draft');
        CREATE INDEX translations_review
            ON translations(lang, priority, due, article_id, position)
            WHERE obsolete = 0 AND status = 'translated';
        ALTER TABLE history ADD COLUMN claimed_at TEXT;
        ALTER TABLE history ADD COLUMN old_origin TEXT;
        ALTER TABLE history ADD COLUMN old_score REAL;
        ALTER TABLE history ADD COLUMN score REAL;
        CREATE INDEX history_at ON history(at);
        -- post-edits recorded before this migration: the draft's origin is the origin
        -- of the row before, for the same unit and language
        UPDATE history SET old_origin = (
                SELECT p.origin FROM history p
                WHERE p.unit_id = history.unit_id AND p.lang = history.lang
                  AND p.id < history.id ORDER BY p.id DESC LIMIT 1)
            WHERE old_status = 'draft' AND new_status IN ('translated', 'approved');
        -- one row per post-edit (a draft that became a translation) or translation from
        -- nothing (origin 'none', no metrics): measured once by `report`, kept; stored in
        -- the order the report groups them, so that grouping needs no sort
        CREATE TABLE postedits (
            history_id INTEGER NOT NULL UNIQUE,  -- the history row of the submission
            at TEXT NOT NULL,
            lang TEXT NOT NULL,
            pair TEXT NOT NULL,              -- source-target, e.g. ru-uk
            origin TEXT NOT NULL,            -- of the draft: tm exact, tm fuzzy, mt:..., none
            translator TEXT NOT NULL,
            chrf REAL,                       -- sacrebleu chrF of the draft against the text
            ter REAL,                        -- sacrebleu TER, edits per 100 words
            edit_ratio REAL,                 -- character Levenshtein distance / longer length
            seconds REAL,                    -- from claim to submit (NULL: not claimed)
            PRIMARY KEY (origin, pair, translator, history_id)
        ) WITHOUT ROWID;
        CREATE INDEX postedits_at ON postedits(at);
        """
    )


def m080_article_file(db: Database) -> None:
    """The name of the file an article was first imported from (NULL for articles imported
    before): an import whose derived id belongs to an article from another file is refused."""
    db.execute("ALTER TABLE articles ADD COLUMN file TEXT")


def m081_report_hours(db: Database) -> None:
    """The report's work per hour, kept up to date instead of recounted from the history
    (a million rows) by every `report`: per UTC hour (`YYYY-MM-DDTHH`), language and
    person (`''` for none) the units that became done, stopped being done, and were
    approved in review, over the history rows up to `report_state.last_id` ('hours');
    the rows after it are counted live. The history only grows, so this is exact."""
    db.executescript(
        """
        CREATE TABLE report_hours (
            hour TEXT NOT NULL,
            lang TEXT NOT NULL,
            translator TEXT NOT NULL,
            done INTEGER NOT NULL,
            undone INTEGER NOT NULL,
            reviewed INTEGER NOT NULL,
            PRIMARY KEY (hour, lang, translator)
        ) WITHOUT ROWID;
        CREATE TABLE report_state (
            name TEXT PRIMARY KEY,
            last_id INTEGER NOT NULL
        ) WITHOUT ROWID;
        """
    )


def m095_check_findings_in_order(db: Database) -> None:
    """The record of findings keeps each row's article, position and key, in article
    order, and a translation is marked changed when its status, liveness or place
    changes too (not only its text): a `check` with nothing changed then reads the
    record alone, in order, instead of joining it to every unit and translation.
    The record is emptied (the next `check` checks everything once). `check_counts`
    keeps each article's count of live units for the version of the article it was
    counted at (its SHA and update time, which every write of its units changes)."""
    db.executescript(
        """
        DROP TABLE check_findings;
        DELETE FROM check_cache_version;
        CREATE TABLE check_findings (
            unit_id INTEGER NOT NULL,
            lang TEXT NOT NULL,
            article_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            key TEXT NOT NULL,
            findings TEXT NOT NULL,         -- JSON [[check, message], ...]
            PRIMARY KEY (article_id, position, lang, unit_id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX check_findings_unit ON check_findings(unit_id, lang);
        CREATE TABLE check_counts (
            article_id TEXT PRIMARY KEY,
            version TEXT NOT NULL,          -- the article's source_sha256 '|' updated_at
            units INTEGER NOT NULL          -- its live units
        ) WITHOUT ROWID;
        CREATE TRIGGER check_dirty_state
        AFTER UPDATE OF status, obsolete, position ON translations
        WHEN NEW.status IS NOT OLD.status OR NEW.obsolete IS NOT OLD.obsolete
            OR NEW.position IS NOT OLD.position
        BEGIN
            INSERT OR REPLACE INTO check_dirty VALUES (NEW.unit_id, NEW.lang, random());
        END;
        CREATE TRIGGER check_dirty_key AFTER UPDATE OF key ON units
        WHEN NEW.key IS NOT OLD.key
        BEGIN
            INSERT OR REPLACE INTO check_dirty SELECT unit_id, lang, random()
            FROM translations WHERE unit_id = NEW.id;
        END;
        """
    )


def m096_memory_exact_text(db: Database) -> None:
    """Exact memory look-ups by the whole text: the index on a 40-character prefix
    made a look-up read every remembered text sharing the prefix (a newsroom's
    "Как сообщает пресс-служба, ..." sentences, hundreds of them per 10,000 articles
    and growing with the memory), so a draft's time grew faster than the archive."""
    db.executescript(
        """
        DROP INDEX tm_memory_exact;
        CREATE INDEX tm_memory_text ON tm_memory(lang, text);
        """
    )


def m097_memory_words(db: Database) -> None:
    """Nothing on SQLite: its FTS5 index (``tm_fts``) and document frequencies
    (``tm_vocab``, m020) already are what this step builds on PostgreSQL (a GIN index of
    each remembered text's words, and word counts kept by triggers)."""


def register(migrations) -> None:
    """Register every migration, in order."""
    for fn in (
        m001_core,
        m002_translations_by_article,
        m010_claims_index,
        m020_memory,
        m021_mt_cache,
        m040_check_exceptions,
        m041_check_cache,
        m042_check_findings,
        m050_terms,
        m060_schedule,
        m080_article_file,
        m081_report_hours,
        m095_check_findings_in_order,
        m096_memory_exact_text,
        m097_memory_words,
    ):
        migrations()(fn)
