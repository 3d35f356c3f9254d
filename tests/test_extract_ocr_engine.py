"""The OCR engine's onnxruntime sessions (#16 speed)."""

from __future__ import annotations

from pipeline.extract.ocr.engine import THREADS, _engine


def test_the_models_run_on_the_set_threads_without_spinning():
    """onnxruntime's threads spin between operators by default, burning a core another
    worker could use (a page took 1.25 times the CPU)."""
    engine = _engine()
    for model in (engine._load_det_model(), engine._load_rec_model()):
        options = model.session.session.get_session_options()
        assert options.intra_op_num_threads == THREADS
        assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"


def test_the_models_take_denormal_floats_as_zero():
    """Floats too small to be normal are worked out in microcode, many times slower: a page
    took 15-19 % more CPU with them (#16 speed), its text the same."""
    engine = _engine()
    for model in (engine._load_det_model(), engine._load_rec_model()):
        options = model.session.session.get_session_options()
        assert options.get_session_config_entry("session.set_denormal_as_zero") == "1"
