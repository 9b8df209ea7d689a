"""The layout the README promises, kept by tests.

The code: no module over 400 lines, and no module reaches into another's private
(``_underscored``) names. The test suite: test modules share helpers through
tests/support.py and fixtures through conftest.py, never by importing one another.
(Import layers and cycles are import-linter's, run by ``make test``.)
"""

import ast
from pathlib import Path

TESTS = Path(__file__).parent
ROOT = TESTS.parent
PACKAGES = ("petitions", "verification", "scheduler", "topology")
MAX_LINES = 400


def project_modules() -> list[Path]:
    return sorted(
        path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    )


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def is_project_module(module: str, level: int) -> bool:
    return level > 0 or module.split(".")[0] in PACKAGES


def private_names_used(source: str) -> list[str]:
    """Return the private names ``source`` imports or reads from a project module."""
    tree = ast.parse(source)
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and is_project_module(
            node.module or "", node.level
        ):
            for alias in node.names:
                if is_private(alias.name):
                    found.append(alias.name)
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if is_project_module(alias.name, 0):
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and is_private(node.attr)
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_no_module_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in project_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these modules by what they do: {long}"


def test_no_module_uses_another_modules_private_names():
    offenders = {
        str(path.relative_to(ROOT)): names
        for path in project_modules()
        if (names := private_names_used(path.read_text(encoding="utf-8")))
    }
    assert not offenders, (
        "a private name is the business of its own module: make it public (and "
        f"documented) or move the code that needs it: {offenders}"
    )


def test_the_private_name_check_sees_imports_and_attributes():
    source = "\n".join(
        [
            "from petitions.signing.operations import _answer_repeat, confirm",
            "from . import views",
            "from .views import _helper as helper",
            "import petitions.dates",
            "from sqlalchemy import func",
            "views._bp",
            "petitions._private",
            "func._private_of_a_library",
            "views.__name__",
        ]
    )
    assert sorted(private_names_used(source)) == [
        "_answer_repeat",
        "_helper",
        "petitions._private",
        "views._bp",
    ]


def is_test_module(path: Path) -> bool:
    return path.name.startswith("test_") or path.name == "conftest.py"


def imported_test_modules(source: str) -> list[str]:
    """Return the test modules and conftests that ``source`` imports, as written."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            # ``from . import test_x`` and ``from tests import conftest`` name the
            # module among the imported names.
            joiner = "" if base.endswith(".") else "."
            modules = [base] + [f"{base}{joiner}{alias.name}" for alias in node.names]
        else:
            continue
        for module in modules:
            parts = [part for part in module.split(".") if part]
            if any(is_test_module(Path(f"{part}.py")) for part in parts):
                found.append(module)
                break
    return found


def test_no_test_module_imports_another_test_module_or_a_conftest():
    # Helper modules (support.py, browser/pages.py) are held to the same rule.
    offenders = {}
    for path in sorted(TESTS.rglob("*.py")):
        if "node_modules" in path.parts:
            continue
        imports = imported_test_modules(path.read_text(encoding="utf-8"))
        if imports:
            offenders[str(path.relative_to(TESTS.parent))] = imports
    assert not offenders, (
        "modules under tests/ import a test module or a conftest (move the shared "
        "helpers to tests/support.py, or make them fixtures in conftest.py):\n"
        + "\n".join(
            f"  {file}: {', '.join(names)}" for file, names in offenders.items()
        )
    )


def test_the_layout_check_sees_every_way_of_importing_a_test_module():
    source = "\n".join(
        [
            "from .conftest import csrf_token",
            "from ..conftest import STAFF_PASSWORD",
            "from .test_secretariat import sign_in",
            "from . import test_receipts",
            "from tests import conftest",
            "import tests.test_public_lifecycle",
            "def helper():",
            "    from .test_dossier import export",
            "from .support import csrf_token",
            "from .browser.pages import PAGES",
            "import pytest",
        ]
    )
    assert set(imported_test_modules(source)) == {
        ".conftest",
        "..conftest",
        ".test_secretariat",
        ".test_receipts",
        "tests.conftest",
        "tests.test_public_lifecycle",
        ".test_dossier",
    }
