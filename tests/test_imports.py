"""The package's imports form a DAG in notebook order, and no module uses another module's private names.

A newcomer's map of the code: `python tests/test_imports.py` lists each module's bfbnb imports in notebook
order (lazy ones, inside functions, marked), the same data the tests below check.
"""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# none: an import that goes up the notebook order must be justified here (it is a cycle in the making)
KNOWN_UPWARD = set()
REACH_INS = re.compile(r"\._inbound_nodes|__dict__\s*[\[.]|\._label_chunk|\b(?!self\.)[a-z_]+\._graph\(")


def notebooks() -> dict:
    "Module name -> the notebook it is exported from, in notebook order."
    found = {}
    for path in (ROOT / "bfbnb").glob("*.py"):
        match = re.search(r"File to edit: \.\./nbs/(\S+?)\.ipynb", path.read_text())
        if match: found[path.stem] = match.group(1)
    return dict(sorted(found.items(), key=lambda item: item[1]))


def bfbnb_imports(module: str) -> list[tuple[str, list[str], bool]]:
    "(imported module, names, lazy) for every bfbnb import of `module`, in source order."
    tree = ast.parse((ROOT / "bfbnb" / f"{module}.py").read_text())
    top = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = node.module if node.level == 0 else (node.module or "")
            if node.level == 0 and not (target or "").startswith("bfbnb."): continue
            if node.level > 1: continue
            name = target.split(".")[-1] if node.level == 0 else target
            out.append((name, [alias.name for alias in node.names], id(node) not in top, node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("bfbnb."): out.append((alias.name.split(".")[1], [], id(node) not in top, node.lineno))
    return [(name, names, lazy) for name, names, lazy, _ in sorted(out, key=lambda item: item[3])]


def listing() -> str:
    order = notebooks()
    lines = []
    for module, notebook in order.items():
        parts = [f"{name}{' (lazy)' if lazy else ''}" for name, _, lazy in bfbnb_imports(module)]
        lines.append(f"{notebook:<18} {module:<12} <- {', '.join(dict.fromkeys(parts)) or '-'}")
    return "\n".join(lines)


def test_imports_follow_notebook_order():
    order = notebooks()
    assert len(order) >= 20, order
    upward = {(module, name) for module in order for name, _, _ in bfbnb_imports(module) if name in order and order[name] >= order[module]}
    assert upward <= KNOWN_UPWARD, f"imports that go up the notebook order (a cycle in the making): {sorted(upward - KNOWN_UPWARD)}\n{listing()}"


def test_no_module_imports_a_private_name_of_another():
    order = notebooks()
    private = [(module, name, names) for module in order for name, names, _ in bfbnb_imports(module) if any(n.startswith("_") for n in names)]
    assert not private, private


def test_no_reach_into_private_state():
    found = [f"{path.name}:{number}: {line.strip()}" for path in sorted((ROOT / "bfbnb").glob("*.py")) if path.name != "_modidx.py"
             for number, line in enumerate(path.read_text().splitlines(), 1) if REACH_INS.search(line)]
    assert not found, found


if __name__ == "__main__":
    print(listing())
