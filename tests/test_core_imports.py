"""The core imports no Telegram library (DESIGN principle 1)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import ROOT

FORBIDDEN = ("telegram", "aiogram")


def test_core_modules_import_without_telegram_libraries() -> None:
    script = textwrap.dedent(
        f"""
        import importlib, pkgutil, sys
        FORBIDDEN = {FORBIDDEN!r}

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in FORBIDDEN:
                    raise ImportError("core imported " + name)
                return None

        sys.meta_path.insert(0, Block())
        import bot
        names = [m.name for m in pkgutil.walk_packages(bot.__path__, "bot.")]
        names = [n for n in names if ".migrations" not in n and not n.endswith("__main__")]
        for name in names:
            importlib.import_module(name)
        leaked = [m for m in sys.modules if m.split(".")[0] in FORBIDDEN]
        assert not leaked, leaked
        print(len(names))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 20  # it really walked the package
