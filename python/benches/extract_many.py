"""Whole-process benchmark of `Pipeline.extract_many`, to time against `verbatim extract`.

    python python/benches/extract_many.py PATH JOBS

reads PATH with `verbatim.read` (as the CLI reads it), analyses every article on JOBS threads
and prints the number of records and attributions (the CLI's counts for the same input), so a
run that measured nothing shows. BENCHMARKS.md has the commands and the figures.
"""

import sys

import verbatim


def main():
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        sys.exit("usage: extract_many.py PATH JOBS  (JOBS: 0 for all cores)")
    path, jobs = sys.argv[1], int(sys.argv[2])
    n_records = n_attributions = 0
    for record in verbatim.Pipeline().extract_many(verbatim.read(path), jobs=jobs):
        n_records += 1
        n_attributions += len(record["attributions"])
    if n_records == 0:
        sys.exit(f"{path}: no articles")
    print(f"{n_records} records, {n_attributions} attributions")


if __name__ == "__main__":
    main()
