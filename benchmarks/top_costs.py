"""Fold py-spy's raw (collapsed) samples into inclusive shares per function: the top costs.

    .venv/bin/py-spy record --format raw -o cost.raw -- .venv/bin/python benchmarks/request_cost.py
    .venv/bin/python benchmarks/top_costs.py cost.raw [--under 'answer (certprep/web/routes.py'] [--match certprep]

--under keeps only the samples inside a function (the answer handler, say) and gives shares of
that function's time; --match keeps the rows whose function matches a regular expression.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw")
    parser.add_argument("--under", default=None, help="a frame, as py-spy names it, without the line number")
    parser.add_argument("--match", default=None, help="regular expression over function names")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    inclusive, total = Counter(), 0
    for line in open(args.raw):
        stack, _, n = line.rstrip().rpartition(" ")
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
        if args.under:
            if args.under not in frames:
                continue
            frames = frames[frames.index(args.under):]
        total += int(n)
        for name in set(frames):
            inclusive[name] += int(n)
    print(f"{total} samples" + (f" in {args.under}" if args.under else ""))
    shown = 0
    for name, n in inclusive.most_common():
        if args.match is None or re.search(args.match, name):
            print(f"{100 * n / total:5.1f}%  {name}")
            shown += 1
            if shown >= args.top:
                break


if __name__ == "__main__":
    main()
