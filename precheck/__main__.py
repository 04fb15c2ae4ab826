from precheck.cli import main

raise SystemExit(main())
