import subprocess
import sys
from pathlib import Path

from studio import cli

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_the_subcommands():
    proc = subprocess.run(
        [sys.executable, "-m", "studio", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0
    for name in ("gui",) + tuple(cli._available_commands()):
        assert name in proc.stdout


def test_unknown_subcommand_like_words_open_the_gui_with_paths(monkeypatch):
    opened = []
    monkeypatch.setattr(cli, "_start_gui", lambda paths: opened.append(list(paths)) or 0)
    assert cli.main(["photo.png", "sketch.jpg"]) == 0
    assert cli.main([]) == 0
    assert cli.main(["gui", "a.png"]) == 0
    assert opened == [["photo.png", "sketch.jpg"], [], ["a.png"]]


def test_cli_errors_exit_2_with_one_line(monkeypatch, capsys):
    from studio.commands._common import CliError

    def boom(args):
        raise CliError("photo.png: not an image")

    parser = cli.build_parser()
    args = parser.parse_args(["gui"])
    args.command, args._run = "test", boom
    monkeypatch.setattr(cli, "build_parser", lambda: type("P", (), {"parse_args": lambda self, a: args})())
    assert cli.main(["--help"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "atelier test: error: photo.png: not an image"
