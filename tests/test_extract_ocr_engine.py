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


def test_the_callers_thread_keeps_denormal_floats():
    """onnxruntime sets flush-to-zero in the thread that makes a session: that must not be
    the pipeline's own thread, where every later float operation would change."""
    import numpy as np

    from pipeline.extract.ocr.engine import DETECTION_MODEL, session

    made = session(DETECTION_MODEL)
    made.run(None, {made.get_inputs()[0].name: np.zeros((1, 3, 32, 32), dtype=np.float32)})
    tiny = 1e-310  # below the smallest normal double, 2.2e-308
    # compared as bits: with denormals taken as zero, tiny == 0.0 would hold too
    assert (tiny * 1.0).hex() == tiny.hex() != (0.0).hex()
    assert float(np.float64(tiny) * 1.0).hex() == tiny.hex()
