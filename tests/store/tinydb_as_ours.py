"""A pytest plugin for running TinyDB's own test suite against CrashSafeStorage:
wherever that suite uses JSONStorage, it gets ours (see test_tinydb_suite.py)."""

import tinydb
import tinydb.database
import tinydb.storages

from couplepause.store.storage import CrashSafeStorage

tinydb.storages.JSONStorage = CrashSafeStorage
tinydb.JSONStorage = CrashSafeStorage
tinydb.database.TinyDB.default_storage_class = CrashSafeStorage
