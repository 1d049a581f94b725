try:
    from geo.cli import main

    raise SystemExit(main())
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing was done yet
    raise SystemExit(130) from None
