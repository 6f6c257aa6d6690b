"""`python -m tqp.shell`: the same as `tqp-shell`."""

from tqp.shell.cli import main

raise SystemExit(main())
