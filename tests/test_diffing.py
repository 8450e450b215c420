"""diff_versions: what changed between two files, with its quick way for files under
the same header (rows split alike are not compared field by field)."""
import pytest

from timeline.data.synth import synthetic_csv
from timeline.editor.diffing import diff_rows, diff_versions, file_records, records_by_key

HEADER = b"id,start,title,category\n"
BASE = HEADER + b"a,2020-01-01,First,x\nb,2020-02-01,Second,x\n,2020,Untitled era,\n"


def diffed_slowly(old: bytes, new: bytes):
    """Every row made into a record and compared: what the quick way must agree with."""
    (old_columns, before), (new_columns, after) = file_records(old), file_records(new)
    return diff_rows(records_by_key(before, "id" in old_columns),
                     records_by_key(after, "id" in new_columns), old_columns, new_columns)


CASES = {
    "a field changed": BASE.replace(b"First", b"Premier"),
    "a row added": BASE + b"c,2021-01-01,Third,x\n",
    "a row removed": BASE.replace(b"b,2020-02-01,Second,x\n", b""),
    "rows swapped": HEADER + b"b,2020-02-01,Second,x\na,2020-01-01,First,x\n,2020,Untitled era,\n",
    "spaces only": BASE.replace(b"a,2020-01-01,First", b"a, 2020-01-01 ,First"),
    "an id changed": BASE.replace(b"a,2020", b"a2,2020"),
    "a duplicate id": BASE + b"a,2022-01-01,Again,x\n",
    "a blank line": BASE.replace(b"\nb,", b"\n,,,\nb,"),
    "a ragged row": BASE.replace(b"Second,x\n", b"Second,x,extra\n"),
    "a column added": BASE.replace(b"category\n", b"category,notes\n"),
    "columns reordered": b"start,id,title,category\n2020-01-01,a,First,x\n2020-02-01,b,Second,x\n",
    "no ids": b"start,title\n2020,A\n2021,B\n",
    "not a CSV": b"",
}


@pytest.mark.parametrize("name", CASES)
def test_the_quick_way_agrees_with_comparing_every_row(name):
    new = CASES[name]
    assert diff_versions(BASE, new) == diffed_slowly(BASE, new)
    assert diff_versions(new, BASE) == diffed_slowly(new, BASE)


def test_rows_split_alike_are_the_same_and_others_are_compared():
    diff = diff_versions(BASE, CASES["a field changed"])
    assert [(c.key, [(f.column, f.old, f.new) for f in c.fields]) for c in diff.changed] == \
        [("a", [("title", "First", "Premier")])]
    assert diff_versions(BASE, CASES["spaces only"]).empty  # read alike, written apart
    assert diff_versions(BASE, BASE).empty


def test_a_big_file_with_a_few_rows_changed():
    old = synthetic_csv(2000, seed=5)
    lines = old.split(b"\n")
    for number in (40, 1500):
        fields = lines[number].split(b",")
        fields[2] = b"2001-01-01" if fields[2] != b"2001-01-01" else b"2002-02-02"
        lines[number] = b",".join(fields)
    new = b"\n".join(lines) + b"x,2020,Added,council\n"
    assert diff_versions(old, new) == diffed_slowly(old, new)
    assert len(diff_versions(old, new).changed) == 2
