"""What building couplepause needs beyond setuptools: the translations compiled
(catalogues.py) and the package page's readme (readme.py).

It is the project's build backend (pyproject.toml: build-backend
"couplepause_build.backend", backend-path "packaging"), so while the package is built
this package is importable, and setup.py imports it as any module. The backend is
setuptools' own, unchanged (backend.py).
"""
