"""How the benches that start servers run: the tools they need checked first, and Ctrl-C or
SIGTERM ending the run through its own `finally`, which stops every server it started."""

import shutil
import signal
import sys


def run_with_servers(run, options, tools=()) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed; the benchmark needs {' and '.join(tools)}")
    # SIGINT explicitly too: a shell's background job inherits it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        run(options)
    except KeyboardInterrupt:
        sys.exit("interrupted; every server this run started has been stopped")
