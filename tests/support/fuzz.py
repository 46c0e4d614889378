"""How many examples the Hypothesis fuzzers try.

The suite's counts are sized so that `make test` stays quick and every fuzzer still reaches each
outcome it asserts; the examples are derandomized, so each run tries the same ones. `make fuzz`
sets FUZZ_DEPTH (10 there) to multiply every count, for a deeper run before a release.
"""

import os

DEPTH = max(int(os.environ.get("FUZZ_DEPTH") or 1), 1)


def examples(count: int) -> int:
    """`count` examples in the suite, DEPTH times as many in a deep run."""
    return count * DEPTH
