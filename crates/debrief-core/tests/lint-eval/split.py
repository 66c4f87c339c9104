#!/usr/bin/env python3
"""Splits the labelled sentences once into a development part (70%) and a test
part (30%), per class, with a fixed seed.

Input: a folder with one file per class, CLASS.txt, one sentence a line (a
literal \\n in a sentence stands for a line break). Output: dev.tsv and
test.tsv beside this script, each line CLASS<TAB>SENTENCE.

This ran once, when the sentences were written and before any rule was tuned
on them; the rules are tuned on dev.tsv only. Running it again on the same
input gives the same split.

Usage: split.py SOURCE_DIR
"""
import os
import random
import sys

SEED = 20150015
TEST_SHARE = 0.30
HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    src = sys.argv[1]
    dev, test = [], []
    for name in sorted(os.listdir(src)):
        if not name.endswith(".txt"):
            continue
        cls = name[:-4]
        lines = [l.rstrip("\n") for l in open(os.path.join(src, name), encoding="utf-8")]
        lines = [l for l in lines if l.strip()]
        order = list(range(len(lines)))
        random.Random(f"{SEED}:{cls}").shuffle(order)
        k = round(len(lines) * TEST_SHARE)
        held = set(order[:k])
        for i, l in enumerate(lines):
            (test if i in held else dev).append(f"{cls}\t{l}")
    header = (
        "# {part} part of the blameless-language evaluation set (see split.py and docs/lint.md).\n"
        "# CLASS<TAB>SENTENCE; a literal \\n is a line break. Classes that start with ok- are\n"
        "# blameless text (no warning expected); the others are blameful (a warning expected).\n"
    )
    for part, rows in (("dev", dev), ("test", test)):
        with open(os.path.join(HERE, f"{part}.tsv"), "w", encoding="utf-8") as f:
            f.write(header.format(part="The development" if part == "dev" else "The test"))
            f.write("\n".join(rows) + "\n")
        print(f"{part}.tsv: {len(rows)} sentences")


if __name__ == "__main__":
    main()
