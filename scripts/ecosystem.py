#!/usr/bin/env python3
"""The ecosystem check: real applications as the judge of every rule.

Fetches the packages pinned in tests/ecosystem/pins.txt from PyPI (wheels, `.py` files only;
the sdist where a package has no wheel) into .cache/ecosystem, with the Django/DRF/Wagtail
corpus from scripts/fetch-corpus.sh (.cache/corpus), runs the release CLI over each package
as its own project, and compares every hit with tests/ecosystem/triage.tsv, where each hit is
read and judged (true, false or debatable, with a reason). Prints per rule: hits, hits per
million lines, and the verdicts.

Fails (exit 1) on a hit that is not in the triage (new: read it and judge it) and on a triaged
hit that is gone (say why in the commit, then delete its line).

    python3 scripts/ecosystem.py          # the check (npm run ecosystem, npm test)
    python3 scripts/ecosystem.py --list   # every hit with its verdict, as text
    python3 scripts/ecosystem.py --sort   # rewrite the triage sorted (after a merge)
"""

import collections
import concurrent.futures
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT / "tests/ecosystem/pins.txt"
TRIAGE = ROOT / "tests/ecosystem/triage.tsv"
CACHE = ROOT / ".cache/ecosystem"
BIN = ROOT / "target/release/wagcheck"
CORPUS = ("django", "djangorestframework", "wagtail")  # fetched by scripts/fetch-corpus.sh
HEADER = ["package", "path", "line", "rule", "verdict", "reason"]
VERDICTS = ("true", "false", "debatable")


def fail(message):
    print(f"ecosystem: {message}", file=sys.stderr)
    sys.exit(2)


def read_pins():
    pins = []
    for number, line in enumerate(PINS.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        if not sep or not name or not version:
            fail(f"{PINS.relative_to(ROOT)}:{number}: expected `name==version`, got {line!r}")
        pins.append((name.strip(), version.strip()))
    return pins


def top_level(names):
    """The top-level files and folders of a distribution's `.py` files (no metadata)."""
    tops = set()
    for name in names:
        first = name.split("/", 1)[0]
        if name.endswith(".py") and not first.endswith((".dist-info", ".data", ".egg-info")):
            tops.add(first)
    return sorted(tops)


def pip_download(spec, dest, binary):
    """`pip download --no-deps`; wheels only, or (binary=False) the sdist."""
    only = ["--only-binary", ":all:"] if binary else ["--no-binary", ":all:"]
    run = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *only, "-d", str(dest),
         spec],
        capture_output=True, text=True,
    )
    return run.returncode == 0, run.stderr.strip()


def unpack(archive, dest):
    """Keeps the `.py` files of a wheel (zip) or an sdist (tar.gz or zip, one top folder)."""
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as z:
            data = {m: z.read(m) for m in z.namelist() if m.endswith(".py")}
    else:
        with tarfile.open(archive) as t:
            data = {m.name: t.extractfile(m).read() for m in t.getmembers()
                    if m.isfile() and m.name.endswith(".py")}
    sdist = archive.suffix != ".whl"
    dest.mkdir(parents=True)
    for name, content in data.items():
        rel = name.split("/", 1)[1] if sdist and "/" in name else name
        if sdist and rel.startswith(("tests/", "docs/")):
            continue  # an sdist's test suite and docs are not the package
        if ".." in Path(rel).parts or rel.startswith("/"):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def fetch_one(name, version):
    spec = f"{name}=={version}"
    dest = CACHE / "src" / name
    stamp = dest / ".pin"
    if stamp.is_file() and stamp.read_text().strip() == spec:
        return
    download = CACHE / "download" / spec
    subprocess.run(["rm", "-rf", str(dest)], check=True)
    if not download.is_dir() or len(list(download.iterdir())) != 1:
        subprocess.run(["rm", "-rf", str(download)], check=True)
        print(f"ecosystem: fetching {spec}", file=sys.stderr)
        ok, err = pip_download(spec, download, binary=True)
        if not ok:
            ok, err = pip_download(spec, download, binary=False)
        if not ok:
            fail(f"could not download {spec} from PyPI:\n{err}")
    archives = sorted(download.iterdir())
    if len(archives) != 1:
        fail(f"expected one file for {spec} in {download}, found {[a.name for a in archives]}")
    unpack(archives[0], dest)
    stamp.write_text(spec + "\n")


def fetch(pins):
    """Each ecosystem package in .cache/ecosystem/src/NAME, skipped when its pin is there."""
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        jobs = [pool.submit(fetch_one, n, v) for n, v in pins if n not in CORPUS]
        for job in jobs:
            job.result()


def projects(pins):
    """(package, directory, top-level entries to check) for every pinned package."""
    corpus = Path(subprocess.run(["bash", str(ROOT / "scripts/fetch-corpus.sh")],
                                 check=True, capture_output=True, text=True).stdout.strip())
    wheels = {w.name.split("-")[0].lower(): w for w in (corpus.parent / "wheels").glob("*.whl")}
    out = []
    for name, _ in pins:
        if name in CORPUS:
            wheel = wheels.get(name.lower())
            if wheel is None:
                fail(f"{name} is missing from {corpus.parent / 'wheels'}")
            with zipfile.ZipFile(wheel) as z:
                out.append((name, corpus, top_level(z.namelist())))
        else:
            src = CACHE / "src" / name
            out.append((name, src, sorted(p.name for p in src.iterdir() if p.name != ".pin")))
    return out


def count_lines(directory, entries):
    files = lines = 0
    for entry in entries:
        path = directory / entry
        paths = [path] if path.is_file() else path.rglob("*.py")
        for p in paths:
            files += 1
            with open(p, "rb") as f:
                lines += f.read().count(b"\n")
    return files, lines


def run_cli(directory, entries):
    run = subprocess.run([str(BIN), "check", *entries, "--no-config", "--format", "json"],
                         cwd=directory, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        fail(f"wagcheck failed in {directory} (exit {run.returncode}):\n{run.stderr}")
    return json.loads(run.stdout)


def read_triage():
    """{(package, path, line, rule): (verdict, reason)} and the problems with the file."""
    rows, problems = {}, []
    lines = TRIAGE.read_text().splitlines() if TRIAGE.exists() else ["\t".join(HEADER)]
    if lines[:1] != ["\t".join(HEADER)]:
        problems.append(f"first line must be the header: {chr(9).join(HEADER)}")
    keys = []
    for number, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        where = f"{TRIAGE.relative_to(ROOT)}:{number}"
        if len(cells) != 6 or not cells[2].isdigit():
            problems.append(f"{where}: expected 6 tab-separated cells: {line!r}")
            continue
        package, path, number_, rule, verdict, reason = cells
        key = (package, path, int(number_), rule)
        if verdict not in VERDICTS:
            problems.append(f"{where}: verdict must be one of {', '.join(VERDICTS)}: {verdict!r}")
        if not reason.strip():
            problems.append(f"{where}: give a one-sentence reason")
        if key in rows and rows[key] != (verdict, reason):
            problems.append(f"{where}: {key} is judged twice, differently (a merge?): keep one")
        rows[key] = (verdict, reason)
        keys.append(key)
    if keys != sorted(set(keys)):
        problems.append("the triage is not sorted or has duplicate lines: "
                        "run `python3 scripts/ecosystem.py --sort`")
    return rows, problems


def write_sorted():
    rows, problems = read_triage()
    if any("judged twice" in p or "expected 6" in p for p in problems):
        fail("cannot sort:\n  " + "\n  ".join(problems))
    body = [f"{p}\t{path}\t{line}\t{rule}\t{v}\t{r}" for (p, path, line, rule), (v, r) in sorted(rows.items())]
    TRIAGE.write_text("\n".join(["\t".join(HEADER), *body]) + "\n")
    print(f"ecosystem: {len(body)} lines sorted in {TRIAGE.relative_to(ROOT)}")


def main():
    args = sys.argv[1:]
    if args == ["--sort"]:
        return write_sorted()
    if args not in ([], ["--list"]):
        fail("usage: scripts/ecosystem.py [--list | --sort]")
    pins = read_pins()
    fetch(pins)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "wagcheck",
                    "--manifest-path", str(ROOT / "Cargo.toml")], check=True)
    triage, problems = read_triage()

    hits = {}  # key -> diagnostic
    per_package = {}
    total_files = total_lines = 0
    for name, directory, entries in projects(pins):
        files, lines = count_lines(directory, entries)
        report = run_cli(directory, entries)
        total_files += files
        total_lines += lines
        found = set()
        for d in report["diagnostics"]:
            key = (name, d["path"], d["start"]["line"], d["rule"])
            hits[key] = d
            found.add(key)
        per_package[name] = found
        for e in report.get("errors", []):
            problems.append(f"{name}: file not checked: {e}")

    new = sorted(set(hits) - set(triage))
    gone = sorted(set(triage) - set(hits))

    if "--list" in args:
        for key in sorted(hits):
            d = hits[key]
            verdict = triage.get(key, ("UNTRIAGED", ""))[0]
            print(f"{key[0]}/{key[1]}:{key[2]}: {key[3]} [{verdict}] {d['message']}")

    rules = sorted({k[3] for k in hits} | {k[3] for k in triage})
    print(f"ecosystem: {len(pins)} packages, {total_files:,} files, {total_lines:,} lines, "
          f"{len(hits)} hits")
    print(f"{'rule':<9} {'hits':>5} {'per M lines':>11} {'true':>5} {'false':>5} {'debatable':>9} {'new':>4}")
    for rule in rules:
        keys = [k for k in hits if k[3] == rule]
        verdicts = collections.Counter(triage[k][0] for k in keys if k in triage)
        untriaged = sum(1 for k in keys if k not in triage)
        print(f"{rule:<9} {len(keys):>5} {len(keys) / total_lines * 1e6:>11.1f} "
              f"{verdicts['true']:>5} {verdicts['false']:>5} {verdicts['debatable']:>9} {untriaged:>4}")
    verdicts = collections.Counter(triage[k][0] for k in hits if k in triage)
    print(f"{'all':<9} {len(hits):>5} {len(hits) / total_lines * 1e6:>11.1f} "
          f"{verdicts['true']:>5} {verdicts['false']:>5} {verdicts['debatable']:>9} {len(new):>4}")

    if new:
        print(f"\nnew: {len(new)} hits not in {TRIAGE.relative_to(ROOT)}: read each one and add its "
              "line (verdict true|false|debatable, one-sentence reason):")
        for key in new:
            print(f"{key[0]}\t{key[1]}\t{key[2]}\t{key[3]}\t?\t{hits[key]['message']}")
    if gone:
        print(f"\ngone: {len(gone)} triaged hits no longer reported: say why in the commit, "
              f"and delete their lines from {TRIAGE.relative_to(ROOT)}:")
        for key in gone:
            verdict, reason = triage[key]
            print(f"{key[0]}\t{key[1]}\t{key[2]}\t{key[3]}\t{verdict}\t{reason}")
    # One check per package (its hits are exactly its triaged lines), one for the file itself.
    packages = {name for name, _ in pins}
    failed = sorted({k[0] for k in new} | {k[0] for k in gone if k[0] in packages})
    unknown = sorted({k[0] for k in gone} - packages)
    if unknown:
        problems.append(f"triage names packages that are not pinned: {', '.join(unknown)}")
    for p in problems:
        print(f"problem: {p}")
    checks = len(pins) + 1
    failures = len(failed) + (1 if problems else 0)
    print(f"\necosystem: {checks - failures} passed, {failures} failed")
    if failures:
        print(f"ecosystem: FAILED ({', '.join(failed + (['triage file'] if problems else []))})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
