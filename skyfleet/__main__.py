from skyfleet.cli import main

raise SystemExit(main())
