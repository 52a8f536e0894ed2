from autograder.examples import main

raise SystemExit(main())
