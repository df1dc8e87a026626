"""SQLite WAL checkpoints in a thread of their own, not in the commits of the event loop.

In WAL mode SQLite copies the log back into the database file (a *checkpoint*) from inside
the commit that makes the log pass ``wal_autocheckpoint`` pages (1,000 by default). The
runtime's short transactions commit in the event loop, so that commit, and every update
waiting behind it, pays for the copy. Measured here with plain ``sqlite3``, 4,000 commits
of three 600-byte rows, two runs each: with the default, commit p99 3.5 ms, p99.9 15–90 ms,
53–64 commits over 3 ms; with a thread copying the log every 100 ms and the commits' own
threshold raised to 4,000 pages, p99 0.29–0.32 ms, p99.9 9.5–13.6 ms, 16–18 commits over
3 ms, the log file at most 17 MB. ``benchmarks/sqlite_commits.py`` measures the runtime's own
transactions both ways (two runs of 8,000 each: p99 2.5–3.8 ms against 6.5–7.1 ms, the worst
37–69 ms against 77–349 ms).

The thread's checkpoints are ``PASSIVE``: they copy what they can without waiting for a lock
and never block a writer (the module releases the GIL while SQLite works). When the writers
never pause long enough for the log to start over, it reaches the raised threshold and the
commits finish the copy themselves (most of it is done by then). The log file can then grow
past the threshold's 16 MB; SQLite reuses it from the start once it has started over.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger("cmbot.storage")

#: The commits' own checkpoint threshold (pages of the log) when the thread runs.
FALLBACK_PAGES = 4000
#: The shortest time between two of the thread's checkpoints, in seconds.
PAUSE = 0.05


class WalCheckpointer:
    """Checkpoints the SQLite file at ``path`` in a daemon thread after commits.

    :meth:`committed` (cheap, from any thread) says there is something to copy; the thread
    starts on the first one. :meth:`stop` ends it (it can start again afterwards).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.checkpoints = 0  # done so far (for tests and diagnostics)
        self._wanted = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def committed(self) -> None:
        self._wanted.set()
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._stopping.clear()
                    self._thread = threading.Thread(
                        target=self._run, name="cmbot-sqlite-checkpoints", daemon=True
                    )
                    self._thread.start()

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping.set()
            self._wanted.set()
            thread.join()

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            log.warning("no checkpoint thread for %s (commits checkpoint): %s", self.path, exc)
            return
        try:
            while True:
                self._wanted.wait()
                if self._stopping.is_set():
                    return
                self._wanted.clear()
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                except sqlite3.Error as exc:  # busy or gone: the commits' threshold still holds
                    log.debug("checkpoint of %s skipped: %s", self.path, exc)
                if self._stopping.wait(PAUSE):
                    return
        finally:
            connection.close()
