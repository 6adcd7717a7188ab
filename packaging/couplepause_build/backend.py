"""The build backend: setuptools.build_meta as it is. Named in pyproject.toml with
backend-path "packaging" (PEP 517, a backend in the source tree), which is what lets
setup.py import couplepause_build while pip or build run it."""

from setuptools.build_meta import *  # noqa: F403 (every hook, as setuptools has it)
from setuptools.build_meta import __all__  # noqa: F401
