-- Request log, schema version 1.
-- AUTOINCREMENT: ids are never reused after retention or clear(), so keyset
-- pagination and live tail (since_id) never skip or repeat entries.
CREATE TABLE requests (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    time_ms          INTEGER NOT NULL,
    profile          TEXT    NOT NULL DEFAULT '',
    feature          TEXT    NOT NULL DEFAULT '',
    base_url         TEXT    NOT NULL DEFAULT '',
    method           TEXT    NOT NULL,
    path             TEXT    NOT NULL,
    query            TEXT    NOT NULL DEFAULT '[]',  -- JSON array of [name, value]
    request_body     TEXT,
    status           INTEGER,
    errcode          INTEGER,
    errmsg           TEXT,
    latency_ms       INTEGER NOT NULL DEFAULT 0,
    response_headers TEXT    NOT NULL DEFAULT '[]',  -- JSON array of [name, value]
    response_body    TEXT,
    error            TEXT,
    -- 1 when the call failed in any way (transport error, HTTP status outside
    -- 2xx, errcode other than 0); computed at insert so "any error" is one index.
    failed           INTEGER NOT NULL DEFAULT 0
);

-- Each filter index ends with id so "newest first" pages come straight from it.
CREATE INDEX requests_profile ON requests(profile, id);
CREATE INDEX requests_path    ON requests(path, id);
CREATE INDEX requests_errcode ON requests(errcode, id);
CREATE INDEX requests_failed  ON requests(failed, id);
CREATE INDEX requests_time    ON requests(time_ms);

-- Full-text index over what users search for. External content: the text lives
-- once in `requests`; the trigram tokenizer gives substring matching, which is
-- what log search needs (parts of paths, ids, Chinese names without spaces).
-- detail=none stores no positions: the index is ~2.5x smaller and inserts
-- faster; queries AND the trigrams of each term and then check the exact
-- substring on the candidate rows (see log/filter.rs).
CREATE VIRTUAL TABLE requests_fts USING fts5(
    path, query, request_body, response_body, errmsg,
    content = 'requests', content_rowid = 'id',
    tokenize = 'trigram', detail = none
);

CREATE TRIGGER requests_ai AFTER INSERT ON requests BEGIN
    INSERT INTO requests_fts(rowid, path, query, request_body, response_body, errmsg)
    VALUES (new.id, new.path, new.query, new.request_body, new.response_body, new.errmsg);
END;

CREATE TRIGGER requests_ad AFTER DELETE ON requests BEGIN
    INSERT INTO requests_fts(requests_fts, rowid, path, query, request_body, response_body, errmsg)
    VALUES ('delete', old.id, old.path, old.query, old.request_body, old.response_body, old.errmsg);
END;

CREATE TRIGGER requests_au AFTER UPDATE ON requests BEGIN
    INSERT INTO requests_fts(requests_fts, rowid, path, query, request_body, response_body, errmsg)
    VALUES ('delete', old.id, old.path, old.query, old.request_body, old.response_body, old.errmsg);
    INSERT INTO requests_fts(rowid, path, query, request_body, response_body, errmsg)
    VALUES (new.id, new.path, new.query, new.request_body, new.response_body, new.errmsg);
END;
