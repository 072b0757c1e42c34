"""HDF5 files whose data lie in other files (external storage, an external link, a
virtual dataset): the tests that nothing read from a data file becomes a path
(tests/test_datasets.py, tests/test_streaming.py; their fixture h5_reads is in
conftest.py)."""

import h5py
import numpy as np


def other_h5(path, tmp_path, kind, name, value, rest):
    """An HDF5 file whose dataset ``name`` (``value``) lies in another file: HDF5
    external raw storage, an external link or a virtual dataset; ``rest``: its other
    datasets, stored in it. Returns the other file."""
    value = np.asarray(value)
    with h5py.File(path, "w") as f:
        for key, data in rest.items():
            f[key] = data
        if kind == "storage":
            other = tmp_path / "secret.bin"
            other.write_bytes(value.tobytes())
            f.create_dataset(name, shape=value.shape, dtype=value.dtype,
                             external=[(str(other), 0, value.nbytes)])
            return other
        other = tmp_path / "target.h5"
        with h5py.File(other, "w") as g:
            g["data"] = value
        if kind == "link":
            f[name] = h5py.ExternalLink(str(other), "/data")
        else:
            layout = h5py.VirtualLayout(shape=value.shape, dtype=value.dtype)
            layout[...] = h5py.VirtualSource(str(other), "data", shape=value.shape)
            f.create_virtual_dataset(name, layout)
    return other


OUT_OF_FILE = {
    "storage": "keeps its data in other files (HDF5 external storage)",
    "link": "is a link to another file (an external link)",
    "virtual": "is a virtual dataset (its data are read from other files)",
}


def assert_refused_unread(message, path, name, kind, reads, other):
    """The one-line refusal of ``path``'s dataset ``name`` (of ``kind``), and no read of
    the other file, of external storage or of a virtual dataset among ``reads``."""
    assert message == (f"{path}: not a readable HDF5 file: dataset {name!r} "
                       f"{OUT_OF_FILE[kind]}, which nnscratch does not follow; store the "
                       "data in the file itself and give that file")
    assert not [r for r in reads if r[0] == other.resolve() or r[1] is not None or r[2]]
