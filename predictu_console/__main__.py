from predictu_console.cli import main

raise SystemExit(main())
