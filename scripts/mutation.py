"""`make mutation`: mutmut 3 over the services, with their @transaction.atomic functions mutated too.

mutmut 3 leaves every decorated function alone (a decorator may register a route or be a property), and every
service here is ``@transaction.atomic``: unpatched, the guard clauses would never be mutated. ``transaction.atomic``
only wraps the call, so for functions whose sole decorators are ``atomic`` the skip is lifted; the decorator itself
is still never mutated. Then the usual ``mutmut run`` and a one-line survival rate.

    python scripts/mutation.py --max-children 1   # run (results cached in ./mutants; `rm -rf mutants` to start afresh)
    python scripts/mutation.py --summary  # only print the survival rate of the last run
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import libcst as cst
from mutmut.mutation import file_mutation


def _is_atomic(decorator: cst.Decorator) -> bool:
    d = decorator.decorator
    if isinstance(d, cst.Call):
        d = d.func
    return (isinstance(d, cst.Attribute) and d.attr.value == "atomic") or (
        isinstance(d, cst.Name) and d.value == "atomic"
    )


_skip = file_mutation.MutationVisitor._skip_node_and_children


def _skip_unless_only_atomic(self, node: cst.CSTNode) -> bool:
    if isinstance(node, cst.FunctionDef) and node.decorators and all(_is_atomic(d) for d in node.decorators):
        decorators = node.decorators
        object.__setattr__(node, "decorators", ())  # judge it as undecorated; the node keeps its identity
        try:
            return _skip(self, node)
        finally:
            object.__setattr__(node, "decorators", decorators)
    return _skip(self, node)


file_mutation.MutationVisitor._skip_node_and_children = _skip_unless_only_atomic


def summary() -> int:
    subprocess.run([sys.executable, "-m", "mutmut", "export-cicd-stats"], check=True, stdout=subprocess.DEVNULL)
    stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
    survived = stats["survived"] + stats["no_tests"]
    checked = survived + stats["killed"] + stats["timeout"] + stats["suspicious"] + stats["segfault"]
    print(
        f"mutants: {stats['total']}  checked: {checked}  killed: {stats['killed']}  survived: {stats['survived']}  "
        f"no tests: {stats['no_tests']}  timeout: {stats['timeout']}  suspicious: {stats['suspicious']}"
    )
    if not checked:
        print("no mutant was checked: see mutmut's output above (the unmutated tests must pass first)")
        return 1
    print(f"survival rate: {100 * survived / checked:.1f}% ({survived}/{checked}; survived + no tests)")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--summary"]:
        sys.exit(summary())
    from mutmut.__main__ import cli

    # tests/settings_mutation.py keeps the test database in a file named after ./mutants: start it afresh
    key = hashlib.sha256(str(Path("mutants").resolve()).encode()).hexdigest()[:12]
    for suffix in ("", "-wal", "-shm"):
        Path(tempfile.gettempdir(), f"citybridge-mutation-{key}.sqlite3{suffix}").unlink(missing_ok=True)
    try:
        cli(["run", *sys.argv[1:]], standalone_mode=False)
    finally:
        sys.exit(summary())
