def main() -> int:
    from studio.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    raise SystemExit(main())
