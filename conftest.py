"""Root conftest: tests and doctests that need an optional extra skip, with the reason,
when the extra is not installed (the README's test command installs only '.[test]')."""

from __future__ import annotations

import importlib.util

import pytest

_SITES = ("tldextract", "resiliparse", "fastwarc", "trafilatura", "htmldate")

#: path fragment → (extra, the third-party modules its tests or doctests import)
_NEEDS = {
    "tests/test_readers_sites.py": ("sites", _SITES),
    "tests/test_sites_": ("sites", _SITES),
    "inconcert/sites/": ("sites", _SITES),
    "inconcert/readers/html.py": ("sites", ("tldextract", "resiliparse", "trafilatura", "htmldate")),
    "inconcert/readers/articles.py": ("sites", ("tldextract",)),
    "inconcert/readers/warc.py": ("sites", ("tldextract", "fastwarc")),
    "inconcert/simulate/sites.py": ("sites", ("tldextract", "resiliparse", "trafilatura", "htmldate")),
}


def _missing(mods: tuple[str, ...]) -> list[str]:
    return [m for m in mods if importlib.util.find_spec(m) is None]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = str(item.fspath).replace("\\", "/")
        for frag, (extra, mods) in _NEEDS.items():
            if frag in path:
                missing = _missing(mods)
                if missing:
                    item.add_marker(pytest.mark.skip(reason=f"needs the {extra} extra "
                                                     f"(pip install -e '.[{extra}]'): {', '.join(missing)}"))
