"""Allow ``python -m smolny`` as a synonym for the ``smolny`` console script."""

from smolny.cli import main

raise SystemExit(main())
