"""Prints collected/passed/failed/skipped per test file from pytest junit XML files:
python summary.py run.xml [other.xml ...]; with two, also the tests passing in the first and not
the second. `a.xml+b.xml` counts two partial runs as one (a later file's outcome wins)."""
import collections
import sys
import xml.etree.ElementTree as ET


def outcomes(path):
    out = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        kind = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                kind = "failed"
            elif child.tag == "skipped":
                kind = "skipped"
        out[name] = kind
    return out


def merged(arg):
    out = {}
    for part in arg.split("+"):
        out.update(outcomes(part))
    return out


runs = [(p, merged(p)) for p in sys.argv[1:]]
for path, res in runs:
    per = collections.defaultdict(collections.Counter)
    for name, kind in res.items():
        per[name.split("::")[0].rsplit(".", 1)[-1]][kind] += 1
    print(path)
    print(f"  {'file':<24} collected passed failed skipped")
    for f, c in sorted(per.items()):
        print(f"  {f:<24} {sum(c.values()):>9} {c['passed']:>6} {c['failed']:>6} {c['skipped']:>7}")
    tot = collections.Counter(res.values())
    print(f"  {'total':<24} {len(res):>9} {tot['passed']:>6} {tot['failed']:>6} {tot['skipped']:>7}")
if len(runs) == 2:
    (_, a), (_, b) = runs
    lost = sorted(n for n, k in a.items() if k == "passed" and b.get(n) != "passed")
    print(f"passing in {runs[0][0]} but not in {runs[1][0]}: {len(lost)}")
    for n in lost:
        print("  ", n)
