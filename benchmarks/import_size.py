"""GIFT import time by file size: parsing must grow linearly, and files over the limit are refused.

Prints, for 64 KB, 256 KB, 1 MB and 4 MB of GIFT, the time `import_gift` takes on
- brace-less text: titled lines with no answer block and no blank line (the input that made the
  old regular expression quadratic: 64 KB took 12 s, 256 KB 213 s), and
- normal GIFT: multiple-choice questions separated by blank lines,
with the throughput and the time per KB relative to the smallest size (about 1.0 when linear).
The import limit (`certprep.interop.importing.MAX_BYTES`) is printed too: larger files are refused
before parsing.

    .venv/bin/python benchmarks/import_size.py [--repeat R]
"""

from __future__ import annotations

import argparse
import time

from certprep.interop.gift import import_gift
from certprep.interop.importing import MAX_BYTES, MAX_TEXT

SIZES = [("64 KB", 64 * 1024), ("256 KB", 256 * 1024), ("1 MB", 1024 * 1024), ("4 MB", 4 * 1024 * 1024)]


def brace_less(size: int) -> str:
    line = "::Note {n}:: a teacher's notes pasted into the file, with no answers at all\n"
    return fill(size, line)


def normal(size: int) -> str:
    question = ("::Question {n}::Which of these is the capital of country number {n}? {{\n"
                "  =The right city#Yes.\n  ~A wrong city#No.\n  ~Another wrong city#No.\n}}\n\n")
    return fill(size, question)


def fill(size: int, template: str) -> str:
    parts, total, n = [], 0, 0
    while total < size:
        n += 1
        part = template.format(n=n)
        parts.append(part)
        total += len(part.encode())
    return "".join(parts)


def best_of(repeat: int, text: str) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        import_gift(text, "bench.gift")
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"import limit: {MAX_TEXT} ({MAX_BYTES:,} bytes), checked before parsing")
    print(f"{'kind':<11} {'size':>7} {'seconds':>9} {'MB/s':>7} {'s/KB vs 64 KB':>14}")
    for kind, make in (("brace-less", brace_less), ("normal", normal)):
        first = None
        for label, size in SIZES:
            text = make(size)
            seconds = best_of(args.repeat, text)
            per_kb = seconds / (len(text) / 1024)
            first = first or per_kb
            print(f"{kind:<11} {label:>7} {seconds:>9.3f} {len(text) / seconds / 1e6:>7.2f} {per_kb / first:>14.2f}")


if __name__ == "__main__":
    main()
