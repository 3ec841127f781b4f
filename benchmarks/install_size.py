"""What `make run` costs a new user: time to the first page and the size of the venv it builds.

Clones REF of this repository into a scratch folder, runs `make run` there with an empty pip
cache (a fresh PIP_CACHE_DIR), times it until http://127.0.0.1:PORT/ answers 200, stops it, and
prints the size of `.venv`, its largest packages, and which test-only packages it holds (issue 21:
none). It uses only the standard library, so any python3 runs it:

    python3 benchmarks/install_size.py [--ref main] [--port 8765] [--keep]

A Makefile without `ARGS` (before issue 21) always serves on port 8000: the benchmark then
polls 8000. Network, disk and the machine's load decide the time: say what machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_ONLY = ("torch", "playwright", "anki", "pytest", "httpx2", "psycopg", "build", "catsim")


def disk_usage(path: Path) -> int:
    """Bytes on disk, as `du -s` counts them (hard links once)."""
    seen, total = set(), 0
    for folder, _, files in os.walk(path):
        for name in (folder, *(os.path.join(folder, f) for f in files)):
            st = os.lstat(name)
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return total


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="commit or branch of this repository to clone (default HEAD)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the first page")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="certprep-install-"))
    clone = scratch / "certprep"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", args.ref], check=True)
    commit = subprocess.run(["git", "-C", str(clone), "log", "-1", "--format=%h %s"],
                            capture_output=True, text=True, check=True).stdout.strip()
    port = args.port if "ARGS" in (clone / "Makefile").read_text() else 8000
    url = f"http://127.0.0.1:{port}/"
    if answers(url):
        sys.exit(f"something already answers on {url}; choose another --port")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_NO_CACHE", "VIRTUAL_ENV", "CERTPREP_"))}
    env.update(PIP_CACHE_DIR=str(scratch / "pip-cache"), CERTPREP_DATABASE_URL=f"sqlite:///{scratch}/bench.db")
    log = (scratch / "make-run.log").open("w")
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(["make", "run", f"ARGS=--port {port}"], cwd=clone, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        while not answers(url):
            if proc.poll() is not None:
                sys.exit(f"make run exited ({proc.returncode}) before serving; see {scratch}/make-run.log")
            if time.perf_counter() - start > args.timeout:
                sys.exit(f"no page after {args.timeout:.0f} s; see {scratch}/make-run.log")
            time.sleep(0.25)
        elapsed = time.perf_counter() - start
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)

    venv = clone / ".venv"
    site = next(venv.glob("lib/python*/site-packages"))
    sizes = sorted(((disk_usage(p), p.name) for p in site.iterdir() if p.is_dir() and not p.name.endswith("-info")),
                   reverse=True)
    dists = {p.name.split("-")[0].lower() for p in site.glob("*.dist-info")}
    print(f"ref:                      {args.ref} ({commit})")
    print(f"machine:                  {os.cpu_count()} cores, load average {load_before:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end")
    print(f"make run to first page:   {elapsed:.1f} s (empty pip cache)")
    print(f"run-time venv (.venv):    {disk_usage(venv) / 2**20:.0f} MiB, {len(dists)} distributions")
    print("largest packages:         " + ", ".join(f"{n} {s / 2**20:.0f}" for s, n in sizes[:8]) + " (MiB)")
    print(f"test-only packages in it: {', '.join(sorted(d for d in dists if d in TEST_ONLY)) or 'none'}")
    if args.keep:
        print(f"kept: {scratch}")
    else:
        subprocess.run(["rm", "-rf", str(scratch)], check=True)


if __name__ == "__main__":
    main()
