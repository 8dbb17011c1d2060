"""`transcripts` stands on its own: it must never import `annotations`."""

import ast
from pathlib import Path

TRANSCRIPTS = Path(__file__).resolve().parent.parent / "transcripts"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_transcripts_never_imports_annotations():
    offenders = {
        str(path.relative_to(TRANSCRIPTS.parent)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] == "annotations"
        )
        for path in TRANSCRIPTS.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
