"""Interop: Keras model files in and out, ONNX out.

- ``numpynn.models.load_model("m.keras")`` / ``("m.h5")`` read Keras 3 archives and legacy
  Keras HDF5 files (:mod:`.keras_archive`, :mod:`.keras_h5`), decided by content;
- ``model.save("m.keras")`` writes a Keras 3 archive that ``keras.models.load_model`` reads;
- ``model.export("m.onnx", format="onnx")`` writes an ONNX graph (:mod:`.onnx_export`).

What maps to what lives in one table per target: :mod:`.keras_objects` and
:mod:`.onnx_layers`. h5py (``numpynn[keras]``) and onnx (``numpynn[onnx]``) are imported only
when a file needs them. See docs/interop.md.
"""
