"""Compiled templates kept once per process, for every app the process builds.

Jinja compiles a template per environment, and each Flask app has its own. A process that
builds more than one app (the test suite builds one per test, bench/national.py one per
municipality set) would compile every template again for each; with this cache the second app
loads the compiled code instead. Jinja checks the source's checksum on every load, so an
edited template is compiled again; the key holds the template's file name, so two folders'
templates of the same name never meet.
"""

import threading

from jinja2 import BytecodeCache


class ProcessBytecodeCache(BytecodeCache):
    def __init__(self):
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket) -> None:
        with self._lock:
            code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        code = bucket.bytecode_to_string()
        with self._lock:
            self._code[bucket.key] = code

    def clear(self) -> None:
        with self._lock:
            self._code.clear()


TEMPLATE_CODE = ProcessBytecodeCache()
