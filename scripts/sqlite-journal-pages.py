#!/usr/bin/env python3
"""What the SQLite journal's indexes cost per stored row: writes the journal's insert pattern (rows of a few hundred
bytes for USERS persistence ids, in commits of PER_COMMIT rows, WAL with synchronous=FULL and passive checkpoints
every second, as src/Persistence/Journal/SqliteJournalWriter.cs does) into a fresh file, once with the table as
AkkaChat creates it and once with the two indexes Akka.Persistence.Sql adds on `timestamp` and on `sequence_nr`
alone, and prints for each the WAL pages written and the CPU and wall time per row. Python's own per-row cost is in
both figures alike; the pages are SQLite's alone. Writes only under a temporary directory.

    scripts/sqlite-journal-pages.py [ROWS=150000] [PER_COMMIT=15] [USERS=2000] [ROUNDS=2]
"""
import os
import random
import sqlite3
import sys
import tempfile
import time

TABLE = """
CREATE TABLE event_journal (
    ordering INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, is_deleted Bit NOT NULL,
    persistence_id NVarChar(255) NOT NULL, sequence_nr INTEGER NOT NULL, payload VarBinary NOT NULL,
    manifest NVarChar(500) NULL, serializer_id INTEGER NULL);
CREATE UNIQUE INDEX event_journal_uq ON event_journal (persistence_id, sequence_nr);
"""
EXTRA_INDEXES = """
CREATE INDEX event_journal_timestamp_idx ON event_journal (timestamp);
CREATE INDEX event_journal_sequence_nr_idx ON event_journal (sequence_nr);
"""
INSERT = ("INSERT INTO event_journal (timestamp, is_deleted, persistence_id, sequence_nr, payload, manifest, serializer_id) "
          "VALUES (?, 0, ?, ?, ?, 'DirectMessageStored', 42)")


def run(directory, name, ddl, rows, per_commit, users):
    path = os.path.join(directory, f"{name}.db")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA synchronous=FULL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.executescript(ddl)
    checkpointer = sqlite3.connect(path, isolation_level=None)
    pages = 0

    def checkpoint():
        nonlocal pages
        pages += checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]  # frames in the WAL since the last reset

    sequence = [0] * users
    payload = os.urandom(230)
    pick = random.Random(1)
    cpu, wall, last = time.process_time(), time.monotonic(), time.monotonic()
    for _ in range(rows // per_commit):
        writer.execute("BEGIN IMMEDIATE")
        for _ in range(per_commit):
            user = pick.randrange(users)
            sequence[user] += 1
            writer.execute(INSERT, (int(time.time() * 1000), f"user-{100000 + user}", sequence[user], payload))
        writer.execute("COMMIT")
        if time.monotonic() - last >= 1:
            checkpoint()
            last = time.monotonic()
    checkpoint()
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    stored = rows // per_commit * per_commit
    print(f"{name:>20}: {pages:>8,} WAL pages ({pages / stored:.2f} a row), CPU {1e6 * cpu / stored:5.1f} µs a row, "
          f"wall {1e6 * wall / stored:5.1f} µs a row, file {os.path.getsize(path) / 1e6:.1f} MB")
    writer.close()
    checkpointer.close()


def main():
    rows, per_commit, users, rounds = (int(a) for a in (sys.argv[1:] + ["150000", "15", "2000", "2"][len(sys.argv) - 1:]))
    print(f"{rows:,} rows, {per_commit} a commit, {users:,} persistence ids, {rounds} rounds alternating")
    with tempfile.TemporaryDirectory(prefix="akkachat-journal-pages.") as directory:
        for round_ in range(1, rounds + 1):
            run(directory, f"with-indexes-{round_}", TABLE + EXTRA_INDEXES, rows, per_commit, users)
            run(directory, f"akkachat-{round_}", TABLE, rows, per_commit, users)


if __name__ == "__main__":
    main()
