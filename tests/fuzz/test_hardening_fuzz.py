"""Hypothesis fuzzing of what a user controls (issue 14): preferences files, GAN sidecars and the command
line's numbers. Nothing may escape as a traceback: preferences load (with a one-line note) and save back
cleanly, sidecars load or raise CheckpointError, commands exit 2 with one line or reach their work.
Bounded: a few dozen examples each, well under 30 s together."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


# --- preferences ---------------------------------------------------------------------------------------

field_values = {
    "device": st.one_of(st.sampled_from(["auto", "cpu", "cuda", "tpu", ""]), json_values),
    "quality": st.one_of(st.sampled_from(["draft", "balanced", "fine", "ultra"]), json_values),
    "vgg19_weights": st.one_of(st.text(max_size=30), json_values),
    "autosave_minutes": json_values,
    "version": json_values,
    "sections": st.one_of(
        st.dictionaries(
            st.sampled_from(["palette", "stylize", "gan", "composition", "x"]),
            st.one_of(st.dictionaries(st.text(max_size=10), json_values, max_size=5), json_values),
            max_size=5,
        ),
        json_values,
    ),
}
pref_docs = st.fixed_dictionaries({}, optional=field_values)


def _dump(value) -> str:
    return json.dumps(value, allow_nan=True)


@FUZZ
@given(doc=st.one_of(pref_docs, json_values), depth=st.integers(0, 3000))
def test_fuzz_preferences_never_break_loading_or_saving(tmp_path_factory, doc, depth):
    from studio.state.preferences import DEVICES, QUALITIES, load_preferences, save_preferences

    folder = tmp_path_factory.mktemp("prefs")
    path = folder / "preferences.json"
    text = _dump(doc)
    if depth > 2000:  # now and then, a file nested far deeper than the JSON reader can follow
        text = "[" * depth * 20 + "]" * depth * 20
    path.write_text(text)
    prefs, problem = load_preferences(path)
    assert prefs.device in DEVICES and prefs.quality in QUALITIES
    assert isinstance(prefs.vgg19_weights, str) and isinstance(prefs.sections, dict)
    assert all(isinstance(v, dict) for v in prefs.sections.values())
    assert problem is None or "\n" not in problem
    save_preferences(prefs, path)
    again, second = load_preferences(path)
    assert second is None, second  # what we write back is clean
    assert again.sections == prefs.sections and again.device == prefs.device


# --- sidecars --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    import torch

    from models.gan import Checkpoint, GanArch, save_checkpoint
    from models.gan.networks import Discriminator, Generator

    arch = GanArch(resolution=32, z_dim=16, ngf=8, ndf=8)
    torch.manual_seed(0)
    g = Generator(arch)
    path = tmp_path_factory.mktemp("fuzzgan") / "m.safetensors"
    save_checkpoint(path, Checkpoint(arch, g.state_dict(), g.state_dict(), Discriminator(arch).state_dict()))
    return path, json.loads(path.with_suffix(".json").read_text())


sidecar_edits = st.dictionaries(
    st.sampled_from(
        [
            "steps",
            "resolution",
            "trainable",
            "format",
            "date",
            "arch",
            "arch.ngf",
            "arch.z_dim",
            "arch.resolution",
            "arch.ndf",
        ]
    ),  # fmt: skip
    st.one_of(
        json_values, st.integers(min_value=0, max_value=4096), st.sampled_from([8, 16, 32, 64, 600, 200000])
    ),
    min_size=1,
    max_size=3,
)


@FUZZ
@given(edits=sidecar_edits)
def test_fuzz_sidecars_load_or_give_a_checkpoint_error(tiny_checkpoint, edits):
    from models.gan import CheckpointError, GanModel

    path, info = tiny_checkpoint
    doc = json.loads(json.dumps(info))
    for key, value in edits.items():
        if key.startswith("arch."):
            if isinstance(doc.get("arch"), dict):
                doc["arch"][key[5:]] = value
        else:
            doc[key] = value
    side = path.with_suffix(".json")
    side.write_text(_dump(doc))
    try:
        model = GanModel.load(path)
    except CheckpointError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert model.sample([1], 0.7)[0].pixels.shape == (32, 32, 3)
    finally:
        side.write_text(json.dumps(info))


# --- command-line numbers -------------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["nan", "inf", "-inf", "1e9", "1e400", "0x10", "", " 3", "3.5", "1_000", "٣", "0", "1"]),
    st.text(max_size=6),
)


class ReachedWork(Exception):
    """The command accepted its numbers and started the real work (which the fuzzer skips)."""


def _run(argv) -> None:
    from studio.cli import main

    try:
        code = main(argv)
    except ReachedWork:
        return
    except SystemExit as exc:  # argparse's own refusal (type=int): exit 2 with usage
        assert exc.code == 2
        return
    assert code in (0, 2)


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    import numpy as np
    from PIL import Image

    path = tmp_path_factory.mktemp("fuzzcli") / "p.png"
    pixels = np.zeros((24, 32, 3), np.uint8)
    pixels[:, 16:] = (200, 100, 30)
    Image.fromarray(pixels).save(path)
    return path


@FUZZ
@given(width=numbers, opacity=numbers, grid=st.one_of(numbers, st.sampled_from(["4x3", "0x0", "99x1"])))
def test_fuzz_compose_numbers(photo, width, opacity, grid):
    out = photo.with_name("guide.png")
    _run(["compose", str(photo), "--guide", "grid", f"--width={width}", f"--opacity={opacity}",
          f"--grid={grid}", "-o", str(out)])  # fmt: skip


@FUZZ
@given(colors=numbers, region=st.one_of(st.lists(numbers, min_size=4, max_size=4).map(",".join), numbers))
def test_fuzz_palette_numbers(photo, colors, region):
    _run(["palette", str(photo), f"--colors={colors}", f"--region={region}", "--json"])


@FUZZ
@given(count=numbers, size=numbers, truncation=numbers, seed=numbers)
def test_fuzz_gan_sample_numbers(tiny_checkpoint, monkeypatch, count, size, truncation, seed):
    from models.gan.sampling import GanModel

    def reached(self, *args, **kwargs):
        raise ReachedWork

    monkeypatch.setattr(GanModel, "sample", reached)
    path, _ = tiny_checkpoint
    out = path.with_name("fuzz-samples")
    _run(["gan", "sample", "--checkpoint", str(path), f"--count={count}", f"--size={size}",
          f"--truncation={truncation}", f"--seed={seed}", "-o", str(out)])  # fmt: skip


@FUZZ
@given(size=numbers, strength=numbers, balance=numbers, scale=numbers, seed=numbers, weights=numbers)
def test_fuzz_stylize_numbers(photo, monkeypatch, size, strength, balance, scale, seed, weights):
    import models.style

    def reached(*args, **kwargs):
        raise ReachedWork

    monkeypatch.setattr(models.style, "stylize", reached)
    _run(["stylize", str(photo), str(photo), "-o", str(photo.with_name("out.png")), f"--size={size}",
          f"--strength={strength}", f"--balance={balance}", f"--style-scale={scale}", f"--seed={seed}",
          f"--style-weights={weights}"])  # fmt: skip


# --- panel settings (through the panels' declared SettingsSpec) ----------------------------------------


def _panel_specs():
    import importlib

    from studio.panels import PANELS

    specs = []
    for _title, module_name, class_name in PANELS:
        spec = getattr(getattr(importlib.import_module(module_name), class_name), "SETTINGS", None)
        if spec is not None:
            specs.append(spec)
    return specs


def _section(spec):
    names = [s.name for s in spec.fields]
    defaults = [s.default for s in spec.fields]
    return st.dictionaries(
        st.sampled_from([*names, "version", "stray"]),
        st.one_of(json_values, st.sampled_from(defaults)),
        max_size=len(names) + 2,
    )


@FUZZ
@given(data=st.data())
def test_fuzz_panel_settings_fall_back_field_by_field(data):
    from studio.state.panel_settings import PanelSettings

    for spec in _panel_specs():
        raw = data.draw(st.one_of(_section(spec), json_values), label=spec.section)
        sections = {spec.section: raw}
        settings = PanelSettings(spec, sections, lambda: None)
        for setting in spec.fields:
            assert setting.accepts(settings[setting.name]), (spec.section, setting.name)
        assert all(isinstance(n, str) and "\n" not in n for n in settings.notes)
        # What would be written back is clean: read again, nothing falls back.
        assert spec.read(json.loads(json.dumps(sections[spec.section])))[1] == []


@settings(max_examples=3, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=st.data())
def test_fuzz_no_settings_file_keeps_a_panel_from_starting(qtbot, data):
    from studio.main_window import MainWindow
    from studio.panels import PANELS
    from studio.state import preferences as prefs_mod

    sections = {spec.section: data.draw(_section(spec), label=spec.section) for spec in _panel_specs()}
    path = prefs_mod.preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_dump({"quality": "fine", "sections": sections}))
    window = MainWindow()
    qtbot.addWidget(window)
    try:
        assert {title for title, _, _ in PANELS} <= set(window.panels)
    finally:
        window.close()
