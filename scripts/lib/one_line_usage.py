"""argparse for the Python scripts, with usage errors on one line.

A Unix command that is given an argument it does not accept says so in one line and exits
non-zero; argparse prints its usage (wrapped over several lines) and then the error. This parser
prints "PROG: error: MESSAGE; usage: ..." with the usage joined into that one line, and exits 2.
"""

import argparse
import sys


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        usage = " ".join(self.format_usage().split())
        print(f"{self.prog}: error: {message}; {usage}", file=sys.stderr)
        sys.exit(2)
