"""``python -m adapter.cli``: the same as the ``ondc-seller`` console script."""

from adapter.cli import main

main()
