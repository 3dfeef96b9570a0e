"""TAP for the test scripts written in Python (meson reads their stdout).

    tap = Tap("name"); tap.check(ok, "what", detail); ...; sys.exit(tap.done())

A failed check is a "not ok" line on stdout and, on stderr (all that
meson --print-errorlogs shows of a TAP test), "name: failed: what" with the
last lines of its detail, so that a CI log says what broke.
"""
import sys

DETAIL_LINES = 40


class Tap:
    def __init__(self, name):
        self.name = name
        self.n = 0
        self.failed = 0

    def check(self, ok, what, detail=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, what))
        if not ok:
            self.failed += 1
            sys.stderr.write("%s: failed: %s\n" % (self.name, what))
            if detail:
                lines = detail.splitlines()[-DETAIL_LINES:]
                sys.stderr.write("".join("  | %s\n" % l for l in lines))
        sys.stdout.flush()
        return ok

    def skip(self, what, why):
        """A check that cannot run here: counted, and said why."""
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, what, why))
        sys.stdout.flush()

    def done(self):
        """Print the plan; the exit status for the script."""
        print("1..%d" % self.n)
        return 1 if self.failed else 0
