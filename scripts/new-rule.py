#!/usr/bin/env python3
"""Creates a new rule: its file with `pub static RULE`, its explanation, its fixture, and its
line in the family's `mod.rs`.

    npm run new-rule -- CACHE023 cache-key-without-version cache [--fix safe|unsafe]
    python3 scripts/new-rule.py CACHE023 cache-key-without-version cache

The rule compiles at once and its tests fail until it is filled in: the bad example raises
nothing and the fixture expects a hit nobody raises (`cargo test -p wagcheck --test
rule_examples --test fixtures` says so). Fill in the places marked TODO, then regenerate what
is generated from the catalogue (docs/rules.md, the README's rule table and, for a rule with a
fix, its fix snapshot) and review the diff:

    WAGCHECK_UPDATE_SNAPSHOTS=1 cargo test -p wagcheck

`--root DIR` works on another checkout (the test, tests/new-rule.sh, uses a copy).
"""

import argparse
import re
import sys
from pathlib import Path

# A family is a folder of crate/src/rules with a `pub static RULES` list; its `Category`.
CATEGORIES = {
    "cache": "Cache",
    "orm": "Orm",
    "drf": "Drf",
    "wagtail": "Wagtail",
    "signals": "Signals",
    "imports": "Imports",
}

RULE_RS = '''//! {id}: TODO: what the rule finds, in one line.

use crate::context::FileContext;
use crate::diagnostic::{{{diagnostic_imports}}};
use crate::rule::{{Check, Rule}};

pub static RULE: Rule = Rule {{
    id: "{id}",
    name: "{name}",
    severity: Severity::Warning,
    category: Category::{category},
    // Shown with every hit: what is wrong and what to do, as a sentence.
    message: "TODO: what is wrong and what to do instead",
    explanation: crate::rule::explanation!("{module}.md"),
    bad: BAD,
    fixed: FIXED,
    fix: {fix},
    check: Check::File(check),
}};

/// Code that raises the rule, as a user would write it (`# file: path` lines make
/// several files). A test requires it to raise {id}.
const BAD: &str = r#"# TODO: code that raises {id}
"#;

/// The same code written correctly. A test requires it to raise no rule at all.
const FIXED: &str = r#"# TODO: the same code, fixed
"#;

/// TODO: find the pattern. `ctx.nodes("call")` gives every node of a kind from the
/// engine's one walk; `ctx.method_calls(&["get"])` each call of those methods with its
/// receiver and arguments; see README, "Adding a rule". Push a `Hit::node(node)` for
/// each place that is wrong{fix_hint}.
fn check(ctx: &FileContext, hits: &mut Vec<Hit>) {{
    let _ = (ctx, hits);
}}
'''

EXPLANATION_MD = '''## What it does
TODO: what {id} flags, and what it leaves alone.

## Why is this bad?
TODO: what goes wrong at run time, checked against Django's, DRF's or Wagtail's own source
(name the version where an API appeared).
'''

FIX_SAFETY_MD = '''
## Fix safety
TODO: why the fix is {fix} (what behaviour it keeps or changes).
'''

FIXTURE_PY = '''# {id} ({name}). Every line marked with an `expect: {id}` comment must raise it; every
# other line must stay silent (crate/tests/fixtures.rs).
# TODO: the kinds of code the rule must flag, and the near misses it must not.
'''


def fail(message):
    print(f"new-rule: error: {message}", file=sys.stderr)
    sys.exit(2)


def register(mod_rs: Path, module: str) -> str:
    """The family's mod.rs with `pub mod <module>;` among the sorted `pub mod` lines and
    `&<module>::RULE,` at the end of `RULES`."""
    lines = mod_rs.read_text().splitlines(keepends=True)
    mods = [i for i, line in enumerate(lines) if re.fullmatch(r"pub mod \w+;\n", line)]
    if not mods:
        fail(f"{mod_rs} has no `pub mod` lines")
    at = next((i for i in mods if lines[i] > f"pub mod {module};\n"), mods[-1] + 1)
    lines.insert(at, f"pub mod {module};\n")
    start = next((i for i, line in enumerate(lines) if line.startswith("pub static RULES")), None)
    if start is None:
        fail(f"{mod_rs} has no `pub static RULES` list")
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("];")), None)
    if end is None:
        fail(f"{mod_rs}: the `RULES` list has no end (`];`)")
    lines.insert(end, f"    &{module}::RULE,\n")
    return "".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("id", help="the new rule's id, e.g. CACHE023 (never reuse one)")
    parser.add_argument("name", help="its kebab-case name, e.g. cache-key-without-version")
    parser.add_argument("family", help=f"its family: {', '.join(CATEGORIES)}")
    parser.add_argument("--fix", choices=["safe", "unsafe"], help="the kind of fix it offers")
    parser.add_argument("--root", default=Path(__file__).resolve().parent.parent, type=Path)
    args = parser.parse_args()

    if not re.fullmatch(r"[A-Z]+[0-9]{3}", args.id):
        fail(f"`{args.id}` is not an id like CACHE023 (capital letters, then three digits)")
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", args.name):
        fail(f"`{args.name}` is not a kebab-case name like cache-key-without-version")
    if args.family not in CATEGORIES:
        fail(f"unknown family `{args.family}`: one of {', '.join(CATEGORIES)}")
    rules = args.root / "crate/src/rules"
    family = rules / args.family
    mod_rs = family / "mod.rs"
    if not mod_rs.is_file():
        fail(f"{mod_rs} not found (is --root a wagcheck checkout?)")
    for path in rules.rglob("*.rs"):
        text = path.read_text()
        if f'id: "{args.id}"' in text:
            fail(f"{args.id} is taken by {path.relative_to(args.root)}")
        if f'name: "{args.name}"' in text:
            fail(f"the name {args.name} is taken by {path.relative_to(args.root)}")
    module = args.name.replace("-", "_")
    fixture = args.root / "crate/tests/fixtures" / args.family / f"{module}.py"
    files = {
        family / f"{module}.rs": RULE_RS.format(
            id=args.id,
            name=args.name,
            module=module,
            category=CATEGORIES[args.family],
            diagnostic_imports="Applicability, Category, Hit, Severity"
            if args.fix
            else "Category, Hit, Severity",
            fix=f"Some(Applicability::{args.fix.capitalize()})" if args.fix else "None",
            fix_hint=(
                ", with `.with_fix(title, vec![Edit::...])` (crate::diagnostic::Edit) where the"
                " edit is mechanical"
                if args.fix
                else ""
            ),
        ),
        family / f"{module}.md": EXPLANATION_MD.format(id=args.id)
        + (FIX_SAFETY_MD.format(fix=args.fix) if args.fix else ""),
        fixture: FIXTURE_PY.format(id=args.id, name=args.name),
    }
    for path in files:
        if path.exists():
            fail(f"{path.relative_to(args.root)} exists already")
    registered = register(mod_rs, module)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"created {path.relative_to(args.root)}")
    mod_rs.write_text(registered)
    print(f"registered {args.id} in {mod_rs.relative_to(args.root)}")
    print(
        "next: fill in the TODOs (the rule's tests fail until then:"
        " cargo test -p wagcheck --test rule_examples --test fixtures),"
        " then WAGCHECK_UPDATE_SNAPSHOTS=1 cargo test -p wagcheck and review the diff"
    )


if __name__ == "__main__":
    main()
