"""Command line: ``detente validate|forecast|import|cases|analyze``."""

from detente.cli.app import app, main

__all__ = ["app", "main"]
