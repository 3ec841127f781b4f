"""Bank loading speed: 10,000 synthetic items of every type, parsed and validated.

Prints items per second for parsing the YAML alone and for the full load (parse + validate),
the ratio between them, and how long `certprep --help` takes. Goals (issue 2): the whole bank
in under 2 s; validation adds at most half again to parsing (ratio <= 1.5); --help < 0.3 s.

    .venv/bin/python benchmarks/bank_load.py [--items N] [--repeat R]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from certprep.bank.loader import item_files, load_bank, load_exams, parse_yaml
from certprep.bank.synthetic import synthetic_items


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    bp = load_exams()["ai-102"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for item in synthetic_items(args.items, bp, seed=1):
            (folder / f"{item['id']}.yaml").write_text(yaml.safe_dump(item, sort_keys=False))
        files = item_files(folder)
        size = sum(f.stat().st_size for f in files)

        def parse_only() -> None:  # the parser the loader uses, on the same files, GC paused as it does
            gc.disable()
            try:
                for f in files:
                    parse_yaml(f.read_text(encoding="utf-8"))
            finally:
                gc.enable()

        def parse_pyyaml() -> None:  # for comparison: libyaml through PyYAML
            for f in files:
                yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        def full_load() -> None:
            bank = load_bank(folder)
            assert len(bank.items) == args.items and not bank.problems, bank.problems[:3]

        parse = best_of(args.repeat, parse_only)
        pyyaml = best_of(args.repeat, parse_pyyaml)
        load = best_of(args.repeat, full_load)

    helps = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "certprep", "--help"], check=True, capture_output=True)
        helps.append(time.perf_counter() - start)

    print(f"items: {args.items} ({size / 1e6:.1f} MB of YAML, every type), best of {args.repeat}")
    print(f"parse YAML (PyYAML C):{pyyaml:6.2f} s  {args.items / pyyaml:8.0f} items/s   (for comparison)")
    print(f"parse YAML only:      {parse:6.2f} s  {args.items / parse:8.0f} items/s   (yaml_rs, what the loader uses)")
    print(f"load (parse+validate):{load:6.2f} s  {args.items / load:8.0f} items/s   goal < 2 s")
    print(f"load / parse ratio:   {load / parse:6.2f}            goal <= 1.5 (yaml_rs parse as the base)")
    print(f"load / PyYAML parse:  {load / pyyaml:6.2f}            (the whole load against parsing alone with PyYAML)")
    print(f"certprep --help:      {statistics.median(helps):6.2f} s (median of 5)   goal < 0.3 s")


if __name__ == "__main__":
    main()
