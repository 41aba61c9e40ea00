"""Text-in/text-out snapshot tests of the front end (see tests/snapshots/README.md).

Each input under tests/snapshots/ is one function whose first line names its argument
types (`# args: int64, float64[:, ::1]`).  `ferrumba._core.typed_ir_of_source` types it:

- typed_ir/<name>.py     must compile; its typed IR is compared with <name>.ir
- diagnostics/<name>.py  must be rejected; the rendered diagnostic is compared with <name>.txt

FERRUMBA_BLESS=1 (re)writes the expected files instead of comparing.  Read the diff of
every blessed file before committing it: an expected file records what is *correct*,
not merely what the compiler does today.  Where the compiler is wrong, the expected file
is written by hand and the input is listed in KNOWN_BUGS (strict xfail, never blessed).
"""

import difflib
import os
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).parent / "snapshots"
BLESS = os.environ.get("FERRUMBA_BLESS") == "1"
KINDS = {"typed_ir": ".ir", "diagnostics": ".txt"}


# Inputs whose expected file is hand-written because the compiler's output is wrong.
# Keyed by path relative to tests/snapshots/.  Remove an entry once the bug is fixed
# (strict: an unexpected pass fails, so a fix cannot go unnoticed).
KNOWN_BUGS = {
}


def split_args(header):
    """`# args: int64, Array(float64, 2, 'C')` -> ['int64', "Array(float64, 2, 'C')"]."""
    m = re.fullmatch(r"#\s*args:(.*)", header.strip())
    if m is None:
        raise ValueError(f"the first line must be '# args: <type>, ...', not {header!r}")
    args, depth, cur = [], 0, ""
    for ch in m.group(1):
        depth += ch in "([" and 1 or ch in ")]" and -1 or 0
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        args.append(cur.strip())
    return args


def render(path):
    """(compiled?, text): the typed IR, or the rendered diagnostic, of one input."""
    from ferrumba._core import typed_ir_of_source

    source = path.read_text()
    args = split_args(source.splitlines()[0] if source else "")
    name = re.search(r"^def (\w+)", source, re.M)
    if name is None:
        raise ValueError(f"{path} has no top-level def")
    try:
        return True, typed_ir_of_source(source, name.group(1), args)
    except ValueError as e:
        return False, str(e)


def check_snapshot(path):
    path = pathlib.Path(path)
    kind = path.parent.name
    expected_path = path.with_suffix(KINDS[kind])
    rel = path.relative_to(ROOT).as_posix()
    compiled, text = render(path)
    text = text.rstrip("\n") + "\n"
    want_compiled = kind == "typed_ir"
    bless = BLESS and rel not in KNOWN_BUGS

    if compiled != want_compiled and (bless or not expected_path.exists()):
        what = "failed to compile" if want_compiled else "compiled, but diagnostics/ inputs must be rejected"
        pytest.fail(f"{rel} {what}, so it has no expected file to write:\n{text}", pytrace=False)
    if bless:
        if not expected_path.exists() or expected_path.read_text() != text:
            expected_path.write_text(text)
        return
    if not expected_path.exists():
        pytest.fail(
            f"no expected output {expected_path.relative_to(ROOT.parent.parent)} for {rel}; create it with\n"
            f"  FERRUMBA_BLESS=1 .venv/bin/python -m pytest tests/test_snapshots.py\n"
            f"then read it and check that it is correct. Actual output:\n{text}",
            pytrace=False,
        )
    expected = expected_path.read_text()
    if expected != text:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{rel} (expected: {expected_path.name})",
                tofile=f"{rel} (actual)",
            )
        )
        how = (
            "its expected file is hand-written (KNOWN_BUGS); edit it by hand"
            if rel in KNOWN_BUGS
            else "FERRUMBA_BLESS=1 rewrites it, if the new output is right"
        )
        pytest.fail(f"snapshot mismatch for {rel} ({how}):\n{diff}", pytrace=False)


def _params():
    out = []
    for kind in KINDS:
        for path in sorted((ROOT / kind).glob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[rel])] if rel in KNOWN_BUGS else []
            out.append(pytest.param(path, id=rel, marks=marks))
    return out


@pytest.mark.parametrize("path", _params())
def test_snapshot(path):
    check_snapshot(path)


def test_known_bugs_exist():
    missing = [rel for rel in KNOWN_BUGS if not (ROOT / rel).exists()]
    assert not missing, f"KNOWN_BUGS names inputs that do not exist: {missing}"
