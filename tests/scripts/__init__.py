"""Tests of the repository's set-up scripts."""
