"""`numpynn plot ...`: every option explained, and a default output file."""
import argparse

import pytest

from tests.cli_helpers import run

visual_cli = pytest.importorskip("numpynn.visual.cli", reason="numpynn.visual is not installed")


def _pictures():
    parser = argparse.ArgumentParser()
    commands = visual_cli._add_commands(parser)
    return commands.choices


@pytest.mark.parametrize("picture", sorted(_pictures()))
def test_every_option_has_a_help_line(picture):
    parser = _pictures()[picture]
    for action in parser._actions:
        assert action.help, f"plot {picture}: {action.option_strings or action.dest} has no help"
    assert parser.get_default("out") == f"{picture}.png"


def test_out_defaults_to_the_picture_name_and_is_printed(capsys, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib", reason="drawing needs matplotlib (numpynn[plot])")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "plot", "activations")
    assert code == 0
    assert "wrote activations.png" in out
    assert (tmp_path / "activations.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_help_names_the_default_output(capsys):
    code, out, _ = run(capsys, "plot", "history", "--help")
    assert code == 0
    assert "default: history.png" in " ".join(out.split())
