from pairtui.cli import main

raise SystemExit(main())
